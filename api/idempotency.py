"""``Idempotency-Key`` on writes: the same key with the same request gives the stored answer once more
(replayed, not done again); the same key with another request gets 409.

The key is taken first, inside the write's transaction: a row unique on (client, key). Two identical
writes at once: the second's INSERT waits on the unique index until the first commits, then fails;
the second then reads the first's stored answer and replays it. Exactly one effect. A write refused
(4xx) rolls its key back with it, so the client may correct the request and send it with the same key.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from api.models import IdempotencyKey
from api.problems import Conflict

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def fingerprint(request):
    """SHA-256 of the method, the path and the body (as JSON with sorted keys when it is JSON)."""
    try:
        body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    except (TypeError, ValueError):
        body = repr(request.data)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode("utf-8", "surrogatepass")).hexdigest()


def request_key(request):
    """The request's key, or None; a key longer than ``MAX_KEY_LENGTH`` or not printable is refused."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            {HEADER: _("An Idempotency-Key is 1 to %(max)d printable characters.") % {"max": MAX_KEY_LENGTH}}
        )
    return key


def take(*, client, key, print_):
    """Inside the write's transaction: ``(record, None)`` for a fresh key, or ``(record, stored)`` with the
    stored ``(status, body)`` to replay. Raises ``Conflict`` for the key used with another request."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(client=client, key=key, fingerprint=print_), None
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.get(client=client, key=key)
    if existing.fingerprint != print_:
        raise Conflict(
            _("This Idempotency-Key was used with another request; use a new key for a new request."),
            code="idempotency_key_reused",
        )
    return existing, (existing.status, existing.body)


def store(record, *, status, body):
    record.status = status
    record.body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    record.save(update_fields=["status", "body"])
