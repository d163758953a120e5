"""Evidence files (证明材料): what an upload really is, where it is kept, how it is sent back.

Only PDF, JPEG and PNG are accepted, recognised by their content and never by their name. A file that
could also act as something else (a web page, an archive glued behind an image, a PDF that runs
scripts, starts programs or carries attachments) is refused: evidence is opened by district and city
staff and by experts, so one hostile upload would reach all of them.

Accepted files are stored under random names in the private media root, which no URL serves, and go
back out only through ``file_response``, with headers that stop a browser from running anything in
them. Files are read in chunks, never whole into memory.
"""

import hashlib
import re
import unicodedata
import uuid
import warnings
import zlib
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

MIB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 20 * MIB
DEFAULT_MAX_TOTAL_BYTES = 100 * MIB
MAX_NAME_LENGTH = 200
CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 1024
PDF_EOF_WINDOW = 1024
# Bytes tolerated after an image's end marker: some cameras and editors pad with a few bytes.
TRAILING_TOLERANCE = 32
# Total bytes inflated while looking into a PDF's compressed streams before giving up on it.
PDF_INFLATE_BUDGET = 256 * MIB

PDF, JPEG, PNG = "pdf", "jpg", "png"
CONTENT_TYPES = {PDF: "application/pdf", JPEG: "image/jpeg", PNG: "image/png"}
_EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "jpe": JPEG, "png": PNG}
_KIND_LABELS = {
    PDF: gettext_lazy("a PDF file"),
    JPEG: gettext_lazy("a JPEG image"),
    PNG: gettext_lazy("a PNG image"),
}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (_PNG_MAGIC, PNG),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive (Word .docx and Excel .xlsx files are ZIP archives too)")),
    (b"PK\x05\x06", gettext_lazy("a ZIP archive (Word .docx and Excel .xlsx files are ZIP archives too)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Word or Excel document (.doc, .xls)")),
    (b"MZ", gettext_lazy("a Windows program (EXE)")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"\x1f\x8b", gettext_lazy("a GZIP archive")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"II*\x00", gettext_lazy("a TIFF image")),
    (b"MM\x00*", gettext_lazy("a TIFF image")),
]
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
_HTML_LABEL = gettext_lazy("HTML (a web page)")
_UNKNOWN_LABEL = gettext_lazy("of a type this portal does not recognise")

# Markup a browser would run if it were ever persuaded to render the file as a page. Tag names must be
# followed by what ends a tag name, so that four random bytes of image data do not read as "<svg".
_ACTIVE_MARKUP = re.compile(rb"<(?:script|html|svg|iframe)[\s/>]|<!doctype\s+html|javascript:")
_MARKUP_OVERLAP = 32

# PDF names are "/" + regular characters, ended by white space or a delimiter; "#xx" escapes any byte,
# so /J#61vaScript is /JavaScript. A name is matched only when its end is in the buffer.
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)(?=[\x00\t\n\x0c\r ()<>\[\]{}/%])")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<![^\x00\t\n\x0c\r ()<>\[\]{}/%])stream(?:\r\n|\n|\r)")
_PDF_ENDSTREAM = b"endstream"
_PDF_CARRY = 128
_PDF_DICT_WINDOW = 4096
_ACTIVE_REASONS = {
    b"JavaScript": gettext_lazy("JavaScript"),
    b"JS": gettext_lazy("JavaScript"),
    b"Launch": gettext_lazy("an action that starts a program"),
    b"EmbeddedFile": gettext_lazy("an attached file"),
    b"EmbeddedFiles": gettext_lazy("an attached file"),
}
# "/JS" is short enough to turn up by chance in compressed binary data, so it is looked for only in
# the readable parts of the file and in object streams; /JavaScript, which every JavaScript action
# must carry as its /S, and the other long names are looked for everywhere.
_SHORT_ACTIVE = {b"JS"}


