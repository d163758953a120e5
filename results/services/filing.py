"""Writes of filing (备案).

- ``filing_create`` files a batch's cleared applications: one ``Filing``, one ``FilingEntry`` per
  application (a database constraint files each once), and the move PUBLICITY→FILED of each. It
  refuses while an application of the batch in publicity has an open objection, naming them.
- ``filing_build_files`` builds the Excel 备案表 (streamed) and the summary PDF and stores both; the
  Celery task ``applications.build_filing_files`` calls it. Rebuilding overwrites the same files.
- ``filing_record_number`` records the number and date the province gave the filing; from then on
  its files are the archive of what was sent and are not built again.

The 备案表 and the summary name the committee and the title granted by ``results.selectors.granted``.
A filing sends ``results.signals.batch_filed`` once committed (the API's webhooks follow it).
"""

import hashlib
import logging
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Batch
from applications.workflow import TransitionConflict, application_transition
from results.documents.certificates import filing_summary_pdf
from results.documents.filing_excel import FilingWorkbookWriter
from results.models import Filing, FilingEntry
from results.selectors import filing as selectors
from results.selectors.granted import committee_name, granted_title
from results.signals import batch_filed, send_on_commit
from zaozhuang_titles.rules import is_city_admin

logger = logging.getLogger(__name__)


def require_city(actor):
    """Refuse an actor that is not city staff (``None`` is the system: a task)."""
    if actor is not None and not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff may do this."))


# --- Filing ---------------------------------------------------------------------------------------


def filing_blocked_message(blockers):
    lines = [
        _("%(number)s %(name)s: objection %(reference)s") % blocker
        for blocker in blockers  # dicts of number, name, reference
    ]
    return _("The batch cannot be filed while objections are open. Settle these first: %(list)s") % {
        "list": "; ".join(lines)
    }


def filing_create(*, batch, actor):
    """File the cleared applications of ``batch`` and return the new ``Filing``.

    Refused (``ValidationError``) while any application of the batch in publicity has an open
    objection (the message lists application number, name and objection reference) and when nothing
    is cleared. Each application is filed once: the batch row is locked, only applications without a
    filing entry are taken, and ``FilingEntry.application`` is unique. The files are built after the
    commit by the task ``applications.build_filing_files``."""
    require_city(actor)
    with transaction.atomic():
        Batch.objects.select_for_update().get(pk=batch.pk)
        blockers = selectors.filing_blockers(batch)
        if blockers:
            raise ValidationError(filing_blocked_message(blockers), code="open_objections")
        cleared = list(selectors.cleared_applications(batch).select_related("enterprise", "batch", "applicant"))
        if not cleared:
            raise ValidationError(
                _(
                    "Nothing in “%(batch)s” is cleared for filing: no application has ended its publicity "
                    "without an objection, or all are filed already."
                )
                % {"batch": batch.name},
                code="nothing_cleared",
            )
        filing = Filing(batch=batch, created_by=actor)
        filing.full_clean()
        filing.save()
        filed = 0
        for application in cleared:
            try:
                with transaction.atomic():
                    application_transition(application=application, action="file", actor=actor)
                    FilingEntry.objects.create(filing=filing, application=application)
            except TransitionConflict:
                logger.warning("application %s moved on while being filed; left out", application.number)
                continue
            filed += 1
        if not filed:
            raise ValidationError(_("Every cleared application moved on meanwhile; nothing was filed."))
        Filing.objects.filter(pk=filing.pk).update(row_count=filed)
        filing.row_count = filed
        transaction.on_commit(lambda: _queue_build(filing.pk))
        send_on_commit(batch_filed, filing_id=filing.pk)
    logger.info("batch %s filed: filing %s with %d applications", batch.pk, filing.pk, filed)
    return filing


def _frozen(filing):
    """A filing the province has numbered keeps the files it was sent as (the archive)."""
    return bool(
        filing.number
        and filing.excel
        and filing.pdf
        and default_storage.exists(filing.excel)
        and default_storage.exists(filing.pdf)
    )


def filing_queue_build(*, filing, actor):
    """Queue the build of a filing's files again (after a failed build), until the province numbers it."""
    require_city(actor)
    if _frozen(filing):
        raise ValidationError(
            _("The filing is recorded as %(number)s: its archived files are kept as they were sent.")
            % {"number": filing.number},
            code="frozen",
        )
    transaction.on_commit(lambda: _queue_build(filing.pk))


def _queue_build(filing_id):
    # Deferred: results.tasks imports this module.
    from results.tasks import build_filing_files

    build_filing_files.delay(filing_id=filing_id)


def replace_stored(name, content):
    """Store ``content`` under exactly ``name``, replacing what was there (a rebuild)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, content)
    return stored


def _sha256_of(fileobj):
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def filing_build_files(*, filing_id):
    """Build and store the Excel 备案表 and the summary PDF of one filing; return the filing, or None
    when it is gone. Idempotent: a rebuild overwrites the same two files and rows are never added.

    The Excel streams: rows come from a ``.values()`` query read with ``.iterator()`` and go straight
    to a write-only workbook spooled to a temporary file."""
    filing = Filing.objects.select_related("batch").filter(pk=filing_id).first()
    if filing is None:
        return None
    if _frozen(filing):
        logger.info("filing %s is recorded as %s; its archived files stay as they are", filing.pk, filing.number)
        return filing
    batch = filing.batch
    committee = committee_name(batch)
    base = f"filings/{batch.pk}/filing-{filing.pk}"
    writer = FilingWorkbookWriter(committee=committee, default_title=granted_title(batch))
    row_count = writer.write(selectors.filing_rows(filing).iterator(chunk_size=selectors.CHUNK_SIZE))
    with tempfile.TemporaryFile() as spool:
        writer.save(spool)
        excel_sha256 = _sha256_of(spool)
        excel_name = replace_stored(f"{base}.xlsx", File(spool, name=f"{base}.xlsx"))
    summary = selectors.filing_summary(filing)
    pdf_bytes = filing_summary_pdf(filing=filing, committee=committee, summary=summary, row_count=row_count)
    pdf_name = replace_stored(f"{base}.pdf", ContentFile(pdf_bytes))
    for old, new in ((filing.excel, excel_name), (filing.pdf, pdf_name)):
        if old and old != new and default_storage.exists(old):
            default_storage.delete(old)
    fields = {
        "excel": excel_name,
        "excel_sha256": excel_sha256,
        "pdf": pdf_name,
        "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
        "row_count": row_count,
    }
    Filing.objects.filter(pk=filing.pk).update(**fields)
    for field, value in fields.items():
        setattr(filing, field, value)
    logger.info("filing %s: built %d rows (%s, %s)", filing.pk, row_count, excel_name, pdf_name)
    return filing


def filing_record_number(*, filing, actor, number, filed_on):
    """Record the filing number and date the provincial department gave. From then on the files are
    the archive of what was sent and are not built again (a correction of the number is allowed)."""
    require_city(actor)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Enter the filing number.")})
    if filed_on is None:
        raise ValidationError({"filed_on": _("Enter the filing date.")})
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("The filing date cannot be in the future.")})
    if filed_on < timezone.localtime(filing.created_at).date():
        raise ValidationError({"filed_on": _("The filing date cannot be before the filing was prepared.")})
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        locked.number = number
        locked.filed_on = filed_on
        locked.full_clean()
        locked.save(update_fields=["number", "filed_on"])
    filing.number, filing.filed_on = number, filed_on
    return filing
