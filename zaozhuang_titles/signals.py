"""Receivers that write security events to the audit log.

Authentication happens inside Django and django-axes; their signals are the only place where login,
failed login, logout and lockout can be observed, so the audit log listens to them here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.backends import find_login_user
from zaozhuang_titles.models import AuditEvent


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(kind=AuditEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    entered = (credentials or {}).get("username", "") or ""
    audit_record(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        request=request,
        user=find_login_user(entered),
        username=entered,
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(kind=AuditEvent.Kind.LOCKOUT, request=request, user=find_login_user(username), username=username or "")
