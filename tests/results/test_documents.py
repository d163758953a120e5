"""The documents of results as printed (templates/documents/): the certificate, the publicity notice and
the filing summary, rendered for demo-like data and read back with pdftotext; page 1 of each is saved
as PNG under test-artifacts/documents/ for a look."""

import io

import pikepdf
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from applications.demo import give_demo_photo
from applications.selectors import photo_of
from results.documents.certificates import verification_url
from results.documents.publicity_pdf import publicity_pdf
from results.models import Certificate
from results.services.certificates import certificates_issue_for_batch
from results.services.filing import filing_create
from tests.documents import needs_poppler, page_count, pdf_text, snapshot
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles import signing
from zaozhuang_titles.masking import mask_id_number

pytestmark = [pytest.mark.django_db, needs_poppler, pytest.mark.real_documents]


@pytest.fixture
def issued(django_capture_on_commit_callbacks):
    """A filed and numbered batch of two with their certificates issued; the second holder has a photo
    on its profile, the first none."""
    world = FilingWorld(count=2)
    give_demo_photo(world.applications[1].applicant, 2)
    with django_capture_on_commit_callbacks(execute=True):
        world.filing = filing_create(batch=world.batch, actor=world.city)
    number_filing(world.filing, world.city)
    certificates_issue_for_batch(batch_id=world.batch.pk)
    world.certificates = list(Certificate.objects.select_related("application__applicant").order_by("number"))
    return world


def stored(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_certificate_shows_what_a_certificate_says_and_masks_the_id_number(issued):
    certificate, other = issued.certificates
    data = stored(certificate.pdf)
    snapshot("certificate", data)
    text = pdf_text(data)

    holder = certificate.application.applicant
    for expected in (
        "职称证书",
        certificate.holder_name,
        mask_id_number(holder.id_number),
        "工程技术",  # series
        "副高级",  # level
        certificate.title_name,
        "取得资格时间",
        f"{certificate.granted_on.year}年{certificate.granted_on.month}月{certificate.granted_on.day}日",
        certificate.committee_name,
        certificate.number,
        "枣庄市人力资源和社会保障局",
        "发证日期",
        "（盖章）",
        "照片",  # the placeholder: the profile holds no photo
        verification_url(certificate),
    ):
        assert expected.replace(" ", "") in text, expected
    assert holder.id_number not in text
    assert holder.mobile not in text
    # Nothing of the other holder, nor the filing number (proof of filing, not the holder's business).
    assert other.holder_name not in text and other.number not in text
    assert page_count(data) == 1
    assert len(data) < 300 * 1024


def images_of(data):
    """(width, height, colour mode) of each image of the PDF's first page."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return sorted(
            (int(image.Width), int(image.Height), pikepdf.PdfImage(image).mode)
            for image in pdf.pages[0].get_images().values()
        )


def test_certificate_prints_the_holders_photo_or_the_placeholder(issued):
    without, with_photo = (stored(certificate.pdf) for certificate in issued.certificates)
    snapshot("certificate-photo", with_photo)

    # Without a photo the QR code is the one image (the placeholder is text); with one, the photo too,
    # as the profile stores it (re-encoded, 330 × 450).
    [qr] = images_of(without)
    assert sorted([qr, (330, 450, "RGB")]) == images_of(with_photo)
    assert "照片" in pdf_text(without) and "照片" not in pdf_text(with_photo)
    with default_storage.open(photo_of(issued.certificates[1].application.applicant), "rb") as photo:
        assert Image.open(photo).size == (330, 450)
    assert len(with_photo) < 300 * 1024
    assert signing.validate_pdf(with_photo).valid


def test_certificate_is_signed_by_the_bureau_and_any_change_breaks_it(issued):
    data = stored(issued.certificates[0].pdf)

    assert signing.validate_pdf(data).valid
    changed = bytearray(data)
    changed[data.index(b"stream") + 40] ^= 0x01
    assert not signing.validate_pdf(bytes(changed)).valid


def test_publicity_notice_is_an_official_notice_with_its_list_and_period(issued):
    publicity = issued.publicity
    data = publicity_pdf(publicity)
    snapshot("publicity_notice", data)
    text = pdf_text(data)

    for expected in (
        "枣庄市人力资源和社会保障局",  # the issuing organ at the head and at the foot
        f"枣人社职评公〔{publicity.published_at.year}〕{publicity.pk}号",
        publicity.title,
        publicity.committee_name,
        "0632-1234567",  # how to object
        "（盖章）",
        *[entry.name for entry in issued.entries],
        *[entry.enterprise_name for entry in issued.entries],
    ):
        assert expected in text, expected
    assert text.count("枣庄市人力资源和社会保障局") == 2
    for application in issued.applications:  # names only: no ID number, mobile or application number
        assert application.applicant.id_number not in text
        assert application.applicant.mobile not in text
        assert application.number not in text
    assert not signing.validate_pdf(data).signed  # a notice is published on the page, not signed


def test_filing_summary_counts_and_names_no_person(issued):
    filing = issued.filing
    filing.refresh_from_db()
    data = stored(filing.pdf)
    snapshot("filing_summary", data)
    text = pdf_text(data)

    for expected in (
        "备案汇总",
        f"枣人社职评备〔{filing.created_at.year}〕{filing.pk}号",
        issued.batch.name,
        "待填写",  # the filing number: the summary is drawn before the province gives it
        issued.applications[0].enterprise.name,
    ):
        assert expected in text, expected
    for application in issued.applications:
        assert application.applicant.real_name not in text
        assert application.applicant.id_number not in text
