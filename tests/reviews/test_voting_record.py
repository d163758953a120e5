"""The meeting record (评审会议记录): a PDF with the embedded CJK font, stored once with its SHA-256, saying
the panel, attendance, recusals, per application the counts and result, the rule and who closed it."""

import hashlib
import re
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from reviews.models import Meeting
from reviews.services.voting import attendance_record, ballot_cast, vote_close, vote_open
from tests.documents import embedded_fonts, snapshot
from tests.reviews.factories import ReviewWorld
from tests.reviews.voting_helpers import cast_all, officers
from zaozhuang_titles import signing

pytestmark = [pytest.mark.django_db, pytest.mark.real_documents]
pdftotext = shutil.which("pdftotext")


@pytest.fixture
def closed_meeting():
    world = ReviewWorld(cases=2, panel_size=5)
    world.cases[1].assignments.filter(expert=world.experts[0]).update(
        conflict_declared_at=timezone.now(), conflict_reason="同一单位"
    )
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:4]])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    cast_all(world, world.cases[0], ["yes", "yes", "yes", "no"])
    for expert, choice in zip(world.experts[1:4], ["yes", "yes", "no"], strict=True):  # expert 0 is recused
        ballot_cast(case=world.cases[1], expert=expert, choice=choice)
    return world


def record_bytes(meeting):
    with default_storage.open(meeting.record, "rb") as stored:
        return stored.read()


def test_record_is_a_pdf_with_the_cjk_font_embedded(closed_meeting):
    world = closed_meeting
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    meeting = Meeting.objects.get()
    data = record_bytes(meeting)
    assert data.startswith(b"%PDF-")
    fonts = embedded_fonts(data)  # the OpenType CJK font (Noto), embedded as a subset
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+Noto-.*", name) for name in fonts)
    assert set(fonts.values()) == {"/FontFile3"}
    assert b"/ByteRange" in data and b"/Sig" in data  # signed
    assert hashlib.sha256(data).hexdigest() == meeting.record_sha256
    assert meeting.record.startswith(f"meetings/{timezone.now():%Y}/{meeting.pk}-")


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) reads the text back")
def test_record_says_panel_attendance_recusals_counts_rule_and_closer(closed_meeting):
    world = closed_meeting
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    data = record_bytes(Meeting.objects.get())
    text = subprocess.run([pdftotext, "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
    text = re.sub(r"\s+", "", text.decode())
    for expert in world.experts:
        assert str(expert).replace(" ", "") in text
    for application in world.applications:
        assert application.number in text
    assert "同一单位" in text  # the recusal and its reason
    assert world.city.real_name in text
    assert world.meeting.name in text
    # Who chaired and who recorded, named above their signature lines.
    chair = officers(world)["chair"]
    assert f"评审组组长：{chair}".replace(" ", "") in text
    assert f"记录人：{world.city.real_name}".replace(" ", "") in text
    for expected in (
        "评审会议纪要",
        "枣庄市人力资源和社会保障局",
        f"枣人社职评纪〔{timezone.localdate().year}〕{world.meeting.pk}号",
        "出席与法定人数",
        "签名：",
        "（盖章）",
    ):
        assert expected in text, expected
    snapshot("meeting_record", data)
    assert signing.validate_pdf(data).valid
    for application in world.applications:  # no ID number or mobile of an applicant in a record
        assert application.applicant.id_number not in text and application.applicant.mobile not in text
    first, second = (case.refresh_from_db() or case for case in world.cases)
    assert (first.present, first.yes, first.result) == (4, 3, "passed")
    assert (second.present, second.yes, second.result) == (3, 2, "passed")
