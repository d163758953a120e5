"""Writes of scoring: an expert's points per criterion (autosaved), the submission that locks them,
a conflict declared on an assignment (回避), the rubric's lock, and the deadline reminders.

When scores may change: while the meeting is in its scoring phase (``Meeting.Status.SCORING``) and
the assignment is neither submitted nor recused. The scoring deadline is a target that reminders and
the task list announce; saving stays possible after it until staff start the vote, so that an expert
who is late is not locked out of a meeting that has not voted yet.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reviews.models import Assignment, Criterion, Meeting, ReviewSettings, Score
from reviews.selectors.scoring import scoring_state, scoring_target
from zaozhuang_titles.notices import notice_build, notices_create_many
from zaozhuang_titles.workdays import WorkingCalendar

DEFAULT_REMINDER_DAYS = ReviewSettings._meta.get_field("reminder_days").default


def rubric_locked(batch):
    """True once scoring has started in ``batch`` (a meeting scoring, voting or closed, or any score
    saved): from then on its criteria must not change (the issue: "the rubric is fixed once scoring
    starts"). The one rule: the admin of the rubric asks it before a change, an addition or a deletion."""
    return (
        Meeting.objects.filter(batch=batch, status__in=Meeting.Status.SCORING_STARTED).exists()
        or Score.objects.filter(criterion__batch=batch).exists()
    )


def rubric_check_editable(batch):
    """Raise ValidationError when the rubric of ``batch`` is fixed (see ``rubric_locked``)."""
    if rubric_locked(batch):
        raise ValidationError(_("The rubric is fixed: scoring has started in this batch."))


def conflict_open(assignment):
    """The expert may still declare a conflict (回避) on ``assignment``: not declared yet, and its
    meeting between the draw and the vote. The service and the scoring page both ask it."""
    return assignment.conflict_declared_at is None and assignment.case.meeting.panel_open


def _locked_assignment(assignment, expert):
    """The assignment re-read under a row lock, checked to belong to ``expert`` and still be open."""
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("case__meeting")
        .filter(pk=assignment.pk, expert=expert)
        .first()
    )
    if locked is None or locked.conflict_declared_at is not None:
        raise ValidationError(_("This application is not assigned to you."), code="not_assigned")
    if locked.submitted_at is not None:
        raise ValidationError(
            _("Your scores of this application are submitted and can no longer change."), code="submitted"
        )
    if locked.case.meeting.status != Meeting.Status.SCORING:
        raise ValidationError(_("Scoring is closed: the meeting is not in its scoring phase."), code="closed")
    return locked


