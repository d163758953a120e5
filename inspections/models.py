"""双随机 inspections of professional-staff management: plans, the verifiable random draw of enterprises
and inspectors, findings, rectifications and the published results.

- ``InspectionPlan`` — 双随机抽查计划: who may be drawn (a population of enterprises by criteria), how
  many (a ratio or a count), by whom (a pool of staff and experts), on which checklist; and its draw:
  the seed's SHA-256 published first (公布), the seed revealed with the draw (抽取), the results published
  at the end (结果公开).
- ``ChecklistItem`` — one item of the plan's checklist (检查事项).
- ``PopulationMember`` and ``PoolMember`` — the enterprises and the inspectors the draw chooses from,
  frozen when the hash is published, so the public can re-run the draw on exactly these lists.
- ``InspectorDeclaration`` — a relation an inspector declared to an enterprise (回避), besides an
  expert's own employer and the relations declared in the expert pool.
- ``Inspection`` — one drawn enterprise, in the order drawn, with its outcome.
- ``InspectionInspector`` — an inspector drawn for it; ``DrawExclusion`` — an inspector left out of
  its draw for a conflict, with the reason.
- ``Finding`` — the result of one checklist item at one enterprise; ``InspectionFile`` — photos and
  files of a finding or of the enterprise's reply, checked like evidence.
- ``Rectification`` — 整改: what the enterprise must correct by a deadline in working days, its reply
  with evidence and the staff's review.
- ``PlanEvent`` — the plan's log: who did what, when and why.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin

from enterprises.models import RecognitionKind, RecognitionLevel
from inspections.rules import INSPECTION_PERMISSIONS, PLAN_PERMISSIONS


class InspectionPlan(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """双随机抽查计划 — one random inspection of professional-staff management."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (草拟)")
        ANNOUNCED = "announced", _("Hash published (已公布摘要)")
        DRAWN = "drawn", _("Drawn (已抽取)")
        PUBLISHED = "published", _("Results published (结果已公开)")

    class KeyFilter(models.TextChoices):
        ANY = "any", _("Key or not")
        KEY = "key", _("Key enterprises only (重点企业)")
        NOT_KEY = "not_key", _("Other enterprises only")

    name = models.CharField(_("name"), max_length=200)
    subject = models.TextField(
        _("what is inspected"),
        blank=True,
        help_text=_("For example 专业技术人才管理与职称申报工作情况."),
    )
    divisions = models.ManyToManyField(
        "zaozhuang_titles.Division",
        blank=True,
        related_name="+",
        verbose_name=_("divisions"),
        help_text=_("Empty: the whole city."),
    )
    recognition_kind = models.CharField(
        pgettext_lazy("inspection plan", "recognition"),
        max_length=32,
        choices=RecognitionKind.choices,
        blank=True,
        help_text=_("Empty: any."),
    )
    recognition_level = models.CharField(
        _("recognition level"), max_length=16, choices=RecognitionLevel.choices, blank=True, help_text=_("Empty: any.")
    )
    key_filter = models.CharField(_("key enterprises"), max_length=8, choices=KeyFilter.choices, default=KeyFilter.ANY)
    sample_ratio = models.PositiveSmallIntegerField(
        _("sampling ratio (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Either a ratio of the population or a count."),
    )
    sample_count = models.PositiveIntegerField(
        _("number of enterprises"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    team_size = models.PositiveSmallIntegerField(
        _("inspectors per enterprise"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Drawn at random for each enterprise from the pool, those with a conflict left out."),
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("working days to rectify"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("The deadline of a rectification, in working days after it is ordered."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    seed = models.CharField(_("seed"), max_length=64, blank=True, help_text=_("Secret until the draw."))
    seed_sha256 = models.CharField(
        _("SHA-256 of the draw's seed"),
        max_length=64,
        blank=True,
        help_text=_("Published before the draw; the seed itself is revealed with it, so anyone can re-run it."),
    )
    sample_size = models.PositiveIntegerField(_("enterprises to draw"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    announced_at = models.DateTimeField(_("hash published at"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection plan (双随机抽查计划)")
        verbose_name_plural = _("inspection plans (双随机抽查计划)")
        ordering = ["-created_at", "-id"]
        rules_permissions = PLAN_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                condition=(Q(sample_ratio__isnull=False) & Q(sample_count__isnull=True))
                | (Q(sample_ratio__isnull=True) & Q(sample_count__isnull=False)),
                name="inspection_plan_ratio_or_count",
            ),
            models.CheckConstraint(
                condition=Q(sample_ratio__isnull=True) | Q(sample_ratio__gte=1, sample_ratio__lte=100),
                name="inspection_plan_ratio_is_a_percentage",
            ),
            # A draft has no seed; every other plan has published its hash (and holds the seed).
            models.CheckConstraint(
                condition=Q(status="draft", seed="", seed_sha256="", announced_at__isnull=True)
                | (~Q(status="draft") & ~Q(seed="") & ~Q(seed_sha256="") & Q(announced_at__isnull=False)),
                name="inspection_plan_hash_published_unless_draft",
            ),
            # Drawn exactly when the status says so, and only after the hash was published.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "announced"], drawn_at__isnull=True)
                | Q(status__in=["drawn", "published"], drawn_at__gte=models.F("announced_at")),
                name="inspection_plan_drawn_after_hash",
            ),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False)
                | (~Q(status="published") & Q(published_at__isnull=True)),
                name="inspection_plan_published_at",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_drawn(self):
        return self.status in self.Status.AFTER_DRAW

    @property
    def seed_revealed(self):
        """The seed, once the draw is made; "" before (it stays secret until then)."""
        return self.seed if self.is_drawn else ""


# Groups of statuses, set after the classes (inside the body the members are still plain tuples).
#: The plans the public sees: every plan whose hash is published.
InspectionPlan.Status.PUBLIC = frozenset(
    {InspectionPlan.Status.ANNOUNCED, InspectionPlan.Status.DRAWN, InspectionPlan.Status.PUBLISHED}
)
#: The draw is made: the seed is revealed, the enterprises and their inspectors are recorded.
InspectionPlan.Status.AFTER_DRAW = frozenset({InspectionPlan.Status.DRAWN, InspectionPlan.Status.PUBLISHED})


class ChecklistItem(models.Model):
    """检查事项 — one item of a plan's checklist."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("item"), max_length=300)

    class Meta:
        verbose_name = _("checklist item (检查事项)")
        verbose_name_plural = _("checklist items (检查事项)")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="inspection_item_position_unique")]

    def __str__(self):
        return self.text


class PopulationMember(models.Model):
    """One enterprise the plan's draw may choose, frozen when the hash is published."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="population", verbose_name=_("plan")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )

    class Meta:
        verbose_name = _("enterprise of the population")
        verbose_name_plural = _("population")
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="inspection_population_unique"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.enterprise_id}"


class PoolMember(models.Model):
    """One inspector of the plan's pool (检查人员库): a staff member or an expert of the pool."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("HR staff (执法人员)")
        EXPERT = "expert", _("Expert (专家)")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="pool", verbose_name=_("plan"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    expert = models.ForeignKey(
        "reviews.Expert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expert"),
    )

    class Meta:
        verbose_name = _("inspector of the pool")
        verbose_name_plural = _("inspector pool (检查人员库)")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="inspection_pool_unique"),
            models.CheckConstraint(
                condition=Q(kind="expert", expert__isnull=False) | Q(kind="staff", expert__isnull=True),
                name="inspection_pool_expert_kind",
            ),
        ]

    def __str__(self):
        return self.user.real_name or self.user.username


class InspectorDeclaration(models.Model):
    """A relation an inspector declared to an enterprise it must not inspect (回避)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    reason = models.CharField(_("reason"), max_length=200, help_text=_("For example 亲属在该企业任职."))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("declared relation of an inspector")
        verbose_name_plural = _("declared relations of inspectors")
        ordering = ["-declared_at", "-id"]

    def __str__(self):
        return f"{self.user}: {self.enterprise} ({self.reason})"


class Inspection(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One drawn enterprise of a plan (in the order drawn), its inspection and its outcome."""

    class Outcome(models.TextChoices):
        """What the public list shows."""

        PENDING = "pending", _("Not concluded yet (检查中)")
        COMPLIANT = "compliant", _("No problem found (未发现问题)")
        RECTIFYING = "rectifying", _("Problems found, rectification ordered (责令整改)")
        RECTIFIED = "rectified", _("Problems found and rectified (已整改到位)")

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("plan")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("enterprise")
    )
    position = models.PositiveIntegerField(_("order drawn"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    summary = models.TextField(pgettext_lazy("inspection", "summary"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concluded by"),
    )

    class Meta:
        verbose_name = _("inspection of an enterprise")
        verbose_name_plural = _("inspections of enterprises")
        ordering = ["plan", "position"]
        rules_permissions = INSPECTION_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="inspection_enterprise_once"),
            models.UniqueConstraint(fields=["plan", "position"], name="inspection_position_unique"),
            models.CheckConstraint(
                condition=Q(outcome="pending", concluded_at__isnull=True)
                | (~Q(outcome="pending") & Q(concluded_at__isnull=False)),
                name="inspection_concluded_with_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.enterprise}"

    @property
    def rectification_or_none(self):
        """Its rectification, or None (load it with ``select_related("rectification")`` for lists)."""
        try:
            return self.rectification
        except Rectification.DoesNotExist:
            return None


#: The inspection is concluded: its outcome is known.
Inspection.Outcome.CONCLUDED = frozenset(
    {Inspection.Outcome.COMPLIANT, Inspection.Outcome.RECTIFYING, Inspection.Outcome.RECTIFIED}
)


class InspectionInspector(models.Model):
    """An inspector drawn for one enterprise, in the order drawn."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="team", verbose_name=_("inspection")
    )
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector"))
    position = models.PositiveSmallIntegerField(_("order drawn"))

    class Meta:
        verbose_name = _("drawn inspector")
        verbose_name_plural = _("drawn inspectors")
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "member"], name="inspection_inspector_once"),
            models.UniqueConstraint(fields=["inspection", "position"], name="inspection_inspector_position"),
        ]

    def __str__(self):
        return f"{self.inspection_id}: #{self.member_id}"


class DrawExclusion(models.Model):
    """An inspector of the pool who may not inspect one enterprise of the population, and why (回避).

    Recorded at the draw for the whole population (conflicts are few), so that the draw can be re-run
    from any seed on recorded inputs alone."""

    class Reason(models.TextChoices):
        EMPLOYER = "employer", _("Works at the enterprise (本单位)")
        EXPERT_RELATION = "expert_relation", _("Relation declared in the expert pool")
        DECLARED = "declared", _("Relation declared for inspections")

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="exclusions", verbose_name=_("plan")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    member = models.ForeignKey(PoolMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspector left out of a draw")
        verbose_name_plural = _("inspectors left out of draws")
        ordering = ["plan", "enterprise", "member", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "enterprise", "member", "reason"], name="inspection_exclusion_once"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: #{self.member_id} ({self.get_reason_display()})"


class Finding(models.Model):
    """The result of one checklist item at one enterprise."""

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant (符合)")
        PROBLEM = "problem", _("Problem found (存在问题)")
        NOT_APPLICABLE = "not_applicable", _("Not applicable (不适用)")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection")
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_finding_once")]

    def __str__(self):
        return f"{self.item_id}: {self.get_result_display()}"


class Rectification(models.Model):
    """整改 — what the enterprise must correct, by when (working days), its reply and the review."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the enterprise's reply (待整改)")
        REPLIED = "replied", _("Replied, awaiting review (已回复)")
        ACCEPTED = "accepted", _("Rectified (整改到位)")

    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, related_name="rectification", verbose_name=_("inspection")
    )
    requirement = models.TextField(_("what must be rectified"))
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    deadline = models.DateField(_("deadline"))
    deadline_provisional = models.BooleanField(
        _("deadline provisional"),
        default=False,
        help_text=_("Counted on a year whose holidays are not officially known yet."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("the enterprise's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("rectification (整改)")
        verbose_name_plural = _("rectifications (整改)")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(replied_at__isnull=False),
                name="inspection_rectification_reply_dated",
            ),
        ]

    def __str__(self):
        return f"{self.inspection_id}: {self.get_status_display()}"

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and (today or timezone.localdate()) > self.deadline


class InspectionFile(models.Model):
    """A photo or file of a finding, or of the enterprise's reply; checked like evidence and stored
    under a random name outside any URL (``applications.evidence``)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="files", verbose_name=_("inspection")
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="files", verbose_name=_("finding")
    )
    rectification = models.ForeignKey(
        Rectification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("rectification"),
    )
    storage_name = models.CharField(_("stored as"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection file")
        verbose_name_plural = _("inspection files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False, rectification__isnull=True)
                | Q(finding__isnull=True, rectification__isnull=False),
                name="inspection_file_of_finding_or_reply",
            ),
        ]

    def __str__(self):
        return self.original_name


class PlanEvent(models.Model):
    """The plan's log: every staff action on it, on its inspections and rectifications."""

    class Action(models.TextChoices):
        CREATED = "created", _("Plan created")
        ANNOUNCED = "announced", _("Hash of the seed published")
        DRAWN = "drawn", _("Enterprises and inspectors drawn")
        FINDINGS = "findings", _("Findings recorded")
        FILE_ADDED = "file_added", _("File added")
        CONCLUDED = "concluded", _("Inspection concluded")
        REPLIED = "replied", _("Enterprise replied")
        ACCEPTED = "accepted", _("Rectification accepted")
        RETURNED = "returned", _("Reply returned")
        PUBLISHED = "published", _("Results published")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="events", verbose_name=_("plan"))
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("inspection")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason or note"), blank=True)

    class Meta:
        verbose_name = _("inspection log entry")
        verbose_name_plural = _("inspection log")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
