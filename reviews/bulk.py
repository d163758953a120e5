"""The bulk action reviews adds to the application list of Django admin: put accepted applications on
a meeting's agenda (``services.draw.cases_add``), one application at a time, each whole. Registered
with ``applications.services.bulk`` when the app is ready (applications never imports reviews)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Status
from applications.services.bulk import BulkAction, bulk_action_register
from reviews.models import Case, Meeting
from reviews.services.draw import cases_add


def meetings_taking_cases(actor):
    """The meetings whose agenda still takes cases (before their vote), the next first."""
    return (
        Meeting.objects.filter(status__in=Meeting.Status.CASES_OPEN).select_related("batch").order_by("held_on", "id")
    )


def _meeting(params):
    meeting = meetings_taking_cases(None).filter(pk=params.get("choice")).first()
    if meeting is None:
        raise ValidationError(_("Choose a meeting that still takes cases."))
    return meeting


def check(application, actor, params):
    """What ``cases_add`` would refuse for this one application, said before anything is written."""
    if not actor.has_perm("reviews.manage_meetings"):
        raise ValidationError(_("Only city HR staff run review meetings."))
    meeting = _meeting(params)
    if application.batch_id != meeting.batch_id:
        raise ValidationError(_("%(number)s belongs to another batch.") % {"number": application.number})
    if application.status != Status.ACCEPTED:
        raise ValidationError(
            _("%(number)s is “%(status)s”, not accepted.")
            % {"number": application.number, "status": application.get_status_display()}
        )
    if Case.objects.filter(meeting=meeting, application=application).exists():
        raise ValidationError(_("%(number)s is already on this meeting's agenda.") % {"number": application.number})
    return _("Put on the agenda of “%(meeting)s” and start its review") % {"meeting": meeting.name}


def perform(application, actor, params, reason, ip):
    cases_add(meeting=_meeting(params), applications=[application], actor=actor)


ADD_TO_MEETING = bulk_action_register(
    BulkAction(
        "add_to_meeting",
        gettext_lazy("Add to a review meeting"),
        "reviews.manage_meetings",
        check,
        perform,
        choices=meetings_taking_cases,
        choice_label=gettext_lazy("Review meeting"),
    )
)
