"""Pages of filing (备案) and certificates (证书).

City staff (under ``filing/``): the batches that reached publicity, one batch's filing with what holds
it up, a filing with its files and the number and date the province gave, the certificates of a batch
with their issue and revocation. The certificate's holder (and city staff): the certificate's page and
its PDF. The public, without login: the verification page (码上看) opened by the certificate's QR code,
which says "not found" and nothing else for a wrong or tampered token.

Every file sent is logged in the audit log; the 备案表 holds whole ID numbers and is an export.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.evidence import clean_name
from results.documents.certificates import verification_url
from results.forms_filing import CertificateCheckForm, FilingNumberForm, RevokeForm
from results.rules import opens_certificates
from results.selectors import certificates as certificate_selectors
from results.selectors import filing as selectors
from results.services import certificates as certificate_services
from results.services import filing as services
from results.verification import Verdict, certificate_check_upload
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.links import site_url
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin

logger = logging.getLogger(__name__)

FILING_PERMISSION = "results.run_filing"
CERTIFICATE_PERMISSION = "results.open_certificate"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error_messages(request, error):
    for message in error.messages:
        messages.error(request, message)


def _stored_file(name, *, download_name, content_type):
    """A stored file as an attachment that no browser runs or caches."""
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=clean_name(download_name.replace("/", "-")),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


class StaffMixin(ObjectPermissionMixin):
    """City staff and administrators (403 for other roles, login for nobody), on the object of the URL
    loaded in their scope."""

    role_required = is_city_admin
    permission_required = FILING_PERMISSION


class BatchMixin(StaffMixin):
    def load_object(self):
        return selectors.batch_for_filing(self.request.user, self.kwargs["batch_pk"])


class FilingMixin(StaffMixin):
    def load_object(self):
        return selectors.filing_detail(self.request.user, self.kwargs["pk"])


# --- Filing ---------------------------------------------------------------------------------------


class FilingBatchListView(PermissionRequiredMixin, TemplateView):
    """The batches that reached publicity, with the counts that say whether they can be filed."""

    permission_required = FILING_PERMISSION
    template_name = "results/filing/batches.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(selectors.batches_for_filing(self.request.user)), **kwargs)


class FilingBatchView(BatchMixin, View):
    """One batch: what holds its filing up, what is cleared, its filings; POST files it."""

    template_name = "results/filing/batch.html"

    def get(self, request, batch_pk):
        batch = self.permission_object
        cleared = list(selectors.cleared_applications(batch).select_related("applicant", "enterprise")[:200])
        return render(
            request,
            self.template_name,
            {
                "batch": batch,
                "blockers": selectors.filing_blockers(batch),
                "cleared": cleared,
                "cleared_count": selectors.cleared_applications(batch).count(),
                "filings": selectors.filings_of_batch(batch),
                "to_certify": certificate_selectors.filed_without_certificate(batch).count(),
            },
        )

    def post(self, request, batch_pk):
        batch = self.permission_object
        try:
            filing = services.filing_create(batch=batch, actor=request.user)
        except ValidationError as error:
            _error_messages(request, error)
            return redirect("results:filing_batch", batch_pk=batch.pk)
        messages.success(
            request,
            _("%(count)d applications were filed. The Excel and the summary PDF are being built.")
            % {"count": filing.row_count},
        )
        return redirect("results:filing_detail", pk=filing.pk)


class FilingDetailView(FilingMixin, View):
    """A filing: its files, their SHA-256, and the number and date the province gave (POST)."""

    template_name = "results/filing/detail.html"

    def render(self, request, filing, form):
        return render(request, self.template_name, {"filing": filing, "batch": filing.batch, "form": form})

    def get(self, request, pk):
        filing = self.permission_object
        initial = {"number": filing.number, "filed_on": filing.filed_on}
        return self.render(request, filing, FilingNumberForm(initial=initial))

    def post(self, request, pk):
        filing = self.permission_object
        form = FilingNumberForm(request.POST)
        if form.is_valid():
            try:
                services.filing_record_number(
                    filing=filing,
                    actor=request.user,
                    number=form.cleaned_data["number"],
                    filed_on=form.cleaned_data["filed_on"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The filing number and date were recorded."))
                return redirect("results:filing_detail", pk=filing.pk)
        return self.render(request, filing, form)


class FilingRebuildView(FilingMixin, View):
    """Build the filing's files again (when the build failed or the data was corrected)."""

    def post(self, request, pk):
        filing = self.permission_object
        try:
            services.filing_queue_build(filing=filing, actor=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.info(request, _("The Excel and the summary PDF are being built again."))
        return redirect("results:filing_detail", pk=filing.pk)


class FilingFileView(FilingMixin, View):
    """Download one of the filing's files: the Excel (an export of whole ID numbers) or the PDF."""

    kind = "excel"

    def get(self, request, pk):
        filing = self.permission_object
        name = filing.excel if self.kind == "excel" else filing.pdf
        if not name or not default_storage.exists(name):
            messages.info(request, _("The file is not ready yet; try again in a minute."))
            return redirect("results:filing_detail", pk=filing.pk)
        if self.kind == "excel":
            audit_record(
                kind=AuditEvent.Kind.EXPORTED,
                request=request,
                obj=filing,
                detail={"file": "filing_excel", "rows": filing.row_count, "sha256": filing.excel_sha256},
            )
            return _stored_file(name, download_name=f"备案表-{filing.batch.name}-{filing.pk}.xlsx", content_type=XLSX)
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=filing,
            detail={"file": "filing_summary", "sha256": filing.pdf_sha256},
        )
        return _stored_file(
            name, download_name=f"备案汇总-{filing.batch.name}-{filing.pk}.pdf", content_type="application/pdf"
        )


