"""Housekeeping tasks of the portal frame, run by Celery beat (schedule in settings)."""

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from zaozhuang_titles.digest import staff_digest_send
from zaozhuang_titles.notices import notice_deliver, pending_notice_ids

logger = logging.getLogger(__name__)


@shared_task(name="zaozhuang_titles.clear_expired_sessions")
def clear_expired_sessions():
    """Delete expired sessions and login-failure records older than the lockout window.

    Idempotent: a second run finds nothing left to delete.
    """
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    cutoff = timezone.now() - max(settings.AXES_COOLOFF_TIME, timedelta(days=1))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    logger.info("cleared %d expired sessions and %d stale login-failure records", sessions, attempts)
    return {"sessions": sessions, "attempts": attempts}


@shared_task(
    name="zaozhuang_titles.deliver_notice",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def deliver_notice(*, notice_id):
    """Send the email of one notice (once, however often the task runs)."""
    return notice_deliver(notice_id=notice_id)


@shared_task(
    name="zaozhuang_titles.deliver_notices",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def deliver_notices(*, notice_ids):
    """Send the emails of many notices (those written by ``notices_create``), each at most once."""
    return sum(1 for notice_id in notice_ids if notice_deliver(notice_id=notice_id))


@shared_task(name="zaozhuang_titles.deliver_pending_notices")
def deliver_pending_notices():
    """The outbox sweep: send the emails that no worker sent (a broker that was down, a worker lost)."""
    sent = sum(1 for notice_id in pending_notice_ids() if notice_deliver(notice_id=notice_id))
    if sent:
        logger.info("sweep sent %d pending notice emails", sent)
    return sent


def retryable_errors():
    """What a task retries with backoff: a lost connection to the database, the broker or a mail
    server, never a domain error (those fail at once and are recorded as failed tasks)."""
    return (ConnectionError, TimeoutError, OperationalError, InterfaceError, BrokerError)


#: Options of every task that changes something: retried with exponential backoff (1 s, 2 s, 4 s, ...
#: at most 10 minutes, with jitter) on connection errors, five times, then recorded as a failed task.
#: ``acks_late`` and ``reject_on_worker_lost`` are global settings (CELERY_TASK_*), so a task whose
#: worker dies is delivered again; the tasks are idempotent, so that costs nothing.
RETRYING = {
    "autoretry_for": retryable_errors(),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="zaozhuang_titles.send_staff_digest", **RETRYING)
def send_staff_digest():
    """Beat, each morning: the staff's daily digest (``zaozhuang_titles.digest``). Nothing on a day off;
    a second run the same day sends nothing new."""
    return staff_digest_send()


@shared_task(name="zaozhuang_titles.build_export", **RETRYING)
def build_export(*, export_id):
    """Build the Excel file of one export of more rows than a request builds (idempotent: a finished
    export is left as it is). A connection error is retried; any other failure leaves the export failed,
    with its reason, and no file."""
    from zaozhuang_titles.exports import export_build  # the exports module queues this task

    export = export_build(export_id=export_id, reraise=retryable_errors())
    if export is None:
        logger.info("export %s is gone; nothing to build", export_id)
        return None
    return {"status": export.status, "rows": export.progress}


@shared_task(name="zaozhuang_titles.purge_expired_exports", **RETRYING)
def purge_expired_exports():
    """Beat, nightly: remove the export files older than EXPORT_KEEP_DAYS (the rows stay, expired)."""
    from zaozhuang_titles.exports import exports_purge_expired

    purged = exports_purge_expired()
    if purged:
        logger.info("removed the files of %d expired exports", purged)
    return purged
