"""Rules of reviews on one value or one row, shared by the models' ``clean()``, the staff forms and the
services (which call ``full_clean()``)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_scoring_deadline(*, held_on, scoring_deadline):
    """Scoring ends by the meeting date: the experts' scores are in before the panel meets to vote.
    Checked on the day, in local time (a deadline on the evening of the meeting day is allowed)."""
    if held_on and scoring_deadline and timezone.localtime(scoring_deadline).date() > held_on:
        raise ValidationError({"scoring_deadline": _("Scoring must end by the meeting date.")})
