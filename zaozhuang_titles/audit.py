"""The security audit log: one function writes it, for every event kind."""

import ipaddress
import logging

from django.conf import settings

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


def audit_record(*, kind, request=None, user=None, username="", obj=None, detail=None):
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
