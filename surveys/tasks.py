"""Background work on questionnaires: the deadline reminders (beat schedule in settings).

Thin like every task of the portal: no arguments, an idempotent service (``surveys.reminders``).
"""

from celery import shared_task

from surveys.reminders import survey_reminders_send
from zaozhuang_titles.tasks import RETRYING


@shared_task(name="surveys.remind_survey_deadlines", **RETRYING)
def remind_survey_deadlines():
    """Beat, each working morning: remind the enterprises that have not answered, 3 and 1 working days
    before the deadline."""
    return survey_reminders_send()
