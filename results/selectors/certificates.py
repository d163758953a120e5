"""Reads of certificates (证书): a batch's for city staff, the applications still without one, those a
user may open (its holder and city staff, as ``results.rules.is_certificate_holder`` says), and the one
a public verification token names."""

from django.http import Http404

from applications.models import Application, QualificationDateRule, Status
from results.models import Certificate, CertificateRun, Filing
from results.rules import CERTIFICATE_SCOPES
from zaozhuang_titles.scopes import visible


def certificates_of_batch(batch):
    """The certificates of a batch (loaded in the reader's scope), with their applications."""
    return (
        Certificate.objects.filter(application__batch=batch)
        .select_related("application__enterprise")
        .order_by("number")
    )


def filed_without_certificate(batch):
    return Application.objects.filter(batch=batch, status=Status.FILED, certificate__isnull=True)


def ready_for_certificate(batch):
    """The filed applications without a certificate whose filing the province has numbered (and, when
    the batch dates qualification from the filing, dated): what an issue now would certify.
    ``results.services.certificates.certificate_blocker`` says the same of one application."""
    ready = filed_without_certificate(batch).exclude(filing_entry__filing__number="")
    if batch.qualification_date_rule == QualificationDateRule.FILING_APPROVED:
        ready = ready.filter(filing_entry__filing__filed_on__isnull=False)
    return ready


def filings_awaiting_number(batch):
    """The batch's filings without a filing number (备案文号) that hold applications still to certify."""
    return (
        Filing.objects.filter(
            batch=batch,
            number="",
            entries__application__status=Status.FILED,
            entries__application__certificate__isnull=True,
        )
        .distinct()
        .order_by("created_at", "id")
    )


def certificates_for_user(user):
    """The certificates ``user`` may open (``results.rules.CERTIFICATE_SCOPES``): its own as applicant
    (its holder) or, for city staff, all."""
    return visible(Certificate.objects.all(), user, CERTIFICATE_SCOPES)


def certificate_for_user(user, pk):
    """One certificate in ``user``'s scope, with its application, or 404."""
    try:
        return certificates_for_user(user).select_related("application__batch", "application__enterprise").get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificate_by_token(token):
    """The certificate of a verification token, or None (the public page says only "not found")."""
    if not isinstance(token, str) or not 16 <= len(token) <= 32:
        return None
    return Certificate.objects.filter(token=token).first()


def certificate_run_of_batch(batch, pk):
    """One issue run of ``batch`` (a batch city staff loaded in their scope), or 404."""
    run = CertificateRun.objects.filter(batch=batch, pk=pk).select_related("actor").first()
    if run is None:
        raise Http404
    return run


def latest_certificate_run(batch):
    """The batch's last issue run (its page shows the progress or the result), or None."""
    return CertificateRun.objects.filter(batch=batch).order_by("-created_at", "-id").first()
