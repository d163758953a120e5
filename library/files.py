"""The library's files: what an upload is, where it is kept, and how it goes out (with byte ranges).

Documents and flow charts are PDF, JPEG or PNG, checked exactly as evidence is
(``applications.evidence.inspect_upload``: by content, PDF actions and attachments refused…). A
training video is an MP4 file (H.264, what every phone plays), checked here the same way: by content
and never by name, its extension must agree, and its boxes are walked from the first to the last byte,
so nothing can hide behind the video (an archive, a web page) and a truncated upload is refused.

Files are stored under random names in the private media root and sent back by ``ranged_response``,
which answers HTTP range requests (RFC 9110 §14): a video player seeks without downloading the whole
file, and a broken download resumes.
"""

import hashlib
import re
import struct
import uuid

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from zaozhuang_titles.uploads import CHUNK_BYTES, clean_name, format_mb

MIB = 1024 * 1024
#: The largest document (guide, compilation, leaflet, flow chart) and the largest video.
MAX_DOCUMENT_BYTES = 50 * MIB
MAX_VIDEO_BYTES = 1024 * MIB
VIDEO_TYPE = "video/mp4"
VIDEO_EXTENSIONS = {"mp4", "m4v"}
#: ftyp brands of still images (HEIC/AVIF photos): ISO files, but not videos.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_BOX_TYPE = re.compile(rb"^[A-Za-z0-9 \xa9_\-]{4}$")
MAX_BOXES = 10_000


def _refuse(message, code):
    raise ValidationError(message, code=code)


def inspect_video(uploaded_file, *, max_bytes=MAX_VIDEO_BYTES):
    """Check that an upload is an MP4 video; return (size, sha256, clean name) or raise ValidationError."""
    name = clean_name(getattr(uploaded_file, "name", ""))
    _stem, dot, extension = name.rpartition(".")
    declared = getattr(uploaded_file, "size", None) or 0
    if declared > max_bytes:
        _refuse(
            _("%(name)s is %(size)s MB; a video may be at most %(limit)s MB.")
            % {"name": name, "size": format_mb(declared, round_up=True), "limit": format_mb(max_bytes)},
            "library_video_too_large",
        )
    digest = hashlib.sha256()
    size = 0
    for chunk in uploaded_file.chunks(CHUNK_BYTES):
        size += len(chunk)
        digest.update(chunk)
        if size > max_bytes:
            _refuse(
                _("%(name)s is over %(limit)s MB; a video may be at most %(limit)s MB.")
                % {"name": name, "limit": format_mb(max_bytes)},
                "library_video_too_large",
            )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if size == 0:
        _refuse(_("%(name)s is empty.") % {"name": name}, "library_video_empty")
    if head[4:8] != b"ftyp" or head[8:12] in _IMAGE_BRANDS:
        _refuse(
            _("%(name)s is not an MP4 video. Export or convert the video to MP4 (H.264) and upload that.")
            % {"name": name},
            "library_video_type",
        )
    if not dot or extension.lower() not in VIDEO_EXTENSIONS:
        _refuse(
            _("%(name)s is an MP4 video; rename it to end in .mp4.") % {"name": name},
            "library_video_extension",
        )
    boxes = _mp4_boxes(uploaded_file, size)
    if boxes is None:
        _refuse(
            _(
                "%(name)s is damaged or has data after the end of the video (an archive or a web page can hide "
                "there). Export the video to MP4 again and upload that."
            )
            % {"name": name},
            "library_video_damaged",
        )
    if b"moov" not in boxes:
        _refuse(
            _("%(name)s has no movie header (moov): it is incomplete. Export the video to MP4 again.") % {"name": name},
            "library_video_damaged",
        )
    return size, digest.hexdigest(), name


def _mp4_boxes(fp, size):
    """The types of the top-level boxes when they tile the file exactly from byte 0 to its end; else None."""
    types = []
    position = 0
    try:
        while position < size:
            if len(types) >= MAX_BOXES:
                return None
            fp.seek(position)
            header = fp.read(16)
            if len(header) < 8:
                return None
            length, kind = struct.unpack(">I4s", header[:8])
            if not _BOX_TYPE.match(kind):
                return None
            if length == 1:
                if len(header) < 16:
                    return None
                length = struct.unpack(">Q", header[8:16])[0]
                minimum = 16
            elif length == 0:
                length = size - position  # "to the end of the file", the last box only
                minimum = 8
            else:
                minimum = 8
            if length < minimum or position + length > size:
                return None
            types.append(kind)
            position += length
    finally:
        fp.seek(0)
    return types


def store_file(uploaded_file, extension):
    """Save a checked upload under a random name; return the storage name."""
    now = timezone.localtime()
    name = f"library/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"
    uploaded_file.seek(0)
    return default_storage.save(name, uploaded_file)


# --- Sending, with ranges --------------------------------------------------------------------------


class Unsatisfiable(Exception):
    pass


def parse_range(header, size):
    """The (first, last) byte positions, inclusive, that a ``Range`` header asks of a file of ``size``
    bytes; None to send the whole file (no header, another unit, several ranges, a malformed or invalid
    one: RFC 9110 lets a server ignore those). Raises ``Unsatisfiable`` for a valid range that lies
    wholly past the end."""
    if not header:
        return None
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    if not first:  # a suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _chunks(storage_name, start, length):
    with default_storage.open(storage_name, "rb") as stored:
        stored.seek(start)
        left = length
        while left > 0:
            chunk = stored.read(min(CHUNK_BYTES, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def ranged_response(request, *, storage_name, size, etag, content_type, download_name):
    """The stored file, whole (200) or the byte range asked (206), or 416 for a range past its end.

    ``If-Range`` is honoured: a range is served only while the file is the one the client has (its
    ETag, the SHA-256 of the content). Headers stop a browser from running anything in the file, as for
    evidence; PDFs, images and videos are shown in the page, anything else is downloaded."""
    etag = f'"{etag}"'
    header = request.headers.get("Range")
    if header and request.headers.get("If-Range") not in (None, etag):
        header = None
    try:
        wanted = parse_range(header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _secure(response, etag, content_type, download_name)
    if wanted is None:
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = wanted, 206
    length = max(0, end - start + 1)
    body = _chunks(storage_name, start, length) if request.method != "HEAD" else iter(())
    response = StreamingHttpResponse(body, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _secure(response, etag, content_type, download_name)


def _secure(response, etag, content_type, download_name):
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    inline = content_type.startswith(("video/", "image/")) or content_type == "application/pdf"
    name = clean_name(download_name)
    disposition = "inline" if inline else "attachment"
    if name.isascii() and '"' not in name and "\\" not in name:
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    else:
        response["Content-Disposition"] = f"{disposition}; filename*=utf-8''{escape_uri_path(name)}"
    patch_cache_control(response, private=True, no_store=True)
    return response
