"""What is submitted and its life: batches, the applicant's profile, applications with their
achievements and evidence, the enterprise's internal notice, the chairman's nomination, the audit's
returns for correction, and the transition log with immutable submission snapshots.

- ``Batch`` — 评审批次, one call with its window, channel and rule set.
- ``ApplicantProfile`` and its records — 个人档案: education, titles, skills, work. Continuing-education
  hours are the ``training`` app's (recognised by staff), read through ``training.selectors``.
- ``Application`` — 申报, one per applicant per batch; its ``status`` only changes through
  ``applications.workflow.application_transition``.
- ``Achievement`` and ``Evidence`` — 业绩成果 and their 佐证材料 (files kept outside any public URL).
- ``InternalNotice`` and ``InternalObjection`` — 单位内部公示 and objections raised inside the enterprise.
- ``Nomination`` and ``NominationEntry`` — 董事长署名举荐: the ranking, the recommendations, the signature.
- ``Transition`` and ``Submission`` — the transition log and the snapshot stored at each submission.
- ``CorrectionRequest`` and ``CorrectionItem`` — 退回补正: what to fix, why, and by when.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from applications.eligibility import Degree, RuleSet, SkillLevel, TitleLevel
from applications.rules import APPLICATION_PERMISSIONS
from applications.statuses import Status, status_badge
from applications.validators import normalize_patent_number, patent_type, validate_patent_number
from zaozhuang_titles.identifiers import CodeCharField


class Series(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering technology (工程技术)")


class Level(models.TextChoices):
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior (副高级)")
    SENIOR = "senior", _("Senior (正高级)")


class Channel(models.TextChoices):
    DEDICATED = "dedicated", _("Dedicated channel for 专精特新 and 单项冠军 enterprises (专项通道)")
    REGULAR = "regular", _("Regular channel")


class QualificationDateRule(models.TextChoices):
    """Which day a certificate gives as 取得资格时间 (the date the title is held from).

    Default ``VOTE_CLOSED``: the day the review committee's vote closed, the day the committee passed
    the application (评审通过之日; 人社部令第40号 makes the committee's vote the decision). Never the
    meeting's scheduled date, which may lie after the vote. ``FILING_APPROVED``: the day the provincial
    department approved the filing (备案), for batches whose title takes effect on filing."""

    VOTE_CLOSED = "vote_closed", _("The day the committee's vote closed (评审通过之日)")
    FILING_APPROVED = "filing_approved", _("The day the province approved the filing (备案之日)")


class Batch(models.Model):
    """评审批次 — one call for applications, with its rules and dates."""

    QualificationDateRule = QualificationDateRule

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Closed for applications")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    series = models.CharField(_("series"), max_length=32, choices=Series.choices, default=Series.ENGINEERING)
    level = models.CharField(_("level"), max_length=32, choices=Level.choices, default=Level.DEPUTY_SENIOR)
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices, default=Channel.DEDICATED)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    notice_working_days = models.PositiveSmallIntegerField(
        _("working days of the internal notice"),
        default=5,
        validators=[MinValueValidator(5)],
        help_text=_("单位内部公示: at least 5 working days."),
    )
    publicity_working_days = models.PositiveSmallIntegerField(
        _("working days of publicity"),
        default=5,
        validators=[MinValueValidator(5)],
        help_text=_("评审结果公示: at least 5 working days."),
    )
    correction_working_days = models.PositiveSmallIntegerField(
        _("working days to answer a return for correction"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The default deadline of a return for correction (退回补正); staff may set another."),
    )
    # Read by the statistics page (overdue) and the staff's daily digest (waiting past it).
    step_time_limit_days = models.PositiveSmallIntegerField(
        _("working days allowed at an audit step"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "An application waiting longer than this at the district or city audit (区县初审, 市级复审) is "
            "counted as overdue on the statistics page."
        ),
    )
    qualification_date_rule = models.CharField(
        _("date of qualification on certificates (取得资格时间)"),
        max_length=16,
        choices=QualificationDateRule.choices,
        default=QualificationDateRule.VOTE_CLOSED,
        help_text=_(
            "Default: the day the committee's vote closed (评审通过之日), never the meeting's scheduled date. "
            "Choose the filing date where the title takes effect when the province approves the filing (备案)."
        ),
    )
    rules = models.JSONField(
        _("eligibility rule set"),
        default=dict,
        blank=True,
        help_text=_(
            "Parameters of the eligibility rules (资格条件); empty means the national rules for the batch's "
            "level and channel."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("batch (评审批次)")
        verbose_name_plural = _("batches (评审批次)")
        ordering = ["-year", "-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="batch_window_ordered"),
            models.CheckConstraint(condition=models.Q(notice_working_days__gte=5), name="batch_notice_at_least_5_days"),
            models.CheckConstraint(
                condition=models.Q(publicity_working_days__gte=5), name="batch_publicity_at_least_5_days"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The application window must close after it opens.")})

        if not isinstance(self.rules or {}, dict):
            raise ValidationError({"rules": _("The rule set is a JSON object of parameters, for example {}.")})
        try:
            RuleSet.from_dict({"target_level": self.level, "channel": self.channel, **(self.rules or {})})
        except ValidationError as error:
            raise ValidationError({"rules": "; ".join(error.messages)}) from None
        except ValueError as error:
            raise ValidationError({"rules": str(error)}) from None

    def is_accepting(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def is_dedicated(self):
        return self.channel == Channel.DEDICATED

    def ruleset(self):

        return RuleSet.from_dict({"target_level": self.level, "channel": self.channel, **(self.rules or {})})


class ApplicantProfile(models.Model):
    """个人档案 — what an applicant keeps once and every application draws from.

    Name, ID number and mobile live on the user; sex and birth date are derived from the ID number. The
    photo (证件照) is printed on the certificate; the applicant changes it at any time (it is no part of
    what an audit checks, so the profile's lock does not hold it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applicant_profile", verbose_name=_("user")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applicant_profiles",
        verbose_name=_("employer"),
        help_text=_("An active enterprise registered on the portal."),
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    # Personal data: stored in the private media root (no URL serves it) and sent only by the checked
    # views of its holder and of staff auditing its applications; printed on the certificate.
    photo = models.CharField(_("photo (stored as)"), max_length=200, blank=True, editable=False)
    photo_updated_at = models.DateTimeField(_("photo changed at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("applicant profile (个人档案)")
        verbose_name_plural = _("applicant profiles (个人档案)")

    def __str__(self):
        return str(self.user)


class EducationRecord(models.Model):
    """学历 — one degree of the applicant."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="educations")
    degree = models.CharField(_("degree"), max_length=16, choices=Degree.choices)
    school = models.CharField(_("school"), max_length=100)
    major = models.CharField(_("major"), max_length=100)
    graduated_on = models.DateField(_("graduation date"))

    class Meta:
        verbose_name = _("education record")
        verbose_name_plural = _("education records")
        ordering = ["graduated_on", "id"]

    def __str__(self):
        return f"{self.get_degree_display()} {self.school}"

    def clean(self):
        if self.graduated_on and self.graduated_on > timezone.localdate():
            raise ValidationError({"graduated_on": _("The graduation date cannot be in the future.")})


class TitleRecord(models.Model):
    """专业技术职称 — a title the applicant holds, with its certificate."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="titles")
    series = models.CharField(_("series"), max_length=32, choices=Series.choices, default=Series.ENGINEERING)
    level = models.CharField(_("level"), max_length=16, choices=TitleLevel.choices)
    name = models.CharField(_("title"), max_length=50, help_text=_("For example 工程师 or 助理工程师."))
    granted_on = models.DateField(_("date granted"))
    certificate_number = CodeCharField(_("certificate number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("title held")
        verbose_name_plural = _("titles held")
        ordering = ["granted_on", "id"]

    def __str__(self):
        return f"{self.name} ({self.granted_on:%Y-%m-%d})"

    def clean(self):
        if self.granted_on and self.granted_on > timezone.localdate():
            raise ValidationError({"granted_on": _("The date granted cannot be in the future.")})


class SkillRecord(models.Model):
    """职业技能等级 — 技师 or 高级技师, the route of skilled workers to engineering titles."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="skills")
    level = models.CharField(_("skill level"), max_length=32, choices=SkillLevel.choices)
    occupation = models.CharField(_("occupation"), max_length=100)
    granted_on = models.DateField(_("date granted"))
    certificate_number = CodeCharField(_("certificate number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("vocational skill level")
        verbose_name_plural = _("vocational skill levels")
        ordering = ["granted_on", "id"]

    def __str__(self):
        return f"{self.get_level_display()} {self.occupation}"

    def clean(self):
        if self.granted_on and self.granted_on > timezone.localdate():
            raise ValidationError({"granted_on": _("The date granted cannot be in the future.")})


class WorkRecord(models.Model):
    """工作经历 — one period of employment."""

    profile = models.ForeignKey(ApplicantProfile, on_delete=models.CASCADE, related_name="work_history")
    employer = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=100)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: until now."))

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work history")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="work_record_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.employer} {self.position}"

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end of a period of work cannot be before its start.")})


class EligibilityResult(models.TextChoices):
    """The eligibility check's outcome as last evaluated (``applications.eligibility``), kept on the
    application so that staff lists filter by it: evaluated at each submission and at the nomination."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    PENDING = "pending", _("Waiting for the chairman's signature")


class Application(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """申报 — one applicant's application in one batch."""

    Status = Status
    Eligibility = EligibilityResult

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="applications", verbose_name=_("batch"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("enterprise"),
        help_text=_("The applicant's employer when the application was created."),
    )
    number = models.CharField(_("application number"), max_length=20, unique=True, editable=False)
    specialty = models.CharField(_("specialty (申报专业)"), max_length=100)
    summary = models.TextField(
        _("summary of achievements"),
        max_length=5000,
        help_text=_("What you achieved in your work: innovations, patents, results put to use, their benefit."),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False
    )
    revision = models.PositiveIntegerField(
        _("submission count"), default=0, editable=False, help_text=_("How many times it has been submitted.")
    )
    internal_notice = models.ForeignKey(
        "InternalNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("internal notice"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    changed_at = models.DateTimeField(
        _("content changed at"), default=timezone.now, editable=False, help_text=_("The last change of its content.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now, editable=False)
    eligibility = models.CharField(
        _("eligibility"),
        max_length=16,
        choices=EligibilityResult.choices,
        blank=True,
        editable=False,
        help_text=_("As evaluated at the last submission or nomination; empty before the first."),
    )

    class Meta:
        verbose_name = _("application (申报)")
        verbose_name_plural = _("applications (申报)")
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "applicant"], name="application_one_per_applicant_per_batch"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="application_status_valid"),
        ]
        indexes = [
            # A batch's applications in some statuses; with the enterprise, the statistics page counts
            # them per enterprise (by recognition kind) from the index alone.
            models.Index(fields=["batch", "status", "enterprise"], name="application_batch_st_ent_idx"),
            models.Index(fields=["enterprise", "status"], name="application_ent_status_idx"),
            # The staff queues: one status (a tab), oldest first, paged by (status_changed_at, id).
            models.Index(fields=["status", "status_changed_at", "id"], name="application_queue_idx"),
            models.Index(fields=["batch", "status", "status_changed_at", "id"], name="application_batch_queue_idx"),
            # The "all in my scope" tab and the admin's unfiltered list (its ``Meta.ordering``, read
            # backwards): every status, in the same order.
            models.Index(fields=["status_changed_at", "id"], name="application_changed_idx"),
        ]
        # Who may open, audit, keep and forward it: django-rules, from the scopes of ``applications.rules``.
        rules_permissions = APPLICATION_PERMISSIONS

    def __str__(self):
        return f"{self.number} {self.applicant}"

    @property
    def is_editable(self):
        """The applicant may change its content now (``Status.EDITABLE``)."""
        return self.status in Status.EDITABLE

    @property
    def is_under_enterprise(self):
        return self.status in Status.UNDER_ENTERPRISE

    @property
    def status_badge(self):
        return status_badge(self.status)


class StatusCount(models.Model):
    """How many applications of one batch and one division (the enterprise's) are in one status.

    The staff queues' tab counts and totals read these rows instead of counting the applications.
    ``applications.counters`` keeps them: the transition function moves one in the same transaction,
    creating an application adds one, an enterprise moving to another division carries its applications'
    along; ``manage.py check_status_counters`` recounts them and reports (``--fix`` repairs) a drift."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+", verbose_name=_("batch"))
    division = models.ForeignKey(
        "zaozhuang_titles.Division", on_delete=models.CASCADE, related_name="+", verbose_name=_("division")
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    total = models.IntegerField(_("applications"), default=0)

    class Meta:
        verbose_name = _("status count")
        verbose_name_plural = _("status counts")
        constraints = [
            models.UniqueConstraint(fields=["batch", "division", "status"], name="status_count_one_per_key"),
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.division_id}/{self.status}: {self.total}"


class StayCount(models.Model):
    """How many completed stays at one step took a number of working days: of one batch and one division,
    of applications now in one status, ended by a move to one target (工作日 at each step).

    A stay at a step begins with the move that brought the application there and ends with the next move
    in its transition log; its working days are the difference of the two days' working-day ordinals
    (``zaozhuang_titles.workdays``). The statistics page's decisions and its median and 90th percentile
    per step read these rows (a histogram) instead of pairing 470,000 moves. ``applications.counters``
    keeps them in the transition's transaction; the current status is part of the key so that a reader's
    audit scope (a set of statuses) selects rows as it does for ``StatusCount``. ``manage.py
    check_status_counters`` recounts them from the log and reports (``--fix`` repairs) a drift."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="+", verbose_name=_("batch"))
    division = models.ForeignKey(
        "zaozhuang_titles.Division", on_delete=models.CASCADE, related_name="+", verbose_name=_("division")
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    step = models.CharField(_("step"), max_length=24, choices=Status.choices)
    target = models.CharField(_("to status"), max_length=24, choices=Status.choices)
    working_days = models.IntegerField(_("working days"))
    total = models.IntegerField(_("stays"), default=0)

    class Meta:
        verbose_name = _("stay count")
        verbose_name_plural = _("stay counts")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "division", "status", "step", "target", "working_days"], name="stay_count_one_per_key"
            ),
        ]

    def __str__(self):
        return (
            f"{self.batch_id}/{self.division_id}/{self.status}: {self.step}→{self.target} "
            f"{self.working_days}: {self.total}"
        )


class AchievementKind(models.TextChoices):
    PATENT = "patent", _("Patent (专利)")
    PROJECT = "project", _("Project (项目)")
    TRANSFORMATION = "transformation", _("Transformation of results (成果转化)")
    AWARD = "award", _("Award (奖励)")
    STANDARD = "standard", _("Standard drafted (标准制定)")
    PRODUCT = "product", _("Key product or process (关键产品或工艺)")
    PERFORMANCE = "performance", _("Work performance (工作业绩)")


class PatentType(models.TextChoices):
    INVENTION = "invention", _("Invention (发明)")
    UTILITY_MODEL = "utility_model", _("Utility model (实用新型)")
    DESIGN = "design", _("Design (外观设计)")


class AchievementLevel(models.TextChoices):
    NATIONAL = "national", _("National (国家级)")
    PROVINCIAL = "provincial", _("Provincial (省级)")
    MUNICIPAL = "municipal", _("Municipal (市级)")
    INDUSTRY = "industry", _("Industry (行业)")
    GROUP = "group", _("Group (团体)")
    ENTERPRISE = "enterprise", _("Enterprise (企业)")


class Achievement(models.Model):
    """业绩成果 — one structured achievement; the fields a kind needs are checked in ``clean()``.

    Amounts are in 万元 (ten thousand yuan), as the forms of the campaign count them."""

    Kind = AchievementKind

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="achievements", verbose_name=_("application")
    )
    kind = models.CharField(_("kind of achievement"), max_length=16, choices=AchievementKind.choices)
    title = models.CharField(_("name"), max_length=200)
    occurred_on = models.DateField(
        _("date"), help_text=_("Grant date of a patent; start of a project; date of an award, standard or contract.")
    )
    description = models.TextField(_("description"), max_length=3000, blank=True)
    role = models.CharField(_("your role"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=AchievementLevel.choices, blank=True)
    patent_number = CodeCharField(_("patent number"), max_length=20, blank=True, db_index=True)
    patent_type = models.CharField(_("patent type"), max_length=16, choices=PatentType.choices, blank=True)
    inventor_rank = models.PositiveSmallIntegerField(
        _("rank among the inventors"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    amount = models.DecimalField(
        _("amount (万元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Funding of a project, or the value of a contract."),
    )
    benefit = models.DecimalField(
        _("economic benefit (万元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Revenue created or costs saved."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("achievement (业绩成果)")
        verbose_name_plural = _("achievements (业绩成果)")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "patent_number"],
                condition=~models.Q(patent_number=""),
                name="achievement_patent_once_per_application",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    #: The fields each kind must fill, besides name and date.
    REQUIRED = {
        AchievementKind.PATENT: ["patent_number", "patent_type", "inventor_rank"],
        AchievementKind.PROJECT: ["level", "role"],
        AchievementKind.TRANSFORMATION: ["amount", "benefit"],
        AchievementKind.AWARD: ["level", "role"],
        AchievementKind.STANDARD: ["level", "role"],
        AchievementKind.PRODUCT: ["role"],
        AchievementKind.PERFORMANCE: ["benefit"],
    }

    def clean(self):

        errors = {}
        for field in self.REQUIRED.get(self.kind, []):
            if getattr(self, field) in (None, ""):
                errors[field] = _("Required for an achievement of this kind (%(kind)s).") % {
                    "kind": self.get_kind_display()
                }
        if self.kind == AchievementKind.PATENT and self.patent_number:
            self.patent_number = normalize_patent_number(self.patent_number)
            try:
                validate_patent_number(self.patent_number)
            except ValidationError as error:
                errors["patent_number"] = error.messages
            else:
                detected = patent_type(self.patent_number)
                if detected and self.patent_type and detected != self.patent_type:
                    errors["patent_type"] = _(
                        "The patent number says this is a patent of type %(detected)s, not %(given)s."
                    ) % {"detected": PatentType(detected).label, "given": PatentType(self.patent_type).label}
        if self.kind != AchievementKind.PATENT:
            self.patent_number, self.patent_type, self.inventor_rank = "", "", None
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class Evidence(models.Model):
    """佐证材料 — one evidence file, stored outside any public URL under a random name.

    Removing a file hides it (``removed_at``); the file and the row stay, since a submitted snapshot
    may name it."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("application")
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("achievement"),
        help_text=_("Empty: evidence of the application as a whole (for example a degree certificate)."),
    )
    storage_name = models.CharField(_("stored as"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file (佐证材料)")
        verbose_name_plural = _("evidence files (佐证材料)")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class InternalNotice(models.Model):
    """单位内部公示 — the enterprise makes its employees' applications known inside the enterprise for
    at least the batch's working days before forwarding them."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="internal_notices",
        verbose_name=_("enterprise"),
    )
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="internal_notices", verbose_name=_("batch"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    provisional = models.BooleanField(
        _("provisional end date"),
        default=False,
        help_text=_("The holiday calendar of that year is not confirmed; the end date may move."),
    )
    location = models.CharField(
        _("where it is posted"), max_length=200, help_text=_("For example the notice board of the main building.")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("internal notice (单位内部公示)")
        verbose_name_plural = _("internal notices (单位内部公示)")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="internal_notice_dates_ordered"
            )
        ]

    def __str__(self):
        return f"{self.enterprise} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def has_ended(self, today=None):
        """Ended once its last day has passed in China (the portal's time zone), whatever time zone is
        active: from 16:00 to 24:00 UTC it is already the next day in Zaozhuang."""
        return (today or timezone.localdate(timezone=timezone.get_default_timezone())) > self.ends_on


class InternalObjection(models.Model):
    """An objection raised inside the enterprise during its internal notice, and how it was settled."""

    notice = models.ForeignKey(
        InternalNotice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("internal notice")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="internal_objections", verbose_name=_("application")
    )
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=100)
    content = models.TextField(_("objection"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    resolution = models.TextField(_("how it was settled"), max_length=3000, blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal objection")
        verbose_name_plural = _("internal objections")
        ordering = ["raised_on", "id"]

    def __str__(self):
        return f"{self.application} {self.raised_on:%Y-%m-%d}"


class Nomination(models.Model):
    """董事长署名举荐 — the chairman's ranked nomination of an enterprise's applicants in a batch.

    The ranking is signed as a whole; each entry keeps the SHA-256 of its application as signed, and
    a later change of the application voids that entry's signature (``NominationEntry.voided_at``)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("enterprise")
    )
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("batch"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    signed_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    letter = models.CharField(_("nomination letter (stored as)"), max_length=200, blank=True, editable=False)
    letter_sha256 = models.CharField(_("SHA-256 of the letter"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("nomination (董事长署名举荐)")
        verbose_name_plural = _("nominations (董事长署名举荐)")
        ordering = ["-signed_at", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.signed_at:%Y-%m-%d %H:%M}"


class NominationEntry(models.Model):
    """One nominee of a signed nomination: its rank by contribution and the recommendation."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="entries", verbose_name=_("nomination")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="nomination_entries", verbose_name=_("application")
    )
    rank = models.PositiveSmallIntegerField(_("rank by contribution"), validators=[MinValueValidator(1)])
    recommendation = models.TextField(_("recommendation"), max_length=2000)
    content_sha256 = models.CharField(_("SHA-256 of the application as signed"), max_length=64)
    voided_at = models.DateTimeField(_("signature voided at"), null=True, blank=True)
    void_reason = models.CharField(_("why it was voided"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "rank"], name="nomination_entry_strict_rank"),
            models.UniqueConstraint(fields=["nomination", "application"], name="nomination_entry_once"),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(voided_at__isnull=True),
                name="nomination_entry_one_valid_signature",
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.application}"

    @property
    def is_valid(self):
        return self.voided_at is None


class Transition(models.Model):
    """One move of an application: who (and in which role), when, from, to, why, from where.

    Append-only, like every log of the portal."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("application")
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=24, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for a move made by the system (for example the vote's result)."),
    )
    actor_role = models.CharField(_("in the role of"), max_length=32)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "id"]

    def __str__(self):
        # The states by their labels (admin's breadcrumbs and titles show it), not their stored keys.
        return f"{self.application}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The transition log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The transition log is append-only."))


class Submission(models.Model):
    """The immutable snapshot of an application as submitted (one per submission)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("application")
    )
    revision = models.PositiveIntegerField(_("submission"))
    transition = models.OneToOneField(
        Transition, on_delete=models.PROTECT, related_name="submission", verbose_name=_("transition")
    )
    data = models.JSONField(_("snapshot"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission snapshot")
        verbose_name_plural = _("submission snapshots")
        ordering = ["application", "revision"]
        constraints = [models.UniqueConstraint(fields=["application", "revision"], name="submission_revision_unique")]

    def __str__(self):
        return f"{self.application} #{self.revision}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A submission snapshot cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submission snapshot cannot be deleted."))


class CorrectionRequest(models.Model):
    """退回补正 — what staff asked the applicant to fix, why, and by when."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("application")
    )
    transition = models.OneToOneField(
        Transition, on_delete=models.PROTECT, related_name="correction", verbose_name=_("transition")
    )
    returned_from = models.CharField(_("returned from"), max_length=24, choices=Status.choices)
    deadline = models.DateField(_("deadline"))
    deadline_provisional = models.BooleanField(_("provisional deadline"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_deadline = models.DateField(
        _("deadline reminded of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The deadline the applicant was last reminded of (a moved deadline is reminded again)."),
    )

    class Meta:
        verbose_name = _("return for correction (退回补正)")
        verbose_name_plural = _("returns for correction (退回补正)")
        ordering = ["-transition__at", "-id"]

    def __str__(self):
        return f"{self.application} ({self.deadline:%Y-%m-%d})"


class CorrectionItem(models.Model):
    """One field or file to fix, with the reason. ``target`` names it: ``field:<name>``,
    ``achievement:<id>``, ``evidence:<id>`` or ``profile:<section>``."""

    request = models.ForeignKey(
        CorrectionRequest, on_delete=models.CASCADE, related_name="items", verbose_name=_("return for correction")
    )
    target = models.CharField(_("what to fix"), max_length=64)
    label = models.CharField(_("shown as"), max_length=200)
    reason = models.TextField(_("reason"), max_length=1000)

    class Meta:
        verbose_name = _("item to correct")
        verbose_name_plural = _("items to correct")
        ordering = ["id"]

    def __str__(self):
        return f"{self.label}: {self.reason}"


class BulkRun(models.Model):
    """One bulk action of staff in Django admin (批量操作): which applications, what, by whom, and what
    became of each. Written before the first application is touched and updated as each one is done,
    so the page shows progress while a background task works, and the record stays as the log."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    application_ids = models.JSONField(_("applications"), default=list)
    #: {application id (str): {"outcome": "done" | "skipped" | "failed", "number": ..., "reason": ...}}
    results = models.JSONField(_("results"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    in_background = models.BooleanField(_("run in the background"), default=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk action (批量操作)")
        verbose_name_plural = _("bulk actions (批量操作)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action} #{self.pk}"

    @property
    def total(self):
        return len(self.application_ids)

    def count(self, outcome):
        return sum(1 for result in self.results.values() if result.get("outcome") == outcome)


def new_public_token():
    """Kept for migration 0003, which names it; the certificates that use it now live in ``results``."""

    return secrets.token_urlsafe(18)
