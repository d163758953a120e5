"""The security audit log: one function writes it, for every event kind; refusals go through
``audit_denial``, which rolls repeats into one event a minute."""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zaozhuang_titles.models import AuditEvent

logger = logging.getLogger("zaozhuang_titles.audit")


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the last X-Forwarded-For hop behind a trusted proxy."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def audit_record(*, kind, request=None, user=None, username="", obj=None, detail=None, rollup_key=None):
    """Append one event to the audit log and to the structured log."""
    request_user = getattr(request, "user", None)
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    if user is not None and not username:
        username = user.get_username()
    event = AuditEvent(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        ip=client_ip(request) if request is not None else None,
        path=request.path[:500] if request is not None else "",
        detail=detail or {},
        rollup_key=rollup_key,
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.save()
    logger.info(
        "audit %s user=%s ip=%s object=%s path=%s",
        kind,
        username,
        event.ip,
        event.object_repr,
        event.path,
        extra={"audit_kind": kind, "audit_user": username, "audit_ip": event.ip},
    )
    return event


def _route(request):
    """The URL pattern the request resolved to (``applications/files/<int:pk>/``), else its path."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else request.path


def audit_denial(request, *, status):
    """Log a refusal: 403 (no permission) or 404 (an object outside the reader's scope).

    The refusals of one user (by address when nobody is logged in) on one URL pattern within one
    minute are one event whose ``count`` grows: a sweep of 10,000 IDs writes one row a minute, not
    10,000, and still says how many were tried and on which pattern. The first refusal of the minute
    keeps its path; only it goes to the structured log. Two processes racing on the first refusal
    meet the unique key, and the loser counts on the winner's row."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    route = _route(request)
    minute = timezone.now().replace(second=0, microsecond=0).isoformat()
    key = hashlib.sha256(f"{status}|{who}|{route}|{minute}".encode()).hexdigest()
    repeats = AuditEvent.objects.filter(rollup_key=key)
    if repeats.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            audit_record(
                kind=AuditEvent.Kind.PERMISSION_DENIED,
                request=request,
                detail={"status": status, "route": route, "minute": minute},
                rollup_key=key,
            )
    except IntegrityError:
        repeats.update(count=F("count") + 1)
