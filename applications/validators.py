"""Validators of the numbers an application carries: the applicant's ID number and patent numbers.

The ID number's validators live in the core (``zaozhuang_titles.validators``, the base user carries one);
they are re-exported here for the code and the applied migrations that name them from this module.

Each raises ``django.core.exceptions.ValidationError`` with a message that says what is wrong and what
would be right; when only the check character is wrong, the message names the expected one.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zaozhuang_titles.identifiers import canonical_code, foreign_character_error
from zaozhuang_titles.validators import (  # noqa: F401 - re-exported; migrations name validate_id_number here
    id_number_birth_date,
    id_number_check_char,
    id_number_sex,
    normalize_id_number,
    validate_id_number,
)

# --- Patent numbers (专利号) -------------------------------------------------------------------
# CNIPA numbers a granted patent by its application number with "ZL" in front. Since 1 October 2003
# the number has 12 digits: 4-digit filing year, 1 type digit, 7-digit serial; from 1985 to 2003 it had
# 8: 2-digit year, type digit, 5-digit serial. A check character follows a dot in both: the digits
# weighted 2,3,4,5,6,7,8,9,2,3,4,5 from the left, summed, mod 11, with 10 written as X.
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PATENT_CHECK = "0123456789X"
# 8 and 9 are PCT applications entering the Chinese national phase (invention, utility model).
_PATENT_TYPES = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",
    "9": "utility_model",
}
_PATENT_SHAPE = re.compile(r"^ZL(?P<digits>[0-9]{12}|[0-9]{8})\.(?P<check>[0-9X])$")
# Dots people type in Chinese input modes; NFKC already folds the full-width "．" into ".".
_PATENT_DOTS = str.maketrans({"。": ".", "·": ".", "・": "."})
_PATENT_FIRST_YEAR = 1985
_PATENT_LAST_OLD_YEAR = 2003


def patent_check_char(digits):
    """The check character of a patent number whose 12 (or, before 2004, 8) digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, _PATENT_WEIGHTS, strict=False))
    return _PATENT_CHECK[total % 11]


def normalize_patent_number(value):
    """The canonical form ``ZL201510958772.0`` of what a person typed.

    ``canonical_code`` (full-width and other Unicode digits become 0-9, spaces go, upper-case), Chinese
    dots become ".", then the "ZL" prefix is added when it is missing and the dot before the check
    character when it is missing. Anything else is left alone for the validator to explain.
    """
    value = canonical_code(str(value or "").translate(_PATENT_DOTS))
    if value and value[0] in "0123456789":
        value = "ZL" + value
    if value.startswith("ZL") and "." not in value and len(value) in (2 + 12 + 1, 2 + 8 + 1):
        value = value[:-1] + "." + value[-1]
    return value


def _patent_example(digits):
    return f"ZL{digits}.{patent_check_char(digits)}"


# Valid examples computed from the algorithm, shown in the messages.
PATENT_EXAMPLE = _patent_example("201910123456")
PATENT_OLD_EXAMPLE = _patent_example("99123456")


def _patent_year(digits):
    if len(digits) == 12:
        return int(digits[:4])
    two = int(digits[:2])
    return 1900 + two if two >= 85 else 2000 + two


def patent_type(value):
    """'invention', 'utility_model' or 'design' from the type digit; None when the shape or type is wrong.

    Does not look at the check character: call ``validate_patent_number`` for that.
    """
    match = _PATENT_SHAPE.match(normalize_patent_number(value))
    if not match:
        return None
    digits = match["digits"]
    return _PATENT_TYPES.get(digits[4] if len(digits) == 12 else digits[2])


def validate_patent_number(value):
    """Validate a Chinese patent number (专利号): ZL + 12 digits (or 8 before 2004) + "." + check character."""
    value = normalize_patent_number(value)
    if value.startswith("CN"):
        raise ValidationError(
            _(
                "Numbers starting with CN are publication numbers, not patent numbers; enter the patent "
                "number from the certificate, which starts with ZL, e.g. %(example)s."
            )
            % {"example": PATENT_EXAMPLE},
            code="patent_cn_prefix",
        )
    # A character no keyboard layout explains (a control, a letter of another script) is named; a wrong
    # ASCII letter gets the message on the shape below.
    error = foreign_character_error(
        value, lambda char: char.isascii() and char.isprintable(), what=_("a patent number"), code="patent_characters"
    )
    if error is not None:
        raise error
    match = _PATENT_SHAPE.match(value)
    if not match:
        raise ValidationError(
            _(
                "A patent number is ZL + 12 digits + . + check character, e.g. %(example)s "
                "(numbers from before 2004 have 8 digits, e.g. %(old_example)s)."
            )
            % {"example": PATENT_EXAMPLE, "old_example": PATENT_OLD_EXAMPLE},
            code="patent_shape",
        )
    digits, given = match["digits"], match["check"]
    year = _patent_year(digits)
    this_year = timezone.localdate().year
    if len(digits) == 8 and not _PATENT_FIRST_YEAR <= year <= _PATENT_LAST_OLD_YEAR:
        raise ValidationError(
            _(
                "The first two digits of an 8-digit patent number are its year, from 85 (1985) to 03 "
                "(2003); %(digits)s is not possible. Newer numbers have 12 digits, e.g. %(example)s."
            )
            % {"digits": digits[:2], "example": PATENT_EXAMPLE},
            code="patent_year",
        )
    if not _PATENT_FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            _("The year %(year)d in this patent number is not possible: it must be from 1985 to %(this_year)d.")
            % {"year": year, "this_year": this_year},
            code="patent_year",
        )
    position = 5 if len(digits) == 12 else 3
    type_digit = digits[position - 1]
    if type_digit not in _PATENT_TYPES:
        raise ValidationError(
            _(
                "Digit %(position)d of a patent number is its type: 1 invention, 2 utility model, 3 design, "
                "8 or 9 international (PCT); %(digit)s is not one of them."
            )
            % {"position": position, "digit": type_digit},
            code="patent_type",
        )
    expected = patent_check_char(digits)
    if given != expected:
        raise ValidationError(
            _(
                "The check character of this patent number is wrong: "
                "the character after the dot should be %(expected)s, not %(given)s."
            )
            % {"expected": expected, "given": given},
            code="patent_check",
        )
