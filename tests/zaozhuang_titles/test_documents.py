"""The documents' printer (zaozhuang_titles/documents.py): WeasyPrint with the OpenType CJK font, A4, the
metadata of the template, the same bytes for the same input, stored text kept as text, and no resource
fetched from anywhere but our static files and data: URIs."""

import io
import socket
import urllib.request

import pikepdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from weasyprint import HTML

from tests.documents import embedded_fonts, needs_poppler, pdf_text
from tests.strategies_text import stored_text
from zaozhuang_titles import documents
from zaozhuang_titles.documents import document_number, render_pdf, url_fetcher


def evidence(title="举荐信"):
    return render_pdf("documents/demo_evidence.html", {"title": title})


def test_the_opentype_cjk_font_is_embedded_as_a_subset_on_a4_with_the_template_metadata():
    data = evidence("举荐信 2026")

    fonts = embedded_fonts(data)
    assert set(fonts.values()) == {"/FontFile3"} and all("+Noto-Serif-CJK-SC" in name for name in fonts)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo["/Title"]) == "举荐信 2026"
        assert str(pdf.docinfo["/Author"]) == "枣庄市人力资源和社会保障局"
        width, height = (float(value) for value in pdf.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in mm


def test_the_same_input_prints_the_same_bytes():
    assert evidence() == evidence()


@needs_poppler
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=stored_text)
def test_any_stored_text_is_printed_as_text(text):
    data = evidence(text)

    extracted = pdf_text(data, squeeze=False)
    assert "\x01" not in extracted and "\u202e" not in extracted
    if text.strip() and "<" in text:
        assert "<" in extracted  # markup stays characters


def test_the_fetcher_serves_data_uris_and_our_static_files_only(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a document tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetcher = url_fetcher()
    stylesheet = documents.static_root() / documents.STYLESHEET

    assert fetcher.fetch(stylesheet.as_uri()).read().startswith(b"/* Print styles")
    assert fetcher.fetch("data:text/plain;base64,5Lit").read() == "中".encode()
    for refused in (
        "http://203.0.113.1/logo.png",
        "https://example.cn/x.css",
        "ftp://203.0.113.1/x",
        "file:///etc/passwd",
        (documents.static_root() / ".." / "manage.py").resolve().as_uri(),
        "file://203.0.113.1/share/x.png",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(refused)


def test_a_document_naming_a_remote_image_is_printed_without_opening_a_connection(monkeypatch, caplog):
    def no_socket(*args, **kwargs):
        raise AssertionError("a document opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_socket)
    monkeypatch.setattr(socket.socket, "connect", no_socket)
    html = '<p>证书</p><img src="http://203.0.113.1/seal.png"><link rel="stylesheet" href="https://example.cn/x.css">'

    data = HTML(string=html, url_fetcher=url_fetcher()).write_pdf()

    assert data.startswith(b"%PDF-")
    assert "Document resource refused" in caplog.text


def test_document_numbers_name_the_kind_year_and_serial():
    assert document_number("notice", 2026, 12) == "枣人社职评公〔2026〕12号"
    assert document_number("record", 2026, 3) == "枣人社职评纪〔2026〕3号"


def test_the_check_passes_here_and_names_the_packages_that_are_missing(monkeypatch):
    assert documents.check_documents() == []

    monkeypatch.setattr(documents.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(documents, "cjk_fonts", lambda: {"DejaVu Sans"})
    warnings = documents.check_documents()

    assert [warning.id for warning in warnings] == ["zaozhuang_titles.W001"] * 2
    assert "libpango-1.0-0 libpangoft2-1.0-0" in warnings[0].msg
    assert "fonts-noto-cjk" in warnings[1].msg


def test_missing_pango_is_said_when_printing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def without_pango(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(documents, "_cache", {})
    monkeypatch.setattr(builtins, "__import__", without_pango)
    with pytest.raises(ImproperlyConfigured, match=r"apt-get install libpango-1\.0-0 libpangoft2-1\.0-0"):
        evidence()
