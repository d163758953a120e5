"""Background work on the results: closing publicity periods, building the filing's files, issuing
certificates.

Each task is thin: it takes IDs only, finds its object again (and returns quietly when it is gone),
and calls a service that is idempotent, so running a task twice has the effect of once. Services queue
these tasks with ``transaction.on_commit``, never before the commit. The beat schedule is in settings
(``CELERY_BEAT_SCHEDULE``). The tasks keep the names they had when they lived in ``applications``
(``applications.close_publicity``...), so that tasks already queued and the beat schedule still run.
"""

import logging

from celery import shared_task
from django.utils import timezone

from applications.models import Batch
from results.models import Filing, Publicity
from results.selectors.publicity import publicities_due
from results.services.certificates import certificate_run_execute, certificates_issue_for_batch
from results.services.filing import filing_build_files
from results.services.publicity import publicity_close_due
from zaozhuang_titles.tasks import RETRYING, retryable_errors

logger = logging.getLogger(__name__)


@shared_task(name="applications.close_due_publicities", **RETRYING)
def close_due_publicities():
    """Beat: queue the closing of every publicity period that has ended (one task per publicity)."""
    publicity_ids = list(publicities_due(timezone.localdate()).values_list("pk", flat=True))
    for publicity_id in publicity_ids:
        close_publicity.delay(publicity_id=publicity_id)
    if publicity_ids:
        logger.info("queued the closing of %d publicity periods", len(publicity_ids))
    return publicity_ids


@shared_task(name="applications.close_publicity", **RETRYING)
def close_publicity(*, publicity_id):
    """Close one publicity period that has ended (idempotent: a closed one stays as it is)."""
    if not Publicity.objects.filter(pk=publicity_id).exists():
        logger.info("publicity %s is gone; nothing to close", publicity_id)
        return None
    result = publicity_close_due(publicity_id=publicity_id)
    if result is None:  # closed before, or not due yet
        return None
    return {"cleared": len(result.cleared), "held": len(result.held)}


@shared_task(name="applications.build_filing_files", **RETRYING)
def build_filing_files(*, filing_id):
    """Build the Excel 备案表 and the summary PDF of one filing (idempotent)."""
    if not Filing.objects.filter(pk=filing_id).exists():
        logger.info("filing %s is gone; no files to build", filing_id)
        return None
    filing = filing_build_files(filing_id=filing_id)
    return filing.row_count if filing is not None else None


@shared_task(name="applications.issue_certificates", bind=True, **RETRYING)
def issue_certificates(self, *, batch_id, site_url=None, run_id=None):
    """Issue the certificate of every filed application of a batch that has none yet (idempotent);
    ``site_url``: the portal's address for the QR codes, taken from the request that queued it. With
    ``run_id`` (city staff's button) the progress, the errors and the result are written on that
    ``CertificateRun``, which its page polls; without (a task queued before runs existed) its state is
    PROGRESS with ``{"done": n, "total": m}`` where a result backend keeps it, and each step is logged."""
    if not Batch.objects.filter(pk=batch_id).exists():
        logger.info("batch %s is gone; no certificates to issue", batch_id)
        return None
    if run_id is not None:
        run = certificate_run_execute(run_id=run_id, site_url=site_url, reraise=retryable_errors())
        return None if run is None else {"state": run.state, "done": run.done, "issued": run.issued}

    def progress(done, total):
        logger.info("batch %s: certificates %d of %d", batch_id, done, total)
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return certificates_issue_for_batch(batch_id=batch_id, site_url=site_url, progress=progress)
