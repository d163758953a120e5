"""The policy library (政策文库) and the 一企一策 packages (政策大礼包).

- ``Document`` — one publication of the bureau: an application guide (申报指南), a compilation (汇编), a
  policy leaflet (政策明白纸), a flow chart (流程图) or a training video (视频培训). It carries the tags
  the 一企一策 proposals match on (series, level, channel; empty means "all") and whether the public
  may read it. Its edits are kept by django-simple-history.
- ``DocumentVersion`` — one version of a document: its effective dates, its file (checked like evidence,
  a video checked as MP4) or intranet link, and the text searched (extracted from a PDF, or given by
  staff). Versions are never changed or deleted; a new one replaces the current one.
- ``Package`` — one version of an enterprise's 一企一策 package: built by its service commissioner from
  the proposals, sent, and acknowledged by a contact of the enterprise. A sent package never changes; a
  new version is built instead.
- ``PackageItem`` — one document version in a package, and why it was proposed.
- ``PackageEvent`` — who did what with a package, when (built, edited, sent, acknowledged).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from library.rules import DOCUMENT_PERMISSIONS, PACKAGE_PERMISSIONS


class SearchTextField(models.TextField):
    """The text a document is found by. A field class of its own so that PostgreSQL's trigram
    word-similarity lookup can be registered on it alone (``library.search``), without
    ``django.contrib.postgres`` in INSTALLED_APPS."""


class DocumentKind(models.TextChoices):
    GUIDE = "guide", _("Application guide (申报指南)")
    COMPILATION = "compilation", _("Compilation (汇编)")
    LEAFLET = "leaflet", _("Policy leaflet (政策明白纸)")
    FLOW_CHART = "flow_chart", _("Flow chart (流程图)")
    VIDEO = "video", _("Training video (视频培训)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (公开)")
    INTERNAL = "internal", _("Internal (内部)")


class Document(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """政策文件 — one publication of the library, with its tags and its current version."""

    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_(
            "Internal documents are read by HR staff, commissioners and the enterprises whose package holds them."
        ),
    )
    #: Tags of the 一企一策 proposals: values of ``applications.models.Series``, ``Level``, ``Channel``.
    #: An empty list means the document suits every value.
    series = models.JSONField(_("series"), default=list, blank=True)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("current version"),
    )
    search_text = SearchTextField(_("search text"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    history = HistoricalRecords(excluded_fields=["search_text", "created_at"])

    class Meta:
        verbose_name = _("library document (政策文件)")
        verbose_name_plural = _("library documents (政策文件)")
        ordering = ["kind", "title", "id"]
        indexes = [models.Index(fields=["visibility", "kind"], name="library_doc_visibility_idx")]
        rules_permissions = DOCUMENT_PERMISSIONS

    def __str__(self):
        return self.title

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC


class DocumentVersion(models.Model):
    """文件版本 — one version of a document: effective dates, file or link, searchable text."""

    class TextSource(models.TextChoices):
        NONE = "", _("No text")
        EXTRACTED = "extracted", _("Extracted from the PDF")
        STAFF = "staff", _("Entered by staff")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveSmallIntegerField(_("version number"), editable=False)
    label = models.CharField(_("version"), max_length=50, blank=True, help_text=_("For example 2022年版."))
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True, help_text=_("Empty: no end."))
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    # The file, stored under a random name in the private media root (never served by the web server).
    file = models.CharField(_("stored file"), max_length=200, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=50, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    link = models.URLField(
        _("intranet link"), blank=True, help_text=_("A video kept on the intranet, instead of an uploaded file.")
    )
    text = models.TextField(_("text"), blank=True)
    text_source = models.CharField(
        _("text source"), max_length=16, choices=TextSource.choices, blank=True, default=TextSource.NONE
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )

    class Meta:
        verbose_name = _("document version (文件版本)")
        verbose_name_plural = _("document versions (文件版本)")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="library_version_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(link=""), name="library_version_file_or_link"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="library_version_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.document} · v{self.number}"

    def clean(self):
        if self.effective_until and self.effective_from and self.effective_until < self.effective_from:
            raise ValidationError(
                {
                    "effective_until": _(
                        "A version cannot end (%(until)s) before it takes effect (%(start)s); check both dates."
                    )
                    % {"until": self.effective_until.isoformat(), "start": self.effective_from.isoformat()}
                }
            )

    def is_effective(self, today=None):
        today = today or timezone.localdate()
        return self.effective_from <= today and (self.effective_until is None or self.effective_until >= today)

    @property
    def is_video(self):
        return self.content_type.startswith("video/")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class Package(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """一企一策政策包 — one version of an enterprise's tailored policy package."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared (编制中)")
        SENT = "sent", _("Sent (已发送)")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="policy_packages", verbose_name=_("enterprise")
    )
    version = models.PositiveSmallIntegerField(_("package version"), editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note to the enterprise"), blank=True, max_length=2000)
    commissioner = models.ForeignKey(
        "enterprises.ServiceCommissioner",
        on_delete=models.PROTECT,
        related_name="policy_packages",
        verbose_name=_("service commissioner"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        verbose_name = _("policy package (一企一策)")
        verbose_name_plural = _("policy packages (一企一策)")
        ordering = ["enterprise", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "version"], name="library_package_version_unique"),
            # One package in preparation per enterprise at a time.
            models.UniqueConstraint(
                fields=["enterprise"], condition=models.Q(status="draft"), name="library_package_one_draft"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", sent_at__isnull=True)
                | models.Q(status="sent", sent_at__isnull=False),
                name="library_package_sent_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(status="sent"),
                name="library_package_ack_after_send",
            ),
        ]
        rules_permissions = PACKAGE_PERMISSIONS

    def __str__(self):
        return f"{self.enterprise} · 一企一策 v{self.version}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class PackageItem(models.Model):
    """One document version in a package, and why the tag rules proposed it."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="items", verbose_name=_("package"))
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="package_items", verbose_name=_("document")
    )
    document_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="package_items", verbose_name=_("version")
    )
    proposed = models.BooleanField(_("proposed by the tag rules"), default=False)
    reason = models.CharField(_("why it fits"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("package item")
        verbose_name_plural = _("package items")
        ordering = ["package", "document__kind", "document__title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "document"], name="library_item_document_once"),
        ]

    def __str__(self):
        return f"{self.package} · {self.document_version}"


class PackageEvent(models.Model):
    """The log of a package: who built, edited, sent and acknowledged it, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Built from the proposals")
        EDITED = "edited", _("Selection or note changed")
        SENT = "sent", _("Sent to the enterprise")
        ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="events", verbose_name=_("package"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("package event")
        verbose_name_plural = _("package events")
        ordering = ["package", "at", "id"]

    def __str__(self):
        return f"{self.package} · {self.get_action_display()}"
