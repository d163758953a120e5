"""Writes of certificates (证书).

``certificate_issue`` numbers, draws (PDF with QR code) and stores one application's certificate and
moves it FILED→CERTIFIED, once; ``certificates_issue_for_batch`` does it for a batch (Celery task
``applications.issue_certificates``); ``certificate_revoke`` revokes one. The certificate names the
title granted and the committee as the notice and the 备案表 do (``results.selectors.granted``).
"""

import hashlib
import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Batch, Status
from applications.workflow import application_transition
from results.documents.certificates import certificate_pdf
from results.models import Certificate
from results.selectors import certificates as selectors
from results.selectors.granted import committee_name, granted_title
from results.services.filing import replace_stored, require_city
from reviews.models import Case

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


def _certificate_facts(application):
    """Title, date granted and committee of a filed application."""
    batch = application.batch
    entry = (
        application.publicity_entries.filter(cleared_at__isnull=False)
        .select_related("publicity")
        .order_by("-cleared_at", "-id")
        .first()
    )
    title = (entry.title_granted if entry else "") or granted_title(batch)
    held_on = (
        Case.objects.filter(application=application)
        .order_by("-meeting__held_on")
        .values_list("meeting__held_on", flat=True)
        .first()
    )
    filing = getattr(getattr(application, "filing_entry", None), "filing", None)
    granted_on = held_on or (filing.filed_on if filing else None) or timezone.localdate()
    return title, granted_on, committee_name(batch)


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
                content = certificate_pdf(certificate, site_url=site_url)
                name = replace_stored(f"certificates/{locked.batch_id}/{certificate.number}.pdf", ContentFile(content))
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


def certificates_issue_for_batch(*, batch_id, site_url=None):
    """Issue the certificate of every filed application of a batch that has none; return how many
    were issued now (0 on a second run)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    issued = 0
    for application in selectors.filed_without_certificate(batch).order_by("number"):
        try:
            certificate_issue(application=application, site_url=site_url)
        except ValidationError as error:  # moved on meanwhile (a conflict, or no longer filed)
            logger.warning("application %s: no certificate issued: %s", application.number, error.messages)
            continue
        issued += 1
    logger.info("batch %s: issued %d certificates", batch_id, issued)
    return issued


def certificates_queue_for_batch(*, batch, actor, site_url=None):
    """Queue the issue of a batch's certificates (city staff's button); ``site_url`` is the portal's
    address as the staff's request saw it, for the QR codes (``zaozhuang_titles.links.site_url``)."""
    require_city(actor)
    transaction.on_commit(lambda: _queue_certificates(batch.pk, site_url))


def _queue_certificates(batch_id, site_url):
    # Deferred: results.tasks imports this module.
    from results.tasks import issue_certificates

    issue_certificates.delay(batch_id=batch_id, site_url=site_url)


def certificate_revoke(*, certificate, actor, reason):
    """Revoke a certificate with the reason; the verification page says so from then on."""
    require_city(actor)
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
