"""The figures of the statistics page (统计分析), each over what the reader may see.

The reader's applications are its audit scope (``applications.rules.AUDIT_SCOPES``): city staff and
administrators every submitted application, district staff those of their own division from the district
audit on. Cases and objections are counted through the same scopes carried to them (``Scope.through``);
service logs are those ``enterprises.selectors.service_logs_for_user`` returns. No rule is written here.

Every figure costs a fixed number of queries whatever the number of rows (``statistics_figures``: 10, pinned):

- by status, division and channel: the kept counts (``applications.counters.counted_by_key``), one query
  over batches × divisions × statuses rows;
- by recognition kind: one query grouping the applications by enterprise (``COUNT(*)``, answered from
  the index (batch, enterprise, status) alone), joined to the enterprises' kinds;
- decisions and working days at each step: the kept stays (``applications.counters.stays_counted``): one
  query summing the rows per (step, target, working days) over the statuses of the reader's scope, kept
  by the transition function and recounted from the transition log by ``check_status_counters``; the
  median and 90th percentile are taken from that histogram (``percentile_cont``'s linear interpolation,
  on SQLite and PostgreSQL alike);
- overdue per division: one query over the applications waiting at an audit step, by the index
  (batch, status, status_changed_at): "arrived before the first day still within the batch's limit"
  (``zaozhuang_titles.workdays.overdue_since``, the admin list's and the digest's rule; one query of the
  calendar for every batch's limit);
- scoring per meeting: two grouped queries (cases per meeting, assignments per meeting, no distinct
  count) and the meetings;
- objections, service by month: one grouped query each.
"""

import dataclasses
import datetime
import math
from collections import Counter, defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from applications.counters import counted_by_key, stays_counted
from applications.models import Application, Batch, Status
from applications.rules import AUDIT_SCOPES, CITY_SCOPE, DISTRICT_SCOPE
from applications.selectors import QUEUE_STATUSES
from enterprises.models import Recognition, RecognitionKind
from enterprises.selectors import service_by_month, service_logs_for_user
from results.models import Objection
from reviews.models import Assignment, Case, Meeting
from zaozhuang_titles.scopes import visible
from zaozhuang_titles.workdays import WorkingCalendar, overdue_since

#: The steps whose decisions are counted, and the moves out of each that count as passing it.
DECISION_STEPS = {
    Status.ENTERPRISE_REVIEW: {Status.NOMINATED, Status.DISTRICT_AUDIT},
    Status.NOMINATED: {Status.DISTRICT_AUDIT},
    Status.DISTRICT_AUDIT: {Status.CITY_AUDIT},
    Status.CITY_AUDIT: {Status.ACCEPTED},
    Status.IN_REVIEW: {Status.PASSED},
}
#: The steps whose time is measured: the decision steps and the waits between them.
TIMED_STEPS = [
    Status.ENTERPRISE_REVIEW,
    Status.NOMINATED,
    Status.DISTRICT_AUDIT,
    Status.CITY_AUDIT,
    Status.RETURNED,
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.PASSED,
    Status.PUBLICITY,
]
#: Where a step's moves end when they are not a pass (the outcomes of a decision table's columns).
RETURNED = "returned"
REFUSED = "refused"  # rejected (不予受理) at an audit, not passed (未通过) at the vote
WITHDRAWN = "withdrawn"
#: The steps with a time limit (``Batch.step_time_limit_days``): the audits that wait for HR staff.
LIMITED_STEPS = Status.in_order(Status.AWAITING_STAFF)


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the page shows: one batch (None: every batch) and one division (None: every one in scope)."""

    batch: Batch | None = None
    division_id: int | None = None
    today: datetime.date | None = None

    @property
    def day(self):
        return self.today or timezone.localdate()


def reader_stage(user):
    """``"city"`` or ``"district"``: which audit scope the reader's figures are taken over (None: none)."""
    if CITY_SCOPE.q(user) is not None:
        return "city"
    if DISTRICT_SCOPE.q(user) is not None:
        return "district"
    return None


def own_division_id(user):
    """The division a district reader is confined to, or None for the city."""
    if reader_stage(user) != "district":
        return None
    return user.district.pk if user.district is not None else None


