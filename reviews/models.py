"""Who judges and how: the expert pool, the review committee, the meetings with their randomly drawn
panels, the rubric, the experts' scores and the secret ballot.

- ``Specialty`` — a specialty (专业) experts cover and meetings review.
- ``Expert`` — 评审专家, one member of the pool (专家库) with its title, specialties, employer and term.
- ``ExpertRelation`` — a relation an expert declared in advance (an applicant or enterprise to avoid).
- ``Committee`` and ``CommitteeMember`` — 评审委员会 of a batch, with the size rules of 人社部令第40号.
- ``ReviewSettings`` — a batch's review settings: quorum, scoring deadline, reminders.
- ``Criterion`` — one criterion of the batch's rubric (评分标准), fixed once scoring starts.
- ``Meeting`` — 评审会议 of one specialty: its drawn panel (with the seed's SHA-256 shown before the draw
  and the seed revealed after), its cases, attendance and vote.
- ``PanelMember`` and ``DrawExclusion`` — the panel and ordered substitutes (替补), and who was left out
  of the draw and why.
- ``Case`` — one application on a meeting's agenda, with the vote's counts and result.
- ``Assignment`` and ``Score`` — an expert's scoring of one case, criterion by criterion (autosaved).
- ``Attendance``, ``VoteCast`` and ``Ballot`` — who is present, who has voted, and the sealed secret
  ballot (无记名投票) that keeps no link to its voter.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from applications.models import Level, Series
from reviews.rules import ASSIGNMENT_PERMISSIONS, MEETING_PERMISSIONS
from reviews.validators import validate_scoring_deadline
from zaozhuang_titles.identifiers import CodeCharField

#: A term of service lasts at most three years (人社部令第40号).
MAX_TERM_YEARS = 3


def term_limit(starts):
    """The last day a term begun on ``starts`` may run to (``MAX_TERM_YEARS`` later)."""
    try:
        return starts.replace(year=starts.year + MAX_TERM_YEARS)
    except ValueError:  # 29 February
        return starts.replace(year=starts.year + MAX_TERM_YEARS, day=28)


class Specialty(models.Model):
    """专业 — what an expert covers and what a meeting reviews."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("specialty (专业)")
        verbose_name_plural = _("specialties (专业)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Expert(models.Model):
    """评审专家 — one member of the expert pool (专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile", verbose_name=_("user")
    )
    title_series = models.CharField(
        _("title series"), max_length=32, choices=Series.choices, default=Series.ENGINEERING
    )
    title_level = models.CharField(_("title level"), max_length=32, choices=Level.choices, default=Level.SENIOR)
    title_name = models.CharField(_("title"), max_length=50, help_text=_("For example 正高级工程师."))
    specialties = models.ManyToManyField(Specialty, related_name="experts", verbose_name=_("specialties"))
    employer_name = models.CharField(_("employer"), max_length=200)
    employer = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("employer on the registry"),
        help_text=_("When the employer is a registered enterprise."),
    )
    employer_credit_code = CodeCharField(
        _("employer's credit code"),
        max_length=18,
        blank=True,
        db_index=True,
        help_text=_("统一社会信用代码 of the employer when it has one; recusal compares it too."),
    )
    term_starts = models.DateField(_("term starts"))
    term_ends = models.DateField(_("term ends"), help_text=_("At most three years after the start (人社部令第40号)."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert (评审专家)")
        verbose_name_plural = _("experts (评审专家)")
        ordering = ["user__real_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_ends__gt=models.F("term_starts")), name="expert_term_ordered"
            )
        ]

    def __str__(self):
        return self.user.real_name or self.user.username

    def clean(self):
        if self.term_starts and self.term_ends:
            if self.term_ends <= self.term_starts:
                raise ValidationError({"term_ends": _("The term must end after it starts.")})
            limit = term_limit(self.term_starts)
            if self.term_ends > limit:
                raise ValidationError(
                    {
                        "term_ends": _(
                            "A term lasts at most %(years)d years (人社部令第40号): it must end by %(limit)s."
                        )
                        % {"years": MAX_TERM_YEARS, "limit": limit.isoformat()}
                    }
                )
        if self.employer_id and not self.employer_credit_code:
            self.employer_credit_code = self.employer.credit_code

    def in_term(self, day):
        return self.term_starts <= day <= self.term_ends


class ExpertRelation(models.Model):
    """A relation the expert declared in advance: an applicant or an enterprise it must not judge."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations", verbose_name=_("expert"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicant"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    reason = models.CharField(_("reason"), max_length=200, help_text=_("For example 亲属, 曾任职, 合作研发."))
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applicant__isnull=False) | models.Q(enterprise__isnull=False),
                name="expert_relation_names_someone",
            )
        ]

    def __str__(self):
        return f"{self.expert}: {self.applicant or self.enterprise} ({self.reason})"


