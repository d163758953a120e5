"""Helpers of the document tests: read a PDF back as text (pdftotext), save page 1 as PNG under
``test-artifacts/documents/`` (pdftoppm) for a visual check, and pass a PDF through pyHanko."""

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


def pdf_text(data, *, squeeze=True):
    """The PDF's text in reading order; ``squeeze`` drops all white space (table cells wrap anywhere)."""
    text = subprocess.run([pdftotext, "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", text) if squeeze else text


def snapshot(name, data):
    """Write ``data`` as ``<name>.pdf`` and page 1 as ``<name>.png`` under test-artifacts/documents/."""
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
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def embedded_fonts(data):
    """{base font name: font file key} of every font embedded in the PDF (its objects may sit in
    compressed object streams, so they are read with pikepdf)."""
    import io

    import pikepdf

    fonts = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        fonts[str(obj.FontName)[1:]] = key
    return fonts
