"""PDFs embed a TrueType CJK font, carry their metadata and keep Chinese text extractable."""

import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFontFile

from zaozhuang_titles import pdf

pdftotext = shutil.which("pdftotext")


def letter(paragraphs=1, **kwargs):
    s = pdf.styles()
    flowables = [pdf.paragraph("举荐信", s["Title"])]
    flowables += [pdf.paragraph("兹举荐李四同志申报高级工程师 <b>&</b> 其他。\n第二行。") for _ in range(paragraphs)]
    flowables.append(pdf.table([["姓名", "得分", "备注"], ["张三", 92, None]], [40 * mm, 20 * mm, 60 * mm]))
    kwargs.setdefault("title", "举荐信")
    kwargs.setdefault("author", "枣庄市人社局")
    return pdf.build(flowables, invariant=True, **kwargs)


def page_count(data):
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def test_the_font_is_embedded_as_a_truetype_subset():
    data = letter()
    path, index = pdf.locate_font()
    font_name = TTFontFile(path, subfontIndex=index).name.decode()

    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+" + re.escape(font_name.encode()), data)
    assert page_count(data) == 1


def test_metadata_and_page_size():
    data = letter(title="举荐信 2024", author="枣庄市人社局")

    # Non-Latin metadata is written as UTF-16 with a byte-order mark.
    title = "举荐信 2024".encode("utf-16-be")
    assert b"/Title" in data
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    assert pdf_string(data, b"/Title") == b"\xfe\xff" + title
    assert pdf_string(data, b"/Author") == b"\xfe\xff" + "枣庄市人社局".encode("utf-16-be")


def pdf_string(data, key):
    """Decode the literal string after ``key`` (octal and backslash escapes)."""
    raw = re.search(re.escape(key) + rb" \((.*?)(?<!\\)\)", data, re.DOTALL).group(1)
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
            else:
                out += raw[i + 1 : i + 2]
                i += 2
        else:
            out += raw[i : i + 1]
            i += 1
    return bytes(out)


def test_invariant_builds_are_identical_and_long_text_flows_onto_more_pages():
    assert letter() == letter()
    assert page_count(letter(paragraphs=60)) >= 2


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) is not installed")
def test_chinese_text_is_extractable():
    result = subprocess.run([pdftotext, "-", "-"], input=letter(), capture_output=True, check=True)
    text = result.stdout.decode()

    assert "举荐信" in text
    assert "兹举荐李四同志申报高级工程师 <b>&</b> 其他。" in text  # escaped, not read as markup
    assert "张三" in text
    assert "92" in text


def test_a_configured_font_that_does_not_exist_is_refused(settings):
    settings.PDF_CJK_FONT = "/nonexistent/font.ttf"

    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-zenhei"):
        letter()
    [warning] = pdf.check_cjk_font()
    assert warning.id == "zaozhuang_titles.W001"
    assert "/nonexistent/font.ttf" in warning.msg


def test_no_font_on_the_machine_names_the_package(settings, monkeypatch):
    settings.PDF_CJK_FONT = ""
    monkeypatch.setattr(pdf, "DEFAULT_FONT_PATHS", (("/nonexistent/wqy-zenhei.ttc", 0),))

    with pytest.raises(ImproperlyConfigured, match=r"apt-get install fonts-wqy-zenhei"):
        pdf.styles()


def test_a_file_that_is_no_truetype_font_is_refused(settings, tmp_path):
    not_a_font = tmp_path / "NotoSansCJK.otf"
    not_a_font.write_bytes(b"OTTO" + b"\0" * 64)
    settings.PDF_CJK_FONT = str(not_a_font)

    with pytest.raises(ImproperlyConfigured, match="cannot be embedded"):
        letter()


def test_the_check_passes_where_the_font_is_installed():
    assert pdf.check_cjk_font() == []