def parse_points(raw, criterion):
    """``raw`` (text or number, blank for none) as a Decimal with one decimal place, checked against
    the criterion's range; raises ValidationError with a message naming the criterion."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        points = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(
            _("%(criterion)s: enter a number of points from 0 to %(max)d.")
            % {"criterion": criterion.name, "max": criterion.max_points}
        ) from None
    if not points.is_finite():
        raise ValidationError(
            _("%(criterion)s: enter a number of points from 0 to %(max)d.")
            % {"criterion": criterion.name, "max": criterion.max_points}
        )
    if points < 0:
        raise ValidationError(
            _("%(criterion)s: points cannot be negative (0 to %(max)d).")
            % {"criterion": criterion.name, "max": criterion.max_points}
        )
    if points > criterion.max_points:
        raise ValidationError(
            _("%(criterion)s gives at most %(max)d points.")
            % {"criterion": criterion.name, "max": criterion.max_points}
        )
    if points != points.quantize(Decimal("0.1")):
        raise ValidationError(
            _("%(criterion)s: points have at most one decimal place.") % {"criterion": criterion.name}
        )
    return points.quantize(Decimal("0.1"))


def _check_scores_open(state):
    """The refusals of a save on a read (locked) assignment, in the order the expert needs them."""
    if state is None or state.conflict_declared_at is not None:
        raise ValidationError(_("This application is not assigned to you."), code="not_assigned")
    if state.submitted_at is not None:
        raise ValidationError(
            _("Your scores of this application are submitted and can no longer change."), code="submitted"
        )
    if state.meeting_status != Meeting.Status.SCORING:
        raise ValidationError(_("Scoring is closed: the meeting is not in its scoring phase."), code="closed")


def _score_upsert(*, assignment, criterion, points, comment):
    """ONE statement: ``INSERT … ON CONFLICT (assignment, criterion) DO UPDATE``. Two saves racing on
    one criterion cannot both insert, and neither reads the row first."""
    score = Score(assignment=assignment, criterion=criterion, points=points, comment=(comment or "").strip())
    # Both relations were just read under the lock (validating them would query again); the unique
    # constraint is the upsert's conflict target and parse_points has kept points >= 0.
    score.full_clean(exclude=["assignment", "criterion"], validate_unique=False, validate_constraints=False)
    Score.objects.bulk_create(
        [score],
        update_conflicts=True,
        unique_fields=["assignment", "criterion"],
        update_fields=["points", "comment", "updated_at"],
    )
    return score


def score_save(*, assignment, expert, criterion, points, comment=""):
    """Save the expert's points and comment on one criterion of ``assignment`` (autosave). ``points``
    may be blank (None) to keep only the comment. Refused after submission, on a recused assignment,
    outside the scoring phase, or with points out of 0..maximum; nothing is written then."""
    points = parse_points(points, criterion)
    with transaction.atomic():
        state = scoring_state(assignment_id=assignment.pk, criterion_id=criterion.pk, expert=expert, lock=True)
        _check_scores_open(state)
        if criterion.batch_id != state.meeting_batch_id:
            raise ValidationError(_("This criterion is not part of the rubric of this meeting."))
        score = _score_upsert(assignment=state, criterion=criterion, points=points, comment=comment)
    score.assignment = assignment
    return score


def score_autosave(*, user, assignment_id, criterion_id, points, comment=""):
    """``score_save`` for the scoring page's autosave, by IDs from the URL: one query reads the user's
    role, its assignment under a row lock, its meeting's state and the criterion; one upsert writes.
    Raises what ``scoring_target`` raises when the user may not score there (the page answers 403 or
    404), else ValidationError as ``score_save``, the same messages in the same order."""
    with transaction.atomic():
        state, criterion = scoring_target(user=user, assignment_id=assignment_id, criterion_id=criterion_id, lock=True)
        points = parse_points(points, criterion)
        _check_scores_open(state)
        return _score_upsert(assignment=state, criterion=criterion, points=points, comment=comment)


def assignment_submit(*, assignment, expert, comment=None):
    """Submit the expert's scores of ``assignment`` once every criterion has points: they are then
    locked (``submitted_at``). ``comment`` (optional) is the overall comment."""
    with transaction.atomic():
        locked = _locked_assignment(assignment, expert)
        criteria = list(Criterion.objects.filter(batch_id=locked.case.meeting.batch_id))
        scored = set(
            Score.objects.filter(assignment=locked, points__isnull=False).values_list("criterion_id", flat=True)
        )
        missing = [c.name for c in criteria if c.pk not in scored]
        if not criteria:
            raise ValidationError(_("The rubric of this meeting has no criterion yet."))
        if missing:
            raise ValidationError(
                _("Give points on every criterion before submitting; missing: %(names)s.")
                % {"names": "、".join(missing)}
            )
        if comment is not None:
            locked.comment = comment.strip()
        locked.submitted_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["submitted_at", "comment"])
    return locked


def conflict_declare(*, assignment, expert, reason):
    """The expert declares a conflict (回避) on ``assignment``: it is removed from the expert at once
    and its scores no longer count. Possible until the vote starts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you must recuse yourself.")})
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("case__meeting")
            .filter(pk=assignment.pk, expert=expert, conflict_declared_at__isnull=True)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This application is not assigned to you."))
        if not conflict_open(locked):
            raise ValidationError(_("The vote has started: a conflict is now declared to the staff at the meeting."))
        locked.conflict_declared_at = timezone.now()
        locked.conflict_reason = reason[:200]
        locked.full_clean()
        locked.save(update_fields=["conflict_declared_at", "conflict_reason"])
    return locked


