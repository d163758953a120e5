"""Webhooks (事件推送) to the city's and the province's systems.

- ``WebhookSubscription`` — an API client holding the ``webhooks`` scope asks to be told of some events
  (a batch filed, a certificate issued or revoked) at one address. Its secret signs every delivery
  (HMAC-SHA256, ``api.webhooks``); it is shown once to city staff and kept, since signing needs it.
- ``WebhookDelivery`` — one event sent to one subscription: the payload, where it stands (pending,
  delivered, failed and to be retried, given up), how many attempts, the last answer. A replay by staff
  is a delivery of its own, pointing at the one it replays, with who asked and when.

Where a webhook may point is decided by ``target_refusal``: http(s) only, and no private, loopback or
link-local address unless ``settings.WEBHOOK_ALLOWED_HOSTS`` allows it (the city's systems sit on the
intranet, so the deployment names their hosts or networks).
"""

import ipaddress
import socket
import uuid
from urllib.parse import urlsplit

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from api.models import ApiClient, Scope
from zaozhuang_titles.rules import is_city_admin


class WebhookEvent(models.TextChoices):
    """The events a subscription may ask for; the value is the ``type`` of the payload and the
    ``X-Zaozhuang-Event`` header."""

    BATCH_FILED = "batch.filed", _("A batch is filed (备案)")
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate is issued (发证)")
    CERTIFICATE_REVOKED = "certificate.revoked", _("A certificate is revoked (撤销)")


def validate_events(value):
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Choose at least one event."), code="no_events")
    unknown = sorted(set(value) - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(
            _("Unknown event %(events)s; the events are %(known)s.")
            % {"events": "、".join(unknown), "known": "、".join(WebhookEvent.values)},
            code="unknown_event",
        )


def _allowed_entries():
    """(names, networks, anything) of ``settings.WEBHOOK_ALLOWED_HOSTS`` (checked at start-up)."""
    names, networks = set(), []
    for entry in settings.WEBHOOK_ALLOWED_HOSTS:
        if entry == "*":
            return names, networks, True
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return names, networks, False


def _addresses(host, *, resolve):
    """The IP addresses ``host`` stands for: itself when it is an address; its DNS answers when
    ``resolve`` (none when it does not resolve: the delivery will fail and say so); else none."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1")]
    if not resolve:
        return []
    try:
        answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(answer[4][0].split("%", 1)[0]) for answer in answers]


def target_refusal(url, *, resolve=True):
    """Why ``url`` may not receive webhooks, as the sentence to show, or None.

    Only http and https, with no user name or password in the address. A host on a private, loopback,
    link-local or otherwise non-public address (by its IP, or by what its name resolves to) is refused
    unless ``WEBHOOK_ALLOWED_HOSTS`` names the host, a network holding the address, or ``*``. Checked when
    the subscription is saved and again before every delivery (a name may resolve elsewhere later)."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        return gettext("The address is not a valid URL; write it as https://host/path.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return gettext("A webhook address starts with https:// (or http://) and names a host, e.g. %(example)s.") % {
            "example": "https://hr.example.gov.cn/hooks/titles"
        }
    if parts.username or parts.password:
        return gettext("Put no user name or password in the address: every delivery is signed with the secret.")
    if port == 0:
        return gettext("The address's port must be between 1 and 65535.")
    host = parts.hostname.lower().rstrip(".")
    names, networks, anything = _allowed_entries()
    if anything or host in names:
        return None
    for address in _addresses(host, resolve=resolve):
        if address.is_global or any(address in network for network in networks):
            continue
        return gettext(
            "%(host)s is a private, loopback or link-local address (%(address)s), which webhooks may not reach "
            "unless the setting WEBHOOK_ALLOWED_HOSTS names the host or its network; ask the portal's operator."
        ) % {"host": host, "address": address}
    return None


def validate_webhook_target(value):
    refusal = target_refusal(value)
    if refusal:
        raise ValidationError(refusal, code="target_refused")


