"""The life of an application: the table of allowed moves and the one function that performs them.

``MOVES`` is the single source of truth, read by ``application_transition``, by the pages (which
buttons to show, and ``why_not`` a move is refused) and by the tests. A move names the action, the state
it leaves, the state it reaches, the roles that may make it, the label the applicant sees on its
timeline and its guards: the conditions beyond the state (the batch's window, the internal notice, the
nomination; ``applications.guards``). ``application_transition`` runs the guards itself, so no caller
can skip one.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from applications import guards
from applications.counters import status_count_move, stay_count_move
from applications.models import Application, Status, Transition
from applications.notices import transition_notices
from applications.rules import (
    is_application_in_staff_division,
    is_chairman_of_application,
    is_contact_of_application,
    is_own_application,
)
from applications.selectors import eligibility_result
from applications.snapshots import submission_store
from zaozhuang_titles.models import Role

logger = logging.getLogger(__name__)

#: The actor of moves the portal makes itself (the vote's result, the end of publicity).
SYSTEM = "system"

APPLICANT = Role.APPLICANT.value
CONTACT = Role.ENTERPRISE_CONTACT.value
CHAIRMAN = Role.CHAIRMAN.value
DISTRICT = Role.DISTRICT_STAFF.value
CITY = Role.CITY_STAFF.value
ADMIN = Role.ADMINISTRATOR.value


@dataclass(frozen=True)
class Move:
    action: str
    source: str
    target: str
    roles: frozenset
    label: object  # lazy translation, shown on the timeline and on buttons
    guards: tuple = ()  # functions of the application raising ValidationError with the reason

    def allows(self, role):
        return role in self.roles

    def check(self, application):
        """Run the guards in order: the first that refuses raises its ``ValidationError``."""
        for guard in self.guards:
            guard(application)


def _move(action, source, target, roles, label, guards=()):
    return Move(action, source, target, frozenset(roles), label, tuple(guards))


#: The guards of each kind of move (MISSION.md "Rules to encode").
SUBMIT_GUARDS = (guards.batch_accepting, guards.submission_complete)
FORWARD_GUARDS = (guards.internal_notice_ended, guards.internal_objections_settled, guards.nomination_valid)
PASS_GUARDS = (guards.nomination_valid,)
NOMINATE_GUARDS = (guards.dedicated_channel,)


MOVES = (
    _move(
        "submit",
        Status.DRAFT,
        Status.ENTERPRISE_REVIEW,
        [APPLICANT],
        gettext_lazy("Submitted to the enterprise"),
        SUBMIT_GUARDS,
    ),
    _move(
        "nominate",
        Status.ENTERPRISE_REVIEW,
        Status.NOMINATED,
        [CHAIRMAN],
        gettext_lazy("Nominated by the chairman"),
        NOMINATE_GUARDS,
    ),
    *(
        _move(
            "forward",
            source,
            Status.DISTRICT_AUDIT,
            [CONTACT],
            gettext_lazy("Forwarded by the enterprise"),
            FORWARD_GUARDS,
        )
        for source in Status.in_order(Status.UNDER_ENTERPRISE)
    ),
    _move("return", Status.ENTERPRISE_REVIEW, Status.RETURNED, [CONTACT], gettext_lazy("Returned for correction")),
    _move("return", Status.NOMINATED, Status.RETURNED, [CONTACT], gettext_lazy("Returned for correction")),
    _move("return", Status.DISTRICT_AUDIT, Status.RETURNED, [DISTRICT], gettext_lazy("Returned for correction")),
    _move("return", Status.CITY_AUDIT, Status.RETURNED, [CITY, ADMIN], gettext_lazy("Returned for correction")),
    *(
        _move(
            "resubmit",
            Status.RETURNED,
            target,
            [APPLICANT],
            gettext_lazy("Corrected and resubmitted"),
            (guards.returns_to(target), guards.submission_complete),
        )
        for target in (Status.ENTERPRISE_REVIEW, Status.DISTRICT_AUDIT, Status.CITY_AUDIT)
    ),
    _move(
        "pass",
        Status.DISTRICT_AUDIT,
        Status.CITY_AUDIT,
        [DISTRICT],
        gettext_lazy("Passed the district audit"),
        PASS_GUARDS,
    ),
    _move("pass", Status.CITY_AUDIT, Status.ACCEPTED, [CITY, ADMIN], gettext_lazy("Accepted by the city"), PASS_GUARDS),
    _move("reject", Status.DISTRICT_AUDIT, Status.REJECTED, [DISTRICT], gettext_lazy("Rejected (不予受理)")),
    _move("reject", Status.CITY_AUDIT, Status.REJECTED, [CITY, ADMIN], gettext_lazy("Rejected (不予受理)")),
    *(
        _move("withdraw", source, Status.WITHDRAWN, [APPLICANT], gettext_lazy("Withdrawn by the applicant"))
        for source in Status.in_order(Status.WITHDRAWABLE)
    ),
    _move("start_review", Status.ACCEPTED, Status.IN_REVIEW, [CITY, ADMIN, SYSTEM], gettext_lazy("Review started")),
    _move("review_pass", Status.IN_REVIEW, Status.PASSED, [SYSTEM, CITY, ADMIN], gettext_lazy("Passed the review")),
    _move("review_fail", Status.IN_REVIEW, Status.NOT_PASSED, [SYSTEM, CITY, ADMIN], gettext_lazy("Did not pass")),
    _move("publish", Status.PASSED, Status.PUBLICITY, [CITY, ADMIN, SYSTEM], gettext_lazy("Published for objections")),
    _move("file", Status.PUBLICITY, Status.FILED, [CITY, ADMIN, SYSTEM], gettext_lazy("Filed with the province")),
    _move("reopen", Status.PUBLICITY, Status.IN_REVIEW, [CITY, ADMIN], gettext_lazy("Reopened after an objection")),
    _move("revoke", Status.PUBLICITY, Status.REJECTED, [CITY, ADMIN], gettext_lazy("Rejected after an objection")),
    _move("certify", Status.FILED, Status.CERTIFIED, [CITY, ADMIN, SYSTEM], gettext_lazy("Certificate issued")),
)

ACTION_LABELS = {
    "submit": gettext_lazy("Submit"),
    "nominate": gettext_lazy("Nominate"),
    "forward": gettext_lazy("Forward to the district"),
    "return": gettext_lazy("Return for correction"),
    "resubmit": gettext_lazy("Resubmit"),
    "pass": gettext_lazy("Pass"),
    "reject": gettext_lazy("Reject"),
    "withdraw": gettext_lazy("Withdraw"),
    "start_review": gettext_lazy("Start review"),
    "review_pass": gettext_lazy("Record as passed"),
    "review_fail": gettext_lazy("Record as not passed"),
    "publish": gettext_lazy("Publish"),
    "file": pgettext_lazy("workflow action", "File with the province"),
    "reopen": gettext_lazy("Reopen"),
    "revoke": gettext_lazy("Reject after objection"),
    "certify": gettext_lazy("Certify"),
}

#: Actions whose reason is required (the applicant and the log must say why).
REASON_REQUIRED = {"return", "reject", "reopen", "revoke", "withdraw"}
#: Actions that store a submitted snapshot.
SUBMITTING = {"submit", "resubmit"}
#: Actions after which the eligibility is evaluated again and kept (``Application.eligibility``): the
#: content was submitted, or the chairman's signature (which waives thresholds) was given or checked.
EVALUATING = SUBMITTING | {"nominate", "forward"}


class TransitionConflict(ValidationError):
    """The application moved on while the actor was looking at it (someone else acted first)."""


def moves_from(status):
    return [move for move in MOVES if move.source == status]


def find_moves(action, status):
    return [move for move in MOVES if move.action == action and move.source == status]


def staff_steps(role):
    """The statuses at which applications wait for ``role`` alone: some move out of them is the role's
    and none is the portal's own (``SYSTEM``). From the table: district staff's is the district audit,
    city staff's the city audit (an accepted application, say, moves on when its meeting starts). The
    staff's daily digest counts the applications waiting there past their batch's time limit."""
    return frozenset(
        status
        for status in Status
        if any(move.allows(role) for move in moves_from(status))
        and not any(move.allows(SYSTEM) for move in moves_from(status))
    )


def actor_role(application, actor):
    """The roles in which ``actor`` may act on ``application`` ([] for none, [SYSTEM] for the portal).

    Object-level: the applicant owns it, the contact and chairman belong to its enterprise, district
    staff serve its division, city staff and administrators act on all: the predicates of
    ``applications.rules``, the same that scope what each user sees. ``application.enterprise`` should
    be loaded (the selectors do it)."""
    if actor is None:
        return [SYSTEM]
    if not actor.is_authenticated or not actor.is_active:
        return []
    roles = []
    if actor.has_role(Role.CITY_STAFF):
        roles.append(CITY)
    if actor.has_role(Role.ADMINISTRATOR) or actor.is_superuser:
        roles.append(ADMIN)
    if is_application_in_staff_division(actor, application):
        roles.append(DISTRICT)
    if is_chairman_of_application(actor, application):
        roles.append(CHAIRMAN)
    if is_contact_of_application(actor, application):
        roles.append(CONTACT)
    if is_own_application(actor, application):
        roles.append(APPLICANT)
    return roles


def available_actions(application, actor):
    """The actions ``actor`` may attempt now, in table order, without running the guards."""
    roles = actor_role(application, actor)
    actions = []
    for move in moves_from(application.status):
        if any(move.allows(role) for role in roles) and move.action not in actions:
            actions.append(move.action)
    return actions


def _status_label(status):
    return Status(status).label


def _checked_move(application, action, actor, target=None):
    """The move ``actor`` makes with ``action`` from the application's state and the role it acts in,
    once the table allows it and its guards pass; raises ``ValidationError`` (with the reason) or
    ``PermissionDenied`` otherwise. Reads only."""
    candidates = find_moves(action, application.status)
    if target is not None:
        candidates = [move for move in candidates if move.target == target]
    if not candidates:
        raise ValidationError(
            _("“%(action)s” is not possible while the application is in “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": _status_label(application.status)},
            code="not_allowed",
        )
    roles = actor_role(application, actor)
    allowed = [(move, role) for move in candidates for role in roles if move.allows(role)]
    if not allowed:
        raise PermissionDenied(_("You may not do this with this application."))
    refusal = None
    for move, role in allowed:  # of moves sharing action and state (resubmit), the one its guards allow
        try:
            move.check(application)
        except ValidationError as error:
            refusal = refusal or error
        else:
            return move, role
    raise refusal


def why_not(application, actor, action):
    """Why ``actor`` may not make ``action`` on ``application`` now, as the sentence the transition
    would raise (several joined by a space), or None when it may. Writes nothing: pages show it."""
    try:
        _checked_move(application, action, actor)
    except (ValidationError, PermissionDenied) as refusal:
        messages = refusal.messages if isinstance(refusal, ValidationError) else [str(refusal)]
        return " ".join(str(message) for message in messages)
    return None


def application_transition(*, application, action, actor, reason="", ip=None, target=None, now=None, notice_note=""):
    """Perform ``action`` on ``application`` for ``actor`` and return the ``Transition`` logged.

    Locks the row (``select_for_update``) and checks the state again under the lock, so that of two
    staff acting at once exactly one succeeds and the other gets a ``TransitionConflict`` naming the new
    state. Under the lock, checks that the move is in the table for this actor and runs the move's
    guards (``Move.guards``: a refusal is a ``ValidationError`` with the reason), then writes the log,
    moves the queues' count and the working days spent at each step (``applications.counters``),
    stores a snapshot on submission, and writes the notices (an outbox: their emails are queued on
    commit, ``notice_note`` is added to them). ``target`` picks among moves of the same action from the
    same state (a resubmission goes back to the step that returned it).
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Please give the reason; the applicant and the log will show it.")})
    observed = application.status
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("enterprise", "batch", "applicant")
            .get(pk=application.pk)
        )
        if locked.status != observed:
            raise TransitionConflict(
                _("This application has just been moved to “%(status)s” by someone else; nothing was changed.")
                % {"status": _status_label(locked.status)},
                code="conflict",
            )
        move, role = _checked_move(locked, action, actor, target)
        log = Transition.objects.create(
            application=locked,
            action=action,
            from_status=locked.status,
            to_status=move.target,
            actor=actor,
            actor_role=role,
            at=now,
            reason=reason,
            ip=ip,
        )
        updates = {"status": move.target, "status_changed_at": now}
        if action in SUBMITTING:
            updates["revision"] = locked.revision + 1
            updates["submitted_at"] = now
        changed = Application.objects.filter(pk=locked.pk, status=locked.status).update(**updates)
        if changed != 1:  # pragma: no cover - the row lock makes this impossible; kept as a tripwire
            raise TransitionConflict(_("The application changed meanwhile; nothing was changed."), code="conflict")
        # The queues' counts move with the application, in this transaction (``applications.counters``).
        status_count_move(
            batch_id=locked.batch_id,
            division_id=locked.enterprise.division_id,
            source=log.from_status,
            target=move.target,
        )
        # So do the working days spent at each step (the statistics page's histogram).
        stay_count_move(
            application_id=locked.pk,
            batch_id=locked.batch_id,
            division_id=locked.enterprise.division_id,
            source=log.from_status,
            target=move.target,
            transition_id=log.pk,
        )
        for field, value in updates.items():
            setattr(locked, field, value)
            setattr(application, field, value)
        if action in SUBMITTING:
            submission_store(application=locked, transition=log)
        if action in EVALUATING:
            # Kept for the staff's lists to filter by (the pages evaluate again when they show it).
            locked.eligibility = application.eligibility = eligibility_result(locked)
            Application.objects.filter(pk=locked.pk).update(eligibility=locked.eligibility)

        transition_notices(transition=log, move_label=move.label, note=notice_note)
    logger.info(
        "application %s %s: %s -> %s by %s (%s)",
        locked.number,
        action,
        log.from_status,
        log.to_status,
        actor.pk if actor else SYSTEM,
        role,
    )
    return log