# --- Reminders -------------------------------------------------------------------------------------


def _scoring_reminder_text(meeting, assignments):
    values = {
        "meeting": meeting.name,
        "count": len(assignments),
        "deadline": timezone.localtime(meeting.scoring_deadline).strftime("%Y-%m-%d %H:%M"),
    }
    subject = _("Scoring deadline %(deadline)s: %(count)d applications of %(meeting)s") % values
    body = (
        _(
            "Your scores of these applications of %(meeting)s are not submitted yet. "
            "The scoring deadline is %(deadline)s."
        )
        % values
    )
    lines = [
        f"- {assignment.case.application.number} {assignment.case.application.applicant.real_name}"
        for assignment in assignments
    ]
    return subject, "\n".join([body, *lines])


def scoring_reminders_send(*, now=None):
    """Remind each expert of the assignments it has not submitted when its meeting's scoring deadline is
    within the batch's ``reminder_days``: one in-site notice (and email) per expert and meeting, listing
    the applications, once per deadline (the notice key; a moved deadline is reminded again). Returns
    how many notices were new.

    On working days only (``zaozhuang_titles.workdays``): on the last working day before days off, the
    meetings whose reminder would fall on those days are reminded too, so none is missed or sent on a
    holiday. A fixed number of queries however many experts and assignments."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = WorkingCalendar()
    calendar.load(today.year, today.year + 1)  # one query for both look-ups
    if not calendar.is_working_day(today):
        return 0
    tomorrow = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    # The start of the next working day: reminders that would fall before it, after today, go now.
    resume = timezone.make_aware(datetime.datetime.combine(calendar.next_working_day(today), datetime.time.min))
    longest = max(ReviewSettings.objects.aggregate(longest=Max("reminder_days"))["longest"] or 0, DEFAULT_REMINDER_DAYS)
    candidates = (
        Assignment.objects.filter(
            case__meeting__status=Meeting.Status.SCORING,
            case__meeting__scoring_deadline__gt=now,
            case__meeting__scoring_deadline__lte=max(now, resume) + datetime.timedelta(days=longest),
            submitted_at__isnull=True,
            conflict_declared_at__isnull=True,
            expert__is_active=True,
        )
        .annotate(
            reminder_days=Coalesce("case__meeting__batch__review_settings__reminder_days", Value(DEFAULT_REMINDER_DAYS))
        )
        .select_related("expert__user", "case__meeting", "case__application__applicant")
        .order_by("case__meeting_id", "expert_id", "case__position", "case_id")
    )
    groups = {}
    for assignment in candidates:
        meeting = assignment.case.meeting
        opens = meeting.scoring_deadline - datetime.timedelta(days=assignment.reminder_days)
        if opens <= now or tomorrow <= opens < resume:
            groups.setdefault((meeting.pk, assignment.expert_id), []).append(assignment)
    notices = []
    with translation.override("zh-hans"):
        for (meeting_id, expert_id), assignments in groups.items():
            meeting = assignments[0].case.meeting
            subject, body = _scoring_reminder_text(meeting, assignments)
            deadline = timezone.localtime(meeting.scoring_deadline)
            notices.append(
                notice_build(
                    recipient=assignments[0].expert.user,
                    key=f"scoring-reminder:{meeting_id}:{expert_id}:{deadline:%Y%m%d%H%M}",
                    subject=subject,
                    body=body,
                    url=reverse("reviews:expert_home"),
                )
            )
    return notices_create_many(notices=notices)
