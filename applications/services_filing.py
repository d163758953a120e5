"""Writes of filing (备案) and certificates (证书).

- ``filing_create`` files a batch's cleared applications: one ``Filing``, one ``FilingEntry`` per
  application (a database constraint files each once), and the move PUBLICITY→FILED of each. It
  refuses while an application of the batch in publicity has an open objection, naming them.
- ``filing_build_files`` builds the Excel 备案表 (streamed) and the summary PDF and stores both; the
  Celery task ``applications.build_filing_files`` calls it. Rebuilding overwrites the same files.
- ``filing_record_number`` records the number and date the province gave the filing; from then on
  its files are the archive of what was sent and are not built again.
- ``certificate_issue`` numbers, draws (PDF with QR code) and stores one application's certificate
  and moves it FILED→CERTIFIED, once; ``certificates_issue_for_batch`` does it for a batch (Celery
  task ``applications.issue_certificates``); ``certificate_revoke`` revokes one.
"""

import hashlib
import logging
import re
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import selectors_filing as selectors
from applications.certificates import certificate_pdf, filing_summary_pdf
from applications.filing_excel import DEFAULT_COMMITTEE, TITLE_NAMES, FilingWorkbookWriter
from applications.models import Application, Batch, Certificate, Filing, FilingEntry, Status
from applications.workflow import TransitionConflict, application_transition
from zaozhuang_titles.rules import is_city_admin

logger = logging.getLogger(__name__)

#: 证书编号: ZZ + year + level code + a zero-padded sequence per year and level.
LEVEL_CODES = {"intermediate": "ZJ", "deputy_senior": "FG", "senior": "ZG"}
NUMBER_DIGITS = 5
#: How many times a certificate number is drawn again when another issue took it meanwhile.
NUMBER_ATTEMPTS = 5


def _require_city(actor):
    if actor is not None and not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff may do this."))


def _committee_name(batch):
    return selectors.filing_committee_name(batch) or DEFAULT_COMMITTEE


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
    _require_city(actor)
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
    _require_city(actor)
    if _frozen(filing):
        raise ValidationError(
            _("The filing is recorded as %(number)s: its archived files are kept as they were sent.")
            % {"number": filing.number},
            code="frozen",
        )
    transaction.on_commit(lambda: _queue_build(filing.pk))


def _queue_build(filing_id):
    from applications.tasks import build_filing_files

    build_filing_files.delay(filing_id=filing_id)


def _replace(name, content):
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
    committee = _committee_name(batch)
    base = f"filings/{batch.pk}/filing-{filing.pk}"
    writer = FilingWorkbookWriter(committee=committee, level=batch.level)
    row_count = writer.write(selectors.filing_rows(filing).iterator(chunk_size=selectors.CHUNK_SIZE))
    with tempfile.TemporaryFile() as spool:
        writer.save(spool)
        excel_sha256 = _sha256_of(spool)
        excel_name = _replace(f"{base}.xlsx", File(spool, name=f"{base}.xlsx"))
    summary = selectors.filing_summary(filing)
    pdf_bytes = filing_summary_pdf(filing=filing, committee=committee, summary=summary, row_count=row_count)
    pdf_name = _replace(f"{base}.pdf", ContentFile(pdf_bytes))
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
    _require_city(actor)
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


# --- Certificates ----------------------------------------------------------------------------------


def _certificate_prefix(batch):
    return f"ZZ{batch.year}{LEVEL_CODES.get(batch.level, 'XX')}"


def _next_number(prefix):
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{{NUMBER_DIGITS}}})$")
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    match = pattern.match(last or "")
    return f"{prefix}{(int(match.group(1)) if match else 0) + 1:0{NUMBER_DIGITS}d}"


def _certificate_facts(application):
    """Title, date granted and committee of a filed application."""
    from reviews.models import Case

    batch = application.batch
    entry = (
        application.publicity_entries.filter(cleared_at__isnull=False)
        .select_related("publicity")
        .order_by("-cleared_at", "-id")
        .first()
    )
    title = (entry.title_granted if entry else "") or TITLE_NAMES.get(batch.level, "")
    held_on = (
        Case.objects.filter(application=application)
        .order_by("-meeting__held_on")
        .values_list("meeting__held_on", flat=True)
        .first()
    )
    filing = getattr(getattr(application, "filing_entry", None), "filing", None)
    granted_on = held_on or (filing.filed_on if filing else None) or timezone.localdate()
    return title, granted_on, _committee_name(batch)


def certificate_issue(*, application, actor=None):
    """Issue the certificate of a filed application and return it; ``actor`` None is the system.

    Idempotent: an application that has a certificate gets it back, with no second PDF and no
    second move. Numbers count per year and level; the QR code holds the token's URL."""
    _require_city(actor)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                locked = (
                    Application.objects.select_for_update(of=("self",))
                    .select_related("batch", "enterprise", "applicant")
                    .get(pk=application.pk)
                )
                existing = Certificate.objects.filter(application=locked).first()
                if existing is not None:
                    return existing
                if locked.status != Status.FILED:
                    raise ValidationError(
                        _("Only a filed application gets a certificate; %(number)s is “%(status)s”.")
                        % {"number": locked.number, "status": locked.get_status_display()},
                        code="not_filed",
                    )
                title, granted_on, committee = _certificate_facts(locked)
                certificate = Certificate(
                    application=locked,
                    number=_next_number(_certificate_prefix(locked.batch)),
                    holder_name=locked.applicant.real_name,
                    series=locked.batch.series,
                    level=locked.batch.level,
                    title_name=title,
                    granted_on=granted_on,
                    committee_name=committee[:200],
                )
                certificate.full_clean()
                certificate.save()
                content = certificate_pdf(certificate)
                name = _replace(f"certificates/{locked.batch_id}/{certificate.number}.pdf", ContentFile(content))
                certificate.pdf = name
                certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
                certificate.save(update_fields=["pdf", "pdf_sha256"])
                application_transition(application=locked, action="certify", actor=actor)
                application.status = locked.status
                return certificate
        except IntegrityError:
            # Another issue took the number (or the certificate) meanwhile: look again.
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    return None  # pragma: no cover - the loop returns or raises


def certificates_issue_for_batch(*, batch_id):
    """Issue the certificate of every filed application of a batch that has none; return how many
    were issued now (0 on a second run)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    issued = 0
    for application in selectors.filed_without_certificate(batch).order_by("number"):
        try:
            certificate_issue(application=application)
        except ValidationError as error:  # moved on meanwhile (a conflict, or no longer filed)
            logger.warning("application %s: no certificate issued: %s", application.number, error.messages)
            continue
        issued += 1
    logger.info("batch %s: issued %d certificates", batch_id, issued)
    return issued


def certificates_queue_for_batch(*, batch, actor):
    """Queue the issue of a batch's certificates (city staff's button)."""
    _require_city(actor)
    transaction.on_commit(lambda: _queue_certificates(batch.pk))


def _queue_certificates(batch_id):
    from applications.tasks import issue_certificates

    issue_certificates.delay(batch_id=batch_id)


def certificate_revoke(*, certificate, actor, reason):
    """Revoke a certificate with the reason; the verification page says so from then on."""
    _require_city(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason; the log will show it.")})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This certificate was revoked already."), code="revoked")
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason[:200]
        locked.full_clean()
        locked.save(update_fields=["revoked_at", "revoke_reason"])
    logger.info("certificate %s revoked by %s", locked.number, actor.pk if actor else "system")
    certificate.revoked_at, certificate.revoke_reason = locked.revoked_at, locked.revoke_reason
    return certificate
