"""Housekeeping tasks of the portal frame, run by Celery beat (schedule in settings)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="zaozhuang_titles.clear_expired_sessions")
def clear_expired_sessions():
    """Delete expired sessions and login-failure records older than the lockout window.

    Idempotent: a second run finds nothing left to delete.
    """
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib.sessions.models import Session

    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    cutoff = timezone.now() - max(settings.AXES_COOLOFF_TIME, timedelta(days=1))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    logger.info("cleared %d expired sessions and %d stale login-failure records", sessions, attempts)
    return {"sessions": sessions, "attempts": attempts}
