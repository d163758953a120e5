"""Views of accounts and of the portal frame: home dispatch, registration, health, error pages."""

import logging

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from zaozhuang_titles.audit import audit_denial, audit_record
from zaozhuang_titles.celery import app as celery_app
from zaozhuang_titles.exports import (
    EXPORT_ORDER,
    XLSX,
    ExportRefused,
    download_name,
    export_for_user,
    export_start,
    exports_of,
    source_for,
)
from zaozhuang_titles.forms import LoginForm, RegistrationForm, StaffDigestForm
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent, Export
from zaozhuang_titles.notices import NOTICE_ORDER, notices_for, notices_mark_read
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.roles import home_url
from zaozhuang_titles.rules import is_hr_staff, receives_staff_digest
from zaozhuang_titles.services import user_register, user_staff_digest_set

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    """Send each user to its role's home page; anonymous visitors to the login page."""
    if not request.user.is_authenticated:
        return redirect("login")
    target = home_url(request.user)
    if target is None:
        return render(request, "portal/no_role.html")
    return redirect(target)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class RegisterView(FormView):
    template_name = "registration/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = user_register(
                real_name=data["real_name"],
                mobile=data["mobile"],
                email=data["email"],
                password=data["password1"],
                role=data["role"],
                id_number=data["id_number"] or None,
                request=self.request,
            )
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        login(self.request, user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
        messages.success(self.request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.real_name})
        return redirect("home")


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The session auth hash changed with the password: every other session of this user is now
        # logged out; update_session_auth_hash (in super) keeps only this one.
        audit_record(kind=AuditEvent.Kind.PASSWORD_CHANGED, request=self.request, obj=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(kind=AuditEvent.Kind.PASSWORD_RESET, request=self.request, user=form.user, obj=form.user)
        return response


class AboutView(TemplateView):
    template_name = "portal/about.html"


def _healthz_detail_allowed(request):
    """Staff, or a monitor presenting ``Authorization: Bearer <HEALTHZ_TOKEN>`` (compared in constant
    time; no token configured lets no monitor in)."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if settings.HEALTHZ_TOKEN and scheme == "Bearer" and constant_time_compare(token, settings.HEALTHZ_TOKEN):
        return True
    try:
        user = request.user
        return user.is_authenticated and (user.is_staff or is_hr_staff(user))
    except DatabaseError:  # the session or the user cannot be read while the database is down
        return False


def _worker_state():
    """How many Celery workers answer a ping within a second (only asked for the detailed answer)."""
    if not settings.REDIS_URL:
        return "not configured (tasks run in process)"
    try:
        replies = celery_app.control.ping(timeout=1.0) or []
    except Exception as error:
        logger.exception("health check: worker")
        return f"error: {type(error).__name__}"
    return f"{len(replies)} answering" if replies else "none answering"


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page that names no icon (admin's error pages, files): the
    portal's SVG icon answers, through a redirect to its static file."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: the database and, when configured, the broker; 503 when one is down.

    Anyone gets ``{"status": "ok"}`` or ``{"status": "error"}``. Which part failed, and the workers, are
    told only to staff or to a monitor with the ``HEALTHZ_TOKEN``: the names of failing parts and their
    errors help an attacker more than a load balancer. Workers down do not make the web node unhealthy."""
    checks = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:
        logger.exception("health check: database")
        checks["database"] = f"error: {type(error).__name__}"
        healthy = False
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as error:
            logger.exception("health check: broker")
            checks["broker"] = f"error: {type(error).__name__}"
            healthy = False
    else:
        checks["broker"] = "not configured (tasks run in process)"
    body = {"status": "ok" if healthy else "error"}
    if _healthz_detail_allowed(request):
        if checks["broker"] == "ok" or not settings.REDIS_URL:
            checks["worker"] = _worker_state()
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def permission_denied(request, exception=None):
    audit_denial(request, status=403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


class NoticeListView(LoginRequiredMixin, TemplateView):
    """站内消息 — the user's notices, newest first, unread ones marked; a POST marks them all read. HR
    staff also find here the switch of their daily digest (``StaffDigestView``)."""

    template_name = "portal/notices.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        page = keyset_page_for_request(
            self.request, notices_for(self.request.user), fields=NOTICE_ORDER, size=self.page_size
        )
        receives_digest = receives_staff_digest(self.request.user)
        return super().get_context_data(page=page, notices=page.rows, receives_digest=receives_digest, **kwargs)

    def post(self, request, *args, **kwargs):
        count = notices_mark_read(user=request.user)
        messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
        return redirect("notices")


class StaffDigestView(PermissionRequiredMixin, View):
    """POST: a city or district staff member turns its own daily digest on or off (audited)."""

    http_method_names = ["post"]

    def has_permission(self):
        # The role itself, not a permission: a superuser holds every permission but gets no digest.
        return receives_staff_digest(self.request.user)

    def post(self, request, *args, **kwargs):
        form = StaffDigestForm(request.POST)
        form.is_valid()  # a box ticked or not: always valid
        enabled = form.cleaned_data.get("staff_digest", False)
        user_staff_digest_set(user=request.user, enabled=enabled, request=request)
        if enabled:
            messages.success(request, _("The daily digest is on: you receive it each working morning."))
        else:
            messages.success(request, _("The daily digest is off. You can turn it on again here."))
        return redirect("notices")


# --- Exports (导出 Excel) -------------------------------------------------------------------------------


def export_response(request, *, source):
    """What a list's 导出 Excel button answers (a POST whose query string holds the list's filters): a
    small list is built at once and downloaded (a redirect to the file), a long one is built in the
    background while its page shows the progress; a list without rows is sent back with the reason."""
    try:
        export = export_start(user=request.user, source_name=source, query=request.GET, request=request)
    except ExportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(source_for(source).back_url(request.GET))
    if export.status == Export.Status.DONE:
        return redirect("export_download", pk=export.pk)
    if export.status == Export.Status.FAILED:
        messages.error(request, export.error)
    else:
        messages.info(
            request,
            _(
                "The list has %(rows)d rows: its file is being built in the background. This page shows how far it "
                "has got; the file stays under “My exports” for %(days)d days."
            )
            % {"rows": export.row_count, "days": settings.EXPORT_KEEP_DAYS},
        )
    return redirect("export_detail", pk=export.pk)


class ExportListView(PermissionRequiredMixin, TemplateView):
    """我的导出 — the exports the user asked for, newest first, with their state and files, a keyset page
    at a time."""

    permission_required = "zaozhuang_titles.list_exports"
    template_name = "portal/exports.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        page = keyset_page_for_request(
            self.request, exports_of(self.request.user), fields=EXPORT_ORDER, size=self.page_size
        )
        return super().get_context_data(page=page, exports=page.rows, keep_days=settings.EXPORT_KEEP_DAYS, **kwargs)


