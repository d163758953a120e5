"""Certificates (证书): issued once to a filed application, numbered, drawn as a PDF with the QR code of
the verification URL (which holds the unguessable token), moved FILED→CERTIFIED, revoked with a reason."""

import datetime
import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from applications.models import Batch, Status, Transition
from results.documents.certificates import certificate_pdf, qr_image, verification_url
from results.models import Certificate
from results.selectors.certificates import certificates_for_user
from results.services.certificates import (
    certificate_issue,
    certificate_revoke,
    certificates_issue_for_batch,
    certificates_queue_for_batch,
)
from results.services.filing import filing_create
from tests.documents import embedded_fonts
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import AuditEvent

pytestmark = pytest.mark.django_db


def filed_world(count, django_capture_on_commit_callbacks, *, numbered=True):
    world = FilingWorld(count=count)
    with django_capture_on_commit_callbacks(execute=True):
        world.filing = filing_create(batch=world.batch, actor=world.city)
    if numbered:
        number_filing(world.filing, world.city)
    for application in world.applications:
        application.refresh_from_db()
    return world


def _stored(name):
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def _pdf_images(content):
    """The pixels (black and white, as RGB bytes) of every image XObject of the PDF."""
    images = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                images.append(pikepdf.PdfImage(image).as_pil_image().convert("RGB").tobytes())
    return images