# --- Certificates -----------------------------------------------------------------------------------


class CertificateListView(BatchMixin, View):
    """The certificates of a batch; POST issues the missing ones (a background task)."""

    template_name = "results/filing/certificates.html"

    def get(self, request, batch_pk):
        batch = self.permission_object
        return render(
            request,
            self.template_name,
            {
                "batch": batch,
                "certificates": list(certificate_selectors.certificates_of_batch(batch)),
                "to_certify": certificate_selectors.ready_for_certificate(batch).count(),
                "awaiting_number": list(certificate_selectors.filings_awaiting_number(batch)),
                "qualification_rule": batch.get_qualification_date_rule_display(),
                "latest_run": certificate_selectors.latest_certificate_run(batch),
            },
        )

    def post(self, request, batch_pk):
        batch = self.permission_object
        try:
            run = certificate_services.certificates_queue_for_batch(
                batch=batch, actor=request.user, site_url=site_url(request)
            )
        except ValidationError as error:
            _error_messages(request, error)
            return redirect("results:filing_certificates", batch_pk=batch.pk)
        return redirect("results:certificate_run", batch_pk=batch.pk, pk=run.pk)


class CertificateRunView(BatchMixin, View):
    """批量发证进度 — the progress of one issue of a batch's certificates: done of total, the errors, and the
    result once it has ended. While it runs, the progress part asks again every two seconds (htmx), and
    the server answers an htmx request with that part alone; ended, it stops asking."""

    template_name = "results/filing/certificate_run.html"
    fragment_name = "results/filing/includes/certificate_run_progress.html"
    http_method_names = ["get"]

    def get(self, request, batch_pk, pk):
        batch = self.permission_object
        run = certificate_selectors.certificate_run_of_batch(batch, pk)
        context = {"batch": batch, "run": run}
        response = render(request, self.fragment_name if request.htmx else self.template_name, context)
        patch_cache_control(response, private=True, no_store=True)
        return response


