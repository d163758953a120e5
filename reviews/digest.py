"""What the staff's daily digest (``zaozhuang_titles.digest``) says about reviews: meetings whose
scoring is behind, told to city staff, who run the meetings.

Behind: the meeting is in its scoring phase, some scores are still to submit (declared conflicts not
counted), and its scoring deadline has passed or lies within the batch's reminder window
(``ReviewSettings.reminder_days``, when the experts themselves are reminded). One query, the counts
by correlated subqueries.
"""

import datetime

from django.db.models import OuterRef, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.models import Assignment, Meeting
from reviews.services.scoring import DEFAULT_REMINDER_DAYS
from zaozhuang_titles.db import subquery_count
from zaozhuang_titles.digest import DigestSection


def meetings_behind(*, now):
    """``[{"pk", "name", "scoring_deadline", "expected", "submitted"}]`` of the meetings whose scoring is
    behind at ``now``, by deadline."""
    scoring = Assignment.objects.filter(case__meeting=OuterRef("pk"), conflict_declared_at__isnull=True)
    meetings = (
        Meeting.objects.filter(status=Meeting.Status.SCORING)
        .annotate(
            expected=subquery_count(scoring, key="case__meeting"),
            submitted=subquery_count(scoring.filter(submitted_at__isnull=False), key="case__meeting"),
            reminder_days=Coalesce("batch__review_settings__reminder_days", Value(DEFAULT_REMINDER_DAYS)),
        )
        .values("pk", "name", "scoring_deadline", "expected", "submitted", "reminder_days")
        .order_by("scoring_deadline", "pk")
    )
    return [
        meeting
        for meeting in meetings
        if meeting["submitted"] < meeting["expected"]
        and meeting["scoring_deadline"] - datetime.timedelta(days=meeting["reminder_days"]) <= now
    ]


def _line(meeting, now):
    values = {
        "meeting": meeting["name"],
        "submitted": meeting["submitted"],
        "expected": meeting["expected"],
        "deadline": timezone.localtime(meeting["scoring_deadline"]).strftime("%Y-%m-%d %H:%M"),
    }
    if meeting["scoring_deadline"] <= now:
        return (
            _("%(meeting)s: %(submitted)d of %(expected)d scorings submitted; the deadline %(deadline)s has passed")
            % values
        )
    return _("%(meeting)s: %(submitted)d of %(expected)d scorings submitted; deadline %(deadline)s") % values


def digest_sections(*, readers, today, now):
    if not any(reader.city for reader in readers):
        return {}
    lines = tuple(_line(meeting, now) for meeting in meetings_behind(now=now))
    if not lines:
        return {}
    section = DigestSection(_("Meetings whose scoring is behind"), lines, reverse("reviews:staff_meetings"))
    return {reader.user.pk: [section] for reader in readers if reader.city}