class Committee(models.Model):
    """评审委员会 — a batch's review committee; its members are the pool a meeting's panel is drawn from."""

    class Kind(models.TextChoices):
        SERIES = "series", _("By series (按系列组建)")
        SPECIALTY = "specialty", _("By specialty (按专业组建)")

    batch = models.OneToOneField(
        "applications.Batch", on_delete=models.PROTECT, related_name="committee", verbose_name=_("batch")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERIES)
    members = models.ManyToManyField(Expert, related_name="committees", verbose_name=_("members"), blank=True)
    size_override_reason = models.TextField(
        _("reason to proceed despite the size rules"),
        blank=True,
        help_text=_("Recorded when staff proceed with a committee that breaks a size rule."),
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("review committee (评审委员会)")
        verbose_name_plural = _("review committees (评审委员会)")

    def __str__(self):
        return self.name


class ReviewSettings(models.Model):
    """The review settings of a batch: quorum, scoring deadline and reminders."""

    batch = models.OneToOneField(
        "applications.Batch", on_delete=models.CASCADE, related_name="review_settings", verbose_name=_("batch")
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum: numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: denominator"),
        default=3,
        help_text=_("A meeting is quorate when at least this fraction of its panel attends (default 2/3)."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind experts this many days before the scoring deadline"), default=2
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__gte=1, quorum_denominator__gte=1)
                & models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="review_settings_quorum_fraction",
            )
        ]

    def __str__(self):
        return str(self.batch)


class Criterion(models.Model):
    """One criterion of a batch's rubric (评分标准), with its maximum points."""

    batch = models.ForeignKey(
        "applications.Batch", on_delete=models.PROTECT, related_name="criteria", verbose_name=_("batch")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion (评分标准)")
        verbose_name_plural = _("criteria (评分标准)")
        ordering = ["batch", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "name"], name="criterion_unique_name_per_batch")]

    def __str__(self):
        return f"{self.name} ({self.max_points})"


