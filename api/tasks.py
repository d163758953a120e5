"""Background work of the API: delivering webhooks (``api.webhooks``).

The task is thin: it takes the delivery's ID, makes one attempt through ``delivery_attempt`` (which
records it, and does nothing for a delivery delivered or given up already, so a task run twice has the
effect of once), and when the attempt failed asks Celery to run it again after ``retry_delay`` of the
attempts made. ``delivery_attempt`` gives the delivery up after ``WEBHOOK_MAX_ATTEMPTS``. A lost
connection to the database or the broker is retried like every task's (``RETRYING``). Beat's sweep
(``api.deliver_due_webhooks``, every minute) queues again the deliveries whose task was lost.
"""

from celery import shared_task
from django.conf import settings

from api.webhooks import deliveries_due, delivery_attempt
from zaozhuang_titles.tasks import RETRYING


@shared_task(name="api.deliver_webhook", bind=True, **RETRYING)
def deliver_webhook(self, *, delivery_id):
    """One attempt of one webhook delivery; retried with exponential backoff while it fails."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome is None:
        return None
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=settings.WEBHOOK_MAX_ATTEMPTS)
    return outcome.status


@shared_task(name="api.deliver_due_webhooks", **RETRYING)
def deliver_due_webhooks():
    """Beat, every minute: queue again each delivery whose attempt is overdue (``deliveries_due``)."""
    due = deliveries_due()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id=delivery_id)
    return len(due)
