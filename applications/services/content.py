"""The application's content (text, achievements, evidence files) and the applicant's moves (submit,
resubmit, withdraw)."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import evidence as evidence_files
from applications.counters import status_count_add
from applications.guards import batch_accepting_check
from applications.models import (
    Achievement,
    Application,
    Evidence,
)
from applications.services.common import _require_applicant, application_touch
from applications.services.profile import profile_get_or_create
from applications.workflow import application_transition


def _check_editable(application, actor):
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant changes its application."))
    if not application.is_editable:
        raise ValidationError(
            _("The application is “%(status)s” and cannot be changed now.")
            % {"status": application.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def application_create(*, applicant, batch, specialty, summary):
    """Start an application (a draft) in ``batch``: one per applicant per batch."""
    _require_applicant(applicant)
    batch_accepting_check(batch)
    profile = profile_get_or_create(user=applicant)
    if profile.enterprise_id is None or profile.enterprise.status != profile.enterprise.Status.ACTIVE:
        raise ValidationError(
            _("Choose your employer, an active enterprise registered on the portal, in your profile first."),
            code="no_employer",
        )
    if Application.objects.filter(batch=batch, applicant=applicant).exists():
        raise ValidationError(_("You already have an application in this batch."), code="duplicate")
    application = Application(
        batch=batch,
        applicant=applicant,
        enterprise=profile.enterprise,
        specialty=specialty,
        summary=summary,
        number=f"tmp-{hashlib.sha256(f'{batch.pk}-{applicant.pk}'.encode()).hexdigest()[:14]}",
    )
    application.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("You already have an application in this batch."), code="duplicate") from None
    application.number = f"{batch.year}{application.pk:07d}"
    Application.objects.filter(pk=application.pk).update(number=application.number)
    status_count_add(batch_id=batch.pk, division_id=application.enterprise.division_id, status=application.status)
    return application


@transaction.atomic
def application_update(*, application, actor, specialty, summary):
    _check_editable(application, actor)
    application.specialty, application.summary = specialty, summary
    application.full_clean()
    application.save(update_fields=["specialty", "summary"])
    application_touch(application=application, reason=_("The application's text changed."))
    return application


@transaction.atomic
def achievement_save(*, application, actor, data, achievement=None):
    """Add or change one structured achievement."""
    _check_editable(application, actor)
    if achievement is None:
        last = application.achievements.order_by("-position").values_list("position", flat=True).first()
        achievement = Achievement(application=application, position=(last or 0) + 1)
    elif achievement.application_id != application.pk:
        raise PermissionDenied
    for field, value in data.items():
        setattr(achievement, field, value)
    achievement.full_clean()
    try:
        with transaction.atomic():
            achievement.save()
    except IntegrityError:
        raise ValidationError(
            {"patent_number": _("This patent is already among the achievements of this application.")}
        ) from None
    application_touch(application=application, reason=_("An achievement changed."))
    return achievement


@transaction.atomic
def achievement_remove(*, application, actor, achievement):
    _check_editable(application, actor)
    if achievement.application_id != application.pk:
        raise PermissionDenied
    now = timezone.now()
    achievement.evidence.filter(removed_at__isnull=True).update(removed_at=now)
    achievement.delete()
    application_touch(application=application, reason=_("An achievement was removed."))


def evidence_total(application):
    return application.evidence.filter(removed_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def evidence_add(*, application, actor, uploaded_file, achievement=None):
    """Check an uploaded file by its content, store it under a random name, and record it."""

    _check_editable(application, actor)
    if achievement is not None and achievement.application_id != application.pk:
        raise PermissionDenied
    inspected = evidence_files.inspect_upload(uploaded_file)
    Application.objects.select_for_update().filter(pk=application.pk).first()  # serialise the total check
    evidence_files.check_total(evidence_total(application), inspected.size)
    storage_name = evidence_files.store_upload(uploaded_file, inspected)
    try:
        item = Evidence.objects.create(
            application=application,
            achievement=achievement,
            storage_name=storage_name,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=actor,
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    application_touch(application=application, reason=_("An evidence file was added."))
    return item


@transaction.atomic
def evidence_remove(*, application, actor, evidence):
    _check_editable(application, actor)
    if evidence.application_id != application.pk:
        raise PermissionDenied
    evidence.removed_at = timezone.now()
    evidence.save(update_fields=["removed_at"])
    application_touch(application=application, reason=_("An evidence file was removed."))


def application_submit(*, application, actor, ip=None):
    """The applicant submits its draft to its enterprise (单位审核)."""
    return application_transition(application=application, action="submit", actor=actor, ip=ip)


@transaction.atomic
def application_resubmit(*, application, actor, ip=None):
    """The applicant answers a return for correction; the application goes back to the step that
    returned it (the resubmit moves' guards pick it)."""
    log = application_transition(application=application, action="resubmit", actor=actor, ip=ip)
    correction = application.corrections.filter(answered_at__isnull=True).order_by("-id").first()
    correction.answered_at = log.at
    correction.save(update_fields=["answered_at"])
    return log


def application_withdraw(*, application, actor, reason, ip=None):
    return application_transition(application=application, action="withdraw", actor=actor, reason=reason, ip=ip)
