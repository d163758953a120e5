"""Hypothesis strategies for identifiers a hostile or careless user types: drawn from the whole of
Unicode where it matters (decimal digits of every script ``Nd``, controls ``Cc``, invisible format
characters ``Cf``, space separators ``Zs``, full-width forms U+FF01-FF5E).

- ``disguised(code)``: strings that mean ``code`` (an ASCII canonical code): each digit written in any
  script's digits, letters full-width or lower case, spaces and zero-width characters in between. Their
  ``canonical_code`` is ``code``: a duplicate typed this way must be found as the duplicate.
- ``hostile_code(max_size)``: anything, biased to the characters above; what is stored from it must be
  canonical, and it must never cause a 500.
- ``code_input(code)``: one or the other.
- ``is_canonical(value)``: the assertion every test of a stored identifier makes.

Free text (names, summaries) has its own strategies in ``tests/strategies_text.py``.
"""

import functools
import string
import sys
import unicodedata

from hypothesis import strategies as st

from zaozhuang_titles.identifiers import canonical_code


@functools.cache
def digits_of_every_script():
    """{0: ["0", "٠", "０", …], …, 9: [...]}: every Unicode character whose decimal value is d."""
    table = {digit: [] for digit in range(10)}
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        value = unicodedata.decimal(char, None)
        if value is not None:
            table[value].append(char)
    return table


def _full_width(char):
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


#: U+FF01-FF5E, the full-width forms of ASCII "!" to "~".
full_width_forms = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
#: Spaces and invisible characters people paste along with a number (NBSP, ideographic space, ZWSP, BOM…).
invisible = st.one_of(
    st.characters(categories=["Zs"]), st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\t"])
)
#: The characters that broke identity checks, then any character at all (surrogates cannot be encoded).
hostile_character = st.one_of(
    st.characters(categories=["Nd"]),
    st.characters(categories=["Cc"]),
    st.characters(categories=["Cf"]),
    st.characters(categories=["Zs"]),
    full_width_forms,
    st.characters(exclude_categories=["Cs"]),
)


def disguised_digit(digit):
    return st.sampled_from(digits_of_every_script()[int(digit)])


def _disguised_char(char):
    if char in string.digits:
        return disguised_digit(char)
    if char in string.ascii_uppercase:
        return st.sampled_from([char, char.lower(), _full_width(char), _full_width(char.lower())])
    if char in string.punctuation:
        return st.sampled_from([char, _full_width(char)])
    return st.just(char)


@st.composite
def disguised(draw, code):
    """A string whose canonical form is the canonical ASCII ``code``."""
    parts = []
    for char in code:
        if draw(st.integers(0, 4)) == 0:
            parts.append(draw(invisible))
        parts.append(draw(_disguised_char(char)))
    if draw(st.booleans()):
        parts.append(draw(invisible))
    return "".join(parts)


def hostile_code(max_size=30):
    return st.text(alphabet=hostile_character, max_size=max_size)


def code_input(code, max_size=30):
    return st.one_of(disguised(code), hostile_code(max_size))


def is_canonical(value, *, upper=True):
    """True when ``value`` (a stored identifier, maybe None or "") has nothing left to fold: no digit
    outside 0-9, no space, no invisible or full-width character."""
    if value in (None, ""):
        return True
    return canonical_code(value, upper=upper) == value and all(
        unicodedata.decimal(char, None) is None or char in string.digits for char in value
    )
