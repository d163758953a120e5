"""The text of a PDF read with pikepdf alone: ToUnicode maps (1- and 2-byte codes, bfchar and both
forms of bfrange), Chinese phrases kept whole across line breaks, and nothing but "" from what cannot
be read."""

import io
import shutil
import subprocess

import pikepdf
import pytest

from library.extraction import parse_cmap, pdf_text, tidy
from zaozhuang_titles.documents import render_pdf

TWO_BYTE_CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar
<0003> <0020>
<0010> <804C>
endbfchar
2 beginbfrange
<0020> <0022> <7533>
<0030> <0031> [<6307> <5357>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end
"""


def test_parse_cmap_reads_codespace_bfchar_and_both_forms_of_bfrange():
    mapping, lengths = parse_cmap(TWO_BYTE_CMAP)

    assert lengths == {2}
    assert mapping[b"\x00\x03"] == " "
    assert mapping[b"\x00\x10"] == "职"
    # A range whose destination counts up: 申 甴 电.
    assert [mapping[bytes([0, code])] for code in (0x20, 0x21, 0x22)] == ["申", "甴", "电"]
    # A range with one destination per code.
    assert mapping[b"\x00\x30"] + mapping[b"\x00\x31"] == "指南"


def test_parse_cmap_ignores_a_huge_range():
    mapping, _lengths = parse_cmap(
        b"begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange <00000000> <7FFFFFFF> <0041> endbfrange"
    )

    assert mapping == {}


def _type0_pdf(codes, cmap=TWO_BYTE_CMAP):
    """A one-page PDF whose text is shown with a 2-byte CID font (Identity-H) and a ToUnicode map, as
    Word and WPS write Chinese."""
    document = pikepdf.new()
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/SimSun"),
        Encoding=pikepdf.Name("/Identity-H"),
        ToUnicode=document.make_stream(cmap),
    )
    page = document.add_blank_page()
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=document.make_indirect(font)))
    content = b"BT /F1 12 Tf 72 720 Td <" + codes.encode() + b"> Tj 0 -20 Td [<0020> -300 <0030>] TJ ET"
    page.obj.Contents = document.make_stream(content)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def test_pdf_text_decodes_two_byte_cid_fonts_through_to_unicode():
    # The line break and the kerning gap fall between Chinese characters: dropped, so phrases stay whole.
    assert pdf_text(_type0_pdf("00100020003000310003")) == "职申指南申指"


def test_pdf_text_without_a_map_gives_nothing_for_cid_fonts():
    assert pdf_text(_type0_pdf("00100020", cmap=b"")) == ""


def test_pdf_text_of_a_printed_document_keeps_chinese_phrases_whole_across_lines():
    phrase = "专精特新中小企业和制造业单项冠军企业职称申报评审专项行动"
    data = render_pdf(
        "documents/demo_text.html", {"title": "指南", "lines": ["枣庄市职称评审申报指南（2022年版）", phrase * 4]}
    )

    text = pdf_text(io.BytesIO(data))

    assert "枣庄市职称评审申报指南（2022年版）" in text
    assert phrase * 4 in text  # wrapped over several lines, read back as one run


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (only a cross-check)")
def test_pdf_text_agrees_with_poppler(tmp_path):
    """poppler's pdftotext is a test-time reference only, never a runtime need."""
    words = ["山东省专业技术人员管理服务平台", "继续教育学时认定", "Zaozhuang 2022"]
    data = render_pdf("documents/demo_text.html", {"title": "对照", "lines": words})
    path = tmp_path / "reference.pdf"
    path.write_bytes(data)
    reference = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout

    ours = pdf_text(io.BytesIO(data))

    for word in words:
        assert word in reference
        assert word in ours


def test_pdf_text_of_a_damaged_file_is_empty():
    assert pdf_text(io.BytesIO(b"%PDF-1.4\nnot really a pdf\n%%EOF\n")) == ""


def test_tidy_drops_control_characters_and_blank_runs():
    assert tidy("申报\x07指南\n\n  Hello \t World \n枣庄\n市") == "申报指南\nHello World\n枣庄市"
