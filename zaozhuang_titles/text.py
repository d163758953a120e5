"""Free text: which characters the portal refuses on the way in, and what the builders of generated
files (Excel, PDF) do with one that got into the database anyway.

Refused everywhere: control characters (Unicode category Cc: C0 U+0000–001F, DEL, C1 U+0080–009F) and
the bidirectional overrides and isolates (U+202A–202E, U+2066–2069) that make text read differently
from how it is stored (a name shown as ``张三`` may hold ``三张`` reversed). A tab, a line feed and a
carriage return (browsers send ``\\r\\n`` from a textarea) are allowed in multi-line fields only.

On the way in, ``CleanTextValidator`` refuses such text with a message naming each character's
position (forms get it through ``zaozhuang_titles.forms.CleanTextMixin``, Excel imports through
``zaozhuang_titles.excel.read_rows``). On the way out, ``sanitize`` replaces each one with U+FFFD and
logs where it was: one bad character in the database must never stop a whole batch's files.
"""

import logging
import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: Bidirectional embeddings, overrides (U+202A–202E) and isolates (U+2066–2069).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
#: Refused in any field: every Cc character but tab, line feed and carriage return, and the bidi controls.
MULTILINE_FORBIDDEN_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
#: Refused in a one-line field: the above, and tab, line feed and carriage return too.
SINGLE_LINE_FORBIDDEN_RE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
#: What a builder writes in place of a forbidden character.
REPLACEMENT = "\ufffd"
#: At most this many characters are named in one message.
MAX_NAMED = 5


def forbidden_characters(value, *, multiline=False):
    """``[(position, character)]`` of the characters ``value`` may not hold, positions counted from 1."""
    pattern = MULTILINE_FORBIDDEN_RE if multiline else SINGLE_LINE_FORBIDDEN_RE
    return [(match.start() + 1, match.group()) for match in pattern.finditer(value)]


def _kind(character):
    if re.fullmatch(f"[{BIDI_CONTROLS}]", character):
        return _("a text direction control")
    if character in "\t\n\r":
        return _("a line break or tab: this field takes one line")
    return _("a control character")


def describe(found):
    """The characters of ``forbidden_characters`` in words: 'character 3 (U+0001, a control character)'."""
    text = "、".join(
        _("character %(position)d (%(code)s, %(kind)s)")
        % {"position": position, "code": f"U+{ord(character):04X}", "kind": _kind(character)}
        for position, character in found[:MAX_NAMED]
    )
    if len(found) > MAX_NAMED:
        text += _(" and %(count)d more") % {"count": len(found) - MAX_NAMED}
    return text


@deconstructible
class CleanTextValidator:
    """Refuses control characters and bidi controls; ``multiline`` allows tab and line breaks."""

    code = "forbidden_character"

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        found = forbidden_characters(str(value), multiline=self.multiline)
        if found:
            raise ValidationError(
                _(
                    "The text holds characters that cannot be stored: %(characters)s. Delete them (they often "
                    "come invisibly with text pasted from another document) and type the text again."
                ),
                code=self.code,
                # Lazy, like the message: both are put in words in the language of the page that shows them.
                params={"characters": lazy(describe, str)(found)},
            )

    def __eq__(self, other):
        return isinstance(other, CleanTextValidator) and self.multiline == other.multiline


validate_single_line_text = CleanTextValidator(multiline=False)
validate_multiline_text = CleanTextValidator(multiline=True)


def sanitize(value, *, where, multiline=True):
    """``value`` with each forbidden character replaced by U+FFFD; logs a warning naming ``where`` (the
    object and field, never the text: it may be personal data) when anything was replaced. Builders of
    generated files call it on every piece of text they write, so a bad character already stored
    shows as � instead of breaking the file."""
    if not isinstance(value, str):
        return value
    found = forbidden_characters(value, multiline=multiline)
    if not found:
        return value
    logger.warning(
        "Replaced %d forbidden character(s) in %s: %s",
        len(found),
        where or "text",
        ", ".join(f"U+{ord(character):04X} at {position}" for position, character in found[:MAX_NAMED]),
    )
    pattern = MULTILINE_FORBIDDEN_RE if multiline else SINGLE_LINE_FORBIDDEN_RE
    return pattern.sub(REPLACEMENT, value)
