"""Continuing-education hours (继续教育学时认定): hours per person, year and category, imported from the
training platform or entered with a certificate, recognised by staff. ``applications`` reads the
recognised hours through ``training.selectors`` for its eligibility rule.

- ``TrainingImport`` — 导入批次, one Excel file of the training platform, imported whole or not at all.
- ``TrainingEntry`` — 学时记录, hours of one person, one year, one category (公需科目 / 专业科目), with
  its source and its recognition (学时认定); only recognised hours count.
- ``TrainingDecision`` — the log of recognitions and refusals: who, when, why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin

from training.rules import ENTRY_PERMISSIONS
from zaozhuang_titles.identifiers import CodeCharField

#: The most hours one entry may hold: a year's courses of one kind rarely exceed it, a typo (900) does.
MAX_ENTRY_HOURS = 300
FIRST_YEAR, LAST_YEAR = 1990, 2100


class Category(models.TextChoices):
    """The two kinds of subjects of 《专业技术人员继续教育规定》(人社部令第25号)."""

    PUBLIC = "public", _("Public subjects (公需科目)")
    SPECIALTY = "specialty", _("Specialty subjects (专业科目)")


class Source(models.TextChoices):
    IMPORTED = "imported", _("Imported from the training platform")
    CERTIFICATE = "certificate", _("Entered with a certificate")
    #: The yearly totals applicants kept in their profile before hours were recognised here.
    MIGRATED = "migrated", _("Carried over from the profile")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting recognition")
    RECOGNISED = "recognised", _("Recognised")
    REFUSED = "refused", _("Refused")


class TrainingImport(models.Model):
    """导入批次 — one workbook exported by the training platform, imported in one transaction."""

    file_name = models.CharField(_("file name"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("import of training hours")
        verbose_name_plural = _("imports of training hours")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class TrainingEntry(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """学时记录 — hours of one person in one year and one category, with where they come from."""

    Category = Category
    Source = Source
    Status = EntryStatus

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_entries", verbose_name=_("person")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    # Whole hours (学时): the platform and the certificates count whole units. Zero only for a carried-over
    # profile year that held none.
    hours = models.PositiveSmallIntegerField(_("hours (学时)"), validators=[MaxValueValidator(MAX_ENTRY_HOURS)])
    course = models.CharField(_("course or programme"), max_length=200)
    provider = models.CharField(_("training provider"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    training_import = models.ForeignKey(
        TrainingImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("import"),
    )
    #: The platform's number of the record (学时记录编号): the same record is never imported twice.
    platform_record = CodeCharField(_("record number on the platform"), max_length=64, null=True, blank=True)
    certificate_storage_name = models.CharField(_("stored certificate"), max_length=300, blank=True, editable=False)
    certificate_name = models.CharField(_("certificate file"), max_length=200, blank=True)
    certificate_type = models.CharField(_("content type"), max_length=50, blank=True)
    certificate_size = models.PositiveIntegerField(_("size"), default=0)
    certificate_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    #: The ``ApplicantProfile`` training record a migrated entry came from (one record gave up to two
    #: entries); kept so the content the chairmen signed before the move hashes as it did.
    legacy_record = models.PositiveIntegerField(_("profile record carried over"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("continuing-education hours (学时记录)")
        verbose_name_plural = _("continuing-education hours (学时记录)")
        ordering = ["-year", "category", "id"]
        rules_permissions = ENTRY_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["platform_record"], name="training_platform_record_once"),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="training_entry_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__lte=MAX_ENTRY_HOURS), name="training_entry_hours_at_most_max"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=Source.IMPORTED) | models.Q(training_import__isnull=False),
                name="training_imported_entry_has_import",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=Source.CERTIFICATE) | ~models.Q(certificate_storage_name=""),
                name="training_certificate_entry_has_file",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "year"], name="training_person_year_idx"),
            models.Index(fields=["status", "id"], name="training_status_idx"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} {self.hours}"

    def clean(self):
        if self.source in (Source.IMPORTED, Source.CERTIFICATE) and self.hours is not None and self.hours < 1:
            raise ValidationError({"hours": _("Enter at least 1 hour.")})

    @property
    def has_certificate(self):
        return bool(self.certificate_storage_name)

    @property
    def is_withdrawable(self):
        """The person may take back an entry it made itself while staff have not decided on it."""
        return self.source == Source.CERTIFICATE and self.status == EntryStatus.PENDING


class TrainingDecision(models.Model):
    """The log of each recognition (认定) or refusal: who decided, when, from which status, and why."""

    entry = models.ForeignKey(TrainingEntry, on_delete=models.PROTECT, related_name="decisions")
    from_status = models.CharField(pgettext_lazy("status", "from"), max_length=16, choices=EntryStatus.choices)
    to_status = models.CharField(pgettext_lazy("status", "to"), max_length=16, choices=EntryStatus.choices)
    #: Empty for the entries carried over from the profiles by the migration (no one decided then).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.entry_id}: {self.from_status} → {self.to_status}"
