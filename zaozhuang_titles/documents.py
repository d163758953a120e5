"""Official documents (certificates, the nomination letter, meeting records, publicity notices, the
filing summary) as Django templates printed to PDF by WeasyPrint.

A document is a template under ``templates/documents/`` extending ``documents/base.html``, with the print
stylesheet ``static/documents/print.css`` (A4, the conventions of GB/T 9704 for the issuing organ, the
document number, the title, the body, the organ and date at the foot, the seal area)::

    from zaozhuang_titles.documents import render_pdf

    data = render_pdf("documents/certificate.html", {"certificate": certificate, ...})

Why WeasyPrint: it lays out HTML and CSS (the same templates, escaping and translations as the pages),
and through pango it embeds OpenType CJK fonts as subsets, so Debian's Noto CJK (``fonts-noto-cjk``,
Song-style Noto Serif CJK SC for official text) serves the PDFs as it serves the screenshots.

Every stored text survives: the template escapes it (``<`` stays a character, never markup), and the
rendered HTML goes through ``zaozhuang_titles.text.sanitize`` (control characters and text direction
controls already in the database become U+FFFD, logged with the template's name), so one applicant's
text never stops a batch's files nor reads differently in print.

Nothing is fetched from the network: the URL fetcher refuses any address but a ``data:`` URI (the QR
code, the holder's photo) and a file of our own static directories; a refused address is logged and
left out. WeasyPrint is imported on first use (it takes about a second), not when Django starts.
"""

import ctypes.util
import logging
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zaozhuang_titles.text import sanitize

logger = logging.getLogger(__name__)

#: Debian packages WeasyPrint needs: pango (text layout) and the CJK fonts.
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
FONT_PACKAGE = "fonts-noto-cjk"
#: The families the stylesheet asks for, first found first (print.css says the same).
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
#: The print stylesheet, relative to the static directory.
STYLESHEET = "documents/print.css"

#: The issuing organ (发文机关) printed on every document and certificate.
ISSUING_ORGAN = _("Zaozhuang Municipal Human Resources and Social Security Bureau")
#: 发文字号: the organ's abbreviation and the kind of document, then 〔year〕 and a serial. Document numbers are
#: identifiers written in Chinese whatever the reader's language (like the province's 备案文号).
DOCUMENT_NUMBER_KINDS = {"notice": "枣人社职评公", "record": "枣人社职评纪", "filing": "枣人社职评备"}

_lock = threading.Lock()
_cache = {}


def document_number(kind, year, serial):
    """The document number of ``kind`` (a key of DOCUMENT_NUMBER_KINDS): 枣人社职评公〔2026〕12号. The serial
    is the document's key in the portal, so two documents never share a number."""
    return f"{DOCUMENT_NUMBER_KINDS[kind]}〔{year}〕{serial}号"


def static_root():
    """The project's own static directory: the documents' base URL and stylesheet live there."""
    return Path(settings.BASE_DIR) / "static"


def _allowed_roots():
    roots = [static_root()]
    for entry in getattr(settings, "STATICFILES_DIRS", ()):
        roots.append(Path(entry[1] if isinstance(entry, (tuple, list)) else entry))
    return [root.resolve() for root in roots]


def local_file(url):
    """The path of a ``file:`` URL inside our static directories, or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    for root in _allowed_roots():
        if path == root or root in path.parents:
            return path
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``data:`` URIs and files of our static directories; refuses everything else (the
        refusal is logged by WeasyPrint as a warning and the resource is left out)."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":  # decoded in place, by urllib's data: handler alone
                response = urllib.request.DataHandler().data_open(urllib.request.Request(url))  # noqa: S310
                return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})
            path = local_file(url)
            if path is None or not path.is_file():
                logger.warning("Document resource refused (only data: and our static files): %.200s", url)
                raise ValueError("refused: documents load data: URIs and the portal's static files only")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {})

    return LocalOnlyFetcher


def url_fetcher():
    """A fetcher that loads no network resource (``LocalOnlyFetcher``)."""
    return _fetcher_class()()


def _toolkit():
    """(weasyprint module, font configuration, stylesheet), built once per process: the font
    configuration and the parsed stylesheet are reused by every document."""
    with _lock:
        if "toolkit" not in _cache:
            try:
                import weasyprint
                from weasyprint.text.fonts import FontConfiguration
            except OSError as error:  # pango missing
                raise ImproperlyConfigured(
                    f"WeasyPrint cannot load pango ({error}). Install it: apt-get install {' '.join(PANGO_PACKAGES)}"
                ) from None
            fonts = FontConfiguration()
            css = weasyprint.CSS(filename=str(static_root() / STYLESHEET), font_config=fonts, url_fetcher=url_fetcher())
            _cache["toolkit"] = (weasyprint, fonts, css)
        return _cache["toolkit"]


def render_html(template, context):
    """The document's HTML in Chinese, with forbidden characters from the database replaced."""
    with translation.override("zh-hans"):
        html = render_to_string(template, context)
    return sanitize(html, where=template)


def render_pdf(template, context, *, invariant=True):
    """Render ``template`` with ``context`` to PDF bytes (A4, Chinese).

    The same input gives the same bytes (no creation date, a PDF identifier derived from the content);
    ``invariant`` is kept for the callers that asked for it under ReportLab. Metadata come from the
    template's ``<title>`` and ``<meta name="author|description|keywords">``."""
    return html_to_pdf(render_html(template, context))


def html_to_pdf(html):
    """Lay out and print a document's HTML with WeasyPrint (about half a second a page): the one step
    the workflow tests swap for a stand-in (``tests/documents.py``), the document tests keep."""
    weasyprint, fonts, css = _toolkit()
    document = weasyprint.HTML(string=html, base_url=str(static_root()) + "/", url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=[css], font_config=fonts, uncompressed_pdf=False)


def cjk_fonts():
    """The CJK font families fontconfig knows of (``fc-list :lang=zh family``), or None when fc-list
    is missing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    result = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)  # noqa: S603
    return {name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()}


def problems():
    """What stops documents from being printed on this machine, as sentences (empty: nothing)."""
    found = []
    # Looked up without importing WeasyPrint (a second at every start of Django).
    missing = [name for name in ("pango-1.0", "pangoft2-1.0") if ctypes.util.find_library(name) is None]
    if missing:
        found.append(f"WeasyPrint needs pango ({', '.join(missing)}): apt-get install {' '.join(PANGO_PACKAGES)}")
    fonts = cjk_fonts()
    if fonts is not None and not fonts.intersection(FONT_FAMILIES):
        found.append(
            f"No CJK font for documents (looked for {', '.join(FONT_FAMILIES)}): apt-get install {FONT_PACKAGE}"
        )
    return found


@checks.register()
def check_documents(app_configs=None, **kwargs):
    """zaozhuang_titles.W001: documents cannot be printed (pango or the CJK font missing). A warning so
    that tests and migrations still run; ``make check-deploy`` fails on it (``--fail-level WARNING``)."""
    hint = f"apt-get install {' '.join(PANGO_PACKAGES)} {FONT_PACKAGE}"
    return [checks.Warning(text, hint=hint, id="zaozhuang_titles.W001") for text in problems()]


if __name__ == "__main__":
    # `python -m zaozhuang_titles.documents`: print what documents use, or what is missing and exit 1
    # (used by `make setup`).
    missing = problems()
    if missing:
        print("\n".join(missing), file=sys.stderr)
        sys.exit(1)
    print("pango and a CJK font: " + ", ".join(sorted((cjk_fonts() or set()).intersection(FONT_FAMILIES))))
