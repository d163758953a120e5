"""The life of a review meeting: the table of its moves and the one function that performs them.

planned → drawn (the panel is drawn) → scoring (the experts have their assignments) → voting (the
secret ballot is open) → closed (the vote is counted and the record filed). ``MEETING_MOVES`` is read
by ``meeting_transition``, the only writer of ``Meeting.status``, and by the tests; each move carries
its guards (functions of the locked meeting raising ``ValidationError`` with the reason), and every
move leaves a ``MeetingTransition`` row.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reviews.models import Assignment, Meeting, MeetingTransition, PanelMember
from reviews.selectors.voting import attendance_state
from zaozhuang_titles.rules import is_city_admin

logger = logging.getLogger(__name__)

M = Meeting.Status


def panel_drawn(meeting):
    """Drawn: the panel's members are recorded."""
    if not PanelMember.objects.filter(meeting=meeting, kind=PanelMember.Kind.MEMBER).exists():
        raise ValidationError(_("The panel of this meeting has not been drawn."), code="no_panel")


def has_assignments(meeting):
    """Scoring: the experts have applications to score."""
    if not Assignment.objects.filter(case__meeting=meeting).exists():
        raise ValidationError(_("No application is assigned to the panel yet."), code="no_assignments")


def quorate(meeting):
    """Voting: enough experts of the panel are present (the batch's quorum)."""
    state = attendance_state(meeting)
    if not state.reached:
        raise ValidationError(
            _(
                "The meeting is not quorate: %(attending)d of the %(panel)d experts of the panel are present, "
                "and at least %(needed)d (%(numerator)d/%(denominator)d of the panel) are needed."
            )
            % {
                "attending": state.attending,
                "panel": state.panel_size,
                "needed": state.needed,
                "numerator": state.numerator,
                "denominator": state.denominator,
            },
            code="no_quorum",
        )


@dataclass(frozen=True)
class MeetingMove:
    action: str
    source: str
    target: str
    guards: tuple = ()
    #: A move of the meeting day itself (the vote): before the meeting's date it needs staff's explicit
    #: confirmation, recorded in the log with the date.
    on_meeting_day: bool = False


MEETING_MOVES = (
    MeetingMove("draw", M.PLANNED, M.DRAWN, (panel_drawn,)),
    MeetingMove("start_scoring", M.DRAWN, M.SCORING, (has_assignments,)),
    MeetingMove("open_vote", M.SCORING, M.VOTING, (quorate,), on_meeting_day=True),
    MeetingMove("close_vote", M.VOTING, M.CLOSED, on_meeting_day=True),
)


def before_meeting_date(meeting, today=None):
    """True when ``today`` (local) comes before the meeting's scheduled date (``held_on``)."""
    return (today or timezone.localdate()) < meeting.held_on


def early_vote_message(meeting, action):
    """Why opening or closing the vote of ``meeting`` now needs a confirmation."""
    text = (
        _(
            "The meeting is scheduled for %(date)s. Opening the vote before that day needs your explicit "
            "confirmation: tick “I confirm opening the vote before the meeting date”. The confirmation is "
            "recorded in the meeting's log."
        )
        if action == "open_vote"
        else _(
            "The meeting is scheduled for %(date)s. Closing the vote before that day needs your explicit "
            "confirmation: tick “I confirm closing the vote before the meeting date”. The confirmation is "
            "recorded in the meeting's log."
        )
    )
    return text % {"date": meeting.held_on.isoformat()}


def _early_reason(meeting, action, today):
    with translation.override("zh-hans"):  # the log is kept in Chinese
        text = (
            _("Vote opened on %(today)s, before the meeting date %(date)s, with the staff's confirmation.")
            if action == "open_vote"
            else _("Vote closed on %(today)s, before the meeting date %(date)s, with the staff's confirmation.")
        )
        return text % {"today": today.isoformat(), "date": meeting.held_on.isoformat()}


def meeting_move(action, status):
    return next((move for move in MEETING_MOVES if move.action == action and move.source == status), None)


def meeting_transition(*, meeting, action, actor, reason="", now=None, confirm_early=False):
    """Make ``action`` on ``meeting`` for ``actor`` (city staff, or None for the portal itself) and
    return the ``MeetingTransition`` logged.

    Locks the meeting's row, checks that the move leaves its current status, runs the move's guards
    under the lock, writes the log and the new status (only where the old one still holds), and sets it
    on ``meeting``. A move of the meeting day (the vote) before the meeting's date is refused unless
    ``confirm_early``; with it, the log's reason says so."""
    if actor is not None and not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff run review meetings."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        move = meeting_move(action, locked.status)
        if move is None:
            raise ValidationError(
                _("This is not possible while the meeting is “%(status)s”.") % {"status": locked.get_status_display()},
                code="not_allowed",
            )
        for guard in move.guards:
            guard(locked)
        today = timezone.localdate(now)
        if move.on_meeting_day and before_meeting_date(locked, today):
            if not confirm_early:
                raise ValidationError(early_vote_message(locked, action), code="before_meeting_date")
            reason = " ".join(part for part in (_early_reason(locked, action, today), reason) if part)
        log = MeetingTransition.objects.create(
            meeting=locked,
            action=action,
            from_status=move.source,
            to_status=move.target,
            actor=actor,
            at=now,
            reason=(reason or "")[:500],
        )
        changed = Meeting.objects.filter(pk=locked.pk, status=move.source).update(status=move.target)
        if changed != 1:  # pragma: no cover - the row lock makes this impossible; kept as a tripwire
            raise ValidationError(_("The meeting changed meanwhile; nothing was changed."), code="conflict")
    meeting.status = move.target
    logger.info(
        "meeting %s %s: %s -> %s by %s", locked.pk, action, move.source, move.target, actor.pk if actor else "system"
    )
    return log
