"""Free text in and out: the shared validator, the form mixin, the import reader and the writer helper
of every workbook (zaozhuang_titles/text.py, forms.py, excel.py), and PDF text."""

import io
import logging
import re
import shutil
import subprocess
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from openpyxl import Workbook, load_workbook

from tests.strategies_text import hostile_text, import_text, stored_text
from zaozhuang_titles.documents import render_pdf
from zaozhuang_titles.excel import read_rows, safe_cell, write_row
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.text import (
    CleanTextValidator,
    forbidden_characters,
    sanitize,
    validate_multiline_text,
    validate_single_line_text,
)

pdftotext = shutil.which("pdftotext")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def refusal(validator, value):
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0]


# The validator.


def test_clean_text_validator_names_each_forbidden_character_by_position():
    with translation.override("en"):
        message = refusal(validate_single_line_text, "ab\x01c\u202ed")

    assert "character 3 (U+0001, a control character)" in message
    assert "character 5 (U+202E, a text direction control)" in message


def test_clean_text_validator_message_is_chinese_on_chinese_pages():
    with translation.override("zh-hans"):
        message = refusal(validate_single_line_text, "机械\x01设计")

    assert "第3个字符（U+0001，控制字符）" in message


def test_clean_text_validator_allows_tab_and_line_breaks_only_in_multiline_fields():
    text = "第一行\r\n第二行\t完"

    validate_multiline_text(text)
    with translation.override("en"):
        message = refusal(validate_single_line_text, text)

    assert "character 4 (U+000D, a line break or tab: this field takes one line)" in message
    assert "character 5 (U+000A" in message
    assert "character 9 (U+0009" in message


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x1f", "\x7f", "\x80", "\x85", "\x9f", *map(chr, range(0x202A, 0x202F))]
)
def test_clean_text_validator_refuses_c0_c1_and_bidi_even_in_multiline_fields(character):
    with pytest.raises(ValidationError):
        validate_multiline_text(f"前{character}后")


@pytest.mark.parametrize("character", ["\u2066", "\u2067", "\u2068", "\u2069"])
def test_clean_text_validator_refuses_bidi_isolates(character):
    assert forbidden_characters(f"x{character}", multiline=True) == [(2, character)]


@pytest.mark.parametrize("text", ["张三", "ＡＢＣ１２３", "O'Brien <b>&", "a\u3000b", "\u200b零宽", "=1+1", "١٢٣"])
def test_clean_text_validator_accepts_ordinary_text(text):
    validate_single_line_text(text)


def test_clean_text_validator_names_at_most_five_and_counts_the_rest():
    with translation.override("en"):
        message = refusal(validate_single_line_text, "\x01" * 8)

    assert message.count("U+0001") == 5
    assert "and 3 more" in message


def test_clean_text_validator_compares_and_deconstructs():
    assert CleanTextValidator(multiline=True) == validate_multiline_text
    assert CleanTextValidator() != validate_multiline_text
    assert CleanTextValidator(multiline=True).deconstruct()[2] == {"multiline": True}


@settings(max_examples=50, deadline=None)
@given(text=hostile_text)
def test_clean_text_validator_refuses_exactly_the_text_sanitize_would_change(text):
    for multiline in (False, True):
        validator = CleanTextValidator(multiline=multiline)
        cleaned = sanitize(text, where="test", multiline=multiline)
        assert len(cleaned) == len(text)
        assert forbidden_characters(cleaned, multiline=multiline) == []
        if cleaned == text:
            validator(text)
        else:
            with pytest.raises(ValidationError):
                validator(text)


def test_sanitize_logs_where_and_which_characters_but_not_the_text(caplog):
    with caplog.at_level(logging.WARNING, logger="zaozhuang_titles.text"):
        assert sanitize("机械\x01设计", where="备案表 row 2, application 7") == "机械\ufffd设计"

    (record,) = caplog.records
    assert "备案表 row 2, application 7" in record.getMessage()
    assert "U+0001 at 3" in record.getMessage()
    assert "机械" not in record.getMessage()


def test_sanitize_leaves_clean_text_and_other_values_alone(caplog):
    with caplog.at_level(logging.WARNING, logger="zaozhuang_titles.text"):
        assert sanitize("张三\n李四", where="x") == "张三\n李四"
        assert sanitize(12, where="x") == 12
        assert sanitize(None, where="x") is None

    assert caplog.records == []


# The form mixin.


class SampleForm(CleanTextMixin, forms.Form):
    name = forms.CharField(max_length=50)
    facts = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, strip=False, required=False)
    count = forms.IntegerField(required=False)


def test_clean_text_mixin_refuses_a_control_character_in_a_one_line_field():
    form = SampleForm(data={"name": "张\x01三"})

    assert not form.is_valid()
    with translation.override("en"):
        assert "character 2 (U+0001, a control character)" in form.errors["name"][0]


def test_clean_text_mixin_allows_line_breaks_in_a_textarea_but_not_direction_controls():
    assert SampleForm(data={"name": "张三", "facts": "一\r\n二\t三"}).is_valid()

    form = SampleForm(data={"name": "张三", "facts": "一\u202e二"})
    assert list(form.errors) == ["facts"]


def test_clean_text_mixin_leaves_password_fields_alone():
    form = SampleForm(data={"name": "张三", "password": "pass\x01word"})

    assert form.is_valid()
    assert form.cleaned_data["password"] == "pass\x01word"


