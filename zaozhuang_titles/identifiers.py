"""The one canonical form of every code a person types: ID numbers, mobiles, credit codes, patent and
certificate numbers. One person, one identity: "１３８００００００００" (full-width) and "١٣٨٠٠٠٠٠٠٠٠"
(Arabic-Indic) are the same mobile as "13800000000", so they are validated, compared and stored as that.

``canonical_code(value)``: NFKC (full-width letters and punctuation fold to ASCII), every Unicode decimal
digit mapped to its ASCII digit, spaces and invisible format characters (zero-width space, BOM…) dropped,
upper-cased. ``CodeField`` is the form field that hands validators and views the canonical value;
``CodeCharField`` the model field that stores and looks up only canonical values (``full_clean`` and every
ORM write or exact lookup fold the value), with ``validate_canonical`` as its model-level check. What
cannot be folded into the code's alphabet is refused by the code's own validator, naming the character
(``foreign_character_error``).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def _ascii_digit(char):
    digit = unicodedata.decimal(char, None)
    return char if digit is None else str(digit)


def _fold(text, upper):
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_ascii_digit(char) for char in text if not (char.isspace() or unicodedata.category(char) == "Cf"))
    return text.upper() if upper else text


def canonical_code(value, *, upper=True):
    """The canonical form of a typed code (see the module docstring); "" for None.

    Folded until nothing changes (an upper-cased letter may have a compatibility form of its own), so
    ``canonical_code(canonical_code(x)) == canonical_code(x)`` always."""
    text = str(value or "")
    for _round in range(5):
        folded = _fold(text, upper)
        if folded == text:
            break
        text = folded
    return text


def character_name(char):
    """How a message shows one character: itself, and its code point when it is invisible or a control."""
    if unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn", "Cs"):
        return f"U+{ord(char):04X}"
    return f"{char}（U+{ord(char):04X}）"


def foreign_character_error(value, allowed, *, what, code):
    """A ValidationError naming the first character of ``value`` not in ``allowed``, or None.

    ``what`` is the name of the code ("an ID number"), ``allowed`` a string of the permitted characters
    or a callable taking one character."""
    accepts = allowed if callable(allowed) else allowed.__contains__
    for position, char in enumerate(value, start=1):
        if not accepts(char):
            return ValidationError(
                _(
                    "Character %(position)d, %(char)s, cannot be used in %(what)s: type it with the digits "
                    "0-9 and the letters shown on the document, without spaces."
                )
                % {"position": position, "char": character_name(char), "what": what},
                code=code,
            )
    return None


def validate_canonical(value):
    """Model-level check: a stored code must already be in its canonical form (nothing to fold)."""
    if value in (None, ""):
        return
    text = str(value)
    if canonical_code(text) == text:
        return
    for position, char in enumerate(text, start=1):
        if canonical_code(char) != char:
            raise ValidationError(
                _(
                    "Character %(position)d, %(char)s, is not in the form codes are stored in: use the "
                    "ASCII digits 0-9 and capital letters, without spaces."
                )
                % {"position": position, "char": character_name(char)},
                code="not_canonical",
            )
    raise ValidationError(_("This code is not in the form codes are stored in."), code="not_canonical")


def validate_canonical_username(value):
    """A username's digits are ASCII and it holds no space or invisible character (case is kept)."""
    text = str(value or "")
    if canonical_code(text, upper=False) == text:
        return
    for position, char in enumerate(text, start=1):
        if canonical_code(char, upper=False) != char:
            raise ValidationError(
                _(
                    "Character %(position)d of the username, %(char)s, is not allowed: use ASCII digits "
                    "0-9 and no spaces or full-width characters."
                )
                % {"position": position, "char": character_name(char)},
                code="not_canonical",
            )
    raise ValidationError(_("This username is not in its canonical form."), code="not_canonical")


_UNTYPABLE = ("Cc", "Cs", "Co", "Cn")


def refuse_untypable(value):
    """No control, surrogate, private-use or unassigned character in a code (it cannot be printed)."""
    error = foreign_character_error(
        str(value or ""),
        lambda char: unicodedata.category(char) not in _UNTYPABLE,
        what=_("a number or code"),
        code="untypable_character",
    )
    if error is not None:
        raise error


class CodeField(forms.CharField):
    """A form field for a code a person types: its cleaned value is ``canonical_code`` of the input,
    so validators, duplicate checks and the database all see the same ASCII value.

    ``max_length`` applies to the canonical value; the browser lets a little more through so that a
    number typed with spaces ("138 0000 0000") is not cut short."""

    def __init__(self, *, upper=True, **kwargs):
        self.upper = upper
        super().__init__(**kwargs)
        self.validators.insert(0, refuse_untypable)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return canonical_code(value, upper=self.upper)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and "maxlength" in attrs:
            attrs["maxlength"] = str(self.max_length * 2)
        attrs.setdefault("autocapitalize", "characters" if self.upper else "none")
        attrs.setdefault("spellcheck", "false")
        return attrs


class CodeCharField(models.CharField):
    """A model field holding a code: ``full_clean`` stores its canonical form (``to_python``), the stored
    value must be canonical (``validate_canonical``), and its ModelForm field is a ``CodeField``.

    ``upper=False`` keeps the case (usernames): only digits, spaces and compatibility forms are folded."""

    def __init__(self, *args, upper=True, **kwargs):
        self.upper = upper
        super().__init__(*args, **kwargs)

    @property
    def _canonical_validator(self):
        return validate_canonical if self.upper else validate_canonical_username

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if not self.upper:
            kwargs["upper"] = False
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return value
        return canonical_code(value, upper=self.upper)

    def run_validators(self, value):
        super().run_validators(value)
        if value not in self.empty_values:
            refuse_untypable(value)
            self._canonical_validator(value)

    def formfield(self, **kwargs):
        form_class = kwargs.pop("form_class", None) or CodeField
        if issubclass(form_class, CodeField):
            kwargs["upper"] = self.upper
        # Another field class (the admin's UsernameField) still saves the canonical value: full_clean
        # runs ``to_python`` above.
        return super().formfield(form_class=form_class, **kwargs)
