"""The applicant's profile (个人档案) and its records; locked while an application of it is under audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applications.models import (
    ApplicantProfile,
    Application,
    EducationRecord,
    SkillRecord,
    Status,
    TitleRecord,
    WorkRecord,
)
from applications.services.common import _require_applicant, application_touch

#: The records of a profile an applicant keeps through ``profile_record_save``.
PROFILE_RECORDS = (EducationRecord, TitleRecord, SkillRecord, WorkRecord)


def profile_get_or_create(*, user):
    _require_applicant(user)
    profile, _created = ApplicantProfile.objects.get_or_create(user=user)
    return profile


def profile_lock_reason(*, user):
    """Why the profile cannot change now ("" when it can): an application of it is under audit."""
    locked = (
        Application.objects.filter(applicant=user, status__in=Status.PROFILE_LOCKING).select_related("batch").first()
    )
    if locked is None:
        return ""
    return _(
        "Your profile is part of application %(number)s, which is “%(status)s”; it can change again when "
        "the application is returned for correction or has ended."
    ) % {"number": locked.number, "status": locked.get_status_display()}


def _check_profile_editable(user):
    reason = profile_lock_reason(user=user)
    if reason:
        raise ValidationError(reason, code="profile_locked")


def _touch_open_applications(user, reason):
    for application in Application.objects.filter(applicant=user, status__in=Status.EDITABLE):
        application_touch(application=application, reason=reason)


@transaction.atomic
def profile_update(*, user, enterprise=None, department="", position="", specialty="", email=None, mobile=None):
    """The applicant updates its profile: employer, department, position, specialty, contact data.

    Name and ID number are fixed at registration (staff correct them in admin)."""
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if enterprise is not None and enterprise.status != enterprise.Status.ACTIVE:
        raise ValidationError(
            {"enterprise": _("%(name)s is not an active registered enterprise yet.") % {"name": enterprise.name}}
        )
    profile.enterprise = enterprise
    profile.department, profile.position, profile.specialty = department, position, specialty
    profile.full_clean()
    profile.save()
    if email is not None or mobile is not None:
        if email is not None:
            user.email = email
        if mobile is not None:
            user.mobile = mobile or None
        user.full_clean(exclude=["password"])
        user.save(update_fields=["email", "mobile"])
    _touch_open_applications(user, _("The profile changed."))
    return profile


@transaction.atomic
def profile_record_save(*, user, model, data, instance=None):
    """Add or change one record of the profile (education, title, skill, work, training)."""
    if model not in PROFILE_RECORDS:
        raise ValueError(f"not a profile record: {model}")
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if instance is None:
        instance = model(profile=profile)
    elif instance.profile_id != profile.pk:
        raise PermissionDenied
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(_("This record duplicates one you already have.")) from None
    _touch_open_applications(user, _("The profile changed."))
    return instance


@transaction.atomic
def profile_record_remove(*, user, instance):
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if instance.profile_id != profile.pk:
        raise PermissionDenied
    instance.delete()
    _touch_open_applications(user, _("The profile changed."))
