"""Webhooks (事件推送): subscriptions and their secrets, the payloads, the signature, the deliveries.

The results app sends a signal once a batch is filed or a certificate is issued or revoked
(``results.signals``); the receivers here build the event's payload once and write one
``WebhookDelivery`` per subscription that asked for it, then queue the task ``api.deliver_webhook`` for
each after the commit. The task makes one attempt (``delivery_attempt``) and, when it failed, is retried
by Celery after ``retry_delay(attempts)`` until ``WEBHOOK_MAX_ATTEMPTS``; then the delivery is given up.

Each request is a POST of the payload as JSON (UTF-8) with the headers::

    X-Zaozhuang-Event: certificate.issued
    X-Zaozhuang-Delivery: 42
    X-Zaozhuang-Timestamp: 1767225600
    X-Zaozhuang-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>

``<body>`` is the exact bytes sent. A receiver recomputes the HMAC over its raw body, compares in
constant time, and refuses a timestamp far from its clock (README, "Webhooks"). The timestamp and the
signature are new at every attempt; the payload's ``id`` (the event) stays the same across attempts and
replays, so a receiver deduplicates by it.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from api.models import Scope
from api.models_webhooks import (
    RESPONSE_EXCERPT_CHARS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    target_refusal,
)
from results.models import Certificate, Filing
from results.signals import batch_filed, certificate_issued, certificate_revoked
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.links import absolute_url
from zaozhuang_titles.masking import mask_id_number
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.text import MULTILINE_FORBIDDEN_RE, REPLACEMENT

logger = logging.getLogger(__name__)

SECRET_MARK = "whsec_"  # noqa: S105 (a fixed marker, not a secret)
SIGNATURE_SCHEME = "sha256"
USER_AGENT = "Zaozhuang-Titles-Webhooks/1"
#: At most this much of a receiver's answer is read (the excerpt kept is shorter still).
RESPONSE_READ_BYTES = 4096


# --- Secrets and signatures ------------------------------------------------------------------------


def new_secret():
    return f"{SECRET_MARK}{secrets.token_urlsafe(32)}"


def signature(*, secret, timestamp, body):
    """Hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with ``secret`` (``body``: the bytes sent)."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(*, delivery, secret, body, timestamp=None):
    """The headers of one attempt of ``delivery``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Zaozhuang-Event": delivery.event_type,
        "X-Zaozhuang-Delivery": str(delivery.pk),
        "X-Zaozhuang-Timestamp": str(timestamp),
        "X-Zaozhuang-Signature": f"{SIGNATURE_SCHEME}={signature(secret=secret, timestamp=timestamp, body=body)}",
    }


def payload_body(payload):
    """The bytes sent: compact JSON, keys sorted, UTF-8 (Chinese as it is, not escaped)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- Payloads --------------------------------------------------------------------------------------


