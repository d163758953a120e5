"""Password rules beyond Django's own: characters from at least three classes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require characters from ``min_classes`` of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _(
                    "This password uses too few kinds of characters: use at least %(min)d of lower-case "
                    "letters, upper-case letters, digits and symbols."
                )
                % {"min": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _(
            "Your password must use at least %(min)d of: lower-case letters, upper-case letters, digits, symbols."
        ) % {"min": self.min_classes}