def visible_statuses(user):
    """The statuses the reader's scope holds, in the order of an application's life."""
    stage = reader_stage(user)
    return Status.in_order(QUEUE_STATUSES[stage]) if stage else []


def division_of(user, filters):
    """The division the figures are confined to: a district reader's own, else the one chosen (or None)."""
    own = own_division_id(user)
    return own if own is not None else filters.division_id


def scoped_applications(user, filters):
    """The applications the reader may see, of the batch and division chosen."""
    queryset = visible(Application.objects.all(), user, AUDIT_SCOPES)
    if filters.batch is not None:
        queryset = queryset.filter(batch=filters.batch)
    division_id = division_of(user, filters)
    if division_id is not None:
        queryset = queryset.filter(enterprise__division_id=division_id)
    return queryset


def _carried(model, path, user, filters):
    """``model``'s rows whose application (``path``) is in the reader's scope and the filters."""
    scopes = [scope.through(path, name=f"{scope.name}_{model._meta.model_name}") for scope in AUDIT_SCOPES]
    queryset = visible(model.objects.all(), user, scopes)
    if filters.batch is not None:
        queryset = queryset.filter(**{f"{path}__batch": filters.batch})
    division_id = division_of(user, filters)
    if division_id is not None:
        queryset = queryset.filter(**{f"{path}__enterprise__division_id": division_id})
    return queryset


# --- Applications by status, division and channel (the kept counts) ----------------------------


def application_counts(user, filters):
    """``{"status": {status: n}, "division": {division_id: n}, "channel": {channel: n}, "total": n}``
    from the kept counts, over the statuses of the reader's scope (one query)."""
    stage = reader_stage(user)
    result = {"status": Counter(), "division": Counter(), "channel": Counter(), "total": 0}
    if stage is None:
        return result
    division_id = division_of(user, filters)
    if stage == "district" and division_id is None:
        return result
    counts = counted_by_key(
        statuses=QUEUE_STATUSES[stage],
        batch_id=filters.batch.pk if filters.batch is not None else None,
        division_id=division_id,
    )
    for (channel, division, status), n in counts.items():
        result["status"][status] += n
        result["division"][division] += n
        result["channel"][channel] += n
        result["total"] += n
    return result


# --- By recognition kind ------------------------------------------------------------------------


