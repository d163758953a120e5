"""Uploaded files (证明材料): what an upload really is, where it is kept, how it is sent back.

Every app that takes a file from a person checks it here: the evidence of applications
(``applications.evidence`` re-exports these names), objections, and the certificates of
continuing-education hours (``training``). It lives in the core because it belongs to no app.

Only PDF, JPEG and PNG are accepted, recognised by their content and never by their name. A file that
could also act as something else (a web page, an archive glued behind an image, a PDF that runs
scripts, starts programs or carries attachments) is refused: evidence is opened by district and city
staff and by experts, so one hostile upload would reach all of them.

Bytes tell the type and catch files that are two things at once; a PDF's content is then read by qpdf
(through pikepdf), which resolves object streams, filters and #xx-escaped names the way a reader does,
so nothing is looked for by searching the bytes for keywords.

Accepted files are stored under random names in the private media root, which no URL serves, and go
back out only through ``file_response``, with headers that stop a browser from running anything in
them. Files are read in chunks, never whole into memory.
"""

import hashlib
import io
import logging
import re
import struct
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from itertools import chain

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 20 * MIB
DEFAULT_MAX_TOTAL_BYTES = 100 * MIB
MAX_NAME_LENGTH = 200
CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 1024
PDF_EOF_WINDOW = 1024
# A ZIP reader finds an archive by its end record, in the last 22 bytes plus a comment of up to 64 KiB.
_ZIP_END = b"PK\x05\x06"
ZIP_END_WINDOW = 22 + 0xFFFF
# Bytes tolerated after an image's end marker: some cameras and editors pad with a few bytes.
TRAILING_TOLERANCE = 32
# Bytes qpdf may inflate from one PDF's object streams (and from any one stream) before it is given up.
PDF_INFLATE_BUDGET = 64 * MIB

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
        tail = (tail + chunk)[-ZIP_END_WINDOW:]
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
    if _has_zip_end(tail, size):
        _refuse(
            _(
                "%(name)s has a ZIP archive hidden in it, which is how files that are two things at once are "
                "made. Save or export it again as a plain PDF or image and upload that."
            ),
            "evidence_polyglot",
            name=name,
        )
    if kind == PDF and b"%%EOF" not in tail[-PDF_EOF_WINDOW:]:
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


def _has_zip_end(tail, size):
    """Whether the last bytes hold a ZIP end record a reader would accept: on disk 0, its central
    directory before it, its comment within the file. Random data almost never passes all three."""
    start = size - len(tail)
    index = tail.rfind(_ZIP_END)
    while index >= 0:
        record = tail[index + 4 : index + 22]
        if len(record) == 18:
            disk, directory_disk, disk_entries, entries, directory_size, directory_offset, comment = struct.unpack(
                "<HHHHIIH", record
            )
            if (
                disk == directory_disk == 0
                and disk_entries == entries
                and directory_offset + directory_size <= start + index
                and index + 22 + comment <= len(tail)
            ):
                return True
        index = tail.rfind(_ZIP_END, 0, index)
    return False


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


class _PdfEncrypted(Exception):
    pass


_JAVASCRIPT = gettext_lazy("JavaScript")
_LAUNCH = gettext_lazy("an action that starts a program")
_ATTACHMENT = gettext_lazy("an attached file")
_SUBMIT = gettext_lazy("a form that sends its data to an address on the internet")
_IMPORT = gettext_lazy("an action that imports data from another file")
_MEDIA = gettext_lazy("a multimedia player (rendition, movie or sound)")
_OTHER_FILE = gettext_lazy("a link that opens another or an attached document")
_RICH_MEDIA = gettext_lazy("rich media (Flash or 3D content)")
_XFA = gettext_lazy("an XFA form, which can carry scripts")
_LINK = gettext_lazy("a link that is not a web or e-mail address")

