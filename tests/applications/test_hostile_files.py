"""The hostile corpus (tests/applications/hostile_files.py): each file refused with its reason, through
the inspector and through the real upload pages, and the look-alike benign files accepted."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from applications.evidence import inspect_upload
from applications.models import Evidence
from tests.applications import hostile_files
from tests.applications.factories import World
from tests.applications.hostile_files import BENIGN, HOSTILE


def _upload(sample):
    return SimpleUploadedFile(sample.filename, sample.content(), content_type="application/octet-stream")


def test_hostile_corpus_is_large_and_quick_to_build():
    started = time.perf_counter()
    contents = [sample.content() for sample in HOSTILE + BENIGN]
    elapsed = time.perf_counter() - started
    assert len(HOSTILE) >= 25
    assert len({sample.id for sample in HOSTILE + BENIGN}) == len(contents)
    assert elapsed < 5


@pytest.mark.parametrize("sample", HOSTILE, ids=lambda sample: sample.id)
def test_inspect_upload_refuses_hostile_file_with_its_reason(sample):
    with override_settings(**sample.settings), translation.override("en"), pytest.raises(ValidationError) as error:
        inspect_upload(_upload(sample))
    assert error.value.code == sample.code
    assert sample.reason in error.value.messages[0]
    assert error.value.messages[0].startswith(sample.filename)


@pytest.mark.parametrize("sample", BENIGN, ids=lambda sample: sample.id)
def test_inspect_upload_accepts_benign_look_alike(sample):
    content = sample.content()
    inspected = inspect_upload(SimpleUploadedFile(sample.filename, content))
    assert (inspected.size, inspected.original_name) == (len(content), sample.filename)


def test_hostile_pdfs_hide_their_active_names_from_a_byte_search():
    packed = next(sample for sample in HOSTILE if sample.id == "js-in-object-stream").content()
    assert b"JavaScript" not in packed and b"/JS" not in packed
    assert b"JavaScript" not in hostile_files.OBFUSCATED_NAMES


@pytest.mark.parametrize(
    ("sample_id", "chinese"),
    [
        ("js-in-object-stream", "含有JavaScript 脚本"),
        ("encrypted-aes-password", "已加密或设有密码"),
        ("xfa", "XFA 表单"),
        ("file-attachment-untyped", "内嵌附件"),
    ],
)
def test_inspect_upload_names_the_reason_in_chinese(sample_id, chinese):
    sample = next(sample for sample in HOSTILE if sample.id == sample_id)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        inspect_upload(_upload(sample))
    assert chinese in error.value.messages[0]


# --- Through the applicant's upload page -------------------------------------------------------------

THROUGH_PAGES = [
    "js-in-object-stream",
    "file-attachment-untyped",
    "encrypted-aes-password",
    "xfa",
    "pdf-zip-polyglot",
    "png-trailing-zip",
]


def _sample(sample_id):
    return next(sample for sample in HOSTILE if sample.id == sample_id)


def _stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.mark.django_db
@pytest.mark.parametrize("sample_id", THROUGH_PAGES)
def test_evidence_upload_page_refuses_hostile_file_and_stores_nothing(sample_id, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sample = _sample(sample_id)
    draft = World().draft()
    before = list(Evidence.objects.values_list("pk", flat=True))
    files_before = _stored_files(tmp_path)
    client = client_for(draft.applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(reverse("applications:evidence_add", args=[draft.pk]), {"file": _upload(sample)})

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert sample.filename in message and sample.reason in message
    assert list(Evidence.objects.values_list("pk", flat=True)) == before
    assert _stored_files(tmp_path) == files_before


def test_inspect_upload_accepts_reportlab_pdf_with_links_outline_and_form_field():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.bookmarkPage("start")
    pdf.addOutlineEntry("封面", "start")
    pdf.drawString(72, 720, "Patent certificate ZL201510958772.0")
    pdf.linkURL("https://rst.zaozhuang.gov.cn/", (72, 700, 300, 716))
    pdf.linkAbsolute("back to start", "start", (72, 680, 300, 696))
    pdf.acroForm.textfield(name="remark", x=72, y=600, width=200, height=20)
    pdf.showPage()
    pdf.save()
    content = buffer.getvalue()
    assert b"/URI" in content and b"/AcroForm" in content
    assert inspect_upload(SimpleUploadedFile("links.pdf", content)).extension == "pdf"


_FUZZ_BASE = [hostile_files.pdf(), _sample("js-in-object-stream").content(), hostile_files.OBFUSCATED_NAMES]


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    base=st.sampled_from(range(len(_FUZZ_BASE))),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6),
)
def test_inspect_upload_on_damaged_pdfs_refuses_or_accepts_but_never_crashes(base, edits):
    content = bytearray(_FUZZ_BASE[base])
    for where, replacement in edits:
        position = int(where * len(content))
        content[position : position + len(replacement)] = replacement
    try:
        inspect_upload(SimpleUploadedFile("fuzz.pdf", bytes(content)))
    except ValidationError as error:
        assert error.code.startswith("evidence_")