class CertificateRevokeView(StaffMixin, View):
    template_name = "results/filing/revoke.html"

    def load_object(self):
        return certificate_selectors.certificate_for_user(self.request.user, self.kwargs["pk"])

    def get(self, request, pk):
        certificate = self.permission_object
        return render(request, self.template_name, {"certificate": certificate, "form": RevokeForm()})

    def post(self, request, pk):
        certificate = self.permission_object
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                certificate_services.certificate_revoke(
                    certificate=certificate,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    category=form.cleaned_data["category"],
                    request=request,
                )
            except ValidationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("The certificate %(number)s is revoked.") % {"number": certificate.number})
            return redirect("results:filing_certificates", batch_pk=certificate.application.batch_id)
        return render(request, self.template_name, {"certificate": certificate, "form": form})


class CertificateMixin(ObjectPermissionMixin):
    """The certificate of the URL's ``pk``, for its holder and city staff (``results.rules``). Another
    applicant gets 404 from the scoped selector, not a hint that the certificate exists; other roles
    never open one (403)."""

    role_required = opens_certificates
    permission_required = CERTIFICATE_PERMISSION

    def load_object(self):
        return certificate_selectors.certificate_for_user(self.request.user, self.kwargs["pk"])

    def certificate(self):
        return self.permission_object


class CertificateView(CertificateMixin, TemplateView):
    """The certificate's page: what it says, its PDF and its public verification link."""

    template_name = "results/filing/certificate.html"

    def get_context_data(self, **kwargs):
        certificate = self.certificate()
        return super().get_context_data(
            certificate=certificate,
            application=certificate.application,
            verify_url=verification_url(certificate, request=self.request),
            **kwargs,
        )


class CertificatePdfView(CertificateMixin, View):
    def get(self, request, pk):
        certificate = self.certificate()
        if not certificate.pdf or not default_storage.exists(certificate.pdf):
            messages.info(request, _("The file is not ready yet; try again in a minute."))
            return redirect("results:certificate", pk=certificate.pk)
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=certificate,
            detail={"file": "certificate", "sha256": certificate.pdf_sha256},
        )
        return _stored_file(
            certificate.pdf, download_name=f"职称证书-{certificate.number}.pdf", content_type="application/pdf"
        )


class VerifyView(View):
    """码上看 — the public verification page opened by the certificate's QR code. A token that matches
    no certificate gets the same "not found" page, status 404, whatever was wrong with it: what to check,
    and how to reach the bureau (``BUREAU_CONTACT``)."""

    def get(self, request, token):
        certificate = certificate_selectors.certificate_by_token(token)
        if certificate is None:
            response = render(
                request,
                "results/filing/verify_not_found.html",
                {"bureau_contact": settings.BUREAU_CONTACT},
                status=404,
            )
        else:
            response = render(request, "results/filing/verify.html", {"certificate": certificate})
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response


class CertificateCheckView(View):
    """码上看 by file: anyone uploads a certificate's PDF and learns whether its signature and content match
    the register (``results.verification``): valid, revoked (date and category), altered or unknown. The
    file is read in memory and not kept; only a file that is the issued certificate shows its facts."""

    template_name = "results/filing/check.html"

    def _render(self, request, context, status=200):
        response = render(
            request, self.template_name, {"bureau_contact": settings.BUREAU_CONTACT, **context}, status=status
        )
        # The portal's Referrer-Policy (same-origin) stays: with no-referrer a browser posts the form with
        # "Origin: null", which the CSRF check refuses. The URL holds no token to leak anyway.
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get(self, request):
        return self._render(request, {"form": CertificateCheckForm()})

    def post(self, request):
        form = CertificateCheckForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, {"form": form})
        try:
            check = certificate_check_upload(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
            return self._render(request, {"form": form})
        logger.info("certificate check by file: %s", check.verdict)
        return self._render(
            request,
            {"form": CertificateCheckForm(), "check": check, "certificate": check.certificate, "Verdict": Verdict},
        )
