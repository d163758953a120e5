"""API clients' life: create with a token shown once, rotate, revoke, and find the client of a token."""

import hashlib
import hmac
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PREFIX_LENGTH, TOKEN_MARK, ApiClient, validate_scopes
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.models import AuditEvent

logger = logging.getLogger("api")


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token():
    """(prefix, token): a fresh prefix that no client holds yet, and the whole token."""
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiClient.objects.filter(token_prefix=prefix).exists():
            return prefix, f"{TOKEN_MARK}{prefix}_{secrets.token_urlsafe(32)}"


def _record(kind_detail, client, actor, **detail):
    audit_record(
        kind=AuditEvent.Kind.API_CLIENT,
        user=actor,
        obj=client,
        detail={"action": kind_detail, "prefix": client.token_prefix, **detail},
    )


def client_create(*, name, scopes, actor, organisation="", rate_limit_per_minute=120):
    """Create a client; returns ``(client, token)``. The token is not stored and cannot be shown again."""
    validate_scopes(scopes)
    with transaction.atomic():
        prefix, token = _new_token()
        client = ApiClient(
            name=name.strip(),
            organisation=organisation.strip(),
            scopes=sorted(set(scopes)),
            rate_limit_per_minute=rate_limit_per_minute,
            token_prefix=prefix,
            token_hash=token_digest(token),
            created_by=actor,
        )
        client.full_clean()
        client.save()
        _record("created", client, actor, scopes=client.scopes)
    return client, token


def client_rotate(*, client, actor):
    """Give ``client`` a new token (returned, shown once); the old one stops working at once."""
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("A revoked client cannot get a new token; create a new client."), code="revoked")
        old_prefix = locked.token_prefix
        locked.token_prefix, token = _new_token()
        locked.token_hash = token_digest(token)
        locked.rotated_at = timezone.now()
        locked.save(update_fields=["token_prefix", "token_hash", "rotated_at"])
        _record("rotated", locked, actor, old_prefix=old_prefix)
    client.token_prefix, client.token_hash, client.rotated_at = (
        locked.token_prefix,
        locked.token_hash,
        locked.rotated_at,
    )
    return token


def client_revoke(*, client, actor, reason):
    """Revoke ``client`` for good, with the reason; its token stops working at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the client is revoked."), code="reason_required")
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This client was revoked already."), code="revoked")
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason[:200]
        locked.is_active = False
        locked.save(update_fields=["revoked_at", "revoke_reason", "is_active"])
        _record("revoked", locked, actor, reason=locked.revoke_reason)
    client.revoked_at, client.revoke_reason, client.is_active = locked.revoked_at, locked.revoke_reason, False


def client_for_token(token):
    """The usable client holding ``token``, or None. Compares hashes in constant time."""
    if not isinstance(token, str) or not token.startswith(TOKEN_MARK):
        return None
    prefix = token[len(TOKEN_MARK) : len(TOKEN_MARK) + PREFIX_LENGTH]
    client = ApiClient.objects.filter(token_prefix=prefix).first()
    if client is None or not client.usable:
        return None
    if not hmac.compare_digest(client.token_hash, token_digest(token)):
        return None
    return client
