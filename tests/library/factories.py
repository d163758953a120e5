"""Builders of the library's documents, files and packages, through the real services."""

import datetime
import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from library import services
from library.models import DocumentKind, Visibility
from tests.factories import UserFactory
from zaozhuang_titles.documents import render_pdf
from zaozhuang_titles.models import Role


def pdf_file(text="枣庄市职称评审申报指南", name="指南.pdf"):
    """A real PDF with ``text`` in the CJK font (printed as the portal's own documents)."""
    data = render_pdf("documents/demo_text.html", {"title": name, "lines": [text]})
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_file(name="流程图.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def box(kind, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(payload_size=4000):
    """A minimal ISO base-media file: ftyp, moov, mdat (a player would find no track; the check only
    reads the boxes)."""
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100))
    mdat = box(b"mdat", bytes(range(256)) * (payload_size // 256) + b"\x01" * (payload_size % 256))
    return ftyp + moov + mdat


def mp4_file(name="培训.mp4", data=None):
    return SimpleUploadedFile(name, mp4_bytes() if data is None else data, content_type="video/mp4")


def staff_user():
    return UserFactory(roles=[Role.CITY_STAFF])


def make_document(
    *,
    actor=None,
    kind=DocumentKind.GUIDE,
    title="枣庄市职称评审申报指南(2022年版)",
    visibility=Visibility.PUBLIC,
    series=(),
    levels=(),
    channels=(),
    upload="default",
    link="",
    text="",
    effective_from=None,
    effective_until=None,
    label="2022年版",
):
    actor = actor or staff_user()
    default_file = isinstance(upload, str) and upload == "default"
    if default_file:
        upload = None
    if default_file and not link:
        if kind == DocumentKind.VIDEO:
            upload = mp4_file()
        elif kind == DocumentKind.FLOW_CHART:
            upload = png_file()
        else:
            upload = pdf_file(title)
    return services.document_create(
        actor=actor,
        kind=kind,
        title=title,
        summary="",
        visibility=visibility,
        series=series,
        levels=levels,
        channels=channels,
        version={
            "label": label,
            "effective_from": effective_from or timezone.localdate() - datetime.timedelta(days=30),
            "effective_until": effective_until,
            "upload": upload,
            "link": link,
            "text": text,
        },
    )