def test_clean_text_mixin_adds_validators_to_this_form_only():
    SampleForm()
    SampleForm()

    assert not any(isinstance(v, CleanTextValidator) for v in SampleForm.base_fields["name"].validators)
    assert sum(isinstance(v, CleanTextValidator) for v in SampleForm().fields["name"].validators) == 1


# The writer helper.


def _reload(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [False, True])
def test_write_row_writes_formula_leading_text_as_quoted_strings(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    values = ['=HYPERLINK("http://x"&C2,"核对")', "+86 138", "-1", "@SUM(A1)", "\t=1", "\r=1", "张三"]

    write_row(sheet, values)
    content, sheet = _reload(workbook)

    cells = list(sheet[1])
    assert [cell.value for cell in cells] == values
    assert [cell.data_type for cell in cells] == ["s"] * len(values)
    assert [cell.quotePrefix for cell in cells] == [True] * 6 + [False]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml


def test_write_row_keeps_numbers_and_dates_as_they_are():
    import datetime

    workbook = Workbook()
    write_row(workbook.active, [12, -3, 1.5, datetime.date(2024, 1, 2), None])
    _content, sheet = _reload(workbook)

    assert [cell.value for cell in sheet[1]][:4] == [12, -3, 1.5, datetime.datetime(2024, 1, 2)]
    assert [cell.data_type for cell in sheet[1]][:4] == ["n", "n", "n", "d"]


def test_write_row_replaces_what_excel_refuses_and_logs_the_row(caplog):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")

    with caplog.at_level(logging.WARNING, logger="zaozhuang_titles.text"):
        write_row(sheet, ["机械\x01设计", "张\u202e三", "a\x00b"], where="备案表 row 2, application 9")
    _content, sheet = _reload(workbook)

    assert [cell.value for cell in sheet[1]] == ["机械\ufffd设计", "张\ufffd三", "a\ufffdb"]
    assert len(caplog.records) == 3
    assert all("备案表 row 2, application 9" in record.getMessage() for record in caplog.records)


def test_safe_cell_sets_the_font():
    from openpyxl.styles import Font

    workbook = Workbook()
    cell = safe_cell(workbook.active, "姓名", font=Font(bold=True))

    assert cell.font.bold is True


@settings(max_examples=50, deadline=None)
@given(text=stored_text)
def test_write_row_never_writes_a_formula_and_always_saves(text):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    write_row(sheet, [text, "=" + text])

    _content, sheet = _reload(workbook)

    for cell, value in zip(sheet[1], [text, "=" + text], strict=True):
        assert cell.data_type == "s"
        assert cell.value == sanitize(value, where="test")


# The import reader.


COLUMNS = [("name", "姓名"), ("specialties", "评审专业")]


def workbook_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def read(upload, **kwargs):
    return read_rows(upload, columns=COLUMNS, required=["name"], max_rows=10, too_many="%(max)d", **kwargs)


def test_read_rows_reads_a_formula_as_the_text_typed():
    rows = read(workbook_bytes([["姓名", "评审专业"], ['=HYPERLINK("http://x"&C2,"核对")', "=1+1"]]))

    assert rows == [(2, {"name": '=HYPERLINK("http://x"&C2,"核对")', "specialties": "=1+1"})]


def test_read_rows_refuses_forbidden_characters_naming_row_column_and_position():
    upload = workbook_bytes([["姓名", "评审专业"], ["张三", "机械"], ["李\u202e四", "电\x85气"]])

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        read(upload)

    messages = caught.value.messages
    assert "Row 3, column 姓名: character 2 (U+202E, a text direction control)." in messages
    assert "Row 3, column 评审专业: character 2 (U+0085, a control character)." in messages


def test_read_rows_allows_line_breaks_only_in_multiline_columns():
    rows = [["姓名", "评审专业"], ["张三", "机械\n电气"]]

    assert read(workbook_bytes(rows), multiline=("specialties",))[0][1]["specialties"] == "机械\n电气"
    with pytest.raises(ValidationError):
        read(workbook_bytes(rows))


def test_read_rows_refuses_a_file_whose_xml_holds_a_c0_character():
    source = workbook_bytes([["姓名", "评审专业"], ["PLACEHOLDER", "机械"]]).getvalue()
    crafted = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(crafted, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            copy.writestr(item, data.replace(b"PLACEHOLDER", b"a&#1;b"))
    crafted.seek(0)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        read(crafted)

    assert "could not be read as an Excel workbook" in caught.value.messages[0]


@settings(max_examples=40, deadline=None)
@given(text=import_text)
def test_read_rows_returns_only_clean_text_or_refuses(text):
    try:
        rows = read(workbook_bytes([["姓名", "评审专业"], [text, text]]), multiline=("specialties",))
    except ValidationError:
        return
    for _number, raw in rows:
        assert forbidden_characters(raw["name"]) == []
        assert forbidden_characters(raw["specialties"], multiline=True) == []


# PDF text (the documents are printed from templates: zaozhuang_titles/documents.py).


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) reads the text back")
def test_pdf_keeps_markup_as_text_and_replaces_control_characters(caplog):
    with caplog.at_level(logging.WARNING, logger="zaozhuang_titles.text"):
        data = render_pdf("documents/demo_evidence.html", {"title": "<b>王</b> & 赵 <br/> &amp; 机械\x01设计\u202e"})

    text = subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "<b>王</b> & 赵 <br/> &amp;" in text
    assert re.search("机械.?设计", text)
    assert "\x01" not in text and "\u202e" not in text
    places = {record.getMessage().split(":")[0] for record in caplog.records}
    assert places == {"Replaced 4 forbidden character(s) in documents/demo_evidence.html"}  # title and heading
