"""What the staff's daily digest (``zaozhuang_titles.digest``) says about consultations: the problems a
staff member owns that are overdue or due by the next working day, and the questions waiting for an
answer longer than ``ANSWER_WITHIN_DAYS`` working days in the reader's scope (city staff: all, district
staff: their division's).

Three queries whatever the number of staff and problems: the calendar (one read of the staff's holiday
entries), the owners' problems due, and one count of the late questions grouped by division. Commissioners own problems
too but receive no digest (it goes to HR staff): they see theirs, overdue ones marked, on their problem
list.
"""

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultations.models import Consultation, Problem, ProblemStatus
from zaozhuang_titles.digest import DigestSection
from zaozhuang_titles.workdays import WorkingCalendar


def problems_due(*, owner_ids, until):
    """The unsolved problems of ``owner_ids`` due on or before ``until`` (overdue ones first)."""
    return list(
        Problem.objects.filter(owner_id__in=owner_ids, status__in=ProblemStatus.UNSOLVED, due_on__lte=until)
        .values("id", "owner_id", "title", "due_on")
        .order_by("due_on", "id")
    )


#: Working days within which a question should be answered; longer waits are in the digest.
ANSWER_WITHIN_DAYS = 3


def questions_waiting(*, asked_before):
    """The questions awaiting an answer asked before ``asked_before`` (an aware datetime), counted per
    division of their enterprise (None: no enterprise)."""
    return list(
        Consultation.objects.filter(status=Consultation.Status.OPEN, created_at__lt=asked_before)
        .values("enterprise__division_id")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("enterprise__division_id")
    )


def _problem_line(row, today):
    values = {"title": row["title"], "due": date_format(row["due_on"], "DATE_FORMAT")}
    if row["due_on"] < today:
        return _("%(title)s: overdue since %(due)s") % values
    return _("%(title)s: due %(due)s") % values


def _waiting_line(count, oldest):
    return _("%(count)d questions await an answer for more than %(days)d working days (the oldest asked %(since)s)") % {
        "count": count,
        "days": ANSWER_WITHIN_DAYS,
        "since": date_format(timezone.localtime(oldest), "DATE_FORMAT"),
    }


def digest_sections(*, readers, today, now):
    calendar = WorkingCalendar()
    calendar.load(today.year - 1, today.year + 1)  # one query for both look-ups below
    until = calendar.next_working_day(today)
    # Asked before the N-th working day before today: waiting more than N working days by today.
    first_in_time = calendar.working_day_before(today, ANSWER_WITHIN_DAYS)
    asked_before = timezone.make_aware(datetime.datetime.combine(first_in_time, datetime.time.min))
    owned = {}
    for row in problems_due(owner_ids=[reader.user.pk for reader in readers], until=until):
        owned.setdefault(row["owner_id"], []).append(_problem_line(row, today))
    waiting = questions_waiting(asked_before=asked_before)
    sections = {}
    problems_url, queue_url = reverse("consultations:problems") + "?tab=mine", reverse("consultations:queue")
    for reader in readers:
        found = []
        if owned.get(reader.user.pk):
            found.append(DigestSection(_("Your problems due or overdue"), tuple(owned[reader.user.pk]), problems_url))
        rows = [
            row
            for row in waiting
            if reader.city or (reader.division is not None and row["enterprise__division_id"] == reader.division.pk)
        ]
        if rows:
            count = sum(row["count"] for row in rows)
            oldest = min(row["oldest"] for row in rows)
            found.append(DigestSection(_("Questions awaiting an answer"), (_waiting_line(count, oldest),), queue_url))
        if found:
            sections[reader.user.pk] = found
    return sections
