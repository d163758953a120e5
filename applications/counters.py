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

The working days spent at each step (``StayCount``) are kept the same way, for the statistics page:
``application_transition`` calls ``stay_count_move`` in its transaction under the row lock. A stay is
the time from one move of an application's log to the next (ordered by time, then id, as ``LAG`` pairs
them in ``stay_counts_recount``); its working days are the difference of the two local days' working-day
ordinals. The key holds the application's current status, so each move rereads the application's own log
(one indexed query, a few rows) and the calendar (one query, ``workdays.WorkingCalendar``: not cached
between calls, so a calendar entry saved in admin counts at once) and moves the application's stays from
the old status to the new one. A calendar entry saved or deleted in admin changes the working days of
past stays: it queues ``applications.rebuild_stay_counts`` (``applications.apps``), which rewrites them
from a recount.
"""

import datetime
import itertools
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from applications.models import Application, StatusCount, StayCount, Transition
from enterprises.models import Enterprise
from zaozhuang_titles.workdays import WorkingCalendar


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
    stays = Counter()
    for (batch_id, _division, status, step, target, days), n in stay_counts_recount(
        enterprise_id=enterprise_id
    ).items():
        stays[(batch_id, old_division_id, status, step, target, days)] -= n
        stays[(batch_id, new_division_id, status, step, target, days)] += n
    _apply_stays(stays)


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


def _differences(kept, counted):
    return sorted(
        (key, kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    )


def status_counts_differences():
    """[(key, kept, counted)] where the table and a recount disagree, sorted by key."""
    return _differences(status_counts_kept(), status_counts_recount())


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


# --- Working days at each step (``StayCount``) -------------------------------------------------------


def _apply_stays(deltas):
    """Add each delta of ``{(batch_id, division_id, status, step, target, working_days): delta}`` to its row."""
    rows = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not rows:
        return
    table = connection.ops.quote_name(StayCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for key, delta in rows for value in (*key, delta)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (batch_id, division_id, status, step, target, working_days, total) "  # noqa: S608 - names are ours
            f"VALUES {values} ON CONFLICT (batch_id, division_id, status, step, target, working_days) "
            f"DO UPDATE SET total = {table}.total + excluded.total",
            params,
        )


def _local_day(moment):
    """The day of ``moment`` in the portal's time zone (settings.TIME_ZONE, whatever a request activated)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _stays(moves, ordinals):
    """Counter of ``(step, target, working_days)``: each move of ``moves`` ([(at, from, to)] in the log's
    order) after the first ends the stay that the move before it began."""
    stays = Counter()
    for (arrived_at, _source, _target), (left_at, step, target) in itertools.pairwise(moves):
        stays[(step, target, ordinals[_local_day(left_at)] - ordinals[_local_day(arrived_at)])] += 1
    return stays


