"""Pages of filing and certificates: staff file a batch (or are told what holds it up), download the
files (logged), record the filing number, issue and revoke certificates; the holder downloads its
certificate; the public verification page (码上看) for a valid, a revoked and a tampered token."""

import io
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Status
from results.documents.filing_excel import COLUMNS
from results.models import Certificate, Filing
from results.services.certificates import certificate_issue, certificate_revoke
from results.services.filing import filing_create
from tests.factories import UserFactory
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


def _content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def filed_world(count, django_capture_on_commit_callbacks, *, numbered=True):
    world = FilingWorld(count=count)
    with django_capture_on_commit_callbacks(execute=True):
        world.filing = filing_create(batch=world.batch, actor=world.city)
    if numbered:
        number_filing(world.filing, world.city)
    world.filing.refresh_from_db()
    for application in world.applications:
        application.refresh_from_db()
    return world


@pytest.fixture
def staff_client(client_for):
    def make(world):
        return client_for(world.city)

    return make


# --- Filing ----------------------------------------------------------------------------------------


def test_filing_batch_page_lists_what_holds_it_up(client_for):
    world = FilingWorld(count=2)
    held = world.applications[0]
    world.object_to(held, reference="YY20269999")
    client = client_for(world.city)

    page = client.get(reverse("results:filing_batch", args=[world.batch.pk])).content.decode()
    response = client.post(reverse("results:filing_batch", args=[world.batch.pk]), follow=True)

    assert "YY20269999" in page
    assert held.number in page
    body = response.content.decode()
    assert "YY20269999" in body
    assert held.applicant.real_name in body
    assert Filing.objects.count() == 0