SUBSCRIPTION_PERMISSIONS = {
    "view": is_city_admin,
    "add": is_city_admin,
    "change": is_city_admin,
    "delete": rules.always_deny,
}
DELIVERY_PERMISSIONS = {
    "view": is_city_admin,
    "add": rules.always_deny,
    "change": rules.always_deny,
    "delete": rules.always_deny,
    # Send a delivery's payload again (a new delivery, logged with who and when).
    "replay": is_city_admin,
}


class WebhookSubscription(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """事件订阅 — where an API client is told of the events it chose."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="webhook_subscriptions", verbose_name=_("API client")
    )
    target_url = models.URLField(
        _("address (URL)"),
        max_length=500,
        validators=[validate_webhook_target],
        help_text=_("Where the portal POSTs the events, e.g. https://hr.example.gov.cn/hooks/titles."),
    )
    events = models.JSONField(_("events"), default=list, validators=[validate_events])
    description = models.CharField(pgettext_lazy("webhook subscription", "description"), max_length=200, blank=True)
    # Kept in clear: the portal signs with it. Shown once, on the page after creating or rotating it.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(
        pgettext_lazy("webhook subscription", "active"),
        default=True,
        help_text=_("An inactive subscription is sent nothing until made active again."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["client__name", "id"]
        rules_permissions = SUBSCRIPTION_PERMISSIONS

    def __str__(self):
        return f"{self.client} → {self.target_url}"

    def clean(self):
        client = ApiClient.objects.filter(pk=self.client_id).first() if self.client_id else None
        if client is None:
            return
        if not client.usable:
            raise ValidationError(
                {"client": _("%(client)s is revoked or inactive: it cannot receive webhooks.") % {"client": client}}
            )
        if not client.has_scope(Scope.WEBHOOKS):
            raise ValidationError(
                {
                    "client": _(
                        "%(client)s does not hold the scope “%(scope)s”; give it the scope on the client's page first."
                    )
                    % {"client": client, "scope": Scope.WEBHOOKS.label}
                }
            )

    @property
    def event_labels(self):
        labels = dict(WebhookEvent.choices)
        return "、".join(str(labels.get(event, event)) for event in self.events)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed, will retry")
    GIVEN_UP = "given_up", _("given up")


#: Statuses that still expect an attempt: a replay of one would send the payload twice.
DeliveryStatus.UNDER_WAY = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)

#: How much of a receiver's answer is kept.
RESPONSE_EXCERPT_CHARS = 500


class WebhookDelivery(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """推送记录 — one event sent to one subscription, with its attempts' outcome."""

    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4, editable=False, db_index=True)
    event_type = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("subscription")
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("delivered or given up at"), null=True, blank=True)
    # Set by the worker making an attempt, for its duration: a second task of the same delivery (the
    # sweep's, a task delivered twice) makes no request meanwhile.
    leased_until = models.DateTimeField(_("attempt under way until"), null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last answer took (ms)"), null=True, blank=True)
    last_response_excerpt = models.CharField(_("last answer (excerpt)"), max_length=RESPONSE_EXCERPT_CHARS, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("replay of"),
    )
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replayed by"),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        rules_permissions = DELIVERY_PERMISSIONS
        constraints = [
            # An event reaches a subscription once; only staff's replays add more.
            models.UniqueConstraint(
                fields=["event_id", "subscription"],
                condition=models.Q(replay_of__isnull=True),
                name="webhook_delivery_once_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(replay_of__isnull=True) | models.Q(replayed_by__isnull=False),
                name="webhook_replay_names_who",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]

    def __str__(self):
        return f"{self.event_type} #{self.pk}"


# The receivers of the results' signals (``api.webhooks``) are connected when the models load, so that
# every process that may file or issue (web, worker, shell) sends the webhooks.
from api import webhooks  # noqa: E402, F401  (connects the receivers)