def applications_by_kind(user, filters):
    """``{kind: n}``: the reader's applications whose enterprise holds a recognition of each kind (an
    enterprise with two kinds counts under both), and ``""`` for those whose enterprise holds none.
    One query: the applications grouped by enterprise, joined to each enterprise's distinct kinds."""
    per_enterprise = (
        scoped_applications(user, filters)
        .order_by()
        .values("enterprise_id")
        # COUNT(*), not COUNT(id): the index (batch, enterprise, status) answers it without the table.
        .annotate(n=Count("*"))
        .values_list("enterprise_id", "n")
    )
    inner, params = per_enterprise.query.sql_with_params()
    recognition = connection.ops.quote_name(Recognition._meta.db_table)
    sql = (
        f"WITH per_enterprise (enterprise_id, n) AS ({inner}), "  # noqa: S608 - the SQL is Django's and ours
        f"kinds AS (SELECT DISTINCT enterprise_id, kind FROM {recognition}) "
        "SELECT k.kind, SUM(p.n) FROM per_enterprise p JOIN kinds k ON k.enterprise_id = p.enterprise_id "
        "GROUP BY k.kind "
        "UNION ALL "
        "SELECT '', SUM(p.n) FROM per_enterprise p "
        f"WHERE NOT EXISTS (SELECT 1 FROM {recognition} r WHERE r.enterprise_id = p.enterprise_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {kind: int(n) for kind, n in rows if n}
    return {kind: counts.get(kind, 0) for kind in [*RecognitionKind.values, ""]}


# --- Decisions and working days at each step (the transition log) --------------------------------


def step_stays(user, filters):
    """``{(step, target, working_days): n}``: the completed stays at each timed step of the reader's
    applications, from the kept counts (``applications.counters.stays_counted``, one query over at most
    batches × divisions × statuses × steps × targets × working days rows)."""
    stage = reader_stage(user)
    if stage is None:
        return {}
    division_id = division_of(user, filters)
    if stage == "district" and division_id is None:
        return {}
    return stays_counted(
        statuses=QUEUE_STATUSES[stage],
        steps=TIMED_STEPS,
        batch_id=filters.batch.pk if filters.batch is not None else None,
        division_id=division_id,
    )


def percentile(histogram, fraction):
    """The ``fraction`` percentile of the values counted in ``histogram`` ({value: count}), interpolated
    between the two nearest ranks as PostgreSQL's ``percentile_cont`` does; None when it is empty."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    below, above = math.floor(position), math.ceil(position)
    values = {}
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        for rank in (below, above):
            if rank not in values and seen <= rank < seen + count:
                values[rank] = value
        seen += count
    return values[below] + (values[above] - values[below]) * (position - below)


def _outcome(step, target):
    if target in DECISION_STEPS.get(step, ()):
        return "passed"
    if target == Status.RETURNED:
        return RETURNED
    if target in (Status.REJECTED, Status.NOT_PASSED):
        return REFUSED
    if target == Status.WITHDRAWN:
        return WITHDRAWN
    return None


def step_figures(stays):
    """Per step: decisions (``passed``, ``returned``, ``refused``, ``withdrawn``, ``pass_rate`` = passed ÷
    (passed + refused), None without a decision) for the decision steps, and for every timed step the
    completed stays (``stays``), ``median`` and ``p90`` of the working days they took."""
    decisions = defaultdict(Counter)
    durations = defaultdict(Counter)
    for (step, target, working_days), n in stays.items():
        outcome = _outcome(step, target)
        if outcome is not None:
            decisions[step][outcome] += n
        durations[step][working_days] += n
    figures = {}
    for step in TIMED_STEPS:
        histogram = durations[step]
        row = {
            "stays": sum(histogram.values()),
            "median": percentile(histogram, 0.5),
            "p90": percentile(histogram, 0.9),
        }
        if step in DECISION_STEPS:
            counted = decisions[step]
            decided = counted["passed"] + counted[REFUSED]
            row.update(
                passed=counted["passed"],
                returned=counted[RETURNED],
                refused=counted[REFUSED],
                withdrawn=counted[WITHDRAWN],
                pass_rate=counted["passed"] / decided if decided else None,
            )
        figures[step] = row
    return figures


# --- Overdue at the audit steps -------------------------------------------------------------------


def overdue_thresholds(batches, calendar, today):
    """{batch_id: the aware datetime before which an arrival at an audit step is past the batch's limit}
    (``workdays.overdue_since``, the rule the admin list and the digest use)."""
    tz = timezone.get_current_timezone()
    return {
        batch.pk: timezone.make_aware(
            datetime.datetime.combine(
                overdue_since(today, batch.step_time_limit_days, calendar=calendar), datetime.time.min
            ),
            tz,
        )
        for batch in batches
    }


def overdue_q(thresholds):
    """The ``Q`` of applications waiting at an audit step past their batch's limit (``overdue_thresholds``)."""
    condition = Q(pk__in=[])
    for batch_id, since in thresholds.items():
        condition |= Q(batch_id=batch_id, status_changed_at__lt=since)
    return Q(status__in=LIMITED_STEPS) & condition


def waiting_by_division(user, filters, thresholds):
    """{(division_id, status): {"waiting": n, "overdue": n}} at the audit steps (one query)."""
    rows = (
        scoped_applications(user, filters)
        .filter(status__in=LIMITED_STEPS)
        .order_by()
        .values_list("enterprise__division_id", "status")
        .annotate(waiting=Count("id"), overdue=Count("id", filter=overdue_q(thresholds)))
    )
    return {(division, status): {"waiting": waiting, "overdue": overdue} for division, status, waiting, overdue in rows}


# --- Scoring per meeting, objections, service -----------------------------------------------------


def meeting_progress(user, filters):
    """One row per meeting with cases on the reader's applications: cases, decided (cases whose vote has
    a result), assignments, recused, submitted, in meeting order (three queries: the cases per meeting
    and the assignments per meeting, each grouped by the meeting's key alone, with no distinct count over
    assignments joined to cases; then the meetings themselves)."""
    cases = {
        meeting_id: (n, decided)
        for meeting_id, n, decided in _carried(Case, "application", user, filters)
        .order_by()
        .values_list("meeting_id")
        .annotate(n=Count("id"), decided=Count("id", filter=~Q(result=Case.Result.PENDING)))
    }
    judged = Q(conflict_declared_at__isnull=True)
    assignments = {
        meeting_id: (n, recused, submitted)
        for meeting_id, n, recused, submitted in _carried(Assignment, "case__application", user, filters)
        .order_by()
        .values_list("case__meeting_id")
        .annotate(
            n=Count("id", filter=judged),
            recused=Count("id", filter=~judged),
            submitted=Count("id", filter=judged & Q(submitted_at__isnull=False)),
        )
    }
    meetings = Meeting.objects.filter(pk__in=list(cases)).order_by("-held_on", "-id")
    rows = []
    for meeting_id, name, held_on, status in meetings.values_list("id", "name", "held_on", "status"):
        (n_cases, decided), (n_assignments, recused, submitted) = (
            cases[meeting_id],
            assignments.get(meeting_id, (0, 0, 0)),
        )
        rows.append(
            {
                "meeting_id": meeting_id,
                "name": name,
                "held_on": held_on,
                "status": status,
                "cases": n_cases,
                "assignments": n_assignments,
                "recused": recused,
                "submitted": submitted,
                "decided": decided,
                "progress": submitted / n_assignments if n_assignments else None,
            }
        )
    return rows


def objection_outcomes(user, filters):
    """{(status, outcome): n} of the publicity objections to the reader's applications (one query)."""
    objections = _carried(Objection, "entry__application", user, filters)
    rows = objections.order_by().values_list("status", "outcome").annotate(n=Count("id"))
    return {(status, outcome): n for status, outcome, n in rows}


def service_months(user, filters):
    """The commissioners' service figures by month (``enterprises.selectors.service_figures``) over the
    logs the reader may see, in the chosen division, in the batch's year (every year for all batches)."""
    logs = service_logs_for_user(user)
    division_id = division_of(user, filters)
    if division_id is not None:
        logs = logs.filter(enterprise__division_id=division_id)
    if filters.batch is not None:
        logs = logs.filter(occurred_on__year=filters.batch.year)
    return service_by_month(logs)


# --- Everything the page shows ------------------------------------------------------------------


def statistics_figures(user, filters, *, batches):
    """Every figure of the page for ``user`` and ``filters``; ``batches`` are the batches whose limits the
    overdue count applies (the chosen one, or all). Ten queries whatever the number of rows."""
    counts = application_counts(user, filters)
    kinds = applications_by_kind(user, filters)
    stays = step_stays(user, filters)
    today = filters.day
    longest = max((batch.step_time_limit_days for batch in batches), default=5)
    calendar = WorkingCalendar()
    calendar.load((today - datetime.timedelta(days=longest * 2 + 40)).year, today.year)  # one query for all
    thresholds = overdue_thresholds(batches, calendar, today)
    return {
        "counts": counts,
        "kinds": kinds,
        "steps": step_figures(stays),
        "waiting": waiting_by_division(user, filters, thresholds),
        "meetings": meeting_progress(user, filters),
        "objections": objection_outcomes(user, filters),
        "service": service_months(user, filters),
    }


def statistics_figures_kept(user, filters, *, batches):
    """``(figures, as_of)``: ``statistics_figures`` as computed at ``as_of``, kept in the cache for
    ``settings.STATISTICS_CACHE_SECONDS`` (0: computed on every call) so that the page, its charts' JSON
    and its downloads, requested one after the other, are computed once and agree.

    Kept per reader (its account, its audit stage and the division it is confined to: a change of role
    is a new key), batch, division and day; never shared between readers, whose service logs may
    differ."""
    seconds = settings.STATISTICS_CACHE_SECONDS
    if not seconds:
        return statistics_figures(user, filters, batches=batches), timezone.now()
    batch = filters.batch.pk if filters.batch is not None else "all"
    key = (
        f"dashboard:statistics:{user.pk}:{reader_stage(user)}:{own_division_id(user)}:{batch}:"
        f"{division_of(user, filters)}:{filters.day.isoformat()}"
    )
    kept = cache.get(key)
    if kept is None:
        kept = (statistics_figures(user, filters, batches=batches), timezone.now())
        cache.set(key, kept, seconds)
    return kept