# What an action dictionary's /S may name, and why each is refused. GoTo (within the document), URI
# (checked below), Named (next page…), Hide, ResetForm, SetOCGState, Trans and Thread only move around
# the document or change what it shows.
_ACTION_REASONS = {
    "/JavaScript": _JAVASCRIPT,
    "/Launch": _LAUNCH,
    "/SubmitForm": _SUBMIT,
    "/ImportData": _IMPORT,
    "/Rendition": _MEDIA,
    "/Movie": _MEDIA,
    "/Sound": _MEDIA,
    "/GoToR": _OTHER_FILE,
    "/GoToE": _OTHER_FILE,
    "/RichMediaExecute": _RICH_MEDIA,
}
# Keys whose mere presence is refused: /JS holds a script whatever the dictionary says it is (a reader
# runs /JS of an action without /S); /JavaScript and /EmbeddedFiles are the name trees of document
# scripts and attachments; /EF is where a file specification keeps an embedded file, with or without
# /Type /EmbeddedFile on the stream; /XFA is the XML form that carries its own scripts.
_KEY_REASONS = {
    "/JS": _JAVASCRIPT,
    "/JavaScript": _JAVASCRIPT,
    "/EmbeddedFiles": _ATTACHMENT,
    "/EF": _ATTACHMENT,
    "/XFA": _XFA,
    "/RichMediaContent": _RICH_MEDIA,
}
_TYPE_REASONS = {"/EmbeddedFile": _ATTACHMENT}
# Annotation subtypes that carry files or players (a Screen annotation is where renditions play).
_SUBTYPE_REASONS = {
    "/FileAttachment": _ATTACHMENT,
    "/RichMedia": _RICH_MEDIA,
    "/3D": _RICH_MEDIA,
    "/Screen": _MEDIA,
    "/Movie": _MEDIA,
    "/Sound": _MEDIA,
}
_LINK_SCHEMES = {b"http", b"https", b"mailto"}
# A URL parser drops tabs and line breaks anywhere and control characters and spaces in front, so
# "java\tscript:" is "javascript:".
_URI_IGNORED = re.compile(rb"[\t\n\r]")
_URI_SCHEME = re.compile(rb"[\x00-\x20]*([A-Za-z][A-Za-z0-9+.\-]*):")
# Filters whose output qpdf caps (Flate, RunLength) or that shrink their input (the ASCII ones).
_BOUNDED_FILTERS = {
    *("/FlateDecode", "/Fl", "/RunLengthDecode", "/RL"),
    *("/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"),
}
_PDF_OBJECT_HEADER = re.compile(
    rb"(?<![0-9])([0-9]{1,10})[\x00\t\n\x0c\r ]{1,8}([0-9]{1,5})[\x00\t\n\x0c\r ]{1,8}obj(?![A-Za-z0-9])"
)
_PDF_OBJECT_HEADER_MAX = 64
# Objects in one PDF before giving up on it: a 3,000-page report has about 10,000; checking 100,000
# takes a few seconds.
PDF_MAX_OBJECTS = 100_000


def pdf_inflate_budget():
    return getattr(settings, "EVIDENCE_PDF_INFLATE_BUDGET", PDF_INFLATE_BUDGET)


def configure_pdf_parser():
    """Cap what qpdf decompresses for one stream, process-wide (called once, from the app's ``ready``).

    qpdf inflates cross-reference and object streams itself while opening a file, before anything here
    can measure them; these limits make it fail instead of filling memory. No other stream is decoded.
    """
    limit = pdf_inflate_budget()
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=limit, run_length_max_memory=limit, png_max_memory=limit, tiff_max_memory=limit
    )


def _uri_allowed(uri):
    uri = _URI_IGNORED.sub(b"", uri)
    scheme = _URI_SCHEME.match(uri)
    return scheme is None or scheme.group(1).lower() in _LINK_SCHEMES


_NAME_REASONS = {"/S": _ACTION_REASONS, "/Type": _TYPE_REASONS, "/Subtype": _SUBTYPE_REASONS}
_DICTIONARY, _STREAM, _ARRAY = pikepdf.ObjectType.dictionary, pikepdf.ObjectType.stream, pikepdf.ObjectType.array
_NAME, _STRING = pikepdf.ObjectType.name_, pikepdf.ObjectType.string


def _is_direct_container(obj):
    return getattr(obj, "_type_code", None) in (_DICTIONARY, _ARRAY) and not obj.is_indirect


