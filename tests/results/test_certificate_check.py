"""码上看 by file: the public page takes a certificate's PDF and answers valid, revoked (with the date and
the category), altered or unknown; the upload is checked as evidence is. And revocation: the PDF stays
signed, the register and the verification pages say revoked, since when and why in a category."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from results.models import Certificate, RevokeCategory
from results.services.certificates import certificate_revoke, certificates_issue_for_batch
from results.services.filing import filing_create
from tests.applications import hostile_files
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles import signing
from zaozhuang_titles.documents import render_pdf

pytestmark = pytest.mark.django_db
URL = "/applications/verify/check/"


@pytest.fixture
def issued(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    with django_capture_on_commit_callbacks(execute=True):
        world.filing = filing_create(batch=world.batch, actor=world.city)
    number_filing(world.filing, world.city)
    certificates_issue_for_batch(batch_id=world.batch.pk)
    world.certificates = list(Certificate.objects.order_by("number"))
    return world


def stored(certificate):
    with default_storage.open(certificate.pdf, "rb") as handle:
        return handle.read()


def check(client, data, name="职称证书.pdf"):
    response = client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})
    assert response.status_code == 200
    return response


def verdict(response):
    return response.context["check"].verdict if response.context.get("check") else None


def test_the_url_is_the_check_page():
    assert reverse("results:certificate_check") == URL


def test_the_issued_file_is_valid_and_shows_the_register(client, issued):
    certificate = issued.certificates[0]

    response = check(client, stored(certificate))

    assert verdict(response) == "valid"
    html = response.content.decode()
    assert certificate.holder_name in html and certificate.number in html
    assert issued.certificates[1].holder_name not in html
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_revoked_certificate_keeps_its_signed_pdf_and_is_said_revoked_with_date_and_category(client, issued):
    certificate = issued.certificates[0]
    before = stored(certificate)

    certificate_revoke(certificate=certificate, actor=issued.city, reason="材料造假", category=RevokeCategory.FRAUD)

    certificate.refresh_from_db()
    assert stored(certificate) == before and signing.validate_pdf(before).valid  # the file is as issued
    response = check(client, before)
    assert verdict(response) == "revoked"
    html = response.content.decode()
    date = certificate.revoked_at.astimezone().strftime("%Y-%m-%d")
    assert f"{date}" in html and "弄虚作假" in html
    assert "材料造假" not in html  # the reason in words stays with staff
    page = client.get(reverse("results:certificate_verify", args=[certificate.token])).content.decode()
    assert date in page and "弄虚作假" in page and "材料造假" not in page


def test_one_byte_changed_is_altered_and_shows_nothing_of_the_register(client, issued):
    certificate = issued.certificates[0]
    data = bytearray(stored(certificate))
    data[data.index(b"stream") + 40] ^= 0x01

    response = check(client, bytes(data))

    assert verdict(response) == "altered"
    assert certificate.holder_name not in response.content.decode()


@pytest.mark.parametrize("tail", [b"\n% edited\n", b"\n% edited\n%%EOF\n"])
def test_something_appended_after_signing_is_altered(client, issued, tail):
    data = stored(issued.certificates[0]) + tail

    assert verdict(check(client, data)) == "altered"


def test_a_pdf_not_signed_by_the_bureau_is_unknown(client, issued):
    unsigned = render_pdf("documents/demo_evidence.html", {"title": issued.certificates[0].number})

    assert verdict(check(client, unsigned)) == "unknown"


def test_a_signed_document_that_is_no_certificate_is_unknown(client, issued):
    letter = signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "举荐信"}), reason="举荐信")

    assert verdict(check(client, letter)) == "unknown"


def test_a_pdf_signed_by_someone_else_is_unknown(client, issued, tmp_path, settings):
    own = settings.DOCUMENT_SIGNING_P12
    p12, _ca = signing.demo_ca_write(tmp_path)
    settings.DOCUMENT_SIGNING_P12 = str(p12)
    forged = signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "职称证书"}), reason="x")
    settings.DOCUMENT_SIGNING_P12 = own

    assert verdict(check(client, forged)) == "unknown"
    assert verdict(check(client, stored(issued.certificates[0]))) == "valid"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "证书.png", "PNG"),
        (b"<html><script>alert(1)</script></html>", "证书.pdf", "HTML"),
        (b"", "证书.pdf", "empty"),
    ],
)
def test_a_file_that_is_no_pdf_is_refused_with_the_reason(client, content, name, message):
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200 and response.context.get("check") is None
    assert response.context["form"].errors["file"]


def test_a_pdf_with_a_script_is_refused_like_evidence(client):
    response = client.post(
        URL, {"file": SimpleUploadedFile("证书.pdf", hostile_files.pdf(hostile_files._open_action_js))}
    )

    assert response.context.get("check") is None
    assert "JavaScript" in str(response.context["form"].errors["file"])


def test_a_file_larger_than_the_limit_is_refused(client, settings):
    data = render_pdf("documents/demo_evidence.html", {"title": "大"})
    settings.CERTIFICATE_CHECK_MAX_BYTES = len(data) - 1

    response = client.post(URL, {"file": SimpleUploadedFile("证书.pdf", data)})

    assert response.context.get("check") is None and response.context["form"].errors["file"]


def test_the_check_costs_the_same_queries_with_more_certificates(
    client, issued, django_assert_num_queries, django_capture_on_commit_callbacks
):
    data = stored(issued.certificates[0])
    check(client, data)  # warm-up: the signer is loaded once per process
    with django_assert_num_queries(1):
        check(client, data)
    more = FilingWorld(count=3)
    with django_capture_on_commit_callbacks(execute=True):
        number_filing(filing_create(batch=more.batch, actor=more.city), more.city)
    certificates_issue_for_batch(batch_id=more.batch.pk)
    assert Certificate.objects.count() == 5
    with django_assert_num_queries(1):
        check(client, data)


def test_the_register_shows_the_category_of_a_revoked_certificate(client_for, issued):
    certificate = issued.certificates[0]
    certificate_revoke(certificate=certificate, actor=issued.city, reason="错发", category=RevokeCategory.ERROR)

    html = client_for(issued.city).get(reverse("results:filing_certificates", args=[issued.batch.pk])).content.decode()

    assert "证书信息有误" in html
