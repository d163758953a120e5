"""Assertion helpers shared by the suite."""

import threading

from django.apps import apps
from django.db import connection, connections
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from zaozhuang_titles.models import AuditEvent

#: The apps whose tables a refused request must leave as they were ("results" once it exists).
OUR_APPS = ("zaozhuang_titles", "enterprises", "applications", "reviews", "results")


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


def database_snapshot():
    """Row count and highest id of every model of our apps, and each application's status: what a
    refused request must leave as it was. Two aggregates per model, no table is read whole.

    The audit log is the one table a refusal may write to: it records the permission denial
    (``AuditEvent.Kind.PERMISSION_DENIED``). Its other events are still counted."""
    snapshot = {}
    for label in OUR_APPS:
        try:
            models = apps.get_app_config(label).get_models()
        except LookupError:  # the results app does not exist yet on this branch
            continue
        for model in models:
            queryset = model._default_manager.all()
            if model is AuditEvent:
                queryset = queryset.exclude(kind=AuditEvent.Kind.PERMISSION_DENIED)
                snapshot[model._meta.label] = queryset.count()
                continue
            snapshot[model._meta.label] = queryset.aggregate(rows=Count("pk"), top=Max("pk"))
    snapshot["application statuses"] = dict(Application.objects.values_list("pk", "status"))
    return snapshot
