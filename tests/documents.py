"""Helpers of the document tests: read a PDF back as text (pdftotext), save page 1 as PNG under
``test-artifacts/documents/`` (pdftoppm) for a visual check, and pass a PDF through pyHanko.

The stand-in printer: WeasyPrint takes about half a second a document, and most tests that make one
(closing a vote, issuing certificates, nominating) test the workflow around it, not the paper. In the
directories whose ``conftest.py`` says so, ``zaozhuang_titles.documents.html_to_pdf`` is replaced by
``stand_in_pdf``: the template is still rendered and sanitised (a missing variable or a broken tag still
fails), and the PDF is a real one-page PDF (it is signed, stored, hashed and checked on upload like the
real one) that carries the SHA-256 of the HTML instead of the laid-out page. A test that reads the paper
(its text, images, fonts, size or look) is marked ``@pytest.mark.real_documents`` and gets WeasyPrint;
the readers below refuse a stand-in, so a test that forgot the mark fails instead of passing vacuously.
"""

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "documents"
pdftotext = shutil.which("pdftotext")
pdftoppm = shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    pdftotext is None or pdftoppm is None, reason="poppler-utils (pdftotext, pdftoppm) reads the PDFs back"
)


#: What the stand-in's document information says; the readers look for it.
STAND_IN_PRODUCER = "zaozhuang-titles test stand-in printer"


def stand_in_pdf(html):
    """A one-page A4 PDF standing for the document printed from ``html`` (see the module docstring):
    deterministic, distinct for distinct HTML, with an uncompressed content stream to flip bytes in."""
    import pikepdf

    digest = hashlib.sha256(html.encode()).hexdigest()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    content = f"% stand-in for HTML {digest}\n% {'.' * 64}\nq Q\n".encode()
    pdf.pages[0].Contents = pdf.make_stream(content)
    pdf.docinfo["/Producer"] = STAND_IN_PRODUCER
    pdf.docinfo["/Subject"] = digest
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def use_stand_in_printer(request, monkeypatch):
    """Swap in ``stand_in_pdf`` unless the test is marked ``real_documents`` (or is a browser test)."""
    if request.node.get_closest_marker("real_documents") or request.node.get_closest_marker("e2e"):
        return
    monkeypatch.setattr("zaozhuang_titles.documents.html_to_pdf", stand_in_pdf)


def _real(data):
    if STAND_IN_PRODUCER.encode() in data:
        raise AssertionError(
            "this test reads a printed document but got the stand-in printer's PDF: mark it "
            "@pytest.mark.real_documents (tests/documents.py)"
        )
    return data


def pdf_text(data, *, squeeze=True):
    """The PDF's text in reading order; ``squeeze`` drops all white space (table cells wrap anywhere)."""
    _real(data)
    text = subprocess.run([pdftotext, "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", text) if squeeze else text


def snapshot(name, data):
    """Write ``data`` as ``<name>.pdf`` and page 1 as ``<name>.png`` under test-artifacts/documents/."""
    _real(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    subprocess.run(
        [pdftoppm, "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", "-", str(ARTIFACTS / name)],
        input=data,
        check=True,
        capture_output=True,
    )
    return ARTIFACTS / f"{name}.png"


def page_count(data):
    _real(data)
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def embedded_fonts(data):
    """{base font name: font file key} of every font embedded in the PDF (its objects may sit in
    compressed object streams, so they are read with pikepdf)."""
    import pikepdf

    _real(data)
    fonts = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        fonts[str(obj.FontName)[1:]] = key
    return fonts
