"""Evidence files: recognised by content, polyglots and active PDFs refused, stored and sent back safely."""

import hashlib
import io
import re

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tests.applications import hostile_files
from zaozhuang_titles import uploads as evidence
from zaozhuang_titles.uploads import (
    MIB,
    check_total,
    clean_name,
    file_response,
    format_mb,
    inspect_upload,
    store_upload,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """The messages are compared in English (they moved here from the applications tests, which read
    them in English)."""
    with translation.override("en"):
        yield


def _image(fmt, size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def png_bytes():
    return _image("PNG")


@pytest.fixture
def jpeg_bytes():
    return _image("JPEG")


@pytest.fixture
def pdf_bytes(jpeg_bytes):
    """A real PDF from ReportLab: compressed page content and an embedded JPEG image."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 720, "Patent certificate ZL201510958772.0")
    pdf.drawImage(ImageReader(io.BytesIO(jpeg_bytes)), 72, 600, width=80, height=60)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _raw_pdf(catalog, *objects):
    """A hand-written PDF: the catalogue (object 1, which must point /Pages at 2 0 R), a page tree of one
    page (objects 2 and 3), then ``objects`` numbered from 4. No cross-reference table: qpdf rebuilds it."""
    pages = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    body = b"%PDF-1.7\n"
    for number, content in enumerate((catalog, *pages, *objects), start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _refusal(content, name, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(_upload(content, name), **kwargs)
    return excinfo.value.code, excinfo.value.messages[0]


# --- Accepted files --------------------------------------------------------------------------------


def test_inspect_upload_accepts_reportlab_pdf(pdf_bytes):
    inspected = inspect_upload(_upload(pdf_bytes, "专利证书.pdf"))
    assert inspected == evidence.InspectedFile(
        content_type="application/pdf",
        extension="pdf",
        size=len(pdf_bytes),
        sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        original_name="专利证书.pdf",
    )


def test_inspect_upload_accepts_png(png_bytes):
    inspected = inspect_upload(_upload(png_bytes, "certificate.PNG"))
    assert (inspected.content_type, inspected.extension, inspected.size) == ("image/png", "png", len(png_bytes))


def test_inspect_upload_accepts_jpeg_with_any_jpeg_extension(jpeg_bytes):
    for name in ("photo.jpg", "photo.jpeg", "photo.JPE"):
        assert inspect_upload(_upload(jpeg_bytes, name)).content_type == "image/jpeg"


def test_inspect_upload_accepts_name_without_extension(png_bytes):
    inspected = inspect_upload(_upload(png_bytes, "扫描件"))
    assert (inspected.extension, inspected.original_name) == ("png", "扫描件")


def test_inspect_upload_accepts_progressive_jpeg_with_restart_markers():
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, "JPEG", progressive=True, quality=95)
    inspected = inspect_upload(_upload(buffer.getvalue(), "noise.jpg"))
    assert inspected.size == len(buffer.getvalue())


def test_inspect_upload_tolerates_a_few_padding_bytes_after_png(png_bytes):
    assert inspect_upload(_upload(png_bytes + b"\0" * 16, "padded.png")).extension == "png"


def test_inspect_upload_reads_temporary_file_in_chunks(pdf_bytes):
    # Pad the PDF past several 64 KiB chunks with a comment so the scan crosses chunk boundaries.
    content = pdf_bytes.replace(b"%%EOF", b"%" + b"a" * 300_000 + b"\n%%EOF")
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.flush()
    try:
        inspected = inspect_upload(upload)
    finally:
        upload.close()
    assert (inspected.size, inspected.sha256) == (len(content), hashlib.sha256(content).hexdigest())


# --- Type by content -------------------------------------------------------------------------------


def test_inspect_upload_refuses_html_renamed_pdf():
    code, message = _refusal(b"<!DOCTYPE html><html><body>hi</body></html>", "certificate.pdf")
    assert code == "evidence_type"
    assert message == "certificate.pdf claims to be a PDF file but its content is HTML (a web page)."


def test_inspect_upload_refuses_zip_renamed_png():
    code, message = _refusal(b"PK\x03\x04" + b"\0" * 100, "scan.png")
    assert code == "evidence_type"
    assert message.startswith("scan.png claims to be a PNG image but its content is a ZIP archive")


def test_inspect_upload_refuses_exe_renamed_jpg():
    code, message = _refusal(b"MZ\x90\x00" + b"\0" * 100, "photo.jpg")
    assert code == "evidence_type"
    assert message == "photo.jpg claims to be a JPEG image but its content is a Windows program (EXE)."


def test_inspect_upload_refuses_docx_saying_what_it_is():
    code, message = _refusal(b"PK\x03\x04" + b"\0" * 100, "业绩.docx")
    assert code == "evidence_type"
    assert message.startswith("业绩.docx is not a PDF, JPEG or PNG file; its content is a ZIP archive")


def test_inspect_upload_refuses_unknown_content():
    code, message = _refusal(b"just some text", "notes.txt")
    assert code == "evidence_type"
    assert (
        message == "notes.txt is not a PDF, JPEG or PNG file; its content is of a type this portal does not recognise."
    )


def test_inspect_upload_refuses_heic_photo():
    code, message = _refusal(b"\0\0\0\x18ftypheic" + b"\0" * 50, "IMG_0001.HEIC")
    assert code == "evidence_type"
    assert "an HEIC photo" in message


def test_inspect_upload_refuses_svg_renamed_png():
    code, message = _refusal(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png")
    assert code == "evidence_type"
    assert "an SVG image" in message


def test_inspect_upload_refuses_extension_of_another_accepted_type(png_bytes):
    code, message = _refusal(png_bytes, "photo.jpg")
    assert code == "evidence_extension"
    assert message == ("photo.jpg claims to be a JPEG image but its content is a PNG image; rename it to end in .png.")


def test_inspect_upload_refuses_other_extension(pdf_bytes):
    code, message = _refusal(pdf_bytes, "certificate.html")
    assert code == "evidence_extension"
    assert message == "certificate.html ends in .html but its content is a PDF file; rename it to end in .pdf."


# --- Size ------------------------------------------------------------------------------------------


def test_inspect_upload_refuses_empty_file():
    assert _refusal(b"", "empty.pdf") == ("evidence_empty", "empty.pdf is empty.")


def test_inspect_upload_refuses_file_over_max_bytes(pdf_bytes):
    code, message = _refusal(pdf_bytes, "big.pdf", max_bytes=len(pdf_bytes) - 1)
    assert code == "evidence_too_large"
    assert message.startswith("big.pdf is ")
    assert "a single file may be at most" in message


def test_inspect_upload_accepts_file_of_exactly_max_bytes(pdf_bytes):
    assert inspect_upload(_upload(pdf_bytes, "a.pdf"), max_bytes=len(pdf_bytes)).size == len(pdf_bytes)


def test_inspect_upload_refuses_file_over_settings_limit_in_mb(pdf_bytes):
    content = pdf_bytes.replace(b"%%EOF", b"%" + b"a" * (MIB + MIB // 2) + b"\n%%EOF")
    with override_settings(EVIDENCE_MAX_FILE_BYTES=MIB):
        code, message = _refusal(content, "scan.pdf")
    assert code == "evidence_too_large"
    size = format_mb(len(content), round_up=True)
    assert message == f"scan.pdf is {size} MB; a single file may be at most 1 MB."


def test_inspect_upload_counts_bytes_read_not_declared_size(pdf_bytes):
    upload = _upload(pdf_bytes, "lying.pdf")
    upload.size = 10
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload, max_bytes=100)
    assert excinfo.value.code == "evidence_too_large"


def test_settings_default_limits():
    from django.conf import settings

    assert (settings.EVIDENCE_MAX_FILE_BYTES, settings.EVIDENCE_MAX_TOTAL_BYTES) == (20 * MIB, 100 * MIB)


@pytest.mark.parametrize(
    ("size", "round_up", "text"),
    [(20 * MIB, False, "20"), (20 * MIB + 1, True, "20.01"), (MIB // 2, False, "0.5"), (1, True, "0.01")],
)
def test_format_mb(size, round_up, text):
    assert format_mb(size, round_up=round_up) == text


def test_check_total_allows_up_to_the_limit():
    check_total(60 * MIB, 40 * MIB)


def test_check_total_refuses_over_the_limit_saying_the_numbers():
    with pytest.raises(ValidationError) as excinfo:
        check_total(90 * MIB, 15 * MIB)
    assert excinfo.value.code == "evidence_total"
    assert excinfo.value.messages[0] == (
        "This file (15 MB) would bring the evidence of this application to 105 MB (90 MB already uploaded); "
        "the limit is 100 MB. Remove or shrink other files first."
    )


@override_settings(EVIDENCE_MAX_TOTAL_BYTES=10 * MIB)
def test_check_total_reads_settings():
    with pytest.raises(ValidationError):
        check_total(9 * MIB, 2 * MIB)


# --- Polyglots and damaged files -------------------------------------------------------------------


def test_inspect_upload_refuses_html_behind_png_magic():
    content = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    code, message = _refusal(content, "photo.png")
    assert code == "evidence_polyglot"
    assert message.startswith("photo.png contains web page code (<html)")


def test_inspect_upload_refuses_jpeg_with_html_after_end_marker(jpeg_bytes):
    code, message = _refusal(jpeg_bytes + b"<SCRIPT>alert(1)</SCRIPT>", "photo.jpg")
    assert code == "evidence_polyglot"
    assert "(<script)" in message


def test_inspect_upload_refuses_jpeg_with_archive_after_end_marker(jpeg_bytes):
    # The fake end marker at the very end must not fool the walk, which stops at the first real one.
    code, message = _refusal(jpeg_bytes + b"PK\x03\x04" + b"\1" * 200 + b"\xff\xd9", "photo.jpg")
    assert code == "evidence_polyglot"
    assert message.startswith("photo.jpg has 206 bytes of other data after the end of the image")


def test_inspect_upload_refuses_png_with_data_after_iend(png_bytes):
    code, _message = _refusal(png_bytes + b"\1" * 100, "scan.png")
    assert code == "evidence_polyglot"


def test_inspect_upload_finds_markup_across_chunk_boundary(pdf_bytes):
    # "<iframe " straddles the 64 KiB boundary between two chunks of a temporary upload.
    prefix = pdf_bytes.split(b"%%EOF")[0]
    padding = b"%" + b"a" * (evidence.CHUNK_BYTES - len(prefix) - 4)
    content = prefix + padding + b"<iframe src=x>\n%%EOF\n"
    assert content.index(b"<iframe") < evidence.CHUNK_BYTES < content.index(b"<iframe") + 7
    upload = TemporaryUploadedFile("x.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.flush()
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload)
    upload.close()
    assert excinfo.value.code == "evidence_polyglot"


def test_inspect_upload_does_not_read_svg_in_random_bytes_without_tag_end(png_bytes):
    # "<svg" followed by a byte that cannot end a tag name is no markup.
    assert evidence._ACTIVE_MARKUP.search(b"\x00<svgq\x01") is None
    assert evidence._ACTIVE_MARKUP.search(b"\x00<svg\n") is not None


@pytest.mark.parametrize(
    ("tail", "found"),
    [
        (b"PK\x05\x06" + b"\0" * 18, True),  # an empty archive: nothing but the end record
        (b"PK\x05\x06" + b"\1" * 18, False),  # on disk 257: no reader takes it
        (b"PK\x05\x06" + b"\0" * 16 + b"\x09\x00" + b"comment", False),  # comment runs past the end
        (b"PK\x05\x06" + b"\0" * 18 + b"PK\x05\x06\x01", True),  # a bad record after a good one
        (b"%PDF-1.7 no archive", False),
    ],
)
def test_has_zip_end(tail, found):
    assert evidence._has_zip_end(tail, len(tail) + 1000) is found


def test_inspect_upload_refuses_truncated_png(png_bytes):
    assert _refusal(png_bytes[:-20], "scan.png")[0] == "evidence_damaged"


def test_inspect_upload_refuses_png_with_bad_checksum(png_bytes):
    broken = bytearray(png_bytes)
    broken[20] ^= 0xFF  # inside the IHDR chunk, whose CRC no longer matches
    code, message = _refusal(bytes(broken), "scan.png")
    assert code == "evidence_damaged"
    assert message == "scan.png is damaged: the image cannot be read to its end. Save or export it again."


def test_inspect_upload_refuses_truncated_jpeg(jpeg_bytes):
    assert _refusal(jpeg_bytes[: len(jpeg_bytes) // 2], "photo.jpg")[0] == "evidence_damaged"


def test_inspect_upload_refuses_image_over_pixel_limit(monkeypatch, png_bytes):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # the image has 1200 pixels
    code, message = _refusal(png_bytes, "huge.png")
    assert code == "evidence_image_too_large"
    assert "(40 × 30, at most 0 million)" in message


def test_inspect_upload_refuses_decompression_bomb(monkeypatch, png_bytes):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # over twice the limit: Pillow refuses to open
    assert _refusal(png_bytes, "bomb.png")[0] == "evidence_image_too_large"


# --- PDF structure and active content --------------------------------------------------------------


def test_inspect_upload_refuses_pdf_not_starting_with_header(pdf_bytes):
    code, message = _refusal(b"\n\n" + pdf_bytes, "scan.pdf")
    assert code == "evidence_pdf_header"
    assert message.startswith("scan.pdf does not start with %PDF-")


def test_inspect_upload_refuses_pdf_without_eof(pdf_bytes):
    code, message = _refusal(pdf_bytes.split(b"%%EOF")[0], "scan.pdf")
    assert code == "evidence_pdf_truncated"
    assert "ends with %%EOF" in message


def test_inspect_upload_refuses_pdf_with_eof_far_from_end(pdf_bytes):
    assert _refusal(pdf_bytes + b"\0" * 2000, "scan.pdf")[0] == "evidence_pdf_truncated"


def test_inspect_upload_accepts_plain_hand_written_pdf():
    content = _raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /PageMode /UseNone >>")
    assert inspect_upload(_upload(content, "plain.pdf")).extension == "pdf"


def test_inspect_upload_accepts_pdf_with_a_word_like_javascript_in_its_text():
    # Words on the page are not names of the document: only the structure is read.
    content = hostile_files.pdf(text=b"BT /F1 12 Tf 72 720 Td (/JavaScript /JS /Launch /EmbeddedFile) Tj ET")
    assert inspect_upload(_upload(content, "manual.pdf")).extension == "pdf"


OPENS_4 = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
HOLDS_4 = b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>"


@pytest.mark.parametrize(
    ("objects", "what"),
    [
        (
            (OPENS_4, b"<< /S /JavaScript /JS (app.alert(1)) >>"),
            "JavaScript",
        ),
        ((OPENS_4, b"<< /S /J#61vaScript /J#53 (x) >>"), "JavaScript"),
        ((b"<< /Type /Catalog /Pages 2 0 R /AA << /O << /JS (x) >> >> >>",), "JavaScript"),
        (
            (OPENS_4, b"<< /S /Launch /F (calc.exe) >>"),
            "an action that starts a program",
        ),
        (
            (b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>", b"<< /Names [] >>"),
            "an attached file",
        ),
        (
            (HOLDS_4, b"<< /Type /Filespec /EF << /F 5 0 R >> >>", b"<< >>"),
            "an attached file",
        ),
        (
            (
                HOLDS_4,
                b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream",
            ),
            "an attached file",
        ),
    ],
)
def test_inspect_upload_refuses_pdf_with_active_content(objects, what):
    code, message = _refusal(_raw_pdf(*objects), "letter.pdf")
    assert code == "evidence_pdf_active"
    assert message.startswith(f"letter.pdf contains {what}; active content is not allowed in evidence.")


def test_inspect_upload_refuses_javascript_inside_compressed_object_stream():
    content = hostile_files.pdf(
        lambda document, _page: setattr(
            document.Root, "OpenAction", hostile_files.action(document, "JavaScript", JS=pikepdf.String("app.alert(1)"))
        )
    )
    assert b"JavaScript" not in content and b"/ObjStm" in content
    assert _refusal(content, "letter.pdf")[0] == "evidence_pdf_active"


def test_inspect_upload_refuses_object_stream_the_cross_reference_does_not_use():
    content = _raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length 4 >>\nstream\n3C3C>\nendstream",
    )
    assert _refusal(content, "letter.pdf")[0] == "evidence_pdf_unreadable"


def test_inspect_upload_refuses_javascript_in_a_temporary_file_past_the_first_chunk():
    prefix = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S "
    padding = b" " * (evidence.CHUNK_BYTES - len(prefix) - 5)
    content = _raw_pdf(b"").replace(b"1 0 obj\n\nendobj\n", b"")
    content = prefix + padding + b"/JavaScript /JS (x) >> >>\nendobj\n" + content.removeprefix(b"%PDF-1.7\n")
    upload = TemporaryUploadedFile("x.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.flush()
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload)
    upload.close()
    assert excinfo.value.code == "evidence_pdf_active"


def test_inspect_upload_refuses_pdf_qpdf_cannot_read():
    code, message = _refusal(b"%PDF-1.4\nnothing here\n%%EOF\n", "scan.pdf")
    assert code == "evidence_pdf_damaged"
    assert message == "scan.pdf is damaged: its PDF structure cannot be read. Save or print it to PDF again."


def test_inspect_upload_does_not_decode_image_streams():
    # An image whose Flate data is garbage (or a bomb) costs nothing: image data is never inflated.
    def broken_image(document, page):
        page.Resources.XObject = pikepdf.Dictionary(
            Im1=document.make_stream(
                b"\x01\x02not flate at all",
                Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Image,
                Width=1,
                Height=1,
                ColorSpace=pikepdf.Name.DeviceGray,
                BitsPerComponent=8,
                Filter=pikepdf.Name.FlateDecode,
            )
        )

    content = hostile_files.pdf(broken_image, packed=False)
    assert inspect_upload(_upload(content, "scan.pdf")).extension == "pdf"


def test_pdf_scan_stops_at_inflate_budget():
    content = hostile_files.object_stream_bomb()
    with pikepdf.open(io.BytesIO(content)) as pdf:
        evidence._pdf_scan(pdf, budget=20 * MIB)
        with pytest.raises(evidence._PdfUnreadable):
            evidence._pdf_scan(pdf, budget=MIB)


@pytest.mark.parametrize(
    ("chunks", "twice"),
    [
        ([b"1 0 obj << >> endobj 2 0 obj << >> endobj"], False),
        ([b"1 0 obj << >> endobj 1 0 obj << >> endobj"], True),
        ([b"1 0 obj << >> endobj 1 1 obj << >> endobj"], False),
        ([b"4 0 obj\r\n<<>>\nendobj\n" + b" " * 100 + b"4", b" 0 obj <<>>"], True),
        ([b"4 0 obj <<>> endobj " + b" " * 100 + b"1", b"4 0 obj <<>>"], False),
        ([b"7 0 obj <<>> 7 0 object"], False),
    ],
)
def test_pdf_defines_an_object_twice_across_chunks(chunks, twice):
    assert evidence._pdf_defines_an_object_twice(iter(chunks)) is twice


@pytest.mark.parametrize(
    ("filters", "bounded"),
    [
        (None, True),
        (pikepdf.Name.FlateDecode, True),
        (pikepdf.Array([pikepdf.Name.ASCIIHexDecode, pikepdf.Name.FlateDecode]), True),
        (pikepdf.Name.LZWDecode, False),
        (pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.LZWDecode]), False),
        (pikepdf.Name.DCTDecode, False),
    ],
)
def test_object_stream_filters_bounded(filters, bounded):
    document = pikepdf.Pdf.new()
    stream = document.make_stream(b"")
    if filters is not None:
        stream.Filter = filters
    assert evidence._object_stream_filters_bounded(stream) is bounded


def test_pdf_scan_refuses_more_objects_than_the_limit(monkeypatch, pdf_bytes):
    monkeypatch.setattr(evidence, "PDF_MAX_OBJECTS", 3)
    assert _refusal(pdf_bytes, "many.pdf")[0] == "evidence_pdf_unreadable"


def test_qpdf_stream_limit_is_set_when_the_app_starts():
    assert pikepdf.settings.get_qpdf_limits()["flate_max_memory"] == evidence.pdf_inflate_budget()


def test_qpdf_refuses_a_stream_over_its_limit_while_opening():
    content = hostile_files.object_stream_bomb()
    previous = pikepdf.settings.set_qpdf_limits(flate_max_memory=MIB)
    try:
        code, _message = _refusal(content, "bomb.pdf")
    finally:
        pikepdf.settings.set_qpdf_limits(**previous)
    assert code == "evidence_pdf_damaged"


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        (b"https://rst.zaozhuang.gov.cn/a?b=1", True),
        (b"HTTP://example.cn", True),
        (b"mailto:hr@example.cn", True),
        (b"page2.html#top", True),
        (b"javascript:alert(1)", False),
        (b" \x01JavaScript:alert(1)", False),
        (b"java\tscr\nipt:alert(1)", False),
        (b"file:///C:/Windows/calc.exe", False),
        (b"data:text/html,<script>", False),
        (b"\\\\server\\share\\x.exe", True),
    ],
)
def test_uri_allowed(uri, allowed):
    assert evidence._uri_allowed(uri) is allowed


# --- Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\张三\\Desktop\\证书.pdf", "证书.pdf"),
        ("../../etc/passwd", "passwd"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("  two\t\nlines .pdf ", "two lines .pdf"),
        (".hidden.png", "hidden.png"),
        ("", "unnamed"),
        (None, "unnamed"),
    ],
)
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean


def test_clean_name_shortens_to_200_characters_keeping_the_extension():
    cleaned = clean_name("职" * 300 + ".pdf")
    assert (len(cleaned), cleaned[-5:]) == (200, "职.pdf")


def test_inspect_upload_sanitises_original_name(png_bytes):
    inspected = inspect_upload(_upload(png_bytes, "a" * 250 + ".png"))
    assert len(inspected.original_name) == 200


# --- Storage and download --------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path, db):
    # ``db``: closing a response sends request_finished, which checks the database connection.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_store_upload_uses_random_name_under_year_and_month(media_root, pdf_bytes):
    upload = _upload(pdf_bytes, "张三的证书.pdf")
    inspected = inspect_upload(upload)
    first = store_upload(upload, inspected)
    second = store_upload(upload, inspected)
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
    assert first != second
    assert "张三" not in first
    assert (media_root / first).read_bytes() == pdf_bytes


def test_store_upload_uses_detected_extension_not_the_name(media_root, png_bytes):
    upload = _upload(png_bytes, "scan")
    name = store_upload(upload, inspect_upload(upload))
    assert name.endswith(".png")


def _stored(content, extension):
    return default_storage.save(f"evidence/2026/01/test.{extension}", io.BytesIO(content))


def test_file_response_sends_attachment_with_safe_headers(media_root, pdf_bytes):
    name = _stored(pdf_bytes, "pdf")
    response = file_response(name, download_name="职称证书.pdf", content_type="application/pdf")
    try:
        assert (
            response["Content-Disposition"] == "attachment; filename*=utf-8''%E8%81%8C%E7%A7%B0%E8%AF%81%E4%B9%A6.pdf"
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == pdf_bytes
    finally:
        response.close()


def test_file_response_inline_for_pdf(media_root, pdf_bytes):
    name = _stored(pdf_bytes, "pdf")
    response = file_response(name, download_name="letter.pdf", content_type="application/pdf", inline=True)
    response.close()
    assert response["Content-Disposition"] == 'inline; filename="letter.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"


def test_file_response_never_inline_for_other_types(media_root):
    name = _stored(b"<html>", "pdf")
    response = file_response(name, download_name="x.html", content_type="text/html", inline=True)
    response.close()
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="x.html"'


def test_file_response_adds_extension_and_cleans_name(media_root, png_bytes):
    name = _stored(png_bytes, "png")
    response = file_response(name, download_name='..\\evil"\r\nname', content_type="image/png")
    response.close()
    assert response["Content-Disposition"] == 'attachment; filename="evil\\" name.png"'


def test_file_response_through_csp_middleware_keeps_sandbox(media_root, pdf_bytes):
    # The portal's CSP middleware must not replace the sandbox policy of an evidence download.
    from csp.middleware import CSPMiddleware
    from django.http import HttpRequest

    name = _stored(pdf_bytes, "pdf")
    response = file_response(name, download_name="a.pdf", content_type="application/pdf")
    request = HttpRequest()
    request.path_info = "/evidence/1/"
    middleware = CSPMiddleware(lambda req: response)
    middleware.process_request(request)
    response = middleware.process_response(request, response)
    response.close()
    assert response["Content-Security-Policy"] == "sandbox"
