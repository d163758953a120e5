"""Events of the results that other parts of the portal may follow without ``results`` knowing them
(the API's webhooks, ``api.webhooks``): a batch filed, a certificate issued, a certificate revoked.

Each is sent once the transaction that made it has committed (``send_on_commit``), with the IDs of what
changed, so a receiver reads the committed rows and a rolled-back change sends nothing. A receiver that
fails is logged and does not fail the staff's request: the change it reports is committed already.

- ``batch_filed``: ``filing_id`` — ``results.services.filing.filing_create`` filed a batch's cleared
  applications.
- ``certificate_issued``: ``certificate_id`` — ``certificate_issue`` issued a certificate (one by one or
  for a whole batch by the task ``applications.issue_certificates``); an issue that finds the
  certificate already there sends nothing.
- ``certificate_revoked``: ``certificate_id`` — ``certificate_revoke`` revoked a certificate.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

batch_filed = Signal()
certificate_issued = Signal()
certificate_revoked = Signal()


def send_on_commit(signal, **ids):
    """Send ``signal`` with ``ids`` once the current transaction commits (at once outside one)."""

    def send():
        for receiver, result in signal.send_robust(sender=None, **ids):
            if isinstance(result, Exception):
                logger.error(
                    "receiver %r of a results event %s failed",
                    receiver,
                    ids,
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(send)
