"""Batches (评审批次) and, later, the applications submitted to them."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Series(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering technology (工程技术)")


class Level(models.TextChoices):
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior (副高级)")
    SENIOR = "senior", _("Senior (正高级)")


class Channel(models.TextChoices):
    DEDICATED = "dedicated", _("Dedicated channel for 专精特新 and 单项冠军 enterprises (专项通道)")
    REGULAR = "regular", _("Regular channel")


class Batch(models.Model):
    """评审批次 — one call for applications, with its rules and dates."""

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

    def is_accepting(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at
