"""PDF documents with Chinese text: the nomination letter (举荐信), meeting records, certificates.

ReportLab embeds TrueType outlines only; it cannot embed OpenType/CFF fonts such as Noto CJK. The
portal therefore embeds (as a subset) a TrueType CJK font from Debian: by default WenQuanYi Zen Hei
(``apt-get install fonts-wqy-zenhei``), which covers GB 18030's common and rare hanzi as well as Latin
letters and digits. ``PDF_CJK_FONT`` names another .ttf/.ttc file, and ``PDF_CJK_FONT_INDEX`` the font
inside a .ttc collection. The font is looked for when the first PDF is built and by a system check
(``zaozhuang_titles.W001``), so a machine without it is told which package to install.

The builder is small on purpose::

    from zaozhuang_titles import pdf

    s = pdf.styles()
    data = pdf.build(
        [pdf.paragraph("举荐信", s["Title"]), pdf.paragraph(user_text), pdf.table(rows, [40 * mm, 120 * mm])],
        title="举荐信",
        author="枣庄市人社局",
    )

``paragraph`` escapes its text (user input may contain ``<`` or ``&``) and replaces control characters
and text direction controls already in the database with U+FFFD, logging where
(``zaozhuang_titles.text.sanitize``); build Paragraph objects yourself only for trusted markup.
"""

import os
import sys
import threading
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from zaozhuang_titles.text import sanitize

#: The Debian package that provides the default font.
FONT_PACKAGE = "fonts-wqy-zenhei"
#: Where Debian puts TrueType CJK fonts, best first: (path, font index inside a .ttc).
#: DroidSansFallback is left out on purpose: it has no Latin letters or digits.
DEFAULT_FONT_PATHS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
#: The name under which the CJK font is registered with ReportLab.
FONT_NAME = "PortalCJK"

_lock = threading.Lock()
_registered = {}  # (path, index) -> registered ReportLab font name


def locate_font(configured=None, index=0):
    """Return ``(path, index)`` of the CJK font to embed, or raise ImproperlyConfigured.

    ``configured`` is PDF_CJK_FONT: when given it must exist (no silent fall-back to another font).
    Without it the first of DEFAULT_FONT_PATHS that exists is used.
    """
    if configured:
        if not Path(configured).is_file():
            raise ImproperlyConfigured(
                f"PDF_CJK_FONT={configured!r} does not exist. Point it at a TrueType (.ttf or .ttc) font "
                f"with Chinese glyphs, or unset it and install Debian's {FONT_PACKAGE}."
            )
        return str(configured), index
    for path, default_index in DEFAULT_FONT_PATHS:
        if Path(path).is_file():
            return path, default_index
    raise ImproperlyConfigured(
        f"No TrueType CJK font for PDFs. Install one with `apt-get install {FONT_PACKAGE}` (or run "
        f"`make setup` as root), or set PDF_CJK_FONT to a .ttf/.ttc file. Looked in: "
        + ", ".join(path for path, _index in DEFAULT_FONT_PATHS)
    )


def _configured_font():
    return locate_font(getattr(settings, "PDF_CJK_FONT", ""), getattr(settings, "PDF_CJK_FONT_INDEX", 0))


def cjk_font_name():
    """Register the configured CJK font with ReportLab (once) and return its registered name."""
    key = _configured_font()
    with _lock:
        if key not in _registered:
            name = FONT_NAME if not _registered else f"{FONT_NAME}{len(_registered)}"
            path, index = key
            try:
                font = TTFont(name, path, subfontIndex=index)
            except (TTFError, OSError) as error:
                raise ImproperlyConfigured(
                    f"The PDF font {path} (index {index}) cannot be embedded: {error}. ReportLab needs "
                    f"TrueType outlines (not OpenType/CFF such as Noto CJK); install {FONT_PACKAGE}."
                ) from None
            pdfmetrics.registerFont(font)
            # Chinese fonts have no bold or italic face: map <b> and <i> to the regular one.
            pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
            _registered[key] = name
        return _registered[key]


@checks.register()
def check_cjk_font(app_configs=None, **kwargs):
    """zaozhuang_titles.W001: PDFs cannot be built. A warning so that tests and migrations still run;
    ``make check-deploy`` fails on it (``--fail-level WARNING``)."""
    try:
        cjk_font_name()
    except ImproperlyConfigured as error:
        return [
            checks.Warning(
                str(error),
                hint=f"apt-get install {FONT_PACKAGE}",
                id="zaozhuang_titles.W001",
            )
        ]
    return []


def styles():
    """Paragraph styles in the CJK font, wrapping Chinese text anywhere: Normal, Title, Heading, Small."""
    font = cjk_font_name()
    normal = ParagraphStyle("Normal", fontName=font, fontSize=11, leading=18, wordWrap="CJK", spaceAfter=4)
    return {
        "Normal": normal,
        "Title": ParagraphStyle(
            "Title", parent=normal, fontSize=20, leading=28, alignment=TA_CENTER, spaceBefore=6, spaceAfter=14
        ),
        "Heading": ParagraphStyle("Heading", parent=normal, fontSize=14, leading=22, spaceBefore=8, spaceAfter=6),
        "Small": ParagraphStyle("Small", parent=normal, fontSize=9, leading=13, textColor=colors.HexColor("#444444")),
    }


def paragraph(text, style=None, *, where="PDF text"):
    """A Paragraph of plain text: markup characters are escaped, forbidden characters replaced (logged
    with ``where``) and line breaks kept."""
    style = style or styles()["Normal"]
    text = sanitize(str(text), where=where).replace("\r\n", "\n")
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _cell(value, style, where):
    """A flowable stays as it is; anything else (text, numbers, dates, None) becomes a paragraph."""
    if hasattr(value, "wrapOn"):
        return value
    return paragraph("" if value is None else value, style, where=where)


def table(data, col_widths=None, *, header=True, style=None, where="PDF table"):
    """A table with a grid in the CJK font. Cells may be strings (wrapped as paragraphs) or flowables.

    ``header`` shades the first row and repeats it on each page.
    """
    cell_style = style or styles()["Normal"]
    rows = [[_cell(cell, cell_style, where) for cell in row] for row in data]
    result = Table(rows, colWidths=col_widths, repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font_name()),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header and rows:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")))
    result.setStyle(TableStyle(commands))
    return result


def build(flowables, *, title, author="", subject="", invariant=False):
    """Lay out ``flowables`` on A4 and return the PDF's bytes.

    ``title`` and ``author`` go into the document's metadata. ``invariant=True`` leaves out the creation
    date and the random document ID, so the same input gives the same bytes (tests).
    """
    font = cjk_font_name()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=sanitize(str(title), where="PDF title", multiline=False),
        author=sanitize(str(author), where="PDF author", multiline=False),
        subject=sanitize(str(subject), where="PDF subject", multiline=False),
        creator=str(getattr(settings, "PORTAL_NAME", "")),
        lang="zh-CN",
        invariant=1 if invariant else 0,
    )

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {doc.page} -")
        canvas.restoreState()

    document.build(list(flowables), onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


if __name__ == "__main__":
    # `python -m zaozhuang_titles.pdf`: print the font PDFs would embed, or exit 1 (used by `make setup`).
    try:
        path, index = locate_font(os.environ.get("PDF_CJK_FONT", ""), int(os.environ.get("PDF_CJK_FONT_INDEX") or 0))
    except ImproperlyConfigured as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    print(f"{path} (index {index})")
