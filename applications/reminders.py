"""Reminders of deadlines sent by the beat schedule: an applicant whose return for correction (退回补正)
is due within two working days is told once per correction and deadline (in-site notice and email),
in one notice listing every such application of theirs.

The task ``applications.remind_correction_deadlines`` calls ``correction_reminders_send`` each
morning; it sends nothing on a day that is not a working day (the run of the working day before
looked two working days ahead, over the days off). ``CorrectionRequest.reminded_deadline`` records the
deadline told, written in the transaction of the notice, so a second run (or a second worker, which
waits for the row locks) tells no one twice, while a deadline moved by staff is reminded again.
"""

import hashlib
import logging

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import CorrectionRequest, Status
from zaozhuang_titles.notices import notice_build, notice_create, notices_create_many
from zaozhuang_titles.workdays import add_working_days, is_working_day

logger = logging.getLogger(__name__)

#: A correction is reminded when its deadline is at most this many working days away.
REMINDER_WORKING_DAYS = 2


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


def reminder_key(applicant, corrections, today):
    """One notice per applicant and run; the corrections and deadlines it tells make it unique."""
    told = ",".join(f"{correction.pk}:{correction.deadline.isoformat()}" for correction in corrections)
    return f"correction-reminder:{applicant.pk}:{today:%Y%m%d}:{hashlib.sha256(told.encode()).hexdigest()[:16]}"


def _text(corrections):
    """Subject, body and link of the reminder of one applicant's ``corrections`` (in the active language)."""
    lines = []
    for correction in corrections:
        values = {
            "number": correction.application.number,
            "batch": correction.application.batch.name,
            "deadline": date_format(correction.deadline, "DATE_FORMAT"),
        }
        lines.append(values)
    if len(corrections) == 1:
        values = lines[0]
        subject = _("Application %(number)s: correct it by %(deadline)s") % values
        body = (
            _(
                "Your application %(number)s was returned for correction (退回补正). Please correct it and submit it "
                "again by %(deadline)s."
            )
            % values
        )
        url = reverse("applications:timeline", args=[corrections[0].application_id])
    else:
        subject = _("%(count)d applications to correct, the first by %(deadline)s") % {
            "count": len(corrections),
            "deadline": lines[0]["deadline"],
        }
        body = "\n".join(
            [
                _(
                    "These applications of yours were returned for correction (退回补正). Please correct each and "
                    "submit it again by its deadline:"
                ),
                *("- " + _("%(number)s (%(batch)s): by %(deadline)s") % values for values in lines),
            ]
        )
        url = reverse("applications:applicant_home")
    if any(correction.deadline_provisional for correction in corrections):
        body += "\n" + _(
            "The deadline is provisional: the holidays of that year are not confirmed yet, so it may move."
        )
    return subject, body, url


def correction_reminders_send(*, today=None):
    """Tell each applicant whose corrections are due soon, in one notice per applicant; returns how many
    applicants were told now (not before). Nothing on a day that is not a working day. A fixed number of
    queries however many applicants."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    with transaction.atomic():
        corrections = list(
            corrections_due_for_reminder(today=today)
            .exclude(reminded_deadline=F("deadline"))
            .select_for_update(of=("self",))
        )
        by_applicant = {}
        for correction in corrections:
            by_applicant.setdefault(correction.application.applicant_id, []).append(correction)
        notices = []
        with translation.override("zh-hans"):
            for told in by_applicant.values():
                subject, body, url = _text(told)
                applicant = told[0].application.applicant
                notices.append(
                    notice_build(
                        recipient=applicant,
                        key=reminder_key(applicant, told, today),
                        subject=subject,
                        body=body,
                        url=url,
                    )
                )
        sent = notices_create_many(notices=notices)
        CorrectionRequest.objects.filter(pk__in=[c.pk for c in corrections]).update(reminded_deadline=F("deadline"))
    if sent:
        logger.info("reminded %d applicants of their correction deadlines", sent)
    return sent


def correction_already_reminded(correction):
    """Whether the applicant was told this correction's present deadline (by the daily run or by hand)."""
    return correction.reminded_deadline is not None and correction.reminded_deadline == correction.deadline


def correction_remind(correction, *, today=None):
    """Tell the applicant of one ``correction`` its deadline now (staff's "remind" in admin, one or in
    bulk), once per deadline like the daily run: the deadline told is recorded on the correction."""
    today = today or timezone.localdate()
    applicant = correction.application.applicant
    with translation.override("zh-hans"):
        subject, body, url = _text([correction])
    notice_create(
        recipient=applicant,
        key=reminder_key(applicant, [correction], today),
        subject=subject,
        body=body,
        url=url,
    )
    CorrectionRequest.objects.filter(pk=correction.pk).update(reminded_deadline=F("deadline"))
    correction.reminded_deadline = correction.deadline
