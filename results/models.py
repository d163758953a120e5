"""What the review's results become: the publicity notice (评审结果公示) with its published lines, the
objections of the public to them (异议), the filing of the cleared applications with the province (备案)
and the title certificates (证书) with the token of their public verification page (码上看).

- ``Publicity`` and ``PublicityEntry`` — a batch's passed applications, copied as they were published.
- ``Objection`` — a real-name objection to one published line, and how city staff settled it.
- ``Filing`` and ``FilingEntry`` — the 备案表 sent to the province; each application is filed once.
- ``Certificate`` — the certificate of a filed application, verified by an unguessable token.
- ``CertificateRun`` — one issue of a batch's certificates by the background task, with its progress.

The tables were created by ``applications`` (migration 0003) and moved here without copying a row
(``results`` migrations 0001-0003).
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin

from applications.models import Application, Batch, Level, Series
from results.rules import CERTIFICATE_PERMISSIONS
from zaozhuang_titles.identifiers import CodeCharField
from zaozhuang_titles.models import mobile_validator


def new_public_token():
    """An unguessable token for a public URL (the certificate's verification page)."""
    return secrets.token_urlsafe(18)


class Publicity(models.Model):
    """评审结果公示 — a batch's passed applications published for objections for at least the batch's
    working days. The list is copied into ``PublicityEntry`` rows: what was published stays as it was."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="publicities", verbose_name=_("batch"))
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    working_days = models.PositiveSmallIntegerField(_("working days"), validators=[MinValueValidator(5)])
    provisional = models.BooleanField(
        _("provisional end date"),
        default=False,
        help_text=_("The holiday calendar of that year is not confirmed; the end date may move."),
    )
    how_to_object = models.TextField(_("how to object"))
    committee_name = models.CharField(_("review committee"), max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        help_text=_("Empty when the period's end closed it."),
    )
    close_reason = models.TextField(
        _("why it was closed early"),
        blank=True,
        help_text=_(
            "Required when staff close the notice before the end of its period (公示期满前): the at least "
            "5 working days are the rule, so an early close is recorded with its written reason."
        ),
    )
    pdf = models.CharField(_("PDF (stored as)"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("publicity notice (公示)")
        verbose_name_plural = _("publicity notices (公示)")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="publicity_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(working_days__gte=5), name="publicity_at_least_5_days"),
        ]

    def __str__(self):
        return self.title

    @property
    def closed_early(self):
        """Closed by staff before the end of its period (its reason is ``close_reason``)."""
        return self.closed_at is not None and timezone.localdate(self.closed_at) <= self.ends_on


class PublicityEntry(models.Model):
    """One published line: what the notice shows of an application (name, enterprise, specialty, title)."""

    publicity = models.ForeignKey(
        Publicity, on_delete=models.PROTECT, related_name="entries", verbose_name=_("publicity notice")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="publicity_entries", verbose_name=_("application")
    )
    name = models.CharField(_("name"), max_length=50)
    enterprise_name = models.CharField(_("enterprise"), max_length=200)
    specialty = models.CharField(_("specialty"), max_length=100)
    title_granted = models.CharField(_("title granted"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=0)
    cleared_at = models.DateTimeField(
        _("cleared for filing at"),
        null=True,
        blank=True,
        help_text=_("Set when the period ended without an open objection to it (or its objections were dismissed)."),
    )

    class Meta:
        verbose_name = _("published application")
        verbose_name_plural = _("published applications")
        ordering = ["publicity", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publicity", "application"], name="publicity_entry_once"),
        ]
        # The public notice reads its lines a page at a time by position (issue 13).
        indexes = [models.Index(fields=["publicity", "position", "id"], name="publicity_entry_order_idx")]

    def __str__(self):
        return f"{self.publicity}: {self.name}"


class ObjectionStatus(models.TextChoices):
    """Where an objection (异议) stands. Its groups are attributes set after the class (a tuple of
    members, not a member itself), so that code and templates name a group instead of spelling it."""

    OPEN = "open", _("Received (已受理)")
    INVESTIGATING = "investigating", _("Being investigated (调查核实中)")
    UPHELD = "upheld", _("Upheld (异议成立)")
    DISMISSED = "dismissed", _("Dismissed (异议不成立)")


#: Still to settle: such an objection holds its published line back from filing.
ObjectionStatus.OPEN_STATES = (ObjectionStatus.OPEN, ObjectionStatus.INVESTIGATING)
#: Decided, with a written conclusion (a database constraint requires it).
ObjectionStatus.SETTLED_STATES = (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED)


class Objection(models.Model):
    """异议 — a real-name objection from the public to a published application, and how staff settled it."""

    Status = ObjectionStatus

    class Outcome(models.TextChoices):
        REVIEW_AGAIN = "review_again", _("Back to review")
        REJECT = "reject", _("Rejected")

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    entry = models.ForeignKey(
        PublicityEntry, on_delete=models.PROTECT, related_name="objections", verbose_name=_("objected to")
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = CodeCharField(_("mobile number"), max_length=11, validators=[mobile_validator])
    relation = models.CharField(_("relation to the applicant"), max_length=100)
    facts = models.TextField(_("facts and grounds"), max_length=5000)
    evidence = models.CharField(_("evidence file (stored as)"), max_length=200, blank=True, editable=False)
    evidence_name = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    deadline = models.DateField(_("to be settled by"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    conclusion = models.TextField(_("written conclusion"), blank=True)
    outcome = models.CharField(_("outcome of an upheld objection"), max_length=16, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection (异议)")
        verbose_name_plural = _("objections (异议)")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=list(ObjectionStatus.SETTLED_STATES)) | ~models.Q(conclusion=""),
                name="objection_decision_has_conclusion",
            )
        ]
        # The staff's objections, a keyset page at a time, in each view's order (``OBJECTION_ORDERS``):
        # open ones by deadline, settled ones by decision (read backwards), all by receipt (backwards;
        # this one also serves what ``received_at``'s own index did).
        indexes = [
            models.Index(fields=["deadline", "received_at", "id"], name="objection_open_order_idx"),
            models.Index(fields=["decided_at", "id"], name="objection_decided_order_idx"),
            models.Index(fields=["received_at", "id"], name="objection_received_order_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status in ObjectionStatus.OPEN_STATES


class Filing(models.Model):
    """备案 — the report of a batch's cleared applications to the provincial HR department: the Excel
    备案表 and a summary PDF, archived, with the filing number and date staff enter."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="filings", verbose_name=_("batch"))
    number = CodeCharField(_("filing number"), max_length=100, blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    excel = models.CharField(_("Excel (stored as)"), max_length=200, blank=True, editable=False)
    excel_sha256 = models.CharField(_("SHA-256 of the Excel"), max_length=64, blank=True, editable=False)
    pdf = models.CharField(_("summary PDF (stored as)"), max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, editable=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("filing (备案)")
        verbose_name_plural = _("filings (备案)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number or f"{self.batch} #{self.pk}"


class FilingEntry(models.Model):
    """An application in a filing: each application is filed once (a database constraint)."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="entries", verbose_name=_("filing"))
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="filing_entry", verbose_name=_("application")
    )

    class Meta:
        verbose_name = _("filed application")
        verbose_name_plural = _("filed applications")

    def __str__(self):
        return f"{self.filing}: {self.application}"


class RevokeCategory(models.TextChoices):
    """Why a certificate was revoked, in the category the register and the public verification page
    show (the reason in words stays with staff)."""

    FRAUD = "fraud", _("Fraud in the application (弄虚作假)")
    DISCIPLINE = "discipline", _("Breach of review discipline (违反评审纪律)")
    OBJECTION = "objection", _("Result annulled after an objection (异议成立)")
    ERROR = "error", _("Issued in error (证书信息有误)")
    OTHER = "other", _("Other reason")


class Certificate(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """证书 — the title certificate of a filed application; its QR code opens the public verification
    page (码上看) by an unguessable token, never by a sequential key."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("application")
    )
    number = CodeCharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(
        _("verification token"), max_length=32, unique=True, default=new_public_token, editable=False
    )
    holder_name = models.CharField(_("holder"), max_length=50)
    series = models.CharField(_("series"), max_length=32, choices=Series.choices)
    level = models.CharField(_("level"), max_length=32, choices=Level.choices)
    title_name = models.CharField(_("title"), max_length=100)
    granted_on = models.DateField(_("date granted"))
    committee_name = models.CharField(_("issuing committee"), max_length=200)
    pdf = models.CharField(_("PDF (stored as)"), max_length=200, blank=True, editable=False)
    # Indexed: an uploaded PDF is looked up by its SHA-256 (results.verification).
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, editable=False, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_category = models.CharField(_("revoked because"), max_length=16, choices=RevokeCategory.choices, blank=True)
    revoke_reason = models.CharField(_("why it was revoked"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate (证书)")
        verbose_name_plural = _("certificates (证书)")
        ordering = ["-issued_at", "-id"]
        # Who may open it (its holder, city staff) and read it in admin: ``results.rules``.
        rules_permissions = CERTIFICATE_PERMISSIONS

    def __str__(self):
        return self.number

    @property
    def is_valid(self):
        return self.revoked_at is None


class CertificateRun(models.Model):
    """一次批量发证 — city staff's issue of a batch's certificates, run by the Celery task
    ``applications.issue_certificates``: how many of how many are done, the errors, the result. The task
    writes its progress here (not in Celery's result backend, which the portal does not keep), so the
    progress page reads the same whether the task ran inline (``CELERY_TASK_ALWAYS_EAGER``) or in a worker;
    the row stays as the log of the issue."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("issue run", "Queued")
        RUNNING = "running", pgettext_lazy("issue run", "Running")
        FINISHED = "finished", pgettext_lazy("issue run", "Finished")
        FAILED = "failed", pgettext_lazy("issue run", "Failed")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="certificate_runs", verbose_name=_("batch"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("to issue"), default=0)
    done = models.PositiveIntegerField(_("handled"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    #: [{"number": application number, "reason": why it got no certificate}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(pgettext_lazy("issue run", "started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate issue run (批量发证)")
        verbose_name_plural = _("certificate issue runs (批量发证)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.batch} #{self.pk}"

    @property
    def ended(self):
        return self.state in (self.State.FINISHED, self.State.FAILED)

    @property
    def percent(self):
        return min(100, int(100 * self.done / self.total)) if self.total else (100 if self.ended else 0)