def _when(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _label(choices, value):
    with translation.override("zh-hans"):
        return str(dict(choices).get(value, value)) if value else None


def batch_filed_data(filing):
    batch = filing.batch
    return {
        "batch": {
            "id": batch.pk,
            "name": batch.name,
            "year": batch.year,
            "series": batch.series,
            "series_name": _label(type(batch).series.field.choices, batch.series),
            "level": batch.level,
            "level_name": _label(type(batch).level.field.choices, batch.level),
        },
        "filing": {
            "id": filing.pk,
            "filed_at": _when(filing.created_at),
            "filed_on": timezone.localtime(filing.created_at).date().isoformat(),
            "applications": filing.row_count,
        },
    }


def certificate_data(certificate):
    """The certificate as a webhook tells it: the holder's ID number masked, never whole."""
    application = certificate.application
    path = reverse("results:certificate_verify", kwargs={"token": certificate.token})
    return {
        "certificate": {
            "number": certificate.number,
            "verification_url": absolute_url(path),
            "holder": {
                "name": certificate.holder_name,
                "id_number_masked": mask_id_number(application.applicant.id_number),
            },
            "series": certificate.series,
            "series_name": _label(Certificate.series.field.choices, certificate.series),
            "level": certificate.level,
            "level_name": _label(Certificate.level.field.choices, certificate.level),
            "title": certificate.title_name,
            "granted_on": certificate.granted_on.isoformat(),
            "issued_at": _when(certificate.issued_at),
            "batch_id": application.batch_id,
            "valid": certificate.revoked_at is None,
            "revoked_at": _when(certificate.revoked_at),
            "revoked_on": timezone.localtime(certificate.revoked_at).date().isoformat()
            if certificate.revoked_at
            else None,
            "revoke_category": certificate.revoke_category or None,
            "revoke_category_name": _label(Certificate.revoke_category.field.choices, certificate.revoke_category),
        }
    }


def event_payload(*, event_id, event_type, occurred_at, data):
    return {"id": str(event_id), "type": event_type, "occurred_at": _when(occurred_at), "data": data}


# --- Publishing an event ---------------------------------------------------------------------------


def subscriptions_for(event_type):
    """The subscriptions that receive ``event_type`` now: active, of a usable client that still holds
    the ``webhooks`` scope, and asking for the event (few rows: filtered here rather than in JSON SQL)."""
    candidates = WebhookSubscription.objects.filter(
        is_active=True, client__is_active=True, client__revoked_at__isnull=True
    ).select_related("client")
    return [
        subscription
        for subscription in candidates
        if event_type in subscription.events and subscription.client.has_scope(Scope.WEBHOOKS)
    ]


def event_publish(*, event_type, occurred_at, data):
    """Write one pending delivery of the event per subscription and queue each after the commit;
    return the deliveries (none when nobody subscribes)."""
    subscriptions = subscriptions_for(event_type)
    if not subscriptions:
        return []
    event_id = uuid.uuid4()
    payload = event_payload(event_id=event_id, event_type=event_type, occurred_at=occurred_at, data=data)
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    event_id=event_id,
                    event_type=event_type,
                    occurred_at=occurred_at,
                    subscription=subscription,
                    payload=payload,
                )
                for subscription in subscriptions
            ]
        )
        for delivery in deliveries:
            _queue(delivery.pk)
    logger.info("webhook %s %s: %d deliveries", event_type, event_id, len(deliveries))
    return deliveries


def _queue(delivery_id):
    """Queue the delivery's task after the commit. Robust: a broker that is down (or, run in process, an
    attempt that failed) is logged and leaves the delivery to the sweep (``deliveries_due``), never an
    error for the staff whose filing or issue caused it."""
    # Deferred: api.tasks imports this module.
    from api.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.delay(delivery_id=delivery_id), robust=True)


#: A delivery whose attempt is this late is taken by the sweep: its task was lost (the broker was down
#: when it was queued, the worker holding its retry died) or never queued.
SWEEP_GRACE = timedelta(minutes=5)
#: At most this many deliveries per sweep (a minute apart): a receiver down for hours is caught up gently.
SWEEP_BATCH = 1000


def deliveries_due(now=None):
    """IDs of the deliveries the sweep queues again: pending since before the grace, or failed with their
    next attempt due before it (served by the index on status and next attempt)."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    due = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
        | Q(status=DeliveryStatus.FAILED, next_attempt_at__lt=cutoff)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])


@receiver(batch_filed, dispatch_uid="api.webhooks.batch_filed")
def on_batch_filed(sender=None, *, filing_id, **kwargs):
    filing = Filing.objects.select_related("batch").filter(pk=filing_id).first()
    if filing is not None:
        event_publish(event_type=WebhookEvent.BATCH_FILED, occurred_at=filing.created_at, data=batch_filed_data(filing))


def _certificate(certificate_id):
    return (
        Certificate.objects.select_related("application__applicant")
        .only(*CERTIFICATE_COLUMNS)
        .filter(pk=certificate_id)
        .first()
    )


CERTIFICATE_COLUMNS = (
    "number",
    "token",
    "holder_name",
    "series",
    "level",
    "title_name",
    "granted_on",
    "issued_at",
    "revoked_at",
    "revoke_category",
    "application__batch_id",
    "application__applicant__id_number",
)


@receiver(certificate_issued, dispatch_uid="api.webhooks.certificate_issued")
def on_certificate_issued(sender=None, *, certificate_id, **kwargs):
    certificate = _certificate(certificate_id)
    if certificate is not None:
        event_publish(
            event_type=WebhookEvent.CERTIFICATE_ISSUED,
            occurred_at=certificate.issued_at,
            data=certificate_data(certificate),
        )


@receiver(certificate_revoked, dispatch_uid="api.webhooks.certificate_revoked")
def on_certificate_revoked(sender=None, *, certificate_id, **kwargs):
    certificate = _certificate(certificate_id)
    if certificate is not None and certificate.revoked_at is not None:
        event_publish(
            event_type=WebhookEvent.CERTIFICATE_REVOKED,
            occurred_at=certificate.revoked_at,
            data=certificate_data(certificate),
        )


# --- Subscriptions ---------------------------------------------------------------------------------


def _record(action, subscription, actor, **detail):
    audit_record(
        kind=AuditEvent.Kind.API_CLIENT,
        user=actor,
        obj=subscription,
        detail={"action": action, "client": subscription.client_id, **detail},
    )


def subscription_create(*, client, target_url, events, actor, description=""):
    """Subscribe ``client`` to ``events`` at ``target_url``; returns ``(subscription, secret)``. The
    secret is shown to staff once, on the page after saving."""
    secret = new_secret()
    subscription = WebhookSubscription(
        client=client,
        target_url=(target_url or "").strip(),
        events=sorted(set(events)),
        description=(description or "").strip(),
        secret=secret,
        created_by=actor,
    )
    with transaction.atomic():
        subscription.full_clean()
        subscription.save()
        _record("webhook_created", subscription, actor, target=subscription.target_url, events=subscription.events)
    return subscription, secret


def subscription_change(*, subscription, actor):
    """Save staff's change of ``subscription`` (address, events, description, active), logged."""
    subscription.events = sorted(set(subscription.events or []))
    with transaction.atomic():
        subscription.full_clean()
        subscription.save()
        _record(
            "webhook_changed",
            subscription,
            actor,
            target=subscription.target_url,
            events=subscription.events,
            active=subscription.is_active,
        )
    return subscription


