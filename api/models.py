"""The API for the provincial platform and the city's other systems (``/api/v1/``).

- ``ApiClient`` — one external system (the provincial platform, the industry department, the training
  platform…), created by city staff in admin, with the scopes it may use. Its token is shown once and
  only its SHA-256 is stored; it can be rotated and revoked.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from api.rules import CLIENT_PERMISSIONS


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


#: Token layout: ``zzt_`` + an 8-character lookup prefix + ``_`` + the secret. Only the prefix is
#: stored in clear (to find the row and to name the token in logs); the whole token is hashed.
TOKEN_MARK = "zzt_"  # noqa: S105 (a fixed marker, not a secret)
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


from api.models_webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription  # noqa: E402, F401
