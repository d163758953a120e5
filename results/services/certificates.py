"""Writes of certificates (证书).

``certificate_issue`` numbers, draws (PDF with QR code, signed by the bureau's key:
``zaozhuang_titles.signing``) and stores one application's certificate and
moves it FILED→CERTIFIED, once; ``certificates_issue_for_batch`` does it for a batch (Celery task
``applications.issue_certificates``); ``certificate_revoke`` revokes one. The certificate names the
title granted and the committee as the notice and the 备案表 do (``results.selectors.granted``). An issue
and a revocation send ``results.signals.certificate_issued`` / ``certificate_revoked`` once committed.
"""

import hashlib
import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Batch, QualificationDateRule, Status
from applications.workflow import application_transition
from results.documents.certificates import certificate_pdf
from results.models import Certificate, CertificateRun, RevokeCategory
from results.selectors import certificates as selectors
from results.selectors.granted import committee_name, granted_title, qualification_date
from results.services.filing import replace_stored, require_city
from results.signals import certificate_issued, certificate_revoked, send_on_commit
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.signing import sign_pdf

logger = logging.getLogger(__name__)

#: 证书编号: ZZ + year + level code + a zero-padded sequence per year and level.
LEVEL_CODES = {"intermediate": "ZJ", "deputy_senior": "FG", "senior": "ZG"}
NUMBER_DIGITS = 5
#: How many times a certificate number is drawn again when another issue took it meanwhile.
NUMBER_ATTEMPTS = 5


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


def certificate_blocker(application):
    """Why ``application`` (filed) cannot get its certificate yet, as the sentence to show, or None.

    A certificate is issued only once the province has numbered the filing (备案文号): the number is
    the proof of filing the certificate rests on. Under the batch's rule ``FILING_APPROVED`` the filing
    date is the date of qualification, so it is needed too; under ``VOTE_CLOSED`` the vote's close."""
    filing = getattr(getattr(application, "filing_entry", None), "filing", None)
    if filing is None or not filing.number:
        return _(
            "%(number)s cannot get its certificate yet: the filing has no filing number (备案文号). Enter the "
            "number and date the provincial department gave on the filing's page first."
        ) % {"number": application.number}
    if qualification_date(application) is None:
        if application.batch.qualification_date_rule == QualificationDateRule.FILING_APPROVED:
            return _(
                "%(number)s cannot get its certificate yet: the batch dates qualification from the filing, "
                "and the filing has no filing date. Enter it on the filing's page first."
            ) % {"number": application.number}
        return _(
            "%(number)s cannot get its certificate yet: no closed vote passed it, so the date of qualification "
            "(取得资格时间) is unknown."
        ) % {"number": application.number}
    return None


def _certificate_facts(application):
    """Title, date of qualification and committee of a filed application."""
    batch = application.batch
    entry = (
        application.publicity_entries.filter(cleared_at__isnull=False)
        .select_related("publicity")
        .order_by("-cleared_at", "-id")
        .first()
    )
    title = (entry.title_granted if entry else "") or granted_title(batch)
    return title, qualification_date(application), committee_name(batch)


def certificate_issue(*, application, actor=None, site_url=None):
    """Issue the certificate of a filed application and return it; ``actor`` None is the system.

    Idempotent: an application that has a certificate gets it back, with no second PDF and no
    second move. Numbers count per year and level; the QR code holds the token's URL under
    ``site_url`` (the address of the staff's request, ``zaozhuang_titles.links``), else ``SITE_URL``."""
    require_city(actor)
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
                blocker = certificate_blocker(locked)
                if blocker:
                    raise ValidationError(blocker, code="not_numbered")
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
                content = sign_pdf(
                    certificate_pdf(certificate, site_url=site_url), reason=f"职称证书 {certificate.number}"
                )
                name = replace_stored(f"certificates/{locked.batch_id}/{certificate.number}.pdf", ContentFile(content))
                certificate.pdf = name
                certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
                certificate.save(update_fields=["pdf", "pdf_sha256"])
                application_transition(application=locked, action="certify", actor=actor)
                send_on_commit(certificate_issued, certificate_id=certificate.pk)
                application.status = locked.status
                return certificate
        except IntegrityError:
            # Another issue took the number (or the certificate) meanwhile: look again.
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    return None  # pragma: no cover - the loop returns or raises


#: ``certificates_issue_for_batch`` reports its progress after this many certificates.
PROGRESS_EVERY = 50