def _pdf_check_object(obj):
    """Check one object and every dictionary nested in it directly (indirect ones are checked on their own).

    One pass over each dictionary's items: a document has tens of thousands of them.
    """
    pending = [obj]
    while pending:
        current = pending.pop()
        kind = getattr(current, "_type_code", None)
        if kind == _ARRAY:
            pending.extend(child for child in current if _is_direct_container(child))
            continue
        if kind not in (_DICTIONARY, _STREAM):
            continue
        link = uri = None
        for key, value in current.items():
            if key in _KEY_REASONS:
                raise _PdfActiveContent(_KEY_REASONS[key])
            # Numbers, booleans and null come back as Python values, without a type code.
            value_kind = getattr(value, "_type_code", None)
            if value_kind == _NAME and key in _NAME_REASONS:
                name = str(value)
                if name in _NAME_REASONS[key]:
                    raise _PdfActiveContent(_NAME_REASONS[key][name])
                link = link or (key == "/S" and name == "/URI")
            elif value_kind == _STRING and key == "/URI":
                uri = bytes(value)
            elif value_kind in (_DICTIONARY, _ARRAY) and not value.is_indirect:
                pending.append(value)
        if link and uri is not None and not _uri_allowed(uri):
            raise _PdfActiveContent(_LINK)


def _object_stream_filters_bounded(stream):
    """Whether qpdf's memory limits hold for every filter of an object stream (LZW has none)."""
    filters = stream.get("/Filter")
    names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
    return all(str(name) in _BOUNDED_FILTERS for name in names)


def _pdf_scan(pdf, *, budget=None):
    """Raise _PdfActiveContent for scripts, actions that leave the document, attachments or players.

    Every object of the document is checked, with the dictionaries nested in it: ``pdf.objects``
    resolves the objects kept in compressed object streams, and qpdf undoes the #xx escapes of names.
    Stream data is never decoded except the object streams', which are measured first against
    ``budget`` so that a few kilobytes cannot unpack into gigabytes.
    """
    budget = pdf_inflate_budget() if budget is None else budget
    xref = pdf.get_xref_table()
    if len(xref) > PDF_MAX_OBJECTS:
        raise _PdfUnreadable
    object_streams = sorted({entry.obj_stream_number for entry in xref.values() if entry.type == 2})
    for number in object_streams:
        stream = pdf.get_object((number, 0))
        if not isinstance(stream, pikepdf.Stream) or not _object_stream_filters_bounded(stream):
            raise _PdfUnreadable
        budget -= len(stream.read_bytes())
        if budget < 0:
            raise _PdfUnreadable
    _pdf_check_object(pdf.trailer)
    used = set(object_streams)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == pikepdf.Name.ObjStm and obj.objgen[0] not in used:
            # Objects packed where the cross-reference table does not look: qpdf skips them, but a reader
            # rebuilding a damaged file might find and run them.
            raise _PdfUnreadable
        _pdf_check_object(obj)


def _pdf_defines_an_object_twice(chunks):
    """Whether the bytes hold two definitions ("12 0 obj") of one object.

    Asked only of a file whose cross-reference table qpdf had to rebuild: readers rebuilding it may
    then keep different definitions, and the one qpdf checked need not be the one a reader runs.
    """
    seen = set()
    carry = b""
    skip = 0
    for chunk in chain(chunks, [b""]):
        window = carry + chunk
        # A match starting before ``limit`` is whole in this window; later ones wait for the next.
        limit = len(window) if not chunk else max(0, len(window) - _PDF_OBJECT_HEADER_MAX)
        for match in _PDF_OBJECT_HEADER.finditer(window, skip):
            if match.start() >= limit:
                break
            number = (int(match.group(1)), int(match.group(2)))
            if number in seen:
                return True
            seen.add(number)
        keep = max(0, limit - 1)  # one byte more, for the look-behind
        carry, skip = window[keep:], limit - keep
    return False


