"""The 统一社会信用代码 (unified social credit code, GB 32100-2015) of an enterprise.

An 18-character code over ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z). Characters 3-8 are the
administrative region code of the registering authority (3704xx for Zaozhuang); the last one is a
check character: weight of position i (0-based) is 3^i mod 31, check = 31 - (sum mod 31), 31 maps to 0.

``validate_credit_code`` raises ``ValidationError`` for anything that is not a valid code. Each error
carries a ``code``: ``credit_code_length``, ``credit_code_characters``, ``credit_code_region`` or
``credit_code_check`` (only the check character is wrong; the message names the expected one). City
staff may accept a ``credit_code_check`` failure with a recorded reason (some early pilot codes are legal
but fail it); that decision lives in the model, not here.

A region code outside Zaozhuang is not an error but a warning (``credit_code_warnings``) that staff accept.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zaozhuang_titles.identifiers import canonical_code, character_name

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CHAR_VALUE = {char: value for value, char in enumerate(CREDIT_CODE_CHARS)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
#: Region codes of Zaozhuang start with these four digits (枣庄市 3704, its districts 370402-370481).
ZAOZHUANG_REGION_PREFIX = "3704"


def normalize_credit_code(value):
    """The canonical form (``canonical_code``): full-width or other Unicode digits and letters folded to
    ASCII, spaces dropped, upper-cased."""
    return canonical_code(value)


def credit_code_check_char(first17):
    """The check character of a code whose first 17 characters are given (all from the charset)."""
    total = sum(_CHAR_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=False))
    check = 31 - total % 31
    return CREDIT_CODE_CHARS[0 if check == 31 else check]


def credit_code_region(value):
    """The 6-digit region code (characters 3-8) of a normalised code."""
    return normalize_credit_code(value)[2:8]


def validate_credit_code(value):
    """Raise ``ValidationError`` unless ``value`` (normalised first) is a valid 统一社会信用代码."""
    value = normalize_credit_code(value)
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code (统一社会信用代码) has 18 characters; this one has %(length)d.")
            % {"length": len(value)},
            code="credit_code_length",
        )
    wrong = sorted({char for char in value if char not in _CHAR_VALUE})
    if wrong:
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and the capital letters "
                "ABCDEFGHJKLMNPQRTUWXY (never I, O, S, V or Z); %(wrong)s is not allowed."
            )
            % {"wrong": "、".join(character_name(char) if not char.isprintable() else char for char in wrong)},
            code="credit_code_characters",
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the 6-digit region code; %(region)s is not.")
            % {"region": value[2:8]},
            code="credit_code_region",
        )
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong: "
                "the last character should be %(expected)s, not %(given)s."
            )
            % {"expected": expected, "given": value[17]},
            code="credit_code_check",
            params={"expected": expected, "given": value[17]},
        )


def credit_code_warnings(value):
    """Warnings staff may accept about a valid code: today only a region outside Zaozhuang."""
    region = credit_code_region(value)
    if region.isdigit() and not region.startswith(ZAOZHUANG_REGION_PREFIX):
        return [
            _(
                "The region code %(region)s of this credit code is outside Zaozhuang (3704xx): "
                "check that the enterprise is really registered here."
            )
            % {"region": region}
        ]
    return []
