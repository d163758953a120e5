"""The title granted and the committee's name have one home (``results.selectors.granted``): the
publicity notice, the Excel 备案表 and the certificate name them alike for one batch."""

import shutil

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Level, Series
from results.documents.certificates import certificate_pdf
from results.documents.filing_excel import COLUMNS
from results.documents.publicity_pdf import publicity_pdf
from results.selectors import committee_name, granted_title
from results.services.certificates import certificate_issue
from results.services.filing import filing_create
from results.services.publicity import publicity_close
from reviews.models import Committee
from tests.applications.factories import World
from tests.documents import pdf_text as squeezed_text
from tests.results.filing_factories import EARLY, number_filing
from tests.results.test_publicity import publish

pytestmark = [pytest.mark.django_db, pytest.mark.real_documents]
pdftotext = shutil.which("pdftotext")


def pdf_text(data):
    """The text without white space: a long committee name wraps in its table cell."""
    return squeezed_text(data)


@pytest.mark.parametrize(
    ("level", "title"),
    [(Level.INTERMEDIATE, "工程师"), (Level.DEPUTY_SENIOR, "高级工程师"), (Level.SENIOR, "正高级工程师")],
)
def test_granted_title_follows_the_series_and_level(level, title):
    world = World()
    world.batch.series, world.batch.level = Series.ENGINEERING, level

    assert granted_title(world.batch) == title


@pytest.mark.parametrize(
    ("level", "name"),
    [
        (Level.INTERMEDIATE, "枣庄市工程技术中级职称评审委员会"),
        (Level.DEPUTY_SENIOR, "枣庄市工程技术高级职称评审委员会"),
        (Level.SENIOR, "枣庄市工程技术正高级职称评审委员会"),
    ],
)
def test_committee_name_without_a_committee_is_the_usual_name_of_the_level(level, name):
    world = World()
    world.batch.level = level

    assert committee_name(world.batch) == name


def test_committee_name_is_the_review_committee_when_there_is_one():
    world = World()
    Committee.objects.create(batch=world.batch, name="枣庄市专精特新企业工程技术高级职称评审委员会")

    assert committee_name(world.batch) == "枣庄市专精特新企业工程技术高级职称评审委员会"


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("committee", ["", "枣庄市专精特新企业工程技术高级职称评审委员会"])
def test_notice_filing_row_and_certificate_name_the_same_title_and_committee(
    committee, client, django_capture_on_commit_callbacks
):
    world = World()
    if committee:
        Committee.objects.create(batch=world.batch, name=committee)
    expected_committee = committee or "枣庄市工程技术高级职称评审委员会"
    publicity, applications = publish(world)
    publicity_close(publicity=publicity, actor=world.city, reason=EARLY)
    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=world.batch, actor=world.city)
    number_filing(filing, world.city)
    filing.refresh_from_db()
    application = applications[0]
    application.refresh_from_db()

    certificate = certificate_issue(application=application, actor=world.city)

    notice = client.get(reverse("results:publicity_notice", args=[publicity.pk])).content.decode()
    notice_pdf = pdf_text(publicity_pdf(publicity))
    with default_storage.open(filing.excel, "rb") as excel:
        header, row = list(load_workbook(excel, read_only=True).worksheets[0].iter_rows(values_only=True))[:2]
    filed = dict(zip(header, row, strict=True))
    certificate_text = pdf_text(certificate_pdf(certificate))
    assert header == COLUMNS
    assert (filed["取得资格"], filed["评审委员会"]) == ("高级工程师", expected_committee)
    assert (certificate.title_name, certificate.committee_name) == ("高级工程师", expected_committee)
    assert "高级工程师" in certificate_text and expected_committee in certificate_text
    assert "高级工程师" in notice and expected_committee in notice
    assert "高级工程师" in notice_pdf and expected_committee in notice_pdf
