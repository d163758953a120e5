"""The API for the provincial platform and the city's other systems (``/api/v1/``).

- ``ApiClient`` — one external system (the provincial platform, the industry department, the training
  platform…), created by city staff in admin, with the scopes it may use. Its token is shown once and
  only its SHA-256 is stored; it can be rotated and revoked.
- ``PersonalToken`` — an applicant's own token (created and revoked on its account page), which reads
  only that applicant's applications.
- ``ApiCall`` — one call of the API: who, which scope, what, the answer and how many objects.
- ``IdempotencyKey`` — a write made with an ``Idempotency-Key``, with its stored answer.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from api.rules import CALL_PERMISSIONS, CLIENT_PERMISSIONS


class Scope(models.TextChoices):
    """What a client may do: one resource and one action each. A scope that returns personal numbers
    unmasked is a scope of its own, granted only to the systems that need them."""

    BATCHES_READ = "batches:read", _("Read batches")
    RESULTS_READ = "results:read", _("Read filed results and certificates")
    RESULTS_PERSONAL = "results:personal", _("See ID numbers in filed results unmasked")
    ENTERPRISES_READ = "enterprises:read", _("Read enterprises and their recognitions")
    ENTERPRISES_WRITE = "enterprises:write", _("Create and update enterprises and recognitions")
    HOURS_WRITE = "hours:write", _("Submit continuing-education hours")
    WEBHOOKS = "webhooks", _("Receive webhooks")


#: What a personal token of an applicant may do (never granted to a client): read its own applications.
OWN_APPLICATIONS = "applications:own"

#: Token layout: ``zzt_`` + an 8-character lookup prefix + ``_`` + the secret. Only the prefix is
#: stored in clear (to find the row and to name the token in logs); the whole token is hashed.
TOKEN_MARK = "zzt_"  # noqa: S105 (a fixed marker, not a secret)
#: The same layout for an applicant's personal token.
PERSONAL_TOKEN_MARK = "zzp_"  # noqa: S105 (a fixed marker, not a secret)
PREFIX_LENGTH = 8


def validate_scopes(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Scopes must be a list of scope names."), code="invalid")
    unknown = sorted(set(value) - set(Scope.values))
    if unknown:
        raise ValidationError(
            _("Unknown scope %(scopes)s; the scopes are %(known)s.")
            % {"scopes": "、".join(unknown), "known": "、".join(Scope.values)},
            code="unknown_scope",
        )


class ApiClient(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One external system allowed to call the API."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True, validators=[validate_scopes])
    rate_limit_per_minute = models.PositiveIntegerField(
        _("calls a minute"), default=120, help_text=_("Calls beyond this in one minute are answered 429.")
    )
    token_prefix = models.CharField(_("token prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(_("token rotated at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    #: The account the client's writes are made as (``api.services.client_actor``): the 一企一档 history,
    #: the imports of hours and every ``created_by`` name it, so the portal shows which system wrote.
    #: It holds no role and cannot log in.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_client",
        editable=False,
        verbose_name=_("service account"),
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]
        rules_permissions = CLIENT_PERMISSIONS

    def __str__(self):
        return self.name

    def has_scope(self, scope):
        return scope in self.scopes

    @property
    def usable(self):
        return self.is_active and self.revoked_at is None


class PersonalToken(models.Model):
    """An applicant's own API token (个人令牌): reads the applicant's own applications and nothing else.
    Shown once; only its SHA-256 is stored (``api.services.token_digest``). One live token per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    token_prefix = models.CharField(_("token prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="api_personal_token_one_live"
            )
        ]

    def __str__(self):
        return f"{PERSONAL_TOKEN_MARK}{self.token_prefix}…"

    @property
    def usable(self):
        return self.revoked_at is None and self.user.is_active


class ApiCall(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One call of the API (审计): written once, at the end of the call, never changed."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, null=True, blank=True, related_name="calls", verbose_name=_("client")
    )
    personal_token = models.ForeignKey(
        PersonalToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("personal token"),
    )
    scope = models.CharField(_("scope"), max_length=32, blank=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    object_count = models.PositiveIntegerField(_("objects"), default=0)
    replayed = models.BooleanField(_("replayed"), default=False)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "at"], name="api_call_client_idx")]
        rules_permissions = CALL_PERMISSIONS

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class IdempotencyKey(models.Model):
    """A write made with an ``Idempotency-Key`` header: the key is taken (a unique row per client and
    key) before the work, in the work's transaction, and the answer is stored with it. The same key
    with the same request gets the stored answer; with another request, 409."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.JSONField(_("answer"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_once")]

    def __str__(self):
        return self.key


from api.models_webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription  # noqa: E402, F401
