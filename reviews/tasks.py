"""Background work of reviews, run by Celery beat (the schedule is in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from reviews.services.scoring import scoring_reminders_send


@shared_task(name="reviews.remind_scoring_deadlines")
def remind_scoring_deadlines():
    """Remind experts of their unsubmitted assignments as the scoring deadline nears (in-site notice
    and email). Idempotent: each assignment is reminded once per deadline, however often this runs."""
    return scoring_reminders_send()
