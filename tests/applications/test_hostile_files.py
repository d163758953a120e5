"""The hostile corpus (tests/applications/hostile_files.py): each file refused with its reason, through
the inspector and through the real upload pages, and the look-alike benign files accepted."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from applications.evidence import inspect_upload
from tests.applications import hostile_files
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