def subscription_rotate_secret(*, subscription, actor):
    """Give ``subscription`` a new secret (returned, shown once): every delivery from now on, retries and
    replays included, is signed with it."""
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        locked.secret = new_secret()
        locked.secret_rotated_at = timezone.now()
        locked.save(update_fields=["secret", "secret_rotated_at"])
        _record("webhook_secret_rotated", locked, actor)
    subscription.secret, subscription.secret_rotated_at = locked.secret, locked.secret_rotated_at
    return locked.secret


# --- Delivering ------------------------------------------------------------------------------------


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt: WEBHOOK_RETRY_BASE_SECONDS doubled at each
    attempt, at most WEBHOOK_RETRY_MAX_SECONDS (with the defaults 1, 2, 4, 8, 16, 32 minutes, then 1 hour)."""
    base, ceiling = settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS
    return min(base * 2 ** (max(attempts, 1) - 1), ceiling)


def retry_schedule():
    """The waits between the attempts of one delivery, first to last (``WEBHOOK_MAX_ATTEMPTS`` - 1 of them)."""
    return [retry_delay(attempt) for attempt in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not followed: a receiver that moved is told to the staff as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


#: No proxy from the environment and no redirects: the request goes where the subscription says.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _excerpt(raw):
    text = raw[:RESPONSE_READ_BYTES].decode("utf-8", errors="replace")
    # The receiver's text is stored and shown to staff: control characters (NUL breaks PostgreSQL) become �.
    return MULTILINE_FORBIDDEN_RE.sub(REPLACEMENT, text)[:RESPONSE_EXCERPT_CHARS]


@dataclass
class Answer:
    status: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300


def http_post(url, *, body, headers, timeout):
    """POST ``body`` to ``url`` and return the ``Answer``; never raises for the network or the receiver."""
    started = time.monotonic()
    answer = Answer()
    # http(s) only: target_refusal checked the address before.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as response:
            answer.status = response.status
            answer.excerpt = _excerpt(response.read(RESPONSE_READ_BYTES))
    except urllib.error.HTTPError as error:
        answer.status = error.code
        try:
            answer.excerpt = _excerpt(error.read(RESPONSE_READ_BYTES))
        except OSError:
            answer.excerpt = ""
        if 300 <= error.code < 400:
            answer.error = _("Redirects are not followed; give the subscription its new address.")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        answer.error = f"{type(reason).__name__}: {reason}"[:300]
    answer.duration_ms = int((time.monotonic() - started) * 1000)
    return answer


@dataclass
class Outcome:
    status: str
    retry_in: int | None = None


def _refusal_of(subscription):
    """Why a delivery to ``subscription`` is not attempted now, or None."""
    client = subscription.client
    if not subscription.is_active:
        return _("The subscription is inactive.")
    if not client.usable:
        return _("The API client is revoked or inactive.")
    if not client.has_scope(Scope.WEBHOOKS):
        return _("The API client no longer holds the webhooks scope.")
    return None


def delivery_attempt(*, delivery_id):
    """Make one attempt of a delivery that is pending or failed, record it, and return the ``Outcome``
    (None when there is nothing to do: gone, delivered or given up already, or another worker holds the
    attempt's lease or recorded it first). A delivery whose subscription was deactivated, or whose client was revoked,
    is given up without a request."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription__client")
        .filter(pk=delivery_id, status__in=DeliveryStatus.UNDER_WAY)
        .first()
    )
    if delivery is None:
        return None
    subscription = delivery.subscription
    now = timezone.now()
    refusal = _refusal_of(subscription)
    if refusal:
        changed = WebhookDelivery.objects.filter(pk=delivery.pk, status__in=DeliveryStatus.UNDER_WAY).update(
            status=DeliveryStatus.GIVEN_UP, finished_at=now, next_attempt_at=None, last_error=refusal[:300]
        )
        return Outcome(DeliveryStatus.GIVEN_UP) if changed else None
    lease = now + timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery.pk, status__in=DeliveryStatus.UNDER_WAY, attempts=delivery.attempts)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease)
    )
    if not claimed:  # another worker is making this attempt, or has made it
        return None
    refusal = target_refusal(subscription.target_url, resolve=True)
    if refusal:
        answer = Answer(error=refusal[:300])
    else:
        body = payload_body(delivery.payload)
        headers = signed_headers(delivery=delivery, secret=subscription.secret, body=body)
        answer = http_post(
            subscription.target_url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    attempts = delivery.attempts + 1
    finished = timezone.now()
    fields = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": answer.status,
        "last_duration_ms": answer.duration_ms,
        "last_response_excerpt": answer.excerpt,
        "last_error": answer.error,
        "leased_until": None,
    }
    retry_in = None
    if answer.ok:
        fields.update(status=DeliveryStatus.DELIVERED, finished_at=finished, next_attempt_at=None)
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.GIVEN_UP, finished_at=finished, next_attempt_at=None)
    else:
        retry_in = retry_delay(attempts)
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=finished + timedelta(seconds=retry_in))
    # Only where the attempt count still is what this attempt read (the lease ran out and another worker
    # recorded meanwhile: this one records nothing and schedules nothing).
    changed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status__in=DeliveryStatus.UNDER_WAY, attempts=delivery.attempts
    ).update(**fields)
    if not changed:
        return None
    logger.info(
        "webhook delivery %s (%s) attempt %d: %s %s",
        delivery.pk,
        delivery.event_type,
        attempts,
        answer.status,
        fields["status"],
    )
    return Outcome(fields["status"], retry_in)


