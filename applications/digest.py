"""What the staff's daily digest (``zaozhuang_titles.digest``) says about applications: those waiting
at a staff step longer than their batch allows (``Batch.step_time_limit_days`` working days). District
staff hear of their division's district audit, city staff of the city audit (``workflow.staff_steps``).

Three queries whatever the number of staff and applications: the batches' time limits, the calendar
(one read of the staff's holiday entries), and one grouped count by batch, step and division.
"""

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import Application, Batch, Status
from applications.workflow import CITY, DISTRICT, staff_steps
from zaozhuang_titles.digest import DigestSection
from zaozhuang_titles.workdays import WorkingCalendar, overdue_since


def overdue_at_staff_steps(*, today, calendar=None):
    """Applications waiting at a staff step past their batch's time limit on ``today``, counted by
    (batch, step, division): ``[{"batch__name", "batch__step_time_limit_days", "status",
    "enterprise__division_id", "count", "oldest"}]``, ``oldest`` the earliest arrival at the step.

    Waiting past N working days: the step's deadline, N working days after the day it was reached (that
    day not counted, as ``add_working_days``), lies before ``today``; so the step was reached before the
    N-th working day before ``today``. That day is computed once per distinct time limit."""
    limits = sorted(Batch.objects.order_by().values_list("step_time_limit_days", flat=True).distinct())
    if not limits:
        return []
    calendar = calendar or WorkingCalendar()
    late = Q()
    for limit in limits:
        reached_before = datetime.datetime.combine(overdue_since(today, limit, calendar=calendar), datetime.time.min)
        late |= Q(batch__step_time_limit_days=limit, status_changed_at__lt=timezone.make_aware(reached_before))
    return list(
        Application.objects.filter(late, status__in=staff_steps(DISTRICT) | staff_steps(CITY))
        .values("batch_id", "batch__name", "batch__step_time_limit_days", "status", "enterprise__division_id")
        .annotate(count=Count("id"), oldest=Min("status_changed_at"))
        .order_by("batch__name", "batch_id", "status", "enterprise__division_id")
    )


def _line(row):
    return _("%(batch)s, %(step)s: %(count)d waiting more than %(days)d working days (the longest since %(since)s)") % {
        "batch": row["batch__name"],
        "step": Status(row["status"]).label,
        "count": row["count"],
        "days": row["batch__step_time_limit_days"],
        "since": date_format(timezone.localtime(row["oldest"]), "DATE_FORMAT"),
    }


def _city_totals(rows):
    """The rows of the city's steps summed over divisions, by batch and step."""
    totals = {}
    for row in rows:
        key = (row["batch_id"], row["status"])
        if key not in totals:
            totals[key] = dict(row)
            continue
        total = totals[key]
        total["count"] += row["count"]
        total["oldest"] = min(total["oldest"], row["oldest"])
    return list(totals.values())


def digest_sections(*, readers, today, now):
    rows = overdue_at_staff_steps(today=today)
    if not rows:
        return {}
    district_steps, city_steps = staff_steps(DISTRICT), staff_steps(CITY)
    by_division = {}
    for row in rows:
        if row["status"] in district_steps:
            by_division.setdefault(row["enterprise__division_id"], []).append(_line(row))
    city_lines = [_line(row) for row in _city_totals([row for row in rows if row["status"] in city_steps])]
    sections = {}
    for reader in readers:
        found = []
        if reader.division is not None and by_division.get(reader.division.pk):
            title = _("Applications of %(division)s waiting past their time limit") % {"division": reader.division.name}
            found.append(
                DigestSection(title, tuple(by_division[reader.division.pk]), reverse("applications:district_queue"))
            )
        if reader.city and city_lines:
            title = _("Applications waiting past their time limit, whole city")
            found.append(DigestSection(title, tuple(city_lines), reverse("applications:city_queue")))
        if found:
            sections[reader.user.pk] = found
    return sections
