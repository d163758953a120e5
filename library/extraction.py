"""The text of a PDF, for search, read with pikepdf alone (no new dependency, no external program).

pikepdf (qpdf) has no text extraction, but it parses content streams: the text-showing operators
(``Tj``, ``TJ``, ``'``, ``"``) give the strings, and each font's ``/ToUnicode`` CMap maps their codes to
Unicode. That covers what the bureau publishes: PDFs written by Word, WPS or a PDF printer carry a
ToUnicode map for every font, Chinese ones included (1- and 2-byte codes, ``bfchar`` and ``bfrange``).
A simple font without one is read as WinAnsi. What it cannot read — a scan (images only), a CID font
without a map — gives little or no text; staff then type or paste the text on the version's form,
and the version records where its text came from.

The file has passed the evidence check first (``applications.evidence.inspect_upload``). Decoding is
bounded: qpdf's per-stream limit (set at start-up by ``applications``), a budget of decoded bytes for the
whole document, a number of pages, a depth of nested forms, and a length of text kept.
"""

import logging
import re
import unicodedata

import pikepdf

logger = logging.getLogger(__name__)

MAX_PAGES = 1000
MAX_DECODED_BYTES = 64 * 1024 * 1024
MAX_FORM_DEPTH = 3
MAX_TEXT_CHARS = 500_000
MAX_CMAP_BYTES = 1024 * 1024
MAX_RANGE = 0x10000
#: A kerning in a TJ array wider than this (thousandths of an em) separates two words.
WORD_GAP = 200

_TOKEN = re.compile(
    rb"<([0-9A-Fa-f\s]*)>|\[|\]|(begincodespacerange|endcodespacerange|beginbfchar|endbfchar|beginbfrange|endbfrange)"
)
_CJK = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_LINE_OPERATORS = {"Td", "TD", "T*", "Tm", "ET", "BT"}


class _Budget:
    def __init__(self, limit):
        self.left = limit

    def take(self, size):
        self.left -= size
        return self.left >= 0


def _hex(value):
    return bytes.fromhex(re.sub(rb"\s", b"", value).decode("ascii"))


def _unicode(destination):
    text = destination.decode("utf-16-be", errors="ignore")
    return text.replace("\x00", "")


def parse_cmap(data):
    """(code → text, code lengths) from the bytes of a ToUnicode CMap."""
    mapping = {}
    lengths = set()
    section = None
    operands = []
    array = None
    for match in _TOKEN.finditer(data[:MAX_CMAP_BYTES]):
        keyword = match.group(2)
        if keyword is not None:
            section = keyword.decode()[len("begin") :] if keyword.startswith(b"begin") else None
            operands = []
            continue
        token = match.group(0)
        if token == b"[":
            array = []
            continue
        if token == b"]":
            operands.append(array or [])
            array = None
        elif array is not None:
            array.append(_hex(match.group(1)))
            continue
        else:
            operands.append(_hex(match.group(1)))
        if section == "codespacerange" and len(operands) == 2:
            lengths.add(len(operands[0]))
            operands = []
        elif section == "bfchar" and len(operands) == 2:
            source, destination = operands
            if isinstance(destination, bytes):
                mapping[source] = _unicode(destination)
                lengths.add(len(source))
            operands = []
        elif section == "bfrange" and len(operands) == 3:
            _add_range(mapping, lengths, *operands)
            operands = []
    return mapping, lengths


def _add_range(mapping, lengths, low, high, destination):
    if len(low) != len(high) or not low:
        return
    start, end = int.from_bytes(low, "big"), int.from_bytes(high, "big")
    if end < start or end - start >= MAX_RANGE:
        return
    lengths.add(len(low))
    for offset in range(end - start + 1):
        code = (start + offset).to_bytes(len(low), "big")
        if isinstance(destination, list):
            if offset < len(destination):
                mapping[code] = _unicode(destination[offset])
        elif destination:
            # The last byte of the destination counts up with the code (PDF 32000-1, 9.10.3).
            value = int.from_bytes(destination, "big") + offset
            mapping[code] = _unicode(value.to_bytes(len(destination), "big"))


