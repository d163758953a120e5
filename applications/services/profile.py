"""The applicant's profile (个人档案) and its records; locked while an application of it is under audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
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
from zaozhuang_titles.uploads import portrait_jpeg, store_content

#: Where the photos are kept in the private media root.
PHOTO_FOLDER = "photos"

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


def _forget_file(name):
    """Delete a replaced photo once the change is committed: personal data is not kept longer than used."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def profile_photo_set(*, user, uploaded_file):
    """The applicant's photo (证件照) for its certificate: checked and re-encoded (``portrait_jpeg``: a
    real JPEG or PNG, upright, cut to the certificate's proportions, no metadata) and stored in the
    private media root; the previous one is deleted. Allowed at any time, also while the profile is
    locked: the certificate is printed with the photo of the moment it is issued."""
    profile = profile_get_or_create(user=user)
    content = portrait_jpeg(uploaded_file)  # ValidationError before anything is stored
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().get(pk=profile.pk)
        previous = profile.photo
        profile.photo = store_content(content, folder=PHOTO_FOLDER, extension="jpg")
        profile.photo_updated_at = timezone.now()
        profile.save(update_fields=["photo", "photo_updated_at", "updated_at"])
        _forget_file(previous)
    return profile


def profile_photo_remove(*, user):
    """Remove the applicant's photo; certificates issued from now on show the placeholder."""
    profile = profile_get_or_create(user=user)
    with transaction.atomic():
        profile = ApplicantProfile.objects.select_for_update().get(pk=profile.pk)
        if not profile.photo:
            raise ValidationError(_("There is no photo to remove."), code="no_photo")
        _forget_file(profile.photo)
        profile.photo, profile.photo_updated_at = "", timezone.now()
        profile.save(update_fields=["photo", "photo_updated_at", "updated_at"])
    return profile
