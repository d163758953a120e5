"""The person's identifier every part of the portal checks: the 居民身份证号码 (GB 11643-1999).

It lives in the core because the base user carries an ID number; ``applications.validators`` re-exports
these names for the code and the applied migrations that import them from there.

Each validator raises ``django.core.exceptions.ValidationError`` with a message that says what is wrong
and what would be right; when only the check character is wrong, the message names the expected one.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zaozhuang_titles.identifiers import canonical_code, foreign_character_error

# GB 11643-1999: weight of position i (1-based from the left) is 2^(18-i) mod 11.
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_CHARS = "0123456789X"


def id_number_check_char(first17):
    """The check character of a 居民身份证号码 whose first 17 digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11]


def normalize_id_number(value):
    """The canonical form (``canonical_code``): full-width or Arabic-Indic digits become 0-9, x becomes X."""
    return canonical_code(value)


def id_number_birth_date(value):
    """The birth date encoded in positions 7-14, or None when it is not a real date."""
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value):
    """Validate an 18-character 居民身份证号码 (GB 11643-1999) in its canonical form.

    Forms and services pass ``normalize_id_number(typed)``; a value still holding another character
    (a full-width digit stored by an older release, a lower-case x) is refused with that character named.
    """
    value = value or ""
    error = foreign_character_error(value, _ID_CHARS, what=_("an ID number"), code="id_characters")
    if error is not None:
        raise error
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(length)d.") % {"length": len(value)},
            code="id_length",
        )
    if not _ID_SHAPE.match(value):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or the letter X."),
            code="id_characters",
        )
    birth = id_number_birth_date(value)
    if birth is None:
        raise ValidationError(
            _("Characters 7 to 14 of an ID number are the birth date; %(digits)s is not a real date.")
            % {"digits": value[6:14]},
            code="id_birth_date",
        )
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            _("The birth date %(date)s in this ID number is not plausible.") % {"date": birth.isoformat()},
            code="id_birth_date",
        )
    expected = id_number_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this ID number is wrong: "
                "the last character should be %(expected)s, not %(given)s."
            )
            % {"expected": expected, "given": value[17]},
            code="id_check",
        )


def id_number_sex(value):
    """'M' or 'F' from the 17th digit (odd is male)."""
    return "M" if int(value[16]) % 2 else "F"