@dataclass(frozen=True)
class InspectedFile:
    """What an upload turned out to be. ``original_name`` is for display only, never for storage."""

    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def max_file_bytes():
    return getattr(settings, "EVIDENCE_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)


def max_total_bytes():
    return getattr(settings, "EVIDENCE_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES)


def format_mb(size, *, round_up=False):
    """Bytes as megabytes with up to two decimals; rounded up when a size is compared to a limit."""
    hundredths = -(-size * 100 // MIB) if round_up else round(size * 100 / MIB)
    whole, cents = divmod(hundredths, 100)
    return f"{whole}.{cents:02d}".rstrip("0").rstrip(".")


def clean_name(name, *, max_length=MAX_NAME_LENGTH):
    """A file name safe to show and to send back: the base name only, no control or direction characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    # Category C holds control characters and the invisible format ones such as U+202E, which can make
    # "gpj.exe" display as "exe.jpg".
    name = "".join(
        " " if char.isspace() else char for char in name if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    name = " ".join(name.split()).strip(" .")
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:max_length]
    return name or "unnamed"


def _extension(name):
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _detect(head, *, markup):
    """The kind (PDF/JPEG/PNG) or a label saying what else the content is."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        if head[8:12] in _HEIC_BRANDS:
            return gettext_lazy("an HEIC photo (set the phone to save photos as JPEG, or convert it)")
        return gettext_lazy("a video")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return gettext_lazy("a WebP image")
    if head.startswith(b"BM"):
        return gettext_lazy("a BMP image")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return gettext_lazy("an SVG image")
    if markup or text.startswith((b"<html", b"<!doctype", b"<head", b"<body", b"<script", b"<iframe")):
        return _HTML_LABEL
    return _UNKNOWN_LABEL


def _refuse(message, code, **params):
    """Raise a ValidationError; ``message`` is already translated, with %(name)s placeholders."""
    raise ValidationError(message % params, code=code)


def inspect_upload(uploaded_file, *, max_bytes=None):
    """Check what an uploaded evidence file really is; raise ValidationError saying why it is refused."""
    name = clean_name(getattr(uploaded_file, "name", ""))
    limit = max_file_bytes() if max_bytes is None else max_bytes
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        _too_large(name, declared, limit)

    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    carry = b""
    markup = None
    for chunk in uploaded_file.chunks(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            _too_large(name, size, limit)
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head = (head + chunk)[:HEAD_BYTES]
        tail = (tail + chunk)[-PDF_EOF_WINDOW:]
        if markup is None:
            window = carry + chunk.lower()
            found = _ACTIVE_MARKUP.search(window)
            if found:
                markup = found.group().decode("ascii").rstrip(" \t\r\n\x0c/>")
            carry = window[-_MARKUP_OVERLAP:]
    if size == 0:
        _refuse(_("%(name)s is empty."), "evidence_empty", name=name)

    kind = _detect(head, markup=markup)
    claimed_extension = _extension(name)
    claimed = _EXTENSIONS.get(claimed_extension)
    if kind not in CONTENT_TYPES:
        if b"%PDF-" in head:
            _refuse(
                _("%(name)s does not start with %%PDF- as a PDF file must; save or print it to PDF again."),
                "evidence_pdf_header",
                name=name,
            )
        if claimed:
            _refuse(
                _("%(name)s claims to be %(claimed)s but its content is %(detected)s."),
                "evidence_type",
                name=name,
                claimed=_KIND_LABELS[claimed],
                detected=kind,
            )
        _refuse(
            _("%(name)s is not a PDF, JPEG or PNG file; its content is %(detected)s."),
            "evidence_type",
            name=name,
            detected=kind,
        )
    if claimed and claimed != kind:
        _refuse(
            _("%(name)s claims to be %(claimed)s but its content is %(detected)s; rename it to end in .%(expected)s."),
            "evidence_extension",
            name=name,
            claimed=_KIND_LABELS[claimed],
            detected=_KIND_LABELS[kind],
            expected=kind,
        )
    if claimed_extension and not claimed:
        _refuse(
            _("%(name)s ends in .%(extension)s but its content is %(detected)s; rename it to end in .%(expected)s."),
            "evidence_extension",
            name=name,
            extension=claimed_extension,
            detected=_KIND_LABELS[kind],
            expected=kind,
        )
    if kind == PDF and b"%%EOF" not in tail:
        _refuse(
            _(
                "%(name)s is incomplete: a PDF file ends with %%%%EOF and this one does not. "
                "It may have been cut off while copying; save or print it to PDF again."
            ),
            "evidence_pdf_truncated",
            name=name,
        )
    if markup:
        _refuse(
            _(
                "%(name)s contains web page code (%(marker)s); files a browser could run as a page are not "
                "accepted. Save or print the document to a new PDF and upload that."
            ),
            "evidence_polyglot",
            name=name,
            marker=markup,
        )
    if kind == PDF:
        _check_pdf(uploaded_file, name)
    else:
        _check_image(uploaded_file, name, kind, size)
    return InspectedFile(
        content_type=CONTENT_TYPES[kind],
        extension=kind,
        size=size,
        sha256=digest.hexdigest(),
        original_name=name,
    )


def _too_large(name, size, limit):
    _refuse(
        _("%(name)s is %(size)s MB; a single file may be at most %(limit)s MB."),
        "evidence_too_large",
        name=name,
        size=format_mb(size, round_up=True),
        limit=format_mb(limit),
    )


def check_total(existing_total_bytes, new_size):
    """Refuse a file that would take an application's evidence over EVIDENCE_MAX_TOTAL_BYTES."""
    limit = max_total_bytes()
    total = existing_total_bytes + new_size
    if total > limit:
        _refuse(
            _(
                "This file (%(size)s MB) would bring the evidence of this application to %(total)s MB "
                "(%(existing)s MB already uploaded); the limit is %(limit)s MB. Remove or shrink other files first."
            ),
            "evidence_total",
            size=format_mb(new_size, round_up=True),
            total=format_mb(total, round_up=True),
            existing=format_mb(existing_total_bytes, round_up=True),
            limit=format_mb(limit),
        )


# --- PDF -----------------------------------------------------------------------------------------


class _PdfActiveContent(Exception):
    def __init__(self, reason):
        self.reason = reason


class _PdfUnreadable(Exception):
    pass


def _pdf_names(data):
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        yield _PDF_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), raw) if b"#" in raw else raw


def _pdf_look_for_active(data, *, short):
    for name in _pdf_names(data):
        if name in _ACTIVE_REASONS and (short or name not in _SHORT_ACTIVE):
            raise _PdfActiveContent(_ACTIVE_REASONS[name])


class _PdfStream:
    """One stream's data: inflated when it is Flate-encoded and not an image, and searched for active names."""

    def __init__(self, dictionary, budget):
        names = set(_pdf_names(dictionary + b" "))
        self.object_stream = b"ObjStm" in names
        self.budget = budget
        self.inflater = None
        self.carry = b""
        self.raw_carry = b""
        filters = names & {b"FlateDecode", b"LZWDecode", b"ASCII85Decode", b"ASCIIHexDecode", b"RunLengthDecode"}
        if filters == {b"FlateDecode"} and (self.object_stream or b"Image" not in names):
            self.inflater = zlib.decompressobj()
        elif self.object_stream and filters:
            # Objects hidden behind an encoding this scanner does not undo cannot be checked.
            raise _PdfUnreadable

    def feed(self, data):
        window = self.raw_carry + data
        _pdf_look_for_active(window, short=self.object_stream and self.inflater is None)
        self.raw_carry = window[-_PDF_CARRY:]
        if self.inflater is None:
            return
        pending = data
        while pending and not self.inflater.eof:
            try:
                out = self.inflater.decompress(pending, CHUNK_BYTES)
            except zlib.error:
                if self.object_stream:
                    raise _PdfUnreadable from None
                self.inflater = None
                return
            self.budget.spend(len(out))
            window = self.carry + out
            _pdf_look_for_active(window, short=self.object_stream)
            self.carry = window[-_PDF_CARRY:]
            if not out and self.inflater.unconsumed_tail == pending:
                break
            pending = self.inflater.unconsumed_tail

    def close(self):
        _pdf_look_for_active(self.raw_carry + b" ", short=self.object_stream and self.inflater is None)
        _pdf_look_for_active(self.carry + b" ", short=self.object_stream)
        if self.object_stream and self.inflater is not None and not self.inflater.eof:
            raise _PdfUnreadable


class _Budget:
    def __init__(self, remaining):
        self.remaining = remaining

    def spend(self, amount):
        self.remaining -= amount
        if self.remaining < 0:
            raise _PdfUnreadable


def _pdf_scan(chunks, *, budget=PDF_INFLATE_BUDGET):
    """Raise _PdfActiveContent for JavaScript, launch actions or attached files anywhere in a PDF.

    Walks the file as text between "stream" and "endstream" keywords; stream data is searched raw for
    the long names and, when Flate-encoded, inflated and searched again, which is where PDF 1.5 object
    streams keep their dictionaries.
    """
    budget = _Budget(budget)
    buffer = b""
    recent_text = b""
    stream = None
    for chunk in chain(chunks, [None]):
        final = chunk is None
        buffer += chunk or b""
        while True:
            if stream is None:
                found = _PDF_STREAM.search(buffer)
                if found is None:
                    keep = 0 if final else _PDF_CARRY
                    _pdf_look_for_active(buffer + b" " if final else buffer, short=True)
                    cut = max(0, len(buffer) - keep)
                    recent_text = (recent_text + buffer[:cut])[-_PDF_DICT_WINDOW:]
                    buffer = buffer[cut:]
                    break
                text = buffer[: found.start()]
                _pdf_look_for_active(text + b" ", short=True)
                recent_text = (recent_text + text)[-_PDF_DICT_WINDOW:]
                start = recent_text.rfind(b"obj")
                dictionary = recent_text[start + 3 :] if start >= 0 else recent_text
                stream = _PdfStream(dictionary, budget)
                recent_text = b""
                buffer = buffer[found.end() :]
            else:
                end = buffer.find(_PDF_ENDSTREAM)
                if end < 0:
                    keep = 0 if final else len(_PDF_ENDSTREAM) + _PDF_CARRY
                    cut = max(0, len(buffer) - keep)
                    stream.feed(buffer[:cut])
                    buffer = buffer[cut:]
                    if final:
                        stream.close()
                    break
                stream.feed(buffer[:end])
                stream.close()
                stream = None
                buffer = buffer[end + len(_PDF_ENDSTREAM) :]
        if final:
            break


def _check_pdf(uploaded_file, name):
    try:
        _pdf_scan(uploaded_file.chunks(CHUNK_BYTES))
    except _PdfActiveContent as finding:
        _refuse(
            _(
                "%(name)s contains %(what)s; active content is not allowed in evidence. "
                "Print it to a new PDF (for example with “Microsoft Print to PDF”) and upload that."
            ),
            "evidence_pdf_active",
            name=name,
            what=finding.reason,
        )
    except _PdfUnreadable:
        _refuse(
            _(
                "%(name)s is packed in a way this portal cannot check. "
                "Print it to a new PDF (for example with “Microsoft Print to PDF”) and upload that."
            ),
            "evidence_pdf_unreadable",
            name=name,
        )


# --- Images --------------------------------------------------------------------------------------


def _png_end(fp):
    """Offset just after the IEND chunk, walking the chunks; None when the file stops before it."""
    position = len(_PNG_MAGIC)
    while True:
        fp.seek(position)
        header = fp.read(8)
        if len(header) < 8:
            return None
        length = int.from_bytes(header[:4], "big")
        if length > 0x7FFFFFFF:
            return None
        position += 12 + length
        if header[4:8] == b"IEND":
            return position


def _jpeg_end(fp):
    """Offset just after the EOI marker (FFD9), walking the segments; None when the file stops before it."""
    position = 2
    while True:
        fp.seek(position)
        byte = fp.read(1)
        if byte != b"\xff":
            return None
        marker = fp.read(1)
        while marker == b"\xff":
            position += 1
            marker = fp.read(1)
        if not marker:
            return None
        code = marker[0]
        position += 2
        if code == 0xD9:
            return position
        if code == 0x01 or 0xD0 <= code <= 0xD7:
            continue
        length = fp.read(2)
        if len(length) < 2 or int.from_bytes(length, "big") < 2:
            return None
        position += int.from_bytes(length, "big")
        if code == 0xDA:
            position = _jpeg_next_marker(fp, position)
            if position is None:
                return None


def _jpeg_next_marker(fp, position):
    """Offset of the marker after entropy-coded data: an FF not followed by 00 (stuffing) or a restart."""
    fp.seek(position)
    previous = b""
    base = position
    while True:
        block = fp.read(CHUNK_BYTES)
        if not block:
            return None
        data = previous + block
        start = base - len(previous)
        index = data.find(b"\xff")
        while 0 <= index < len(data) - 1:
            following = data[index + 1]
            if following != 0 and not 0xD0 <= following <= 0xD7 and following != 0xFF:
                return start + index
            index = data.find(b"\xff", index + 1)
        previous = data[-1:] if data.endswith(b"\xff") else b""
        base += len(block)


def _check_image(uploaded_file, name, kind, size):
    end = _png_end(uploaded_file) if kind == PNG else _jpeg_end(uploaded_file)
    if end is None or end > size:
        _damaged(name)
    if size - end > TRAILING_TOLERANCE:
        _refuse(
            _(
                "%(name)s has %(extra)s bytes of other data after the end of the image, which is how files "
                "that are two things at once are made (some phones also append a video to photos). "
                "Save or export it again as a plain image and upload that."
            ),
            "evidence_polyglot",
            name=name,
            extra=size - end,
        )
    format_name = "PNG" if kind == PNG else "JPEG"
    try:
        uploaded_file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(uploaded_file, formats=[format_name])
        width, height = image.size
        if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
            _too_many_pixels(name, width, height)
        image.verify()
        if kind == JPEG:
            # verify() checks little in a JPEG; decoding at 1/8 scale reads all the data cheaply.
            uploaded_file.seek(0)
            image = Image.open(uploaded_file, formats=[format_name])
            image.draft("L", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Image.DecompressionBombError:
        _refuse(
            _("%(name)s has more pixels than this portal opens; scale it down and upload it again."),
            "evidence_image_too_large",
            name=name,
        )
    except ValidationError:
        raise
    except Exception:
        _damaged(name)
    finally:
        uploaded_file.seek(0)


def _damaged(name):
    _refuse(
        _("%(name)s is damaged: the image cannot be read to its end. Save or export it again."),
        "evidence_damaged",
        name=name,
    )


def _too_many_pixels(name, width, height):
    _refuse(
        _(
            "%(name)s has more pixels than this portal opens (%(width)d × %(height)d, at most %(limit)d "
            "million); scale it down and upload it again."
        ),
        "evidence_image_too_large",
        name=name,
        width=width,
        height=height,
        limit=(Image.MAX_IMAGE_PIXELS or 0) // 1_000_000,
    )


# --- Storage and download ------------------------------------------------------------------------


def store_upload(uploaded_file, inspected):
    """Save an inspected upload under a random name; return the storage name to keep on the record."""
    now = timezone.localtime()
    name = f"evidence/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{inspected.extension}"
    uploaded_file.seek(0)
    return default_storage.save(name, uploaded_file)


def file_response(storage_name, *, download_name, content_type, inline=False):
    """Send a stored evidence file back: as an attachment unless ``inline`` for PDF and images.

    The sandbox policy and nosniff keep a browser from running anything in it even if it were
    opened directly; the name is the sanitised original, sent RFC 5987-encoded when not ASCII.
    """
    kind = next((kind for kind, known in CONTENT_TYPES.items() if known == content_type), None)
    if kind is None:
        content_type, inline = "application/octet-stream", False
    download_name = clean_name(download_name)
    if kind and _EXTENSIONS.get(_extension(download_name)) != kind:
        download_name = clean_name(f"{download_name}.{kind}")
    response = FileResponse(
        default_storage.open(storage_name, "rb"),
        as_attachment=not inline,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
