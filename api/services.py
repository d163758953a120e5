"""API clients' life: create with a token shown once, rotate, revoke, and find the client of a token;
the service account a client writes as; an applicant's personal token; the cheap "last used" mark."""

import datetime
import hashlib
import hmac
import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PERSONAL_TOKEN_MARK, PREFIX_LENGTH, TOKEN_MARK, ApiClient, PersonalToken, validate_scopes
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.rules import is_applicant

#: ``last_used_at`` is written at most this often per token: one UPDATE a minute, not one a call.
LAST_USED_EVERY = datetime.timedelta(minutes=1)

logger = logging.getLogger("api")


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(model=ApiClient, mark=TOKEN_MARK):
    """(prefix, token): a fresh prefix that no token of ``model`` holds yet, and the whole token."""
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not model.objects.filter(token_prefix=prefix).exists():
            return prefix, f"{mark}{prefix}_{secrets.token_urlsafe(32)}"


def _split(token, mark):
    """The prefix of a token of the ``mark`` layout, or None."""
    if not isinstance(token, str) or not token.startswith(mark) or len(token) > 200:
        return None
    return token[len(mark) : len(mark) + PREFIX_LENGTH]


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
    prefix = _split(token, TOKEN_MARK)
    if prefix is None:
        return None
    client = ApiClient.objects.filter(token_prefix=prefix).first()
    if client is None or not client.usable:
        return None
    if not hmac.compare_digest(client.token_hash, token_digest(token)):
        return None
    return client


def client_actor(client):
    """The service account ``client`` writes as, made on its first write.

    Why an account per client rather than only a history change reason: the tables the API writes
    name a user (``history_user`` of the 一企一档 archive, ``TrainingImport.imported_by``,
    ``TrainingEntry.created_by``); an account named after the client makes each of them say which
    system wrote, with no column added to another app. It holds no role and cannot log in; the API
    also gives each history record the client as its change reason."""
    if client.service_user_id:
        return client.service_user
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.service_user_id is None:
            user = get_user_model()(username=f"api-client-{locked.pk}", real_name=locked.name[:50], is_active=False)
            user.set_unusable_password()
            user.full_clean()
            user.save()
            locked.service_user = user
            locked.save(update_fields=["service_user"])
    client.service_user = locked.service_user
    return client.service_user


def client_touch(client, *, now=None):
    """Mark ``client`` used: one UPDATE at most every ``LAST_USED_EVERY``."""
    _touch(ApiClient, client, now)


def _touch(model, token_holder, now):
    now = now or timezone.now()
    if token_holder.last_used_at is not None and now - token_holder.last_used_at < LAST_USED_EVERY:
        return
    # Only where the old value still holds: two calls at once write it once.
    model.objects.filter(pk=token_holder.pk, last_used_at=token_holder.last_used_at).update(last_used_at=now)
    token_holder.last_used_at = now


def personal_token_create(*, user):
    """A new personal token for applicant ``user`` (returned, shown once); its earlier one stops working."""
    if not is_applicant(user):
        raise PermissionDenied(_("Only applicants hold a personal token."))
    with transaction.atomic():
        now = timezone.now()
        PersonalToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        prefix, token = _new_token(PersonalToken, PERSONAL_TOKEN_MARK)
        personal = PersonalToken.objects.create(user=user, token_prefix=prefix, token_hash=token_digest(token))
        audit_record(
            kind=AuditEvent.Kind.API_CLIENT, user=user, obj=personal, detail={"action": "personal_token_created"}
        )
    return personal, token


def personal_token_revoke(*, user):
    """Revoke the live personal token of ``user``; says so when there is none."""
    with transaction.atomic():
        revoked = PersonalToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not revoked:
            raise ValidationError(_("You have no personal token to revoke."), code="none")
        audit_record(kind=AuditEvent.Kind.API_CLIENT, user=user, detail={"action": "personal_token_revoked"})


def personal_token_of(user):
    """The live personal token of ``user``, or None."""
    return PersonalToken.objects.filter(user=user, revoked_at__isnull=True).first()


def personal_token_for(token):
    """The usable personal token ``token`` is, with its user, or None. Constant-time comparison."""
    prefix = _split(token, PERSONAL_TOKEN_MARK)
    if prefix is None:
        return None
    personal = PersonalToken.objects.filter(token_prefix=prefix).select_related("user").first()
    if personal is None or not personal.usable or not is_applicant(personal.user):
        return None
    if not hmac.compare_digest(personal.token_hash, token_digest(token)):
        return None
    return personal


def personal_token_touch(personal, *, now=None):
    _touch(PersonalToken, personal, now)
