"""Electronic questionnaires (职称评审电子问卷): built by city staff, versioned, sent to enterprises,
answered once per enterprise by its contacts, reminded before the deadline, and counted.

- ``Questionnaire`` — 问卷: a title, an introduction and its questions, in numbered versions
  (``previous`` is the version it was copied from). One that has answers (a draft included) cannot
  change its questions: ``Questionnaire.has_answers`` is the one rule, which the models' ``clean`` and
  the services both ask.
- ``Question`` and ``Option`` — a question of one of six kinds, required or not, shown only when an
  option of an earlier question is chosen (``show_if``: simple branching).
- ``Dispatch`` — 发放: a version sent to a selection of enterprises with a deadline (the day's end).
- ``Recipient`` — one enterprise a dispatch was sent to, with the unguessable token of its link and QR code.
- ``Response`` — 答卷: the enterprise's one answer (draft or submitted), saved by one of its contacts;
  no anonymous answer exists (``contact`` is required).
- ``Answer`` — one answer to one question (a row per chosen option of a multiple choice).
- ``FollowUp`` — staff turned an answer into an entry of the commissioner's service log (consultation
  or problem), which counts in the commissioner's figures.
- ``SurveyEvent`` — who did what, when (building, sending, saving, submitting, following up, reminding).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_recipient_token():
    return secrets.token_urlsafe(16)


#: The points of a scale question (1–5).
SCALE_POINTS = (1, 2, 3, 4, 5)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice (单选)")
    MULTIPLE = "multiple", _("Multiple choice (多选)")
    SCALE = "scale", _("Scale 1–5 (量表)")
    NUMBER = "number", _("Number (数字)")
    SHORT_TEXT = "short_text", _("Short text (简答)")
    LONG_TEXT = "long_text", _("Long text (详答)")


#: Questions answered by choosing options (the only ones a branch may depend on).
QuestionKind.CHOICES = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
#: Questions whose answers are counted and charted.
QuestionKind.COUNTED = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE})
#: Questions answered in free text (listed in the results).
QuestionKind.TEXT = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})


def locked_message(questionnaire):
    return _(
        "Version %(version)s of “%(title)s” has answers, so its questions cannot change any more. "
        "Make a new version and change that one."
    ) % {"version": questionnaire.version, "title": questionnaire.title}


class Questionnaire(models.Model):
    """问卷 — one version of a questionnaire."""

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("copied from version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("questionnaire (问卷)")
        verbose_name_plural = _("questionnaires (问卷)")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Versions form a line: a version is copied into at most one newer version.
            models.UniqueConstraint(
                fields=["previous"], condition=models.Q(previous__isnull=False), name="questionnaire_one_next_version"
            ),
        ]

    def __str__(self):
        return _("%(title)s (version %(version)s)") % {"title": self.title, "version": self.version}

    def has_answers(self):
        """True once any enterprise saved an answer (a draft too): its questions are locked from then on."""
        return self.pk is not None and Response.objects.filter(recipient__dispatch__questionnaire_id=self.pk).exists()


class Question(models.Model):
    """问题 — one question of a questionnaire version."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    show_if = models.ForeignKey(
        "Option",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shows",
        verbose_name=_("shown only when this answer is chosen"),
    )
    min_value = models.DecimalField(_("smallest number"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest number"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("question (问题)")
        verbose_name_plural = _("questions (问题)")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self):
        return self.text

    def clean(self):
        if self.questionnaire_id and self.questionnaire.has_answers():
            raise ValidationError(locked_message(self.questionnaire))
        errors = {}
        if self.kind != QuestionKind.NUMBER and (self.min_value is not None or self.max_value is not None):
            errors["min_value"] = _("Only a number question has a smallest and a largest number; leave them empty.")
        elif self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("The largest number (%(max)s) is smaller than the smallest (%(min)s).") % {
                "max": self.max_value,
                "min": self.min_value,
            }
        if self.show_if_id is not None:
            condition = self.show_if.question
            if condition.questionnaire_id != self.questionnaire_id:
                errors["show_if"] = _("The condition must be an answer of a question of the same questionnaire.")
            elif condition.pk == self.pk or (self.pk is not None and (condition.position, condition.pk) >= self.order):
                errors["show_if"] = _(
                    "A question can depend only on an answer to an earlier question; choose one above it."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def order(self):
        return (self.position, self.pk)


class Option(models.Model):
    """选项 — one option of a single or multiple choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        verbose_name = _("option (选项)")
        verbose_name_plural = _("options (选项)")
        ordering = ["question", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "label"], name="option_label_unique")]

    def __str__(self):
        return self.label

    def clean(self):
        if self.question_id is None:
            return
        if self.question.questionnaire.has_answers():
            raise ValidationError(locked_message(self.question.questionnaire))
        if self.question.kind not in QuestionKind.CHOICES:
            raise ValidationError(_("Only single and multiple choice questions have options."))


class Dispatch(models.Model):
    """发放 — a questionnaire version sent to a selection of enterprises, answered until its deadline."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("questionnaire")
    )
    note = models.TextField(_("message to the enterprises"), blank=True)
    deadline = models.DateField(_("deadline"), help_text=_("Answers are taken until the end of this day."))
    criteria = models.JSONField(_("selection"), default=dict, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(pgettext_lazy("questionnaire", "sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire sent (问卷发放)")
        verbose_name_plural = _("questionnaires sent (问卷发放)")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["deadline"], name="dispatch_deadline_idx")]

    def __str__(self):
        return _("%(questionnaire)s, due %(deadline)s") % {
            "questionnaire": self.questionnaire,
            "deadline": self.deadline.isoformat(),
        }

    def clean(self):
        if self.deadline and self.deadline < timezone.localdate(self.sent_at or timezone.now()):
            raise ValidationError({"deadline": _("The deadline cannot be before the day the questionnaire is sent.")})

    def is_open(self, today=None):
        """Answers are taken (and changed) until the end of the deadline's day."""
        return (today or timezone.localdate()) <= self.deadline


class Recipient(models.Model):
    """One enterprise a dispatch was sent to; ``token`` makes its link and QR code."""

    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("questionnaire sent")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="survey_recipients",
        verbose_name=_("enterprise"),
    )
    token = models.CharField(_("link token"), max_length=32, unique=True, default=new_recipient_token, editable=False)

    class Meta:
        verbose_name = _("recipient enterprise")
        verbose_name_plural = _("recipient enterprises")
        ordering = ["dispatch", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "enterprise"], name="recipient_once_per_enterprise"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.dispatch}"


