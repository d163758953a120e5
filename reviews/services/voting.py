"""Writes of the meeting and its secret ballot: attendance, opening the vote, casting a ballot, closing
the vote with its results and the meeting record (评审会议记录).

The meeting row is the vote's lock: every write here takes ``select_for_update`` on it first, so a
ballot and the close (or two closes, or two ballots of one expert) never interleave. A ballot is two
rows written in one transaction: ``VoteCast`` says who voted on which case (unique per expert and case,
a database constraint) and ``Ballot`` holds the choice with no link to its voter.

Counting (``vote_close``): for each case the experts present are those attending and not recused for
it; yes, no and abstain come from its ballots; a present expert who cast no ballot counts as present
and not yes, exactly like an abstention, and the record shows how many did not vote.
"""

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.workflow import application_transition
from reviews.models import Assignment, Attendance, Ballot, Case, Meeting, VoteCast
from reviews.record import meeting_record_pdf
from reviews.selectors.voting import attendance_state, case_tallies, seat_holders
from reviews.voting import outcome_text, rule_text
from reviews.workflow import before_meeting_date, early_vote_message, meeting_transition
from zaozhuang_titles.rules import is_city_admin
from zaozhuang_titles.signing import sign_pdf

logger = logging.getLogger(__name__)


def _require_staff(actor):
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff run a review meeting."))


def _lock(meeting):
    return Meeting.objects.select_for_update().select_related("batch", "specialty").get(pk=meeting.pk)


def _refresh(meeting, locked, fields):
    for name in fields:
        setattr(meeting, name, getattr(locked, name))