class Meeting(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """评审会议 — one meeting of the committee for one specialty, with its drawn panel and its vote."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DRAWN = "drawn", _("Panel drawn")
        SCORING = "scoring", _("Scoring")
        VOTING = "voting", _("Voting")
        CLOSED = "closed", _("Closed")

    batch = models.ForeignKey(
        "applications.Batch", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("batch")
    )
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("specialty")
    )
    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("meeting date"))
    scoring_deadline = models.DateTimeField(_("scoring deadline"))
    panel_size = models.PositiveSmallIntegerField(
        _("panel size"), validators=[MinValueValidator(3)], help_text=_("An odd number of experts.")
    )
    substitutes = models.PositiveSmallIntegerField(_("substitutes (替补)"), default=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    seed_sha256 = models.CharField(
        _("SHA-256 of the draw's seed"),
        max_length=64,
        blank=True,
        help_text=_("Published before the draw; the seed itself is revealed after it, so anyone can re-run it."),
    )
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    voting_closed_at = models.DateTimeField(_("vote closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Who chaired the meeting and who kept its record (会议主持人, 记录人): named by staff when the vote
    # closes (``reviews.services.voting.meeting_officers_check``), printed with their signature lines
    # on the meeting record.
    chair = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair of the panel (主持人)"),
        help_text=_("An expert of the panel, present at the meeting."),
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorder (记录人)"),
        help_text=_("City HR staff, or an expert of the panel present at the meeting."),
    )
    record = models.CharField(_("meeting record (stored as)"), max_length=200, blank=True, editable=False)
    record_sha256 = models.CharField(_("SHA-256 of the record"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("review meeting (评审会议)")
        verbose_name_plural = _("review meetings (评审会议)")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(panel_size__gte=3), name="meeting_panel_at_least_3")]
        # The staff's list of meetings, a keyset page at a time (read backwards for newest first).
        indexes = [models.Index(fields=["held_on", "id"], name="meeting_order_idx")]
        # Django admin's view and change for city staff (``reviews.rules``).
        rules_permissions = MEETING_PERMISSIONS

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.panel_size is not None and self.panel_size % 2 == 0:
            errors["panel_size"] = _("A panel has an odd number of experts (人社部令第40号).")
        try:
            validate_scoring_deadline(held_on=self.held_on, scoring_deadline=self.scoring_deadline)
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def panel_open(self):
        """Between the draw and the vote: attendance, substitutes and declared conflicts may change."""
        return self.status in Meeting.Status.PANEL_OPEN

    @property
    def cases_open(self):
        return self.status in Meeting.Status.CASES_OPEN

    @property
    def voting(self):
        """The vote is open: the one status the pages highlight."""
        return self.status == Meeting.Status.VOTING


# The groups of meeting statuses (set after the class: inside its body the members are plain tuples).
#: Cases may still be put on the agenda: until the vote starts.
Meeting.Status.CASES_OPEN = frozenset({Meeting.Status.PLANNED, Meeting.Status.DRAWN, Meeting.Status.SCORING})
#: The panel is drawn and the vote has not started: attendance is recorded, members are substituted and
#: experts declare conflicts (回避).
Meeting.Status.PANEL_OPEN = frozenset({Meeting.Status.DRAWN, Meeting.Status.SCORING})
#: Scoring has started (or is over): the experts see the meeting and its batch's rubric is fixed.
Meeting.Status.SCORING_STARTED = frozenset({Meeting.Status.SCORING, Meeting.Status.VOTING, Meeting.Status.CLOSED})


class MeetingTransition(models.Model):
    """One change of a meeting's status (会议状态变更): who, when, from, to and why. Written only by
    ``reviews.workflow.meeting_transition``, never changed or deleted."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("meeting")
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=16, choices=Meeting.Status.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=Meeting.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for a move made by the system (for example the vote's result)."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("meeting status change")
        verbose_name_plural = _("meeting status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.meeting}: {self.from_status} → {self.to_status}"


class PanelMember(models.Model):
    """An expert drawn for a meeting: a member, or a substitute (替补) in the order drawn."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        SUBSTITUTE = "substitute", _("Substitute (替补)")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="panel", verbose_name=_("meeting"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="panels", verbose_name=_("expert"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order drawn"))
    replaced = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces"),
        help_text=_("The member a substitute took the place of."),
    )
    withdrawn_reason = models.CharField(_("withdrawn because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "expert"], name="panel_member_once"),
            models.UniqueConstraint(fields=["meeting", "order"], name="panel_member_order_unique"),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.order}. {self.expert}"


class DrawExclusion(models.Model):
    """An expert of the committee left out of a meeting's draw, and why (conflict, inactive, term)."""

    class Reason(models.TextChoices):
        INACTIVE = "inactive", _("Inactive")
        TERM = "term", _("Term not running on the meeting date")
        SPECIALTY = "specialty", _("Does not cover the specialty")
        CONFLICT = "conflict", _("Conflict with every case of the meeting")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("meeting"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expert left out of the draw")
        verbose_name_plural = _("experts left out of the draw")
        ordering = ["meeting", "expert__user__real_name"]

    def __str__(self):
        return f"{self.expert}: {self.get_reason_display()}"


class Case(models.Model):
    """One application on a meeting's agenda, with the vote's counts and result once closed."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed (通过)")
        NOT_PASSED = "not_passed", _("Not passed (未通过)")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="cases", verbose_name=_("meeting"))
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="review_cases",
        verbose_name=_("application"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    present = models.PositiveSmallIntegerField(_("experts present for it"), null=True, blank=True)
    yes = models.PositiveSmallIntegerField(_("yes (同意)"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("no (不同意)"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("abstain (弃权)"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.PENDING)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "application"], name="case_once_per_meeting")]

    def __str__(self):
        return f"{self.meeting}: {self.application}"


class Assignment(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """An expert's scoring of one case. A declared conflict removes it from the expert at once."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("case"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("expert"))
    conflict_declared_at = models.DateTimeField(_("conflict declared at"), null=True, blank=True)
    conflict_reason = models.CharField(_("conflict"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("scoring assignment")
        verbose_name_plural = _("scoring assignments")
        ordering = ["case", "expert"]
        constraints = [models.UniqueConstraint(fields=["case", "expert"], name="assignment_once")]
        # The expert scores its own assignment, never one it declared a conflict on (``reviews.rules``).
        rules_permissions = ASSIGNMENT_PERMISSIONS

    def __str__(self):
        return f"{self.expert} → {self.case.application}"

    @property
    def is_recused(self):
        return self.conflict_declared_at is not None


class Score(models.Model):
    """Points given on one criterion, with a comment; autosaved, locked once the assignment is submitted."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.assignment}: {self.criterion.name} {self.points}"

    def clean(self):
        if self.points is not None and self.criterion_id and self.points > self.criterion.max_points:
            raise ValidationError(
                {
                    "points": _("%(criterion)s gives at most %(max)d points.")
                    % {"criterion": self.criterion.name, "max": self.criterion.max_points}
                }
            )


class Attendance(models.Model):
    """Who of the panel attends the meeting, as staff record it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("meeting"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    present = models.BooleanField(_("present"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "expert"], name="attendance_once")]

    def __str__(self):
        return f"{self.meeting}: {self.expert}"


class VoteCast(models.Model):
    """That an expert has voted on a case (never how): one per expert and case, a database constraint."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="votes_cast", verbose_name=_("case"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote cast")
        verbose_name_plural = _("votes cast")
        constraints = [models.UniqueConstraint(fields=["case", "expert"], name="vote_once_per_expert_per_case")]

    def __str__(self):
        return f"{self.case}: {self.expert}"


class Ballot(models.Model):
    """One secret ballot (无记名投票) on a case: the choice only, with no link to its voter (the voter's
    ``VoteCast`` is written in the same transaction). Counts are shown only once staff close the vote."""

    class Choice(models.TextChoices):
        YES = "yes", _("Agree (同意)")
        NO = "no", _("Disagree (不同意)")
        ABSTAIN = "abstain", _("Abstain (弃权)")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False
    )  # random keys: the order of ballots tells nothing
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("case"))
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.CheckConstraint(condition=models.Q(choice__in=["yes", "no", "abstain"]), name="ballot_choice_valid"),
        ]

    def __str__(self):
        return str(self.case)
