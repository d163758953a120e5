"""The conditions on moves of an application beyond its state and the actor's role: the guards.

Each guard takes the application and raises ``ValidationError`` whose message is the reason the move is
refused; it returns None when it allows the move. ``workflow.MOVES`` attaches them to the moves, and
``application_transition`` runs them under the row lock; pages ask ``workflow.why_not`` for the same
sentence. Guards only read: a broken signature is reported, never voided here (a GET must not write).

Where a list page has already loaded a fact (the open and upheld internal objections annotated by its
selector, the signatures computed by ``selectors.nomination_signatures``), a guard uses it, so that a
page listing many applications asks ``why_not`` of each in a fixed number of queries. The transition
re-reads the application under its lock, without those annotations, so it always checks fresh data.
"""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from applications.models import Status
from applications.selectors import application_eligibility, nomination_signature
from zaozhuang_titles.formats import date_text


def batch_accepting(application, now=None):
    """Submit: the batch accepts applications now (its window)."""
    batch_accepting_check(application.batch, now)


def batch_accepting_check(batch, now=None):
    now = now or timezone.now()
    if not batch.is_accepting(now):
        local_open, local_close = timezone.localtime(batch.opens_at), timezone.localtime(batch.closes_at)
        raise ValidationError(
            _("“%(batch)s” accepts applications from %(opens)s to %(closes)s; it does not accept them now.")
            % {
                "batch": batch.name,
                "opens": formats.date_format(local_open, "DATETIME_FORMAT"),
                "closes": formats.date_format(local_close, "DATETIME_FORMAT"),
            },
            code="batch_closed",
        )


def submission_problems(application):
    """What keeps the application from being submitted, as sentences ([] when nothing does)."""
    problems = []
    if not application.summary.strip():
        problems.append(_("Write the summary of your achievements."))
    achievements = list(application.achievements.all())
    if not achievements:
        problems.append(_("Add at least one achievement with its evidence."))
    live = [e for e in application.evidence.all() if e.removed_at is None]
    with_files = {e.achievement_id for e in live}
    for achievement in achievements:
        if achievement.pk not in with_files:
            problems.append(_("Add an evidence file to the achievement “%(title)s”.") % {"title": achievement.title})
    # The chairman signs after submission: before it the nomination is pending, never blocking.
    evaluation = application_eligibility(application)
    for result in evaluation.blocking:
        problems.append(
            _("Eligibility not met: %(label)s — %(reason)s") % {"label": result.label, "reason": result.reason}
        )
    return problems


def submission_complete(application):
    """Submit and resubmit: the summary, achievements with evidence and the eligibility rules."""
    problems = submission_problems(application)
    if problems:
        raise ValidationError(problems, code="incomplete")


def returns_to(step):
    """Resubmit to ``step``: a return for correction waits for its answer, and it was made at ``step``
    (a return by the enterprise, before or after the nomination, goes back to the enterprise's review)."""

    def returned_from_this_step(application):
        correction = application.corrections.filter(answered_at__isnull=True).order_by("-id").first()
        if correction is None:
            raise ValidationError(_("There is no return for correction to answer."), code="no_correction")
        back = (
            Status.ENTERPRISE_REVIEW
            if correction.returned_from in Status.UNDER_ENTERPRISE
            else correction.returned_from
        )
        if back != step:
            raise ValidationError(
                _("The corrected application goes back to “%(status)s”, the step that returned it.")
                % {"status": Status(back).label},
                code="other_step",
            )

    return returned_from_this_step


def dedicated_channel(application):
    """Nominate: only the dedicated channel asks for the chairman's nomination."""
    if not application.batch.is_dedicated:
        raise ValidationError(_("Only the dedicated channel asks for the chairman's nomination."), code="regular")


def internal_notice_ended(application):
    """Forward: the application was made known inside the enterprise and that notice has ended."""
    notice = application.internal_notice
    if notice is None:
        raise ValidationError(
            _("Make the application known inside the enterprise (单位内部公示) before forwarding it."),
            code="no_notice",
        )
    if not notice.has_ended():
        raise ValidationError(
            _("The internal notice runs until %(end)s; the application can be forwarded after that day.")
            % {"end": date_text(notice.ends_on)},
            code="notice_running",
        )


def _objection_facts(application):
    """(any objection open, any objection upheld): annotated by the enterprise's list, or read."""
    if hasattr(application, "open_objections") and hasattr(application, "upheld_objection"):
        return bool(application.open_objections), bool(application.upheld_objection)
    objections = application.internal_objections
    return objections.filter(resolved_at__isnull=True).exists(), objections.filter(upheld=True).exists()


def internal_objections_settled(application):
    """Forward: every objection raised during the internal notice is settled, and none was upheld."""
    open_objection, upheld = _objection_facts(application)
    if open_objection:
        raise ValidationError(
            _("An objection raised during the internal notice is not settled yet."), code="open_objection"
        )
    if upheld:
        raise ValidationError(
            _("An objection to this application was upheld; return it or let the applicant withdraw it."),
            code="objection_upheld",
        )


def nomination_valid(application):
    """Forward and pass, dedicated channel: the chairman's signature is in force and matches the content."""
    if application.batch.is_dedicated and not nomination_signature(application).valid:
        raise ValidationError(
            _(
                "The dedicated channel needs the chairman's signed nomination, and this application has no valid "
                "signature (it was never signed, or it changed after signing). The chairman must sign it again."
            ),
            code="not_nominated",
        )