def replay_refusal(delivery):
    """Why ``delivery`` cannot be replayed now (the sentence to show), or None."""
    if delivery.status in DeliveryStatus.UNDER_WAY:
        return _(
            "Delivery #%(pk)d is still being attempted (%(attempts)d of at most %(max)d attempts made); "
            "wait for its outcome."
        ) % {
            "pk": delivery.pk,
            "attempts": delivery.attempts,
            "max": settings.WEBHOOK_MAX_ATTEMPTS,
        }
    refusal = _refusal_of(delivery.subscription)
    if refusal:
        return _("Delivery #%(pk)d cannot be replayed: %(reason)s") % {"pk": delivery.pk, "reason": refusal}
    return None


def delivery_replay(*, delivery, actor):
    """Send ``delivery``'s payload (the same event ID) to its subscription again, as a new delivery that
    names who replayed it and when, with the subscription's current secret; return the new delivery.
    Refused (``ValidationError``) while the delivery is still being attempted or its subscription may
    receive nothing."""
    refusal = replay_refusal(delivery)
    if refusal:
        raise ValidationError(refusal, code="not_replayable")
    with transaction.atomic():
        replay = WebhookDelivery(
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            occurred_at=delivery.occurred_at,
            subscription=delivery.subscription,
            payload=delivery.payload,
            replay_of=delivery,
            replayed_by=actor,
        )
        replay.full_clean()
        replay.save()
        audit_record(
            kind=AuditEvent.Kind.API_CLIENT,
            user=actor,
            obj=delivery,
            detail={"action": "webhook_replayed", "replay": replay.pk, "event": str(delivery.event_id)},
        )
        _queue(replay.pk)
    return replay


def deliveries_replay(*, deliveries, actor):
    """Replay each of ``deliveries``; returns ``(replays, refusals)`` (the refusals as sentences)."""
    replays, refusals = [], []
    for delivery in deliveries:
        try:
            replays.append(delivery_replay(delivery=delivery, actor=actor))
        except ValidationError as refusal:
            refusals.extend(refusal.messages)
    return replays, refusals
