"""The enterprise's part: the internal notice (单位内部公示), objections raised during it, forwarding."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    InternalNotice,
    InternalObjection,
)
from applications.workflow import application_transition
from enterprises.selectors import enterprise_for_contact
from zaozhuang_titles.formats import date_text
from zaozhuang_titles.models import Role
from zaozhuang_titles.workdays import period_end


def _check_contact(actor, enterprise):

    own = enterprise_for_contact(actor) if actor.has_role(Role.ENTERPRISE_CONTACT) else None
    if own is None or own.pk != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own contact does this."))


@transaction.atomic
def internal_notice_start(*, enterprise, batch, applications, actor, starts_on, location):
    """Start the internal notice (单位内部公示) of ``applications`` for the batch's working days."""

    _check_contact(actor, enterprise)
    applications = list(applications)
    if not applications:
        raise ValidationError(_("Choose at least one application to make known."), code="empty")
    if starts_on < timezone.localdate():
        raise ValidationError({"starts_on": _("The notice cannot start in the past.")})
    for application in applications:
        if application.enterprise_id != enterprise.pk or application.batch_id != batch.pk:
            raise PermissionDenied
        if not application.is_under_enterprise:
            raise ValidationError(
                _("Application %(number)s is “%(status)s”; only applications under enterprise review are made known.")
                % {"number": application.number, "status": application.get_status_display()}
            )
        if application.internal_notice_id is not None:
            raise ValidationError(
                _("Application %(number)s is already in an internal notice.") % {"number": application.number}
            )
    result = period_end(starts_on, batch.notice_working_days)
    notice = InternalNotice(
        enterprise=enterprise,
        batch=batch,
        starts_on=result.first_day,
        ends_on=result.end,
        working_days=batch.notice_working_days,
        provisional=result.provisional,
        location=location,
        started_by=actor,
    )
    notice.full_clean()
    notice.save()
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(internal_notice=notice)
    return notice


@transaction.atomic
def internal_objection_record(*, notice, application, actor, raised_on, raised_by, content):
    _check_contact(actor, notice.enterprise)
    if application.internal_notice_id != notice.pk:
        raise PermissionDenied
    if raised_on < notice.starts_on or raised_on > notice.ends_on:
        raise ValidationError(
            {
                "raised_on": _("An objection to this notice is raised between %(start)s and %(end)s.")
                % {"start": date_text(notice.starts_on), "end": date_text(notice.ends_on)}
            }
        )
    objection = InternalObjection(
        notice=notice,
        application=application,
        raised_on=raised_on,
        raised_by=raised_by,
        content=content,
        recorded_by=actor,
    )
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def internal_objection_resolve(*, objection, actor, upheld, resolution):
    _check_contact(actor, objection.notice.enterprise)
    if objection.resolved_at is not None:
        raise ValidationError(_("This objection is already settled."), code="settled")
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the objection was settled.")})
    objection.upheld, objection.resolution, objection.resolved_at = upheld, resolution.strip(), timezone.now()
    objection.full_clean()
    objection.save()
    return objection


def application_forward(*, application, actor, reason="", ip=None):
    """The enterprise contact forwards the application to the district after the internal notice."""
    return application_transition(application=application, action="forward", actor=actor, reason=reason, ip=ip)