def certificates_issue_for_batch(
    *, batch_id, site_url=None, progress=None, progress_every=None, refused=None, actor=None
):
    """Issue the certificate of every filed application of a batch that has none; return how many
    were issued now (0 on a second run). ``progress(done, total)`` is called every ``progress_every``
    (default PROGRESS_EVERY) certificates and at the end; ``refused(application, messages)`` for each
    application that got none (it moved on meanwhile). ``actor``: the staff member who asked (None: the
    portal itself)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    ready = list(selectors.ready_for_certificate(batch).order_by("number"))
    every = progress_every or PROGRESS_EVERY
    issued = 0
    if progress is not None and not ready:
        progress(0, 0)
    for done, application in enumerate(ready, start=1):
        try:
            certificate_issue(application=application, site_url=site_url, actor=actor)
        except ValidationError as error:  # moved on meanwhile (a conflict, or no longer filed)
            logger.warning("application %s: no certificate issued: %s", application.number, error.messages)
            if refused is not None:
                refused(application, error.messages)
        else:
            issued += 1
        if progress is not None and (done % every == 0 or done == len(ready)):
            progress(done, len(ready))
    logger.info("batch %s: issued %d certificates", batch_id, issued)
    return issued


def certificates_queue_blocker(batch):
    """Why the batch's certificates cannot be issued now (the sentence to show), or None: nothing is
    ready while a filing still has no filing number (备案文号)."""
    if selectors.ready_for_certificate(batch).exists():
        return None
    waiting = list(selectors.filings_awaiting_number(batch)[:5])
    if waiting:
        return _(
            "Certificates are issued only once the province has given the filing its number (备案文号). "
            "Enter the filing number and date of: %(filings)s."
        ) % {"filings": "; ".join(_("filing #%(pk)d") % {"pk": filing.pk} for filing in waiting)}
    if selectors.filed_without_certificate(batch).exists():
        return _("The filed applications of this batch cannot be certified yet: the filing date is missing.")
    return _("Every filed application of this batch has its certificate.")


def certificates_queue_for_batch(*, batch, actor, site_url=None):
    """Queue the issue of a batch's certificates (city staff's button) and return its ``CertificateRun``,
    whose page shows the progress. Refused (``ValidationError``) while nothing is ready, with the reason
    (``certificates_queue_blocker``). A run of the batch that has not ended is returned as it is: a second
    click queues nothing. ``site_url`` is the portal's address as the staff's request saw it, for the QR
    codes (``zaozhuang_titles.links.site_url``)."""
    require_city(actor)
    with transaction.atomic():
        Batch.objects.select_for_update().filter(pk=batch.pk).first()  # one run at a time per batch
        running = CertificateRun.objects.filter(
            batch=batch, state__in=[CertificateRun.State.QUEUED, CertificateRun.State.RUNNING]
        ).first()
        if running is not None:
            return running
        blocker = certificates_queue_blocker(batch)
        if blocker:
            raise ValidationError(blocker, code="not_ready")
        run = CertificateRun.objects.create(
            batch=batch, actor=actor, total=selectors.ready_for_certificate(batch).count()
        )
        transaction.on_commit(lambda: _queue_certificates(batch.pk, site_url, run.pk))
    return run


def _queue_certificates(batch_id, site_url, run_id):
    # Deferred: results.tasks imports this module.
    from results.tasks import issue_certificates

    issue_certificates.delay(batch_id=batch_id, site_url=site_url, run_id=run_id)


def certificate_run_execute(*, run_id, site_url=None, reraise=()):
    """Do the issue of one ``CertificateRun`` (the Celery task's work), writing its progress after each
    certificate, each application refused with its reason, and the end: FINISHED with how many were
    issued, or FAILED with the error. Idempotent: an ended run is left as it is; a run the worker lost
    resumes (issuing skips what has its certificate). Errors in ``reraise`` (a lost connection) are raised
    again for the task to retry, the run still RUNNING; any other error ends it FAILED. Returns the run,
    or None when it is gone."""
    run = CertificateRun.objects.filter(pk=run_id).select_related("actor").first()
    if run is None or run.ended:
        return run
    CertificateRun.objects.filter(pk=run.pk).update(state=CertificateRun.State.RUNNING, started_at=timezone.now())
    errors = list(run.errors)

    def progress(done, total):
        CertificateRun.objects.filter(pk=run.pk).update(done=done, total=total)

    def refused(application, messages):
        errors.append({"number": application.number, "reason": "; ".join(messages)[:500]})
        CertificateRun.objects.filter(pk=run.pk).update(errors=errors)

    try:
        issued = certificates_issue_for_batch(
            batch_id=run.batch_id,
            site_url=site_url,
            progress=progress,
            progress_every=1,
            refused=refused,
            actor=run.actor,
        )
    except reraise:
        raise
    except Exception as error:  # the run must end: its page stops polling and says why
        logger.exception("certificate run %s failed", run.pk)
        errors.append({"number": "", "reason": f"{type(error).__name__}: {error}"[:500]})
        CertificateRun.objects.filter(pk=run.pk).update(
            state=CertificateRun.State.FAILED, errors=errors, finished_at=timezone.now()
        )
    else:
        CertificateRun.objects.filter(pk=run.pk).update(
            state=CertificateRun.State.FINISHED, issued=run.issued + issued, finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def certificate_revoke(*, certificate, actor, reason, category=RevokeCategory.OTHER, request=None):
    """Revoke a certificate with the reason (kept for staff) and its category (shown with the date by the
    register and the public verification page from then on). The PDF stays as issued and signed: the
    register, not the file, says whether it still holds. The audit log records who revoked it, when, why
    and in which category (``AuditEvent.Kind.CERTIFICATE_REVOKED``; with the address of ``request``)."""
    require_city(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason; the log will show it.")})
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",)).select_related("application").get(pk=certificate.pk)
        )
        if locked.revoked_at is not None:
            raise ValidationError(_("This certificate was revoked already."), code="revoked")
        locked.revoked_at = timezone.now()
        locked.revoke_category = category
        locked.revoke_reason = reason[:200]
        locked.full_clean()
        locked.save(update_fields=["revoked_at", "revoke_category", "revoke_reason"])
        # Who, when (the event's time) and why, in the same transaction as the revocation.
        audit_record(
            kind=AuditEvent.Kind.CERTIFICATE_REVOKED,
            request=request,
            user=actor,
            obj=locked,
            detail={
                "number": locked.number,
                "application": locked.application.number,
                "category": locked.revoke_category,
                "reason": locked.revoke_reason,
                "revoked_at": locked.revoked_at.isoformat(),
            },
        )
        send_on_commit(certificate_revoked, certificate_id=locked.pk)
    logger.info("certificate %s revoked by %s", locked.number, actor.pk if actor else "system")
    certificate.revoked_at, certificate.revoke_reason = locked.revoked_at, locked.revoke_reason
    certificate.revoke_category = locked.revoke_category
    return certificate