class Response(models.Model):
    """答卷 — the one answer of an enterprise to a dispatch, saved by its contacts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (草稿)")
        SUBMITTED = "submitted", _("Submitted (已提交)")

    recipient = models.OneToOneField(
        Recipient, on_delete=models.PROTECT, related_name="response", verbose_name=_("recipient enterprise")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    contact = models.ForeignKey(
        "enterprises.EnterpriseContact",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("saved last by (contact)"),
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("saved at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response (答卷)")
        verbose_name_plural = _("responses (答卷)")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]

    def __str__(self):
        return str(self.recipient)


class Answer(models.Model):
    """One answer to one question; a multiple choice has a row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("option")
    )
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__position", "question_id", "option__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], condition=models.Q(option__isnull=True), name="answer_once"
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=models.Q(option__isnull=False),
                name="answer_option_once",
            ),
        ]
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option_idx")]

    def __str__(self):
        if self.option_id:
            return str(self.option)
        return str(self.number) if self.number is not None else self.text


class FollowUp(models.Model):
    """转办 — staff turned an answer into an entry of the commissioner's service log."""

    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("question")
    )
    service_log = models.OneToOneField(
        "enterprises.ServiceLog",
        on_delete=models.PROTECT,
        related_name="survey_follow_up",
        verbose_name=_("service log entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow-up of an answer (转办)")
        verbose_name_plural = _("follow-ups of answers (转办)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.service_log)


class SurveyEvent(models.Model):
    """操作记录 — who did what with a questionnaire, a dispatch or a response, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Questionnaire created")
        CHANGED = "changed", _("Questionnaire changed")
        QUESTION_ADDED = "question_added", _("Question added")
        QUESTION_CHANGED = "question_changed", _("Question changed")
        QUESTION_DELETED = "question_deleted", _("Question deleted")
        QUESTION_MOVED = "question_moved", _("Question moved")
        VERSION_CREATED = "version_created", _("New version made")
        SENT = "sent", _("Sent to enterprises")
        DRAFT_SAVED = "draft_saved", _("Draft saved")
        SUBMITTED = "submitted", _("Answer submitted")
        RESUBMITTED = "resubmitted", _("Answer changed")
        FOLLOWED_UP = "followed_up", _("Answer turned into a service log entry")
        REMINDED = "reminded", _("Reminders sent")

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
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("questionnaire event")
        verbose_name_plural = _("questionnaire events")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
