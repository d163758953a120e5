"""Bulk actions of staff on applications (批量操作), as Django admin offers them: pass, return with one
reason, reject with one reason, remind, and the actions other apps register (reviews adds "add to a
meeting"; applications never imports reviews).

Two steps. ``bulk_plan`` reads only: for each selected application it says what would happen, or why it
would be skipped (its state, the actor's role on it, a guard), in the sentence the transition function
would raise (``workflow.why_not``). ``bulk_run_start`` then records a ``BulkRun`` and performs it:
in the request up to ``settings.BULK_ACTION_TASK_ABOVE`` applications, otherwise in the Celery task
``applications.bulk_run``, queued on commit. Either way ``bulk_run_execute`` does the work: each
application in its own transaction (it succeeds or fails whole), reloaded in the actor's admin scope,
through the same service and transition function as the portal's pages (guards, log, notices), and its
outcome kept on the run: done, skipped with the refusal, or failed with the error. Running it again
(a worker lost mid-way) continues with the applications that have no outcome yet.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, BulkRun, CorrectionRequest, Status
from applications.reminders import correction_already_reminded, correction_remind
from applications.rules import ADMIN_SCOPES
from applications.selectors import nomination_signatures
from applications.services.audit import application_pass, application_reject, application_return
from applications.workflow import find_moves, why_not
from zaozhuang_titles.scopes import visible

logger = logging.getLogger(__name__)

DONE, SKIPPED, FAILED = "done", "skipped", "failed"
#: Progress is written after this many applications (and at the end), not after each.
FLUSH_EVERY = 25


@dataclass(frozen=True)
class BulkAction:
    """One bulk action: ``check(application, actor, params)`` returns what will happen (a sentence) or
    raises ``ValidationError``/``PermissionDenied`` with the reason it is skipped, reading only;
    ``perform(application, actor, params, reason, ip)`` does it (raising the same way when refused).
    ``choices(actor)`` gives the objects to choose from (a meeting) when the action needs one."""

    key: str
    label: object
    permission: str
    check: object
    perform: object
    needs_reason: bool = False
    choices: object = None
    choice_label: object = ""
    extra: dict = field(default_factory=dict)


REGISTRY = {}


def bulk_action_register(action):
    """Offer ``action`` on the application list (another app's, such as reviews' "add to a meeting")."""
    REGISTRY[action.key] = action
    return action


def bulk_actions_for(user):
    """The bulk actions ``user`` may run, in registration order."""
    return [action for action in REGISTRY.values() if user.has_perm(action.permission)]


def bulk_action(key):
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(_("There is no bulk action “%(action)s”.") % {"action": key}) from None


# --- The audit's own actions ------------------------------------------------------------------------


def _move_check(action):
    def check(application, actor, params):
        refusal = why_not(application, actor, action)
        if refusal:
            raise ValidationError(refusal)
        move = find_moves(action, application.status)[0]
        return _("%(action)s: “%(source)s” → “%(target)s”") % {
            "action": move.label,
            "source": Status(move.source).label,
            "target": Status(move.target).label,
        }

    return check


def _pass(application, actor, params, reason, ip):
    application_pass(application=application, actor=actor, ip=ip)


def _reject(application, actor, params, reason, ip):
    application_reject(application=application, actor=actor, reason=reason, ip=ip)


#: The one item of a return made for many applications at once: the application as a whole.
WHOLE_APPLICATION = "application:whole"


def _return(application, actor, params, reason, ip):
    application_return(
        application=application,
        actor=actor,
        reason=reason,
        items=[(WHOLE_APPLICATION, _("The application as a whole"), reason)],
        ip=ip,
    )


def _open_correction(application):
    correction = (
        CorrectionRequest.objects.filter(application=application, answered_at__isnull=True).order_by("-id").first()
    )
    if application.status != Status.RETURNED or correction is None:
        raise ValidationError(
            _("Only an application returned for correction and waiting for its applicant can be reminded.")
        )
    return correction


def _remind_check(application, actor, params):
    correction = _open_correction(application)
    if correction_already_reminded(correction):
        raise ValidationError(_("Its applicant was already reminded of this deadline."))
    return _("Remind the applicant to correct it by %(date)s") % {"date": correction.deadline.isoformat()}


def _remind(application, actor, params, reason, ip):
    _remind_check(application, actor, params)
    correction_remind(_open_correction(application))


AUDIT = "applications.audit_in_admin"
bulk_action_register(BulkAction("pass", gettext_lazy("Pass"), AUDIT, _move_check("pass"), _pass))
bulk_action_register(
    BulkAction("return", gettext_lazy("Return for correction"), AUDIT, _move_check("return"), _return, True)
)
bulk_action_register(
    BulkAction("reject", gettext_lazy("Reject (不予受理)"), AUDIT, _move_check("reject"), _reject, True)
)
bulk_action_register(BulkAction("remind", gettext_lazy("Remind the applicant"), AUDIT, _remind_check, _remind))


# --- Planning and running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    application: Application
    will: str = ""
    skipped: str = ""


def _refusal_text(refusal):
    if isinstance(refusal, ValidationError):
        return " ".join(str(message) for message in refusal.messages)
    return str(refusal) or _("You may not do this with this application.")


def bulk_plan(*, action, applications, actor, params=None):
    """[PlanRow] of ``applications`` in the given order: what ``action`` would do to each, or why it
    skips it. Reads only."""
    applications = list(applications)
    # The signatures of all at once, kept on each application for the guards (``why_not``).
    nomination_signatures(applications)
    rows = []
    for application in applications:
        try:
            will = action.check(application, actor, params or {})
        except (ValidationError, PermissionDenied) as refusal:
            rows.append(PlanRow(application, skipped=_refusal_text(refusal)))
        else:
            rows.append(PlanRow(application, will=str(will)))
    return rows


def admin_applications(actor):
    """The applications ``actor`` may act on from Django admin (``rules.ADMIN_SCOPES``)."""
    return visible(Application.objects.all(), actor, ADMIN_SCOPES)


@transaction.atomic
def bulk_run_start(*, action, application_ids, actor, reason="", params=None, ip=None):
    """Record and start a bulk run; returns it. Over ``BULK_ACTION_TASK_ABOVE`` applications it is queued
    as a Celery task (on commit), otherwise performed now."""
    if not actor.has_perm(action.permission):
        raise PermissionDenied(_("You may not do this with these applications."))
    reason = (reason or "").strip()
    if action.needs_reason and not reason:
        raise ValidationError({"reason": _("Please give the reason; the applicant and the log will show it.")})
    ids = list(dict.fromkeys(int(pk) for pk in application_ids))
    if not ids:
        raise ValidationError(_("Choose at least one application."))
    background = len(ids) > settings.BULK_ACTION_TASK_ABOVE
    run = BulkRun(
        action=action.key,
        actor=actor,
        reason=reason,
        params=params or {},
        application_ids=ids,
        in_background=background,
        ip=ip,
    )
    run.full_clean()
    run.save()
    if background:
        from applications.tasks import bulk_run  # deferred: the tasks import this module

        transaction.on_commit(lambda: bulk_run.delay(run_id=run.pk))
    else:
        bulk_run_execute(run_id=run.pk)
        run.refresh_from_db()
    return run


def _flush(run):
    BulkRun.objects.filter(pk=run.pk).update(results=run.results, state=run.state, finished_at=run.finished_at)


def bulk_run_execute(*, run_id):
    """Perform a recorded run: each application without an outcome yet, each in its own transaction.
    Idempotent: a finished run is left as it is, a run cut short goes on where it stopped."""
    run = BulkRun.objects.select_related("actor").filter(pk=run_id).first()
    if run is None or run.state == BulkRun.State.FINISHED:
        return run
    action = REGISTRY.get(run.action)
    run.state = BulkRun.State.RUNNING
    _flush(run)
    actor = run.actor
    pending = [pk for pk in run.application_ids if str(pk) not in run.results]
    loaded = admin_applications(actor).select_related("enterprise__division", "batch", "applicant").in_bulk(pending)
    for position, pk in enumerate(pending, start=1):
        application = loaded.get(pk)
        run.results[str(pk)] = _perform_one(action, run, actor, application)
        if position % FLUSH_EVERY == 0:
            _flush(run)
    run.state = BulkRun.State.FINISHED
    run.finished_at = timezone.now()
    _flush(run)
    return run


def _perform_one(action, run, actor, application):
    if application is None or action is None:
        return {"outcome": SKIPPED, "number": "", "reason": _("Not among the applications you may act on.")}
    number = application.number
    try:
        with transaction.atomic():
            action.perform(application, actor, run.params, run.reason, run.ip)
    except (ValidationError, PermissionDenied) as refusal:
        return {"outcome": SKIPPED, "number": number, "reason": _refusal_text(refusal)}
    except Exception as error:  # a fault, not a refusal: this application is rolled back, the others go on
        logger.exception("bulk run %s: %s failed on application %s", run.pk, run.action, application.pk)
        return {
            "outcome": FAILED,
            "number": number,
            "reason": _("An error stopped it (%(error)s); nothing of it was changed.")
            % {"error": type(error).__name__},
        }
    return {"outcome": DONE, "number": number, "reason": ""}


def bulk_run_summary(run):
    """What the result page shows: counts, and the skipped and failed applications with their reasons."""
    rows = [dict(result, id=int(pk)) for pk, result in run.results.items()]
    return {
        "total": run.total,
        "processed": len(rows),
        "done": sum(1 for row in rows if row["outcome"] == DONE),
        "skipped": [row for row in rows if row["outcome"] == SKIPPED],
        "failed": [row for row in rows if row["outcome"] == FAILED],
        "finished": run.state == BulkRun.State.FINISHED,
        "percent": int(100 * len(rows) / run.total) if run.total else 100,
    }
