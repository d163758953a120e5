"""Reminders of a questionnaire's deadline (问卷催办), sent by the beat schedule.

The contacts of an enterprise that has not submitted its answer (a draft is not an answer) are told 3
working days before the deadline and again 1 working day before it (``REMINDER_STAGES``), counted on the
Chinese working-day calendar with its holidays and make-up working days (``zaozhuang_titles.workdays``).
Nothing is sent on a day off: the first working day after a stage's day sends what fell on it. A stage
whose day came before the questionnaire was sent is skipped (its invitation has just arrived).

Idempotent: each notice's key names the recipient, the deadline, the stage and the person, so a second
run (or a second worker) writes nothing new; a fixed number of queries however many enterprises
(``notices_create_many``).
"""

import datetime
import logging

from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseContact
from surveys.models import Dispatch, Recipient, Response, SurveyEvent
from zaozhuang_titles.notices import notice_build, notices_create_many
from zaozhuang_titles.workdays import WorkingCalendar

logger = logging.getLogger(__name__)

#: Working days before the deadline on which the enterprises that have not answered are reminded.
REMINDER_STAGES = (3, 1)
#: Dispatches whose deadline lies further than this are not looked at (3 working days never take a month).
LOOKAHEAD = datetime.timedelta(days=31)


def reminder_stage(dispatch, today, calendar):
    """The stage (working days before the deadline) whose reminder is due on ``today``, or None."""
    if today > dispatch.deadline:
        return None
    sent_on = timezone.localdate(dispatch.sent_at)
    for stage in sorted(REMINDER_STAGES):
        day = calendar.working_day_before(dispatch.deadline, stage)
        if day <= today:
            return stage if sent_on < day else None
    return None


def reminder_key(recipient, dispatch, stage, user_id):
    return f"survey-reminder:{recipient.pk}:{dispatch.deadline:%Y%m%d}:{stage}:{user_id}"


def survey_reminders_send(*, today=None):
    """Remind the contacts of every enterprise that has not submitted a questionnaire due in 3 or 1
    working days. Returns how many notices were new."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    calendar.load(today.year - 1, (today + LOOKAHEAD).year)
    if not calendar.is_working_day(today):
        return 0
    dispatches = Dispatch.objects.filter(deadline__gte=today, deadline__lte=today + LOOKAHEAD).select_related(
        "questionnaire"
    )
    stages = {}
    for dispatch in dispatches:
        stage = reminder_stage(dispatch, today, calendar)
        if stage is not None:
            stages[dispatch.pk] = (dispatch, stage)
    if not stages:
        return 0
    waiting = Recipient.objects.filter(dispatch_id__in=list(stages)).exclude(response__status=Response.Status.SUBMITTED)
    recipients = list(waiting.select_related("response").order_by("dispatch_id", "id"))
    contacts = {}
    for contact in (
        EnterpriseContact.objects.filter(
            enterprise_id__in=Subquery(waiting.values("enterprise_id")),
            is_active=True,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("id")
    ):
        contacts.setdefault(contact.enterprise_id, []).append(contact)
    notices, reminded = [], set()
    with translation.override("zh-hans"):
        for recipient in recipients:
            dispatch, stage = stages[recipient.dispatch_id]
            values = {
                "title": dispatch.questionnaire.title,
                "deadline": date_format(dispatch.deadline, "DATE_FORMAT"),
                "days": stage,
            }
            subject = _("Questionnaire “%(title)s” closes on %(deadline)s") % values
            response = getattr(recipient, "response", None)
            if response is not None:
                body = (
                    _(
                        "Your enterprise saved a draft of the questionnaire “%(title)s” but has not submitted it. "
                        "Please submit it by %(deadline)s (%(days)d working days left)."
                    )
                    % values
                )
            else:
                body = (
                    _(
                        "Your enterprise has not answered the questionnaire “%(title)s” yet. Please answer it by "
                        "%(deadline)s (%(days)d working days left)."
                    )
                    % values
                )
            url = reverse("surveys:answer", args=[recipient.token])
            for contact in contacts.get(recipient.enterprise_id, []):
                reminded.add(dispatch.pk)
                notices.append(
                    notice_build(
                        recipient=contact.user,
                        key=reminder_key(recipient, dispatch, stage, contact.user_id),
                        subject=subject,
                        body=body,
                        url=url,
                    )
                )
    sent = notices_create_many(notices=notices)
    if sent:
        SurveyEvent.objects.bulk_create(
            [
                SurveyEvent(
                    action=SurveyEvent.Action.REMINDED,
                    dispatch_id=pk,
                    questionnaire_id=stages[pk][0].questionnaire_id,
                    detail=f"{stages[pk][1]}",
                )
                for pk in sorted(reminded)
            ]
        )
        logger.info("reminded %d contacts of questionnaire deadlines", sent)
    return sent
