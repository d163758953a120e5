"""Who the organisations are, who serves them and what they hold.

- ``Enterprise`` — the registry of 专精特新 and 单项冠军 enterprises; its whole change history is the
  一企一档 archive (django-simple-history), nothing is ever deleted.
- ``Recognition`` — the titles an enterprise holds (创新型中小企业, 专精特新, 小巨人, 单项冠军); an
  enterprise is eligible for the dedicated channel while one has not expired.
- ``EnterpriseContact`` — its contacts (企业经办人); one with a portal account keeps the record.
- ``ServiceCommissioner`` — a service commissioner (服务专员) and the area it serves: one division, or
  the whole city. ``Enterprise.commissioner`` is the current assignment (一企一员); its history keeps
  every reassignment.
- ``ServiceLog`` — the commissioner's service log (服务台账): visits, consultations, policy
  explanations, problems and their solutions. The campaign's service figures are computed from it.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from enterprises.rules import ENTERPRISE_PERMISSIONS
from enterprises.validators import normalize_credit_code, validate_credit_code
from zaozhuang_titles.identifiers import CodeCharField
from zaozhuang_titles.models import mobile_validator


def new_public_token():
    return secrets.token_urlsafe(16)


class RecognitionKind(models.TextChoices):
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME (创新型中小企业; from 2026 科技和创新型中小企业)")
    SPECIALIZED_SME = "specialized_sme", _("Specialized and sophisticated SME (专精特新中小企业)")
    LITTLE_GIANT = "little_giant", _('Specialized "little giant" (专精特新"小巨人")')
    CHAMPION_ENTERPRISE = "champion_enterprise", _("Manufacturing single champion enterprise (制造业单项冠军企业)")
    CHAMPION_PRODUCT = "champion_product", _("Manufacturing single champion product (制造业单项冠军产品)")


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", _("National (国家级)")
    PROVINCIAL = "provincial", _("Provincial (省级)")
    MUNICIPAL = "municipal", _("Municipal (市级)")


class ServiceTier(models.TextChoices):
    """Which level of government serves the enterprise (市级/区级/镇级服务)."""

    CITY = "city", _("City level (市级)")
    DISTRICT = "district", _("District level (区级)")
    TOWN = "town", _("Town level (镇级)")


class ServiceCommissioner(models.Model):
    """服务专员 — a user with the commissioner role and the area it may serve.

    ``division`` empty means the whole city; otherwise the commissioner serves only enterprises of that
    division. The phone number is a work number shown on the enterprise's public QR page.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commissioner_profile",
        verbose_name=_("user"),
    )
    division = models.ForeignKey(
        "zaozhuang_titles.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioners",
        verbose_name=_("area (division)"),
        help_text=_("Leave empty for a commissioner who serves the whole city."),
    )
    work_phone = models.CharField(
        _("work phone"),
        max_length=20,
        help_text=_("Shown on the public QR page of the enterprises it serves."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service commissioner (服务专员)")
        verbose_name_plural = _("service commissioners (服务专员)")
        ordering = ["user__real_name"]

    def __str__(self):
        return self.user.real_name or self.user.username

    def serves_division(self, division_id):
        return self.division_id is None or self.division_id == division_id

    @property
    def area_label(self):
        return self.division.name if self.division_id else _("Whole city")


class Enterprise(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """企业 — one organisation of the registry, identified by its 统一社会信用代码."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification (待核实)")
        ACTIVE = "active", _("Active (正常)")
        SUSPENDED = "suspended", _("Suspended (暂停)")
        CLOSED = "closed", _("Closed (已注销)")

    name = models.CharField(_("name"), max_length=200)
    credit_code = CodeCharField(
        _("unified social credit code (统一社会信用代码)"),
        max_length=18,
        unique=True,
        help_text=_("18 characters, GB 32100-2015."),
    )
    credit_code_override_reason = models.TextField(
        _("reason to accept a failing check character"),
        blank=True,
        help_text=_("City staff only: why a code that fails the checksum is accepted (early pilot codes)."),
    )
    outside_region_accepted = models.BooleanField(
        _("region code outside Zaozhuang accepted"),
        default=False,
        help_text=_("Staff checked that an enterprise whose code is registered outside 3704xx belongs here."),
    )
    legal_representative = models.CharField(_("legal representative (法定代表人)"), max_length=50)
    chairman_name = models.CharField(_("chairman (董事长)"), max_length=50, blank=True)
    chairman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_enterprises",
        verbose_name=_("chairman's account"),
        help_text=_("The portal account that signs nominations (署名举荐) for this enterprise."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    division = models.ForeignKey(
        "zaozhuang_titles.Division", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("division")
    )
    town = models.ForeignKey(
        "zaozhuang_titles.Town",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("town or subdistrict (镇/街)"),
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    professional_staff_count = models.PositiveIntegerField(_("professional and technical staff"), default=0)
    is_key = models.BooleanField(_("key enterprise (重点企业)"), default=False, db_index=True)
    service_tier = models.CharField(
        _("served at"), max_length=16, choices=ServiceTier.choices, default=ServiceTier.DISTRICT
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    commissioner = models.ForeignKey(
        ServiceCommissioner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("service commissioner (一企一员)"),
    )
    public_token = models.CharField(_("QR token"), max_length=32, unique=True, default=new_public_token, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    status_reason = models.CharField(_("reason of the status"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["public_token", "created_at"])

    class Meta:
        verbose_name = _("enterprise (企业)")
        verbose_name_plural = _("enterprises (企业)")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chairman"], condition=models.Q(chairman__isnull=False), name="enterprise_one_per_chairman"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(verified_at__isnull=False),
                name="enterprise_active_is_verified",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status"], name="enterprise_division_status_idx"),
            # The registry's order (keyset pages), for the city and for one division.
            models.Index(fields=["name", "id"], name="enterprise_list_idx"),
            models.Index(fields=["division", "name", "id"], name="enterprise_division_list_idx"),
        ]
        # Who may see, verify and keep it: django-rules, from the scopes of ``enterprises.rules``.
        rules_permissions = ENTERPRISE_PERMISSIONS

    def __str__(self):
        return self.name

    def clean(self):
        self.credit_code = normalize_credit_code(self.credit_code)
        self.name = (self.name or "").strip()
        try:
            validate_credit_code(self.credit_code)
        except ValidationError as error:
            if not (error.code == "credit_code_check" and self.credit_code_override_reason.strip()):
                raise ValidationError({"credit_code": error}) from None
        if self.town_id and self.division_id and self.town.division_id != self.division_id:
            raise ValidationError(
                {
                    "town": _("%(town)s is not in %(division)s; pick a town of the enterprise's division.")
                    % {"town": self.town.name, "division": self.division.name}
                }
            )
        if self.commissioner_id and self.division_id and not self.commissioner.serves_division(self.division_id):
            raise ValidationError(
                {
                    "commissioner": _(
                        "%(commissioner)s serves %(area)s only and cannot be assigned to an enterprise in "
                        "%(division)s; choose a commissioner of that division or of the whole city."
                    )
                    % {
                        "commissioner": self.commissioner,
                        "area": self.commissioner.area_label,
                        "division": self.division.name,
                    }
                }
            )

    def is_eligible(self, today=None):
        """Eligible for the dedicated channel: holds a recognition that has not expired.

        Uses ``recognitions`` (prefetch them for lists)."""
        today = today or timezone.localdate()
        return self.status == self.Status.ACTIVE and any(r.is_valid(today) for r in self.recognitions.all())


class Recognition(models.Model):
    """认定 — one recognition of an enterprise, with its level, year, number and expiry."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=RecognitionKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=RecognitionLevel.choices)
    year_granted = models.PositiveSmallIntegerField(
        _("year granted"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    certificate_number = CodeCharField(_("certificate or list number"), max_length=100, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, help_text=_("Empty: does not expire."))
    policy_version = models.CharField(
        _("policy version"),
        max_length=100,
        blank=True,
        help_text=_("The rules it was granted under, e.g. 工信部企业〔2022〕63号."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("recognition (认定)")
        verbose_name_plural = _("recognitions (认定)")
        ordering = ["-year_granted", "kind", "id"]
        indexes = [models.Index(fields=["expires_on"], name="recognition_expires_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_level_display()} · {self.year_granted}"

    def clean(self):
        if self.expires_on and self.year_granted and self.expires_on.year < self.year_granted:
            raise ValidationError(
                {
                    "expires_on": _(
                        "A recognition cannot expire (%(expires)s) before the year it was granted (%(year)s); "
                        "check both dates."
                    )
                    % {"expires": self.expires_on.isoformat(), "year": self.year_granted}
                }
            )

    def is_valid(self, today=None):
        today = today or timezone.localdate()
        return self.expires_on is None or self.expires_on >= today

    def expires_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.expires_on is not None and today <= self.expires_on <= today + datetime.timedelta(days=days)


class EnterpriseContact(models.Model):
    """企业经办人 — a contact of an enterprise; one with a portal account keeps its record."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("enterprise")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprise_contacts",
        verbose_name=_("portal account"),
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = CodeCharField(_("mobile number"), max_length=11, blank=True, validators=[mobile_validator])
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise contact (企业经办人)")
        verbose_name_plural = _("enterprise contacts (企业经办人)")
        ordering = ["enterprise", "-is_active", "id"]
        constraints = [
            # A contact account keeps the record of one enterprise at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(user__isnull=False, is_active=True),
                name="enterprise_contact_one_enterprise_per_user",
            ),
        ]

    def __str__(self):
        return self.name


class ServiceLog(models.Model):
    """服务台账 — one entry of a commissioner's service to an enterprise."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit (走访)")
        CONSULTATION = "consultation", _("Consultation (咨询)")
        POLICY = "policy", _("Policy explanation (政策宣讲)")
        PROBLEM = "problem", _("Problem raised (问题诉求)")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("enterprise")
    )
    commissioner = models.ForeignKey(
        ServiceCommissioner, on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("commissioner")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    people_count = models.PositiveSmallIntegerField(
        _("people (人次)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many people were consulted or attended."),
    )
    summary = models.TextField(_("what happened"))
    solution = models.TextField(_("how it was solved"), blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("service log entry (服务台账)")
        verbose_name_plural = _("service log (服务台账)")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["commissioner", "occurred_on"], name="servicelog_commissioner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(solved_on__isnull=True) | models.Q(kind="problem"),
                name="servicelog_only_problems_are_solved",
            ),
            models.CheckConstraint(
                condition=models.Q(solved_on__isnull=True) | models.Q(solved_on__gte=models.F("occurred_on")),
                name="servicelog_solved_after_raised",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_kind_display()} · {self.enterprise}"

    def clean(self):
        errors = {}
        if self.solved_on and self.kind != self.Kind.PROBLEM:
            errors["solved_on"] = _("Only a problem raised is solved; leave the date empty for other entries.")
        if self.solved_on and self.occurred_on and self.solved_on < self.occurred_on:
            errors["solved_on"] = _("A problem cannot be solved (%(solved)s) before it was raised (%(raised)s).") % {
                "solved": self.solved_on.isoformat(),
                "raised": self.occurred_on.isoformat(),
            }
        if self.solved_on and not self.solution.strip():
            errors["solution"] = _("Say how the problem was solved.")
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = _("The date of a service entry cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_solved(self):
        return self.solved_on is not None