@pytest.mark.real_documents
def test_certificate_issue_certifies_a_filed_application(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    application = world.applications[0]

    certificate = certificate_issue(application=application, actor=world.city)

    application.refresh_from_db()
    assert application.status == Status.CERTIFIED
    log = Transition.objects.get(application=application, action="certify")
    assert (log.from_status, log.to_status, log.actor_id) == (Status.FILED, Status.CERTIFIED, world.city.pk)
    assert re.fullmatch(r"ZZ2022FG\d{5}", certificate.number)
    assert certificate.holder_name == application.applicant.real_name
    assert (certificate.series, certificate.level, certificate.title_name) == (
        "engineering",
        "deputy_senior",
        "高级工程师",
    )
    assert certificate.committee_name == world.publicity.committee_name
    content = _stored(certificate.pdf)
    assert content.startswith(b"%PDF")
    assert set(embedded_fonts(content).values()) == {"/FontFile3"}  # the OpenType CJK font is embedded
    assert b"/ByteRange" in content  # and the file is signed
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256


@pytest.mark.real_documents
def test_certificate_qr_code_holds_the_token_url(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    url = verification_url(certificate)

    assert url == settings.SITE_URL + reverse("results:certificate_verify", args=[certificate.token])
    assert certificate.token in url
    # The image drawn into the PDF is, pixel for pixel, the QR code of that URL.
    expected = qr_image(url).tobytes()
    assert expected in _pdf_images(_stored(certificate.pdf))
    other = qr_image(url.replace(certificate.token, "x" * len(certificate.token))).tobytes()
    assert other not in _pdf_images(_stored(certificate.pdf))


def test_certificate_pdf_of_a_built_certificate_is_deterministic(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    assert certificate_pdf(certificate, invariant=True) == certificate_pdf(certificate, invariant=True)


def test_certificate_issue_is_idempotent(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    application = world.applications[0]
    first = certificate_issue(application=application)

    second = certificate_issue(application=application)

    assert second.pk == first.pk
    assert (second.number, second.token, second.pdf, second.pdf_sha256) == (
        first.number,
        first.token,
        first.pdf,
        first.pdf_sha256,
    )
    assert Certificate.objects.count() == 1
    assert Transition.objects.filter(application=application, action="certify").count() == 1
    _directory, files = default_storage.listdir(f"certificates/{world.batch.pk}")
    assert [name for name in files if name.startswith(first.number)] == [f"{first.number}.pdf"]


def test_certificate_numbers_follow_each_other_and_tokens_do_not(django_capture_on_commit_callbacks):
    world = filed_world(3, django_capture_on_commit_callbacks)

    certificates = [certificate_issue(application=a) for a in world.applications]

    assert [c.number for c in certificates] == [f"ZZ2022FG{n:05d}" for n in (1, 2, 3)]
    tokens = [c.token for c in certificates]
    assert len(set(tokens)) == 3
    assert all(len(token) >= 24 and not token.isdigit() for token in tokens)


def test_certificate_issue_refuses_an_application_not_filed():
    world = FilingWorld(count=1)

    with pytest.raises(ValidationError) as caught:
        certificate_issue(application=world.applications[0])

    assert caught.value.code == "not_filed"
    assert Certificate.objects.count() == 0


def test_certificate_issue_refuses_other_roles(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)

    with pytest.raises(PermissionDenied):
        certificate_issue(application=world.applications[0], actor=world.world.district)

    assert Certificate.objects.count() == 0


@pytest.mark.real_documents
def test_certificates_issue_for_batch_once(django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)

    assert certificates_issue_for_batch(batch_id=world.batch.pk) == 2
    assert certificates_issue_for_batch(batch_id=world.batch.pk) == 0
    assert certificates_issue_for_batch(batch_id=987654) == 0

    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    assert Transition.objects.filter(action="certify").count() == 2


def pyhanko_cli(path, ca):
    """``pyhanko sign validate`` (package pyhanko-cli) on ``path``, offline, with the demo CA as the only
    trust root: the command the README gives a bureau or an employer."""
    command = shutil.which("pyhanko", path=str(Path(sys.executable).parent)) or shutil.which("pyhanko")
    assert command, "the pyhanko command (requirements.txt: pyhanko-cli) is installed"
    return subprocess.run(
        [command, "sign", "validate", "--no-revocation-check", "--trust-replace", "--trust", str(ca), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.real_documents
def test_pyhanko_cli_validates_a_signed_certificate_offline(
    django_capture_on_commit_callbacks, document_signer, tmp_path
):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])
    signed = _stored(certificate.pdf)
    valid, altered = tmp_path / "职称证书.pdf", tmp_path / "altered.pdf"
    valid.write_bytes(signed)
    changed = bytearray(signed)
    changed[signed.index(b"stream") + 40] ^= 0x01  # one bit of the page content, which the signature covers
    altered.write_bytes(bytes(changed))

    good, bad = pyhanko_cli(valid, document_signer), pyhanko_cli(altered, document_signer)

    assert good.returncode == 0, good.stderr
    assert good.stdout.strip().endswith(":INTACT:TRUSTED,UNTOUCHED")
    assert bad.returncode != 0
    assert bad.stdout.strip().endswith(":INVALID")  # the digest no longer matches


def test_certificate_revoke(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    certificate_revoke(certificate=certificate, actor=world.city, reason="业绩材料造假，经核实撤销。")

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoke_reason == "业绩材料造假，经核实撤销。"
    assert certificate.revoke_category == "other"  # the category when the caller names none
    assert not certificate.is_valid
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=world.city, reason="again")


def test_certificate_revoke_writes_the_audit_log(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    certificate_revoke(certificate=certificate, actor=world.city, reason="经核实业绩造假", category="fraud")

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CERTIFICATE_REVOKED)
    certificate.refresh_from_db()
    assert event.user == world.city
    assert (event.object_type, event.object_id) == ("results.certificate", str(certificate.pk))
    assert event.detail == {
        "number": certificate.number,
        "application": world.applications[0].number,
        "category": "fraud",
        "reason": "经核实业绩造假",
        "revoked_at": certificate.revoked_at.isoformat(),
    }
    assert abs((event.at - certificate.revoked_at).total_seconds()) < 5


def test_certificate_revoke_refused_writes_no_audit_event(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])
    certificate_revoke(certificate=certificate, actor=world.city, reason="经核实业绩造假", category="fraud")

    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=world.city, reason="again")

    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CERTIFICATE_REVOKED).count() == 1


def test_certificate_revoke_needs_a_reason_and_city_staff(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=world.city, reason="  ")
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, actor=world.applications[0].applicant, reason="x")

    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_certificates_for_user_equal_the_open_certificate_permission(django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)
    first, second = (certificate_issue(application=a, actor=world.city) for a in world.applications)
    certificates = [
        Certificate.objects.select_related("application").get(pk=pk) for pk in sorted([first.pk, second.pk])
    ]
    users = {
        "holder": world.applications[0].applicant,
        "city": world.city,
        "district": world.world.district,
        "contact": world.world.contact,
        "anonymous": AnonymousUser(),
    }
    expected = {
        "holder": [first.pk],
        "city": sorted([first.pk, second.pk]),
        "district": [],
        "contact": [],
        "anonymous": [],
    }

    listed = {key: sorted(certificates_for_user(user).values_list("pk", flat=True)) for key, user in users.items()}
    allowed = {
        key: [c.pk for c in certificates if user.has_perm("results.open_certificate", c)] for key, user in users.items()
    }

    assert listed == expected
    assert allowed == expected


