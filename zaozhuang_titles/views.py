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
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from zaozhuang_titles.audit import audit_denial, audit_record
from zaozhuang_titles.celery import app as celery_app
from zaozhuang_titles.forms import LoginForm, RegistrationForm, StaffDigestForm
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.notices import NOTICE_ORDER, notices_for, notices_mark_read
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