class _Font:
    def __init__(self, font, budget):
        self.mapping, self.lengths = {}, set()
        self.two_byte = font.get("/Subtype") == "/Type0"
        to_unicode = font.get("/ToUnicode")
        if isinstance(to_unicode, pikepdf.Stream):
            data = to_unicode.read_bytes()
            if budget.take(len(data)):
                self.mapping, self.lengths = parse_cmap(data)

    def decode(self, data):
        if not self.mapping:
            # Without a map a CID font's codes are glyph numbers, not text; a simple font is WinAnsi.
            return "" if self.two_byte else data.decode("cp1252", errors="ignore")
        lengths = sorted(self.lengths or {2 if self.two_byte else 1})
        out, index = [], 0
        while index < len(data):
            for length in lengths:
                code = data[index : index + length]
                if code in self.mapping:
                    out.append(self.mapping[code])
                    index += length
                    break
            else:
                index += lengths[0]
        return "".join(out)


class _Extractor:
    def __init__(self):
        self.budget = _Budget(MAX_DECODED_BYTES)
        self.fonts = {}
        self.parts = []
        self.length = 0

    def emit(self, text):
        if text and self.length < MAX_TEXT_CHARS:
            self.parts.append(text)
            self.length += len(text)

    def font(self, resources, name):
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get(name) if isinstance(fonts, pikepdf.Dictionary) else None
        if not isinstance(font, pikepdf.Dictionary):
            return None
        key = font.objgen if font.is_indirect else id(font)
        if key not in self.fonts:
            self.fonts[key] = _Font(font, self.budget)
        return self.fonts[key]

    def run(self, owner, resources, depth=0):
        """Show the text of ``owner`` (a page or a form XObject), forms drawn in it included."""
        contents = owner.get("/Contents") if isinstance(owner, pikepdf.Page) else owner
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if not isinstance(stream, pikepdf.Stream) or not self.budget.take(len(stream.read_bytes())):
                return
        instructions = pikepdf.parse_content_stream(owner)
        font = None
        for operands, operator in instructions:
            if self.length >= MAX_TEXT_CHARS:
                return
            name = str(operator)
            if name == "Tf" and operands:
                font = self.font(resources, operands[0])
            elif name in ("Tj", "'", '"') and operands and font is not None:
                if name != "Tj":
                    self.emit("\n")
                self.emit(font.decode(bytes(operands[-1])))
            elif name == "TJ" and operands and font is not None:
                for element in operands[0]:
                    if isinstance(element, pikepdf.String):
                        self.emit(font.decode(bytes(element)))
                    elif float(element) < -WORD_GAP:
                        self.emit(" ")
            elif name in _LINE_OPERATORS:
                self.emit("\n")
            elif name == "Do" and operands and depth < MAX_FORM_DEPTH:
                self.form(resources, operands[0], depth)

    def form(self, resources, name, depth):
        xobjects = resources.get("/XObject") if resources is not None else None
        xobject = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
            self.run(xobject, xobject.get("/Resources", resources), depth + 1)


def tidy(text):
    """Text as stored and searched: no control characters, spaces between Chinese characters dropped
    (a line break inside a phrase must not split it), blank runs collapsed."""
    text = "".join(
        char if char in "\n " or unicodedata.category(char)[0] != "C" else " " for char in text.replace("\t", " ")
    )
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return _BETWEEN_CJK.sub("", text)[:MAX_TEXT_CHARS]


def pdf_text(uploaded_file):
    """The text of a PDF file (an open file or an upload), or "" when none can be read."""
    uploaded_file.seek(0)
    extractor = _Extractor()
    try:
        with pikepdf.open(getattr(uploaded_file, "file", uploaded_file)) as pdf:
            for number, page in enumerate(pdf.pages):
                if number >= MAX_PAGES or extractor.budget.left < 0:
                    break
                extractor.run(page, page.get("/Resources"))
                extractor.emit("\n")
    except (pikepdf.PikepdfError, RuntimeError, ValueError, TypeError, OverflowError, RecursionError, MemoryError):
        logger.info("library PDF text could not be read to its end", exc_info=True)
    finally:
        uploaded_file.seek(0)
    return tidy("".join(extractor.parts))