# --- The date of qualification (取得资格时间) and the filing number --------------------------------------


def _voted_before_the_meeting_date(world, application, *, closed_days_ago=3):
    """A closed meeting that passed ``application``: its vote closed ``closed_days_ago`` days ago, and
    its scheduled date is two weeks ahead (a vote held before the date it was planned for)."""
    from django.utils import timezone

    from reviews.models import Case, Meeting
    from tests.reviews.factories import MeetingFactory

    closed_at = timezone.now() - datetime.timedelta(days=closed_days_ago)
    meeting = MeetingFactory(
        batch=world.batch,
        held_on=timezone.localdate() + datetime.timedelta(days=14),
        scoring_deadline=timezone.now() + datetime.timedelta(days=10),
        status=Meeting.Status.CLOSED,
        voting_closed_at=closed_at,
    )
    Case.objects.create(meeting=meeting, application=application, result=Case.Result.PASSED)
    return meeting


def test_certificate_date_is_the_day_the_vote_closed_by_default(django_capture_on_commit_callbacks):
    from django.utils import timezone

    world = filed_world(1, django_capture_on_commit_callbacks)
    application = world.applications[0]
    meeting = _voted_before_the_meeting_date(world, application)
    assert world.batch.qualification_date_rule == Batch.QualificationDateRule.VOTE_CLOSED

    certificate = certificate_issue(application=application, actor=world.city)

    assert certificate.granted_on == timezone.localdate(meeting.voting_closed_at)
    assert certificate.granted_on < meeting.held_on
    assert certificate.granted_on != world.filing.filed_on


def test_certificate_date_is_the_filing_date_when_the_batch_says_so(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    Batch.objects.filter(pk=world.batch.pk).update(qualification_date_rule=Batch.QualificationDateRule.FILING_APPROVED)
    application = world.applications[0]
    _voted_before_the_meeting_date(world, application)
    world.filing.refresh_from_db()

    certificate = certificate_issue(application=application, actor=world.city)

    assert certificate.granted_on == world.filing.filed_on


def test_certificate_date_without_a_meeting_is_the_day_the_pass_was_recorded(django_capture_on_commit_callbacks):
    from django.utils import timezone

    world = filed_world(1, django_capture_on_commit_callbacks)
    application = world.applications[0]
    passed_at = Transition.objects.get(application=application, action="review_pass").at

    certificate = certificate_issue(application=application, actor=world.city)

    assert certificate.granted_on == timezone.localdate(passed_at)


def test_certificate_issue_refused_while_the_filing_has_no_number(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks, numbered=False)
    application = world.applications[0]

    with pytest.raises(ValidationError) as refused:
        certificate_issue(application=application, actor=world.city)

    assert refused.value.code == "not_numbered"
    assert "filing number (备案文号)" in refused.value.messages[0]
    assert application.number in refused.value.messages[0]
    assert not Certificate.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.FILED
    assert certificates_issue_for_batch(batch_id=world.batch.pk) == 0


def test_certificates_queue_refused_while_the_filing_has_no_number(django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks, numbered=False)

    with pytest.raises(ValidationError) as refused:
        certificates_queue_for_batch(batch=world.batch, actor=world.city)

    assert refused.value.code == "not_ready"
    assert f"filing #{world.filing.pk}" in refused.value.messages[0]
    assert not Certificate.objects.exists()


def test_certificate_issue_under_filing_rule_needs_the_filing_date(django_capture_on_commit_callbacks):
    from results.models import Filing

    world = filed_world(1, django_capture_on_commit_callbacks)
    Batch.objects.filter(pk=world.batch.pk).update(qualification_date_rule=Batch.QualificationDateRule.FILING_APPROVED)
    Filing.objects.filter(pk=world.filing.pk).update(filed_on=None)

    with pytest.raises(ValidationError) as refused:
        certificate_issue(application=world.applications[0], actor=world.city)

    assert "no filing date" in refused.value.messages[0]
    assert not Certificate.objects.exists()


def test_batch_issue_reports_its_progress(django_capture_on_commit_callbacks, monkeypatch):
    from results.services import certificates as services

    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    world = filed_world(3, django_capture_on_commit_callbacks)
    seen = []

    issued = certificates_issue_for_batch(
        batch_id=world.batch.pk, progress=lambda done, total: seen.append((done, total))
    )

    assert issued == 3
    assert seen == [(2, 3), (3, 3)]
