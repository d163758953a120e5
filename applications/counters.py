"""The counts per (batch, division, status) that the staff queues show (``StatusCount``).

Counting 80,000 applications to draw three tabs costs more than the page; the counts are therefore
kept, and written where an application's status is written:

- ``application_transition`` (the one function that moves an application) calls ``status_count_move``
  under the row lock, in its transaction: the move and its count commit or roll back together;
- ``application_create`` calls ``status_count_add`` for the new draft;
- an enterprise moving to another division carries its applications' counts along
  (``enterprise_division_moved``, called on the enterprise's save: enterprises cannot import this app).

Nothing else writes an application's status (a test greps for it). ``status_counts_recount`` is the
truth they are checked against: ``manage.py check_status_counters`` reports any difference and, with
``--fix``, rewrites the table from it (after a bulk load that bypassed the services, for instance).

The counter rows of one key are updated with one ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and
SQLite alike), the keys sorted, so that two moves in opposite directions lock rows in the same order.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Sum

from applications.models import Application, StatusCount


def _apply(deltas):
    """Add each delta of ``{(batch_id, division_id, status): delta}`` to its row (created at 0)."""
    rows = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not rows:
        return
    table = connection.ops.quote_name(StatusCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [
        value for (batch_id, division_id, status), delta in rows for value in (batch_id, division_id, status, delta)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (batch_id, division_id, status, total) VALUES {values} "  # noqa: S608 - names are ours
            f"ON CONFLICT (batch_id, division_id, status) DO UPDATE SET total = {table}.total + excluded.total",
            params,
        )


def status_count_add(*, batch_id, division_id, status, delta=1):
    """Count one more (or ``delta`` more) application of ``batch_id`` and ``division_id`` in ``status``."""
    _apply({(batch_id, division_id, status): delta})


def status_count_move(*, batch_id, division_id, source, target):
    """One application of ``batch_id`` and ``division_id`` moved from ``source`` to ``target``."""
    if source != target:
        _apply({(batch_id, division_id, source): -1, (batch_id, division_id, target): 1})


def enterprise_division_moved(*, enterprise_id, old_division_id, new_division_id):
    """The enterprise moved to another division: its applications are counted in the new one."""
    if old_division_id == new_division_id or old_division_id is None or new_division_id is None:
        return
    per_key = (
        Application.objects.filter(enterprise_id=enterprise_id)
        .order_by()
        .values_list("batch_id", "status")
        .annotate(n=Count("id"))
    )
    deltas = Counter()
    for batch_id, status, n in per_key:
        deltas[(batch_id, old_division_id, status)] -= n
        deltas[(batch_id, new_division_id, status)] += n
    _apply(deltas)


def status_counts_recount():
    """{(batch_id, division_id, status): n} counted from the applications themselves (one query)."""
    rows = (
        Application.objects.order_by()
        .values_list("batch_id", "enterprise__division_id", "status")
        .annotate(n=Count("id"))
    )
    return {(batch_id, division_id, status): n for batch_id, division_id, status, n in rows}


def status_counts_kept():
    """{(batch_id, division_id, status): n} as the counter table holds them (zeros left out)."""
    rows = StatusCount.objects.exclude(total=0).values_list("batch_id", "division_id", "status", "total")
    return {(batch_id, division_id, status): n for batch_id, division_id, status, n in rows}


def status_counts_differences():
    """[(key, kept, counted)] where the table and a recount disagree, sorted by key."""
    kept, counted = status_counts_kept(), status_counts_recount()
    return sorted(
        (key, kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    )


@transaction.atomic
def status_counts_rebuild():
    """Rewrite the counter table from a recount; returns the differences it repaired.

    Locks the table against the transitions' updates for the moment of the rewrite (PostgreSQL), so a
    move committing meanwhile is not lost."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(StatusCount._meta.db_table)} IN EXCLUSIVE MODE")
    differences = status_counts_differences()
    for (batch_id, division_id, status), _kept, counted in differences:
        StatusCount.objects.update_or_create(
            batch_id=batch_id, division_id=division_id, status=status, defaults={"total": counted}
        )
    StatusCount.objects.filter(total=0).delete()
    return differences


def counted(*, statuses, batch_id=None, division_id=None):
    """{status: n} of the kept counts over ``statuses``, of one batch and one division if given (one
    query over at most batches × divisions × statuses rows)."""
    rows = StatusCount.objects.filter(status__in=statuses)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    if division_id is not None:
        rows = rows.filter(division_id=division_id)
    sums = rows.order_by().values_list("status").annotate(n=Sum("total")).values_list("status", "n")
    return {status: n for status, n in sums if n}


def counted_by_key(*, statuses, batch_id=None, division_id=None):
    """{(channel, division_id, status): n} of the kept counts over ``statuses``, of one batch and one
    division if given: the statistics page's breakdowns by status, division and channel, from one query
    over at most batches × divisions × statuses rows."""
    rows = StatusCount.objects.filter(status__in=statuses)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    if division_id is not None:
        rows = rows.filter(division_id=division_id)
    sums = (
        rows.order_by()
        .values_list("batch__channel", "division_id", "status")
        .annotate(n=Sum("total"))
        .values_list("batch__channel", "division_id", "status", "n")
    )
    return {(channel, division, status): n for channel, division, status, n in sums if n}
