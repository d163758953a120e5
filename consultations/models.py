"""Consultations and problems (咨询与难题): questions from enterprises and applicants, answered by
commissioners and staff; problems followed until solved; the anonymised public FAQ.

- ``Consultation`` — 咨询: a question asked online by an enterprise's contact or an applicant (or made by
  city staff from a questionnaire's answer, in the name of the contact who gave it), with its category,
  an optional attachment checked like evidence, and its one answer. ``enterprise`` is the asker's
  enterprise when it was asked: it decides who answers (the enterprise's commissioner, its division's
  district staff, city staff). Answering records a consultation in the commissioner's service log
  (``service_log``), so it counts in the commissioner's figures.
- ``Problem`` — 难题: something to solve, with a category (职称评审 / 系统操作 / 继续教育 / 其他), an owner
  (负责人: staff or commissioner) and a due date counted in working days; open → in progress → solved
  with a resolution (``workflow``). It comes from a question or from a questionnaire's answer; it is a
  problem raised in the commissioner's service log, marked solved there when it is solved.
- ``ProblemNote`` — a progress note (进展) on a problem.
- ``FaqEntry`` — 常见问题: an answered question published with a public wording that city staff wrote and
  keep; it names nobody (``consultations.anonymity`` refuses a wording that would).
- ``ConsultationEvent`` — the log: who did what, when and why.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin

from consultations.rules import CONSULTATION_PERMISSIONS, FAQ_PERMISSIONS, PROBLEM_PERMISSIONS

#: Longest title and text of a question, answer, resolution and note.
TITLE_MAX = 100
TEXT_MAX = 2000
#: Working days a problem may be given to be solved.
DUE_DAYS_MIN, DUE_DAYS_MAX, DUE_DAYS_DEFAULT = 1, 60, 10


class Category(models.TextChoices):
    """The categories of questions and problems (难题类别)."""

    REVIEW = "review", _("Title review (职称评审)")
    SYSTEM = "system", _("System operation (系统操作)")
    TRAINING = "training", _("Continuing education (继续教育)")
    OTHER = "other", _("Other (其他)")


class AskedAs(models.TextChoices):
    """In which capacity the asker asked."""

    CONTACT = "enterprise_contact", _("Enterprise contact")
    APPLICANT = "applicant", _("Applicant")


class Consultation(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """咨询 — one question and its answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer (待答复)")
        ANSWERED = "answered", _("Answered (已答复)")

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=pgettext_lazy("consultation", "asked by"),
    )
    asked_as = models.CharField(_("asked as"), max_length=32, choices=AskedAs.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("enterprise"),
        help_text=_("The asker's enterprise when the question was asked; empty for an applicant without one."),
    )
    category = models.CharField(pgettext_lazy("consultation", "category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("question"), max_length=TITLE_MAX)
    body = models.TextField(_("details"), max_length=TEXT_MAX)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=50, blank=True)
    attachment_size = models.PositiveIntegerField(_("attachment size"), default=0)
    attachment_sha256 = models.CharField(_("attachment SHA-256"), max_length=64, blank=True)
    attachment_storage_name = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(pgettext_lazy("consultation", "answer"), max_length=TEXT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(pgettext_lazy("consultation", "answered at"), null=True, blank=True)
    service_log = models.OneToOneField(
        "enterprises.ServiceLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation",
        verbose_name=_("service log entry"),
    )
    source_response = models.ForeignKey(
        "surveys.Response",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("from the questionnaire answer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(pgettext_lazy("consultation", "asked at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consultation (咨询)")
        verbose_name_plural = _("consultations (咨询)")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The asker's list, and the handlers' queue newest first (keyset pages), per status.
            models.Index(fields=["asker", "-created_at", "-id"], name="consultation_asker_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="consultation_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "answered"]), name="consultation_status"),
            models.CheckConstraint(
                condition=models.Q(status="open", answered_at__isnull=True)
                | models.Q(status="answered", answered_at__isnull=False, answered_by__isnull=False),
                name="consultation_answered_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=models.Q(attachment_storage_name="") | ~models.Q(attachment_sha256=""),
                name="consultation_attachment_has_hash",
            ),
        ]
        rules_permissions = CONSULTATION_PERMISSIONS

    def __str__(self):
        return self.title

    @property
    def is_answered(self):
        return self.status == self.Status.ANSWERED

    @property
    def has_attachment(self):
        return bool(self.attachment_storage_name)


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("To be handled (待处理)")
    IN_PROGRESS = "in_progress", _("In progress (处理中)")
    SOLVED = "solved", _("Solved (已解决)")


#: The statuses of a problem still to be solved (overdue when past its due date).
ProblemStatus.UNSOLVED = frozenset({ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS})


class Problem(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """难题 — something to solve, followed by its owner until solved."""

    Status = ProblemStatus

    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("from the question"),
    )
    source_response = models.ForeignKey(
        "surveys.Response",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("from the questionnaire answer"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("enterprise"),
    )
    category = models.CharField(pgettext_lazy("consultation", "category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("problem"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_problems", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    due_days = models.PositiveSmallIntegerField(
        _("working days to solve it"),
        default=DUE_DAYS_DEFAULT,
        validators=[MinValueValidator(DUE_DAYS_MIN), MaxValueValidator(DUE_DAYS_MAX)],
    )
    due_on = models.DateField(_("due on"))
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_("The due date falls in a year without an official holiday schedule."),
    )
    resolution = models.TextField(_("resolution"), max_length=TEXT_MAX, blank=True)
    solved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solved by"),
    )
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    service_log = models.OneToOneField(
        "enterprises.ServiceLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("service log entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("problem (难题)")
        verbose_name_plural = _("problems (难题)")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Overdue and due-soon problems by owner (the digest) and the list by due date.
            models.Index(fields=["status", "due_on", "id"], name="problem_due_idx"),
            models.Index(fields=["owner", "status", "due_on"], name="problem_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ProblemStatus.values), name="problem_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status="solved")
                | (models.Q(solved_at__isnull=False, solved_by__isnull=False) & ~models.Q(resolution="")),
                name="problem_solved_has_resolution",
            ),
            models.CheckConstraint(
                condition=models.Q(status="solved") | models.Q(solved_at__isnull=True),
                name="problem_only_solved_has_time",
            ),
        ]
        rules_permissions = PROBLEM_PERMISSIONS

    def __str__(self):
        return self.title

    @property
    def is_solved(self):
        return self.status == ProblemStatus.SOLVED

    def is_overdue(self, today=None):
        """Not solved, and its due date is past (the due day itself is still in time)."""
        return self.status in ProblemStatus.UNSOLVED and self.due_on < (today or timezone.localdate())


class ProblemNote(models.Model):
    """进展 — a note on the progress of a problem."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="notes", verbose_name=_("problem"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("progress note"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress note (进展)")
        verbose_name_plural = _("progress notes (进展)")
        ordering = ["problem", "created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.problem}"


class FaqEntry(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """常见问题 — an answered question as the public reads it: only the wording staff wrote, no asker."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published (已发布)")
        WITHDRAWN = "withdrawn", _("Withdrawn (已撤下)")

    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.PROTECT,
        related_name="faq_entry",
        verbose_name=_("from the question"),
    )
    category = models.CharField(pgettext_lazy("consultation", "category"), max_length=16, choices=Category.choices)
    question = models.CharField(_("public question"), max_length=200)
    answer = models.TextField(_("public answer"), max_length=TEXT_MAX)
    #: The question and answer normalised for search (NFKC, case-folded): substring search, as the library's.
    search_text = models.TextField(editable=False, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("last edited by")
    )
    updated_at = models.DateTimeField(_("last edited at"), default=timezone.now)

    class Meta:
        verbose_name = _("FAQ entry (常见问题)")
        verbose_name_plural = _("FAQ (常见问题)")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="faq_public_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["published", "withdrawn"]), name="faq_status_valid")
        ]
        rules_permissions = FAQ_PERMISSIONS

    def __str__(self):
        return self.question


class ConsultationEvent(models.Model):
    """操作记录 — who did what with a question, a problem or an FAQ entry, when and why."""

    class Action(models.TextChoices):
        ASKED = "asked", _("Question asked")
        FROM_SURVEY = "from_survey", _("Made from a questionnaire answer")
        ANSWERED = "answered", _("Question answered")
        PROBLEM_CREATED = "problem_created", _("Problem recorded")
        ASSIGNED = "assigned", _("Owner changed")
        NOTED = "noted", _("Progress noted")
        STARTED = "started", _("Work started")
        SOLVED = "solved", _("Problem solved")
        PUBLISHED = "published", _("Published to the FAQ")
        FAQ_EDITED = "faq_edited", _("FAQ wording edited")
        FAQ_WITHDRAWN = "faq_withdrawn", _("Withdrawn from the FAQ")
        FAQ_REPUBLISHED = "faq_republished", _("Published to the FAQ again")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("question"),
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("problem")
    )
    faq_entry = models.ForeignKey(
        FaqEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("FAQ entry")
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