def test_filing_batch_post_files_and_builds(client_for, django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    client = client_for(world.city)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:filing_batch", args=[world.batch.pk]))

    filing = Filing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("results:filing_detail", args=[filing.pk])
    assert filing.row_count == 2
    assert filing.excel and filing.pdf
    assert set(world.batch.applications.values_list("status", flat=True)) == {Status.FILED}


def test_filing_excel_download_is_logged_and_holds_whole_ids(client_for, django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)
    client = client_for(world.city)

    response = client.get(reverse("results:filing_excel", args=[world.filing.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(_content(response)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert {row[2] for row in rows[1:]} == {a.applicant.id_number for a in world.applications}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORTED)
    assert (event.user, event.object_id, event.detail["rows"]) == (world.city, str(world.filing.pk), 2)


def test_filing_pdf_download_is_logged(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)

    response = client_for(world.city).get(reverse("results:filing_pdf", args=[world.filing.pk]))

    assert _content(response).startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED, object_id=str(world.filing.pk)).count() == 1


def test_filing_files_are_for_city_staff_only(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    url = reverse("results:filing_excel", args=[world.filing.pk])

    for user in (world.world.district, world.applications[0].applicant, world.world.contact):
        assert client_for(user).get(url).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).exists()


def test_filing_detail_records_the_number(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks, numbered=False)
    url = reverse("results:filing_detail", args=[world.filing.pk])
    today = timezone.localdate(world.filing.created_at)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.city).post(url, {"number": "鲁人社职备〔2026〕3号", "filed_on": today.isoformat()})

    assert response.status_code == 302
    world.filing.refresh_from_db()
    assert (world.filing.number, world.filing.filed_on) == ("鲁人社职备〔2026〕3号", today)
    assert "鲁人社职备〔2026〕3号" in client_for(world.city).get(url).content.decode()


def test_filing_detail_refuses_a_future_date(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks, numbered=False)
    url = reverse("results:filing_detail", args=[world.filing.pk])

    response = client_for(world.city).post(url, {"number": "X1", "filed_on": "2999-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["filed_on"]
    world.filing.refresh_from_db()
    assert world.filing.number == ""


def test_filing_batches_page_queries_pinned_at_1_and_3(client_for, django_assert_num_queries):
    city = UserFactory(roles=[Role.CITY_STAFF])
    client = client_for(city)
    url = reverse("results:filing_batches")

    FilingWorld(count=1)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(8):
        one = client.get(url)
    FilingWorld(count=1)
    FilingWorld(count=1)
    with django_assert_num_queries(8):
        three = client.get(url)

    assert one.status_code == three.status_code == 200
    assert one.content.decode().count('data-testid="filing-batch"') == 1
    assert three.content.decode().count('data-testid="filing-batch"') == 3


def test_filing_certificates_page_queries_pinned_at_1_and_3(client_for, django_assert_num_queries):
    world = FilingWorld(count=0)
    client = client_for(world.city)
    url = reverse("results:filing_certificates", args=[world.batch.pk])

    def add():
        application = world.add()
        number_filing(filing_create(batch=world.batch, actor=world.city), world.city)
        application.refresh_from_db()
        certificate_issue(application=application)

    add()
    client.get(url)  # warm caches (content types, sessions)
    # 12: the filings still without a filing number (备案文号) are listed with why nothing is issued, and the
    # last issue run is linked.
    with django_assert_num_queries(12):
        one = client.get(url)
    add()
    add()
    with django_assert_num_queries(12):
        three = client.get(url)

    assert one.status_code == three.status_code == 200
    assert one.content.decode().count('data-testid="certificate-row"') == 1
    assert three.content.decode().count('data-testid="certificate-row"') == 3


# --- Certificates -------------------------------------------------------------------------------------


@pytest.mark.real_documents
def test_certificates_issue_from_the_page(client_for, django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.city).post(reverse("results:filing_certificates", args=[world.batch.pk]))

    assert response.status_code == 302
    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    assert set(world.batch.applications.values_list("status", flat=True)) == {Status.CERTIFIED}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the text back")
@pytest.mark.real_documents
def test_certificates_issued_without_site_url_point_to_the_server_that_issued_them(
    client_for, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = ""  # development: a server on port 8123, not the default 8000
    world = filed_world(1, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.city).post(
            reverse("results:filing_certificates", args=[world.batch.pk]), HTTP_HOST="127.0.0.1:8123"
        )

    certificate = Certificate.objects.get(application__batch=world.batch)
    with default_storage.open(certificate.pdf) as stored:
        data = stored.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert f"http://127.0.0.1:8123/applications/verify/{certificate.token}/" in "".join(text.split())
    page = client_for(world.city).get(reverse("results:certificate", args=[certificate.pk]), HTTP_HOST="127.0.0.1:8123")
    assert f"http://127.0.0.1:8123/applications/verify/{certificate.token}/" in page.content.decode()


def test_certificate_revoke_page(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    response = client_for(world.city).post(
        reverse("results:certificate_revoke", args=[certificate.pk]), {"category": "fraud", "reason": "经核实业绩造假"}
    )

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.revoke_category, certificate.revoke_reason) == ("fraud", "经核实业绩造假")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CERTIFICATE_REVOKED)
    assert (event.user, event.ip, event.detail["category"]) == (world.city, "127.0.0.1", "fraud")
    # The register and the public page say revoked, with the date and the category, never the words.
    revoked_on = timezone.localtime(certificate.revoked_at).date().isoformat()
    register = (
        client_for(world.city).get(reverse("results:filing_certificates", args=[world.batch.pk])).content.decode()
    )
    public = Client().get(reverse("results:certificate_verify", args=[certificate.token])).content.decode()
    for page in (register, public):
        assert revoked_on in page
        assert "申报弄虚作假" in page
    assert "经核实业绩造假" not in public


def test_certificate_revoke_page_needs_a_category(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])

    response = client_for(world.city).post(
        reverse("results:certificate_revoke", args=[certificate.pk]), {"reason": "经核实业绩造假"}
    )

    assert response.status_code == 200 and response.context["form"].errors["category"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_certificate_pdf_for_its_holder_and_city_staff_only(client_for, django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)
    own, other = (certificate_issue(application=a) for a in world.applications)
    holder = world.applications[0].applicant
    url = reverse("results:certificate_pdf", args=[own.pk])

    response = client_for(holder).get(url)

    assert response.status_code == 200
    assert _content(response).startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED, object_id=str(own.pk))
    assert event.user == holder
    assert client_for(holder).get(reverse("results:certificate_pdf", args=[other.pk])).status_code == 404
    assert client_for(world.city).get(url).status_code == 200
    page = client_for(holder).get(reverse("results:certificate", args=[own.pk])).content.decode()
    assert own.number in page
    assert own.token in page  # the verification link


# --- 码上看 ---------------------------------------------------------------------------------------------


def test_verify_page_shows_a_valid_certificate(client, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])
    applicant = world.applications[0].applicant

    response = client.get(reverse("results:certificate_verify", args=[certificate.token]))

    body = response.content.decode()
    assert response.status_code == 200
    for text in (certificate.holder_name, certificate.number, certificate.committee_name, "高级工程师"):
        assert text in body
    assert certificate.granted_on.isoformat() in body
    assert 'data-testid="verdict"' in body and "alert-success" in body
    assert applicant.id_number not in body
    assert applicant.mobile not in body
    assert response["Referrer-Policy"] == "no-referrer"


def test_verify_page_shows_a_revoked_certificate(client, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])
    certificate_revoke(certificate=certificate, actor=world.city, reason="经核实业绩造假")
    certificate.refresh_from_db()

    body = client.get(reverse("results:certificate_verify", args=[certificate.token])).content.decode()

    assert "alert-danger" in body
    # The page says the date in Beijing time: 16:00 to 24:00 UTC is already the next day there.
    assert timezone.localdate(certificate.revoked_at).isoformat() in body
    assert "经核实业绩造假" not in body


@pytest.mark.parametrize("tamper", ["one_char", "truncated", "unknown", "long", "number"])
def test_verify_page_says_not_found_and_nothing_else(client, django_capture_on_commit_callbacks, tamper):
    world = filed_world(1, django_capture_on_commit_callbacks)
    certificate = certificate_issue(application=world.applications[0])
    token = certificate.token
    tampered = {
        "one_char": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncated": token[:-3],
        "unknown": "x" * len(token),
        "long": token + "A" * 20,
        "number": certificate.number,
    }[tamper]

    url = reverse("results:certificate_verify", args=[tampered])
    response = client.get(url)

    # The page's own address (typed by the visitor) comes back in the language switch; nothing else does.
    body = response.content.decode().replace(url, "")
    assert response.status_code == 404
    assert 'data-testid="not-found"' in body
    for text in (certificate.holder_name, certificate.number, certificate.committee_name, world.batch.name):
        assert text not in body


def test_verify_not_found_is_the_portal_page_saying_what_to_check_and_whom_to_ask(client, settings):
    settings.BUREAU_CONTACT = "枣庄市人力资源和社会保障局 电话 0632-0000000"

    response = client.get(reverse("results:certificate_verify", args=["A" * 24]))

    body = response.content.decode()
    assert response.status_code == 404
    assert "未找到与此验证码对应的证书" in body
    assert "重新扫描证书上的二维码" in body
    assert "枣庄市人力资源和社会保障局 电话 0632-0000000" in body
    assert 'data-testid="page-title"' in body and "<nav" in body  # base.html: the portal's header


def test_verify_not_found_names_the_bureau_by_default(client):
    response = client.get(reverse("results:certificate_verify", args=["A" * 24]))

    assert response.status_code == 404
    assert "枣庄市人力资源和社会保障局" in response.content.decode()


def test_certificate_link_include_for_the_application_page(django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string

    world = filed_world(1, django_capture_on_commit_callbacks)
    application = world.applications[0]
    template = "results/filing/includes/certificate_link.html"

    assert 'data-testid="certificate-link"' not in render_to_string(template, {"certificate": None})
    certificate = certificate_issue(application=application)
    application = type(application).objects.get(pk=application.pk)
    html = render_to_string(template, {"certificate": application.certificate})

    assert reverse("results:certificate", args=[certificate.pk]) in html


def test_filing_detail_leads_on_to_certificates_once_numbered(client_for, django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks, numbered=False)
    url = reverse("results:filing_detail", args=[world.filing.pk])
    certificates = reverse("results:filing_certificates", args=[world.batch.pk])
    client = client_for(world.city)

    before = client.get(url).content.decode()
    number_filing(world.filing, world.city)
    after = client.get(url).content.decode()

    assert 'data-testid="next-number"' in before
    assert 'data-testid="next-certificates"' not in before
    assert f'href="{certificates}" data-testid="next-certificates"' in after


def test_certificates_page_says_why_nothing_is_issued_without_a_filing_number(
    client_for, django_capture_on_commit_callbacks
):
    world = filed_world(1, django_capture_on_commit_callbacks, numbered=False)
    url = reverse("results:filing_certificates", args=[world.batch.pk])
    client = client_for(world.city)

    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)

    assert 'data-testid="awaiting-number"' in page
    assert reverse("results:filing_detail", args=[world.filing.pk]) in page
    assert 'data-testid="issue-button" disabled' in page
    sent = [str(message) for message in response.context["messages"]]
    assert len(sent) == 1 and "备案文号" in sent[0] and f"#{world.filing.pk}" in sent[0]
    assert not Certificate.objects.exists()