def stay_count_move(*, application_id, batch_id, division_id, source, target, transition_id):
    """The application moved from ``source`` to ``target`` (logged as ``transition_id``): count the stay
    the move ends, and carry its earlier stays from ``source`` to ``target`` (its current status is in the
    key). Two queries: the application's log and the calendar of its days (none for a first move)."""
    log = list(
        Transition.objects.filter(application_id=application_id)
        .order_by("at", "id")
        .values_list("id", "at", "from_status", "to_status")
    )
    if len(log) < 2:
        return
    days = [_local_day(at) for _id, at, _from, _to in log]
    ordinals = WorkingCalendar().ordinals(min(days), max(days))
    before = _stays([(at, s, t) for pk, at, s, t in log if pk != transition_id], ordinals)
    after = _stays([(at, s, t) for _pk, at, s, t in log], ordinals)
    deltas = Counter()
    for (step, to, days_spent), n in before.items():
        deltas[(batch_id, division_id, source, step, to, days_spent)] -= n
    for (step, to, days_spent), n in after.items():
        deltas[(batch_id, division_id, target, step, to, days_spent)] += n
    _apply_stays(deltas)


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def stay_counts_recount(*, enterprise_id=None):
    """{(batch_id, division_id, status, step, target, working_days): n} from the transition log itself
    (of one enterprise's applications if given): each move paired with the one before it of the same
    application by the window function ``LAG``, grouped by the two local days, which the calendar's
    ordinals turn into working days (two queries, the calendar read once per distinct day)."""
    transition = connection.ops.quote_name(Transition._meta.db_table)
    application = connection.ops.quote_name(Application._meta.db_table)
    enterprise = connection.ops.quote_name(Enterprise._meta.db_table)
    tzname = timezone.get_default_timezone_name()
    arrived, arrived_params = connection.ops.datetime_cast_date_sql("moves.arrived_at", (), tzname)
    left, left_params = connection.ops.datetime_cast_date_sql("moves.left_at", (), tzname)
    # One enterprise's applications (an enterprise moving to another division), else every one.
    only, params = "", []
    if enterprise_id is not None:
        only, params = (
            f"WHERE t.application_id IN (SELECT id FROM {application} WHERE enterprise_id = %s)",  # noqa: S608
            [enterprise_id],
        )
    sql = (
        f"SELECT a.batch_id, e.division_id, a.status, moves.step, moves.target, {arrived}, {left}, COUNT(*) "  # noqa: S608 - names are ours
        "FROM (SELECT t.application_id, t.from_status AS step, t.to_status AS target, t.at AS left_at, "
        "LAG(t.at) OVER (PARTITION BY t.application_id ORDER BY t.at, t.id) AS arrived_at "
        f"FROM {transition} t {only}) moves "
        f"JOIN {application} a ON a.id = moves.application_id JOIN {enterprise} e ON e.id = a.enterprise_id "
        "WHERE moves.arrived_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*arrived_params, *left_params, *params))
        rows = [
            (*key, _as_date(arrived_on), _as_date(left_on), n) for *key, arrived_on, left_on, n in cursor.fetchall()
        ]
    if not rows:
        return {}
    ordinals = WorkingCalendar().ordinals(
        min(arrived_on for *_key, arrived_on, _left, _n in rows), max(left_on for *_key, left_on, _n in rows)
    )
    counts = Counter()
    for batch_id, division_id, status, step, target, arrived_on, left_on, n in rows:
        counts[(batch_id, division_id, status, step, target, ordinals[left_on] - ordinals[arrived_on])] += n
    return dict(counts)


def stay_counts_kept():
    """{(batch_id, division_id, status, step, target, working_days): n} as the table holds them (no zeros)."""
    rows = StayCount.objects.exclude(total=0).values_list(
        "batch_id", "division_id", "status", "step", "target", "working_days", "total"
    )
    return {tuple(key): n for *key, n in rows}


def stay_counts_differences():
    """[(key, kept, counted)] where the stay counts and a recount from the log disagree, sorted by key."""
    return _differences(stay_counts_kept(), stay_counts_recount())


@transaction.atomic
def stay_counts_rebuild():
    """Rewrite the stay counts from a recount of the transition log; returns the differences repaired.

    Locks the table against the transitions' updates for the moment of the rewrite (PostgreSQL), as
    ``status_counts_rebuild`` does; the table is rewritten in bulk when anything differs (the first count
    after a bulk load writes tens of thousands of rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(StayCount._meta.db_table)} IN EXCLUSIVE MODE")
    counted = stay_counts_recount()
    differences = _differences(stay_counts_kept(), counted)
    if differences:
        StayCount.objects.all().delete()
        StayCount.objects.bulk_create(
            (
                StayCount(
                    batch_id=batch_id,
                    division_id=division_id,
                    status=status,
                    step=step,
                    target=target,
                    working_days=days,
                    total=n,
                )
                for (batch_id, division_id, status, step, target, days), n in counted.items()
                if n
            ),
            batch_size=2000,
        )
    return differences


def stays_counted(*, statuses, steps, batch_id=None, division_id=None):
    """{(step, target, working_days): n} of the completed stays at ``steps`` of applications now in
    ``statuses``, of one batch and one division if given (one query over the kept rows)."""
    rows = StayCount.objects.filter(status__in=statuses, step__in=steps)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    if division_id is not None:
        rows = rows.filter(division_id=division_id)
    sums = (
        rows.order_by()
        .values_list("step", "target", "working_days")
        .annotate(n=Sum("total"))
        .values_list("step", "target", "working_days", "n")
    )
    return {(step, target, days): n for step, target, days, n in sums if n}
