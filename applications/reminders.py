"""Reminders of deadlines sent by the beat schedule: an applicant whose return for correction (退回补正)
is due within two working days is told once per correction and deadline (in-site notice and email).

The task ``applications.remind_correction_deadlines`` calls ``correction_reminders_send`` once a day;
the notice key ``correction-reminder:<correction>:<deadline>`` makes a second run (or a second worker)
tell no one twice, while a deadline moved by staff is reminded again.
"""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import CorrectionRequest, Status
from zaozhuang_titles.models import Notice
from zaozhuang_titles.notices import notice_create
from zaozhuang_titles.workdays import add_working_days

logger = logging.getLogger(__name__)

#: A correction is reminded when its deadline is at most this many working days away.
REMINDER_WORKING_DAYS = 2


def reminder_key(correction):
    return f"correction-reminder:{correction.pk}:{correction.deadline.isoformat()}"


def corrections_due_for_reminder(*, today=None):
    """Open returns for correction (not answered, the application still returned) whose deadline falls
    from ``today`` to the end of the second working day after it."""
    today = today or timezone.localdate()
    last_day = add_working_days(today, REMINDER_WORKING_DAYS).end
    return (
        CorrectionRequest.objects.filter(
            answered_at__isnull=True,
            application__status=Status.RETURNED,
            deadline__gte=today,
            deadline__lte=last_day,
        )
        .select_related("application__applicant", "application__batch")
        .order_by("deadline", "id")
    )


def correction_remind(correction):
    """Tell the applicant of ``correction`` its deadline (once per correction and deadline: the notice's key)."""
    application = correction.application
    with translation.override("zh-hans"):
        values = {"number": application.number, "deadline": date_format(correction.deadline, "DATE_FORMAT")}
        body = (
            _(
                "Your application %(number)s was returned for correction (退回补正). Please correct it and submit it "
                "again by %(deadline)s."
            )
            % values
        )
        if correction.deadline_provisional:
            body += "\n" + _(
                "The deadline is provisional: the holidays of that year are not confirmed yet, so it may move."
            )
        return notice_create(
            recipient=application.applicant,
            key=reminder_key(correction),
            subject=_("Application %(number)s: correct it by %(deadline)s") % values,
            body=body,
            url=reverse("applications:timeline", args=[application.pk]),
        )


def correction_reminders_send(*, today=None):
    """Tell each applicant whose correction is due soon; returns how many were told now (not before)."""
    corrections = list(corrections_due_for_reminder(today=today))
    told_before = set(
        Notice.objects.filter(key__in=[reminder_key(c) for c in corrections]).values_list("key", flat=True)
    )
    sent = 0
    for correction in corrections:
        if reminder_key(correction) in told_before:
            continue
        with transaction.atomic():  # each notice commits on its own, and its email is queued then
            correction_remind(correction)
        sent += 1
    if sent:
        logger.info("reminded %d applicants of their correction deadlines", sent)
    return sent