def attendance_record(*, meeting, actor, present_expert_ids):
    """Record who of the panel attends: ``present_expert_ids`` are present, every other seat holder
    absent. Only experts holding a seat (members, and substitutes who replaced one) can be named.
    Allowed until the vote opens. Returns the ``AttendanceState``."""
    _require_staff(actor)
    try:
        wanted = {int(pk) for pk in present_expert_ids}
    except (TypeError, ValueError):
        raise ValidationError(_("Name the experts present by their record."), code="invalid") from None
    with transaction.atomic():
        locked = _lock(meeting)
        if not locked.panel_open:
            raise ValidationError(
                _("Attendance can no longer be changed: the meeting is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="frozen",
            )
        seats = {member.expert_id for member in seat_holders(locked)}
        strangers = wanted - seats
        if strangers:
            raise ValidationError(
                _("%(count)d of the experts named do not hold a seat on this meeting's panel; nothing was recorded.")
                % {"count": len(strangers)},
                code="not_on_panel",
            )
        now = timezone.now()
        existing = {row.expert_id: row for row in Attendance.objects.filter(meeting=locked)}
        for expert_id in sorted(seats):
            row = existing.get(expert_id) or Attendance(meeting=locked, expert_id=expert_id)
            present = expert_id in wanted
            if row.pk and row.present == present:
                continue
            row.present, row.recorded_by, row.recorded_at = present, actor, now
            row.full_clean()
            row.save()
    logger.info("meeting %s attendance: %d present of %d seats", locked.pk, len(wanted), len(seats))
    return attendance_state(locked)


def vote_open(*, meeting, actor, confirm_early=False):
    """Open the secret ballot (评分 → 投票). The meeting must be scoring and quorate; when it is not,
    the message gives the counts. Before the meeting's date only with ``confirm_early`` (logged)."""
    _require_staff(actor)
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.status != Meeting.Status.SCORING:
            raise ValidationError(
                _("The vote can be opened only while the meeting is scoring; it is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="not_scoring",
            )
        # Its guards check the quorum and, before the meeting's date, the confirmation.
        meeting_transition(meeting=locked, action="open_vote", actor=actor, confirm_early=confirm_early)
    _refresh(meeting, locked, ["status"])
    return locked


def _check_ballot(meeting, case, expert):
    """Raise ``ValidationError`` with the reason when ``expert`` may not vote on ``case`` of ``meeting``
    now: the vote is not open, or the expert holds no seat, is absent, is recused or has voted."""
    if meeting.status != Meeting.Status.VOTING:
        if meeting.status == Meeting.Status.CLOSED:
            message, code = _("The vote on this meeting is closed; no more ballots are accepted."), "closed"
        else:
            message, code = _("The vote on this meeting has not been opened yet."), "not_open"
        raise ValidationError(message, code=code)
    if expert.pk not in {member.expert_id for member in seat_holders(meeting)}:
        raise ValidationError(_("You do not hold a seat on this meeting's panel."), code="not_on_panel")
    if not Attendance.objects.filter(meeting=meeting, expert=expert, present=True).exists():
        raise ValidationError(
            _("You are not recorded as present at this meeting; only experts present may vote."), code="absent"
        )
    assignment = Assignment.objects.filter(case=case, expert=expert).first()
    if assignment is None or assignment.is_recused:
        raise ValidationError(_("You are recused from this application and may not vote on it."), code="recused")
    if VoteCast.objects.filter(case=case, expert=expert).exists():
        raise ValidationError(_("You have already voted on this application; a vote cannot be changed."), code="twice")


def ballot_why_not(*, case, expert):
    """The ``ValidationError`` ``ballot_cast`` would raise now (without the lock), or None: what the
    ballot's confirmation page asks before showing the choice to confirm. Writes nothing."""
    try:
        _check_ballot(case.meeting, case, expert)
    except ValidationError as error:
        return error
    return None


def ballot_cast(*, case, expert, choice):
    """Cast ``expert``'s secret ballot on ``case``: once, while the vote is open, present and not recused.

    Writes the ``VoteCast`` (who) and the ``Ballot`` (what, with no voter) together, or nothing."""
    if choice not in Ballot.Choice.values:
        raise ValidationError(_("Choose agree, disagree or abstain."), code="choice")
    with transaction.atomic():
        meeting = _lock(case.meeting)
        _check_ballot(meeting, case, expert)
        cast = VoteCast(case=case, expert=expert, cast_at=timezone.now())
        ballot = Ballot(case=case, choice=choice)
        cast.full_clean(validate_constraints=False)  # the database's unique constraint decides, below
        ballot.full_clean()
        try:
            with transaction.atomic():
                cast.save()
                ballot.save()
        except IntegrityError:
            raise ValidationError(
                _("You have already voted on this application; a vote cannot be changed."), code="twice"
            ) from None
    # Never log the choice: the ballot is secret.
    logger.info("ballot cast on case %s", case.pk)
    return cast


def _display(user):
    return user.real_name or user.username


def meeting_officers_check(*, attendance, chair, recorder):
    """Raise ``ValidationError`` (by field) unless ``chair`` (an Expert) and ``recorder`` (a user) may sign
    the meeting's record: the chair is an expert of the panel recorded present; the recorder is city HR
    staff or another expert of the panel recorded present."""
    present = {seat.expert.pk: seat.expert for seat in attendance.seats if seat.present}
    errors = {}
    if chair is None:
        errors["chair"] = _("Name the chair of the panel: an expert of the panel recorded as present.")
    elif chair.pk not in present:
        errors["chair"] = _(
            "%(name)s cannot chair this meeting: the chair must be an expert of the panel recorded as present."
        ) % {"name": str(chair)}
    if recorder is None:
        errors["recorder"] = _("Name the recorder: city HR staff, or an expert of the panel recorded as present.")
    elif not (is_city_admin(recorder) or recorder.pk in {expert.user_id for expert in present.values()}):
        errors["recorder"] = _(
            "%(name)s cannot keep this meeting's record: the recorder is city HR staff or an expert of the "
            "panel recorded as present."
        ) % {"name": _display(recorder)}
    elif chair is not None and chair.user_id == recorder.pk:
        errors["recorder"] = _("The chair and the recorder sign the record apart: name two different people.")
    if errors:
        raise ValidationError(errors)


def vote_close(*, meeting, actor, confirm_early=False, chair=None, recorder=None):
    """Close the vote: count each case, record its result on the case and on the application (通过 or
    未通过, through the applications' transition function with the counts as the reason), close the
    meeting and store the meeting record PDF with its SHA-256. Once only; all or nothing. Before the
    meeting's date only with ``confirm_early`` (logged).

    The record names who chaired the meeting and who kept the record: ``chair`` (an expert of the panel
    present) and ``recorder`` (city staff or an expert present), given now or named before on the
    meeting; ``meeting_officers_check`` says what is wrong with them. The log of the close names them."""
    _require_staff(actor)
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.status == Meeting.Status.CLOSED:
            raise ValidationError(_("The vote was already closed; its results and record are final."), code="closed")
        if locked.status != Meeting.Status.VOTING:
            raise ValidationError(
                _("The vote is not open; it can be closed only after it was opened."), code="not_open"
            )
        now = timezone.now()
        if before_meeting_date(locked, timezone.localdate(now)) and not confirm_early:
            # Asked before counting, so that a refusal writes nothing (the transition asks again).
            raise ValidationError(early_vote_message(locked, "close_vote"), code="before_meeting_date")
        attendance = attendance_state(locked)
        chair, recorder = chair or locked.chair, recorder or locked.recorder
        meeting_officers_check(attendance=attendance, chair=chair, recorder=recorder)
        locked.chair, locked.recorder = chair, recorder
        tallies = case_tallies(locked, attendance=attendance, unseal=True)
        with translation.override("zh-hans"):  # the log and the record are filed in Chinese
            rule = rule_text()
            for tally in tallies:
                if tally.yes + tally.no + tally.abstain != tally.cast or tally.cast > tally.present:
                    raise ValidationError(
                        _(
                            "Application %(number)s has %(cast)d ballots for %(present)d experts present and not "
                            "recused (a conflict was declared after voting); the vote cannot be counted as it is."
                        )
                        % {"number": tally.case.application.number, "cast": tally.cast, "present": tally.present},
                        code="inconsistent",
                    )
                case = tally.case
                passed = tally.passed
                case.present, case.yes, case.no, case.abstain = tally.present, tally.yes, tally.no, tally.abstain
                case.result = Case.Result.PASSED if passed else Case.Result.NOT_PASSED
                case.save(update_fields=["present", "yes", "no", "abstain", "result"])
                application_transition(
                    application=case.application,
                    action="review_pass" if passed else "review_fail",
                    actor=actor,
                    now=now,
                    reason=_("%(outcome)s (%(meeting)s; rule: %(rule)s; %(not_voted)d present did not vote)")
                    % {
                        "outcome": outcome_text(tally.yes, tally.present),
                        "meeting": locked.name,
                        "rule": rule,
                        "not_voted": tally.not_voted,
                    },
                )
        with translation.override("zh-hans"):
            officers = _("Chair: %(chair)s; recorder: %(recorder)s.") % {
                "chair": str(chair),
                "recorder": _display(recorder),
            }
        meeting_transition(
            meeting=locked, action="close_vote", actor=actor, now=now, confirm_early=confirm_early, reason=officers
        )
        locked.voting_closed_at = now
        locked.closed_by = actor
        pdf = sign_pdf(
            meeting_record_pdf(meeting=locked, attendance=attendance, tallies=tallies), reason="评审会议纪要"
        )
        digest = hashlib.sha256(pdf).hexdigest()
        locked.record = default_storage.save(f"meetings/{now:%Y}/{locked.pk}-{digest[:16]}.pdf", ContentFile(pdf))
        locked.record_sha256 = digest
        locked.save(update_fields=["voting_closed_at", "closed_by", "chair", "recorder", "record", "record_sha256"])
    _refresh(
        meeting, locked, ["status", "voting_closed_at", "closed_by", "chair", "recorder", "record", "record_sha256"]
    )
    logger.info("meeting %s vote closed by %s: %d cases", locked.pk, actor.pk, len(tallies))
    return locked
