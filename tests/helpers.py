"""Assertion helpers shared by the suite."""

import threading

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from applications.models import Application
from zaozhuang_titles.models import AuditEvent

#: The apps whose tables a refused request must leave as they were: every installed app of the project
#: that has models (``dashboard`` has none).
OUR_APPS = (
    "zaozhuang_titles",
    "enterprises",
    "training",
    "applications",
    "reviews",
    "results",
    "surveys",
    "library",
    "consultations",
    "inspections",
    "api",
)


def assert_constant_queries(django_assert_num_queries, render, add_item, *, expected):
    """Assert that ``render()`` runs ``expected`` queries with 1 item and with 3 (pretalx pins a literal
    number for each list view, so that a new query per page shows up in review, not only a new query
    per item). ``expected`` is required: every caller pins a literal number, measured on SQLite.

    ``add_item()`` creates one more row of what the page lists. The page is rendered once with 1 item to
    warm caches, then measured with 1 item and with 3. Returns the count (``expected``).
    """
    add_item()
    render()  # warm caches (content types, sessions) so that the measured renders compare like with like
    with django_assert_num_queries(expected):
        response = render()
    assert response.status_code == 200
    add_item()
    add_item()
    with django_assert_num_queries(expected):
        response = render()
    assert response.status_code == 200
    return expected


def walk_keyset_pages(client, url, params=None, *, query=""):
    """Every page of a keyset-paged list (``zaozhuang_titles.keyset``), following its "next" cursor from
    the first page: the responses, in order. Each page's "next" link must carry ``query`` (the list's
    filter, as the page writes it) before its cursor, so that a filtered list stays filtered."""
    params = dict(params or {})
    pages = [client.get(url, params)]
    while cursor := pages[-1].context["page"].next_cursor:
        link = f'href="?{query}&amp;after=' if query else 'href="?after='
        assert link in pages[-1].content.decode(), link
        pages.append(client.get(url, {**params, "after": cursor}))
    return pages


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


def refusal_of(service, **kwargs):
    """The messages by field with which ``service`` refuses ``kwargs``, in the portal's language (as a
    page shows them): for asserting that a page shows the service's own message."""
    with translation.override(settings.LANGUAGE_CODE):
        with pytest.raises(ValidationError) as refusal:
            service(**kwargs)
        return refusal.value.message_dict


def database_snapshot():
    """Row count and highest id of every model of our apps, and each application's status: what a
    refused request must leave as it was. Two queries in all (one ``UNION ALL`` of the counts), no table
    is read whole.

    The audit logs are the tables a refusal may write to: the portal's records the permission denial
    (``AuditEvent.Kind.PERMISSION_DENIED``), the API's the refused call (``ApiCall`` with a 4xx status).
    Their other rows are still counted."""
    quote = connection.ops.quote_name
    selects, params = [], []
    for label in OUR_APPS:
        try:
            models = apps.get_app_config(label).get_models()
        except LookupError:  # an app not installed on this branch
            continue
        for model in models:
            opts = model._meta
            # The names are the models' own table and columns, quoted; the values are parameters.
            pk = quote(opts.pk.column)
            # PostgreSQL has no MAX of a uuid: those keys are compared as text; the others as numbers, then
            # cast to text so that every branch of the UNION has the same column types.
            top = (
                f"MAX(CAST({pk} AS TEXT))" if opts.pk.get_internal_type() == "UUIDField" else f"CAST(MAX({pk}) AS TEXT)"
            )
            sql = f"SELECT %s, COUNT(*), {top} FROM {quote(opts.db_table)}"  # noqa: S608
            params.append(opts.label)
            if model is AuditEvent:
                sql += f" WHERE {quote(opts.get_field('kind').column)} <> %s"
                params.append(AuditEvent.Kind.PERMISSION_DENIED.value)
            elif opts.label == "api.ApiCall":
                # The API's own audit of calls records refused calls too (status 4xx).
                sql += f" WHERE {quote(opts.get_field('status').column)} < %s"
                params.append(400)
            selects.append(sql)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        snapshot = {label: (rows, top) for label, rows, top in cursor.fetchall()}
    snapshot["application statuses"] = dict(Application.objects.values_list("pk", "status"))
    return snapshot


def estimated_count_queries():
    """The query an unfiltered admin changelist adds on PostgreSQL: its row count estimated from
    ``pg_class`` (``EstimatedCountPaginator``); SQLite counts nothing then."""
    from django.db import connection

    return int(connection.vendor == "postgresql")