def _check_pdf(uploaded_file, name):
    uploaded_file.seek(0)
    try:
        with pikepdf.open(getattr(uploaded_file, "file", uploaded_file)) as pdf:
            if pdf.is_encrypted:
                raise _PdfEncrypted
            _pdf_scan(pdf)
            rebuilt = any("reconstruct" in warning for warning in pdf.get_warnings())
        if rebuilt and _pdf_defines_an_object_twice(uploaded_file.chunks(CHUNK_BYTES)):
            raise _PdfUnreadable
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
    except (_PdfEncrypted, pikepdf.PasswordError):
        _refuse(
            _(
                "%(name)s is encrypted or protected by a password, so this portal cannot check it and reviewers "
                "may not be able to open it. Save or print it to a PDF without a password and upload that."
            ),
            "evidence_pdf_encrypted",
            name=name,
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
    except (pikepdf.PikepdfError, RuntimeError, ValueError, OverflowError, RecursionError, MemoryError):
        # qpdf gave up on the file (no page tree, a stream over the limit, syntax beyond repair).
        logger.info("evidence PDF %s refused: qpdf could not read it", name, exc_info=True)
        _refuse(
            _("%(name)s is damaged: its PDF structure cannot be read. Save or print it to PDF again."),
            "evidence_pdf_damaged",
            name=name,
        )
    finally:
        uploaded_file.seek(0)


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


# --- Photos --------------------------------------------------------------------------------------

#: An uploaded photo (证件照) may be at most this large; it is stored far smaller (``portrait_jpeg``).
PHOTO_MAX_BYTES = 5 * MIB
#: The stored photo in pixels: the certificate's 33 × 45 mm photo area at about 250 dpi.
PORTRAIT_SIZE = (330, 450)
#: A smaller photo would print blurred: its shorter side must have at least this many pixels.
PORTRAIT_MIN_SIDE = 150
PORTRAIT_QUALITY = 85


def portrait_jpeg(uploaded_file):
    """An uploaded photo of a person, checked and re-encoded; return the JPEG bytes to store.

    Checked as evidence is (``inspect_upload``: a real JPEG or PNG, decoded to its end, nothing hidden
    behind it, at most PHOTO_MAX_BYTES), then decoded and written anew: turned upright by its EXIF
    orientation, cut to the certificate's proportions (centred a little above the middle, where a face
    is) and scaled to PORTRAIT_SIZE, as an RGB JPEG with no metadata at all (EXIF, GPS, comments, ICC
    profile: nothing of the file uploaded survives but its pixels). Raises ValidationError saying what
    is wrong and what would be right."""
    uploaded_file.seek(0)
    is_pdf = uploaded_file.read(len(b"%PDF-")) == b"%PDF-"
    uploaded_file.seek(0)
    inspected = None if is_pdf else inspect_upload(uploaded_file, max_bytes=PHOTO_MAX_BYTES)
    name = inspected.original_name if inspected else clean_name(getattr(uploaded_file, "name", ""))
    if is_pdf:  # said before a PDF is taken apart for nothing
        _refuse(
            _("%(name)s is a PDF file; the photo must be a JPEG or PNG image (a photo taken or scanned)."),
            "photo_not_image",
            name=name,
        )
    try:
        uploaded_file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(uploaded_file, formats=["PNG" if inspected.extension == PNG else "JPEG"])
            image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P", "PA"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")  # a transparent background prints white
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image = image.convert("RGB")
    except ValidationError:
        raise
    except Exception:
        _damaged(name)
    finally:
        uploaded_file.seek(0)
    if min(image.size) < PORTRAIT_MIN_SIDE:
        _refuse(
            _(
                "%(name)s is %(width)d × %(height)d pixels, too small to print; upload a photo of at least "
                "%(minimum)d pixels on its shorter side (a phone's photo is much larger)."
            ),
            "photo_too_small",
            name=name,
            width=image.size[0],
            height=image.size[1],
            minimum=PORTRAIT_MIN_SIDE,
        )
    image = ImageOps.fit(image, PORTRAIT_SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.35))
    # Pixels only: a new image carries none of the decoded file's info (comment, ICC profile, EXIF).
    image = Image.frombytes("RGB", image.size, image.tobytes())
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=PORTRAIT_QUALITY, optimize=True)
    return output.getvalue()


# --- Storage and download ------------------------------------------------------------------------


def store_upload(uploaded_file, inspected, *, folder="evidence"):
    """Save an inspected upload under a random name in ``folder``; return the storage name to keep on the
    record."""
    now = timezone.localtime()
    name = f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{inspected.extension}"
    uploaded_file.seek(0)
    return default_storage.save(name, uploaded_file)


def store_content(content, *, folder, extension):
    """Save bytes the portal made (a re-encoded photo) under a random name in ``folder``; return the
    storage name."""
    now = timezone.localtime()
    return default_storage.save(f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}", ContentFile(content))


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
