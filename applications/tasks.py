"""Background work on applications: reminding applicants of correction deadlines, recounting the
working days spent at each step after a change of the calendar. (Closing publicity
periods, building the filing's files and issuing certificates are ``results.tasks``.)

Each task is thin: it takes IDs only, finds its object again (and returns quietly when it is gone),
and calls a service that is idempotent, so running a task twice has the effect of once. Services queue
these tasks with ``transaction.on_commit``, never before the commit. The beat schedule is in settings
(``CELERY_BEAT_SCHEDULE``). Retries: ``zaozhuang_titles.tasks.RETRYING``; failures after the last
retry are shown to staff (``zaozhuang_titles.failed_tasks``).
"""

import logging

from celery import shared_task

from applications.counters import stay_counts_rebuild
from applications.reminders import correction_reminders_send
from applications.services.bulk import bulk_run_execute
from zaozhuang_titles.tasks import RETRYING

logger = logging.getLogger(__name__)


@shared_task(name="applications.remind_correction_deadlines", **RETRYING)
def remind_correction_deadlines():
    """Beat, daily: tell applicants whose return for correction is due within two working days."""

    return correction_reminders_send()


@shared_task(name="applications.bulk_run", **RETRYING)
def bulk_run(*, run_id):
    """A bulk action of Django admin over many applications (``applications.services.bulk``): each one in
    its own transaction, progress kept on the run for the page to show. Run twice, it goes on where the
    first stopped and changes nothing it already did."""
    run = bulk_run_execute(run_id=run_id)
    return None if run is None else run.count("done")


@shared_task(name="applications.rebuild_stay_counts", **RETRYING)
def rebuild_stay_counts():
    """After a calendar entry changed: rewrite the working days spent at each step from the log."""
    repaired = stay_counts_rebuild()
    if repaired:
        logger.info("Stay counts: %d rows rewritten from a recount after a calendar change.", len(repaired))
    return len(repaired)