class ExportMixin(ObjectPermissionMixin):
    """One export: HR staff (403 for other roles); only the user who asked for it and administrators
    find it (404 for anyone else)."""

    role_required = is_hr_staff
    permission_required = "zaozhuang_titles.download_export"

    def load_object(self):
        return export_for_user(self.request.user, self.kwargs["pk"])


class ExportDetailView(ExportMixin, TemplateView):
    """One export's page: its filter and rows, the progress bar while it is built (htmx polls
    ``export_status``), then the download link, or the reason it failed."""

    template_name = "portal/export_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(export=self.permission_object, keep_days=settings.EXPORT_KEEP_DAYS, **kwargs)


class ExportStatusView(ExportDetailView):
    """The status fragment of one export that its page polls."""

    template_name = "portal/includes/export_status.html"


class ExportDownloadView(ExportMixin, View):
    """The file of a finished export (logged); an export not ready, failed or removed sends back to its page."""

    def get(self, request, pk):
        export = self.permission_object
        if export.status != Export.Status.DONE or not export.file:
            if export.status == Export.Status.EXPIRED:
                messages.error(
                    request,
                    _("This export's file was removed after %(days)d days; export the list again.")
                    % {"days": settings.EXPORT_KEEP_DAYS},
                )
            elif export.status == Export.Status.FAILED:
                messages.error(request, export.error)
            else:
                messages.info(request, _("The file is not ready yet; this page shows how far it has got."))
            return redirect("export_detail", pk=export.pk)
        try:
            handle = export.file.open("rb")
        except FileNotFoundError:
            messages.error(request, _("This export's file can no longer be found; export the list again."))
            return redirect("export_detail", pk=export.pk)
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=export,
            detail={"export": export.pk, "what": export.kind, "rows": export.row_count},
        )
        return FileResponse(handle, as_attachment=True, filename=download_name(export), content_type=XLSX)
