"""Assertion helpers shared by the suite."""

import threading

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(django_assert_num_queries, render, add_item):
    """Assert that ``render()`` runs as many queries with 3 items as with 1.

    ``add_item()`` creates one more row of what the page lists. The page is rendered once with 1 item
    to learn its count, then with 3 items under ``django_assert_num_queries`` with that same count.
    Returns the count so the caller can report or pin it.
    """
    add_item()
    render()  # warm caches (content types, sessions) so that the measured renders compare like with like
    with CaptureQueriesContext(connection) as one:
        response = render()
    assert response.status_code == 200
    add_item()
    add_item()
    with django_assert_num_queries(len(one.captured_queries)):
        response = render()
    assert response.status_code == 200
    return len(one.captured_queries)


def race(*attempts):
    """Run each ``attempt()`` in its own thread, all released at once by a barrier; return what each
    returned or raised, in order. Each thread closes its own database connections. For concurrency
    tests on PostgreSQL (``django_db(transaction=True)``), where row locks are real."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = attempt()
        except Exception as error:  # the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def admin_form_data(response):
    """The POST data of an admin change form as rendered: the object's fields and its inlines."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
