"""Filing (备案): refused while objections are open, each application filed once, the Excel 备案表's
columns and content, the summary PDF, idempotent rebuilds, the filing number, a streaming writer."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Status, Transition
from applications.validators import id_number_sex
from results.documents.filing_excel import COLUMNS, FilingWorkbookWriter, period_text, sex_name
from results.models import Filing, FilingEntry, Objection
from results.services.filing import filing_build_files, filing_create, filing_queue_build, filing_record_number
from reviews.models import Case, Committee
from tests.factories import UserFactory
from tests.results.filing_factories import FilingWorld
from tests.reviews.factories import MeetingFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def _file(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=world.batch, actor=world.city)
    filing.refresh_from_db()
    return filing


def _sheet_rows(filing):
    with default_storage.open(filing.excel, "rb") as stored:
        workbook = load_workbook(io.BytesIO(stored.read()), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_filing_create_refused_with_open_objections_lists_them():
    world = FilingWorld(count=3)
    held, investigated, _free = world.applications
    world.object_to(held, reference="YY20260001")
    world.object_to(investigated, status=Objection.Status.INVESTIGATING, reference="YY20260002")

    with pytest.raises(ValidationError) as caught:
        filing_create(batch=world.batch, actor=world.city)

    message = caught.value.messages[0]
    for application, reference in ((held, "YY20260001"), (investigated, "YY20260002")):
        assert application.number in message
        assert application.applicant.real_name in message
        assert reference in message
    assert Filing.objects.count() == 0
    assert {a.status for a in world.batch.applications.all()} == {Status.PUBLICITY}


def test_filing_settled_objections_do_not_hold_the_batch(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    world.object_to(world.applications[0], status=Objection.Status.DISMISSED)

    filing = _file(world, django_capture_on_commit_callbacks)

    # The dismissed one is no longer cleared in this arrangement; the other is filed.
    assert list(filing.entries.values_list("application_id", flat=True)) == [world.applications[1].pk]


def test_filing_create_refused_when_nothing_is_cleared():
    world = FilingWorld(count=2, cleared=False)

    with pytest.raises(ValidationError) as caught:
        filing_create(batch=world.batch, actor=world.city)

    assert caught.value.code == "nothing_cleared"
    assert Filing.objects.count() == 0


def test_filing_create_files_each_application_once(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)

    filing = _file(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        filing_create(batch=world.batch, actor=world.city)

    assert caught.value.code == "nothing_cleared"
    assert Filing.objects.count() == 1
    assert filing.row_count == 2
    assert sorted(FilingEntry.objects.values_list("application_id", flat=True)) == sorted(
        a.pk for a in world.applications
    )
    for application in world.applications:
        application.refresh_from_db()
        assert application.status == Status.FILED
    logs = Transition.objects.filter(action="file")
    assert logs.count() == 2
    assert {(log.actor_id, log.from_status, log.to_status) for log in logs} == {
        (world.city.pk, Status.PUBLICITY, Status.FILED)
    }


def test_filing_create_only_by_city_staff():
    world = FilingWorld(count=1)

    with pytest.raises(PermissionDenied):
        filing_create(batch=world.batch, actor=world.world.district)

    assert Filing.objects.count() == 0


def test_filing_excel_columns_and_content(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    Committee.objects.create(batch=world.batch, name="枣庄市专精特新企业工程技术职称评审委员会")
    first, second = world.applications
    meeting = MeetingFactory(batch=world.batch, held_on=datetime.date(2026, 11, 10))
    Case.objects.create(meeting=meeting, application=first)

    filing = _file(world, django_capture_on_commit_callbacks)
    rows = _sheet_rows(filing)

    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    period = f"{world.publicity.starts_on:%Y-%m-%d}至{world.publicity.ends_on:%Y-%m-%d}"
    for application in (first, second):
        user = application.applicant
        assert by_name[user.real_name] == [
            user.real_name,
            {"M": "男", "F": "女"}[id_number_sex(user.id_number)],
            user.id_number,
            application.enterprise.name,
            application.enterprise.credit_code,
            application.specialty,
            "高级工程师",
            "枣庄市专精特新企业工程技术职称评审委员会",
            "2026-11-10" if application == first else None,
            period,
        ]
    with default_storage.open(filing.excel, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == filing.excel_sha256


def test_filing_excel_committee_falls_back_to_the_publicity(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)

    filing = _file(world, django_capture_on_commit_callbacks)

    assert _sheet_rows(filing)[1][7] == world.publicity.committee_name


def test_filing_summary_pdf_is_stored(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)

    filing = _file(world, django_capture_on_commit_callbacks)

    with default_storage.open(filing.pdf, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == filing.pdf_sha256


def test_filing_build_files_twice_overwrites_the_same_files(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    filing = _file(world, django_capture_on_commit_callbacks)
    before = (filing.excel, filing.pdf, filing.row_count)

    again = filing_build_files(filing_id=filing.pk)
    again.refresh_from_db()

    assert (again.excel, again.pdf, again.row_count) == before
    _directory, files = default_storage.listdir(f"filings/{world.batch.pk}")
    assert sorted(name for name in files if name.startswith(f"filing-{filing.pk}.")) == [
        f"filing-{filing.pk}.pdf",
        f"filing-{filing.pk}.xlsx",
    ]
    assert FilingEntry.objects.filter(filing=filing).count() == 2
    assert len(_sheet_rows(again)) == 3


def test_filing_build_files_of_a_missing_filing_is_quiet():
    assert filing_build_files(filing_id=987654) is None


def test_filing_record_number(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    filing = _file(world, django_capture_on_commit_callbacks)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        filing_record_number(filing=filing, actor=world.city, number="鲁人社职备〔2026〕12号", filed_on=today)

    filing.refresh_from_db()
    assert (filing.number, filing.filed_on) == ("鲁人社职备〔2026〕12号", today)


def test_filing_files_are_frozen_once_numbered(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    filing = _file(world, django_capture_on_commit_callbacks)
    filing_record_number(filing=filing, actor=world.city, number="鲁备12号", filed_on=timezone.localdate())
    filing.refresh_from_db()
    archived = (filing.excel, filing.excel_sha256, filing.pdf, filing.pdf_sha256)
    # The applicant's name changes after the filing was sent: the archive stays as it was sent.
    type(world.applications[0].applicant).objects.filter(pk=world.applications[0].applicant_id).update(
        real_name="改名后"
    )

    filing_build_files(filing_id=filing.pk)
    with pytest.raises(ValidationError) as caught:
        filing_queue_build(filing=filing, actor=world.city)

    filing.refresh_from_db()
    assert (filing.excel, filing.excel_sha256, filing.pdf, filing.pdf_sha256) == archived
    assert caught.value.code == "frozen"
    assert _sheet_rows(filing)[1][0] != "改名后"


@pytest.mark.parametrize(
    ("number", "days", "field"),
    [("", 0, "number"), ("鲁备12号", 1, "filed_on"), ("鲁备12号", -400, "filed_on")],
)
def test_filing_record_number_refuses_bad_input(django_capture_on_commit_callbacks, number, days, field):
    world = FilingWorld(count=1)
    filing = _file(world, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as caught:
        filing_record_number(
            filing=filing, actor=world.city, number=number, filed_on=timezone.localdate() + datetime.timedelta(days)
        )

    assert field in caught.value.error_dict
    filing.refresh_from_db()
    assert filing.number == ""


def test_filing_record_number_only_by_city_staff(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    filing = _file(world, django_capture_on_commit_callbacks)
    applicant = UserFactory(roles=[Role.APPLICANT])

    with pytest.raises(PermissionDenied):
        filing_record_number(filing=filing, actor=applicant, number="X", filed_on=timezone.localdate())
    filing.refresh_from_db()
    assert (filing.number, filing.filed_on) == ("", None)


# --- The writer -------------------------------------------------------------------------------------


def test_filing_excel_dates_the_review_by_the_vote_not_the_scheduled_day(django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    (application,) = world.applications
    closed_at = timezone.now() - datetime.timedelta(days=3)
    meeting = MeetingFactory(
        batch=world.batch,
        held_on=timezone.localdate() + datetime.timedelta(days=14),
        scoring_deadline=timezone.now() + datetime.timedelta(days=10),
        voting_closed_at=closed_at,
    )
    Case.objects.create(meeting=meeting, application=application)

    filing = _file(world, django_capture_on_commit_callbacks)
    row = _sheet_rows(filing)[1]

    assert row[COLUMNS.index("评审时间")] == timezone.localdate(closed_at).isoformat()


def _fake_row(i):
    return {
        "name": f"姓名{i}",
        "id_number": "37040219850618001X" if i % 2 else "370402198506180028",
        "enterprise_name": "枣庄某机械有限公司",
        "credit_code": "91370400MA3C00000X",
        "specialty": "机械设计",
        "title_granted": "",
        "held_on": datetime.date(2026, 11, 10),
        "publicity_starts_on": datetime.date(2026, 11, 16),
        "publicity_ends_on": datetime.date(2026, 11, 20),
    }


def test_filing_writer_streams_one_row_at_a_time():
    """The writer pulls a row only after it wrote the one before: it never holds the rows as a list."""
    writer = FilingWorkbookWriter(committee="枣庄市工程技术高级职称评审委员会", default_title="高级工程师")
    pulled = []

    def rows():
        for i in range(500):
            # Every row pulled so far has been written before the next is asked for.
            assert writer.row_count == len(pulled)
            pulled.append(i)
            yield _fake_row(i)

    assert writer.write(rows()) == 500
    buffer = io.BytesIO()
    writer.save(buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(sheet_rows) == 501
    # The default title fills what the row leaves blank; the committee is the one given.
    assert sheet_rows[1][6:] == (
        "高级工程师",
        "枣庄市工程技术高级职称评审委员会",
        "2026-11-10",
        "2026-11-16至2026-11-20",
    )


def test_filing_writer_helpers():
    assert sex_name("37040219850618001X") == "男"
    assert sex_name("370402198506180028") == "女"
    assert sex_name("") == ""
    assert period_text(datetime.date(2026, 1, 5), None) == ""


def test_filing_summary_counts_and_caps_the_enterprises(django_capture_on_commit_callbacks, monkeypatch):
    from results.selectors import filing as selectors_filing

    world = FilingWorld(count=2)
    filing = _file(world, django_capture_on_commit_callbacks)

    summary = selectors_filing.filing_summary(filing)
    monkeypatch.setattr(selectors_filing, "SUMMARY_ENTERPRISES", 0)
    capped = selectors_filing.filing_summary(filing)

    assert summary["divisions"] == [{"division": world.world.division.name, "count": 2}]
    assert summary["enterprises"] == [
        {"enterprise": world.world.enterprise.name, "division": world.world.division.name, "count": 2}
    ]
    assert (summary["more_enterprises"], summary["more_applications"]) == (0, 0)
    assert (capped["enterprises"], capped["more_enterprises"], capped["more_applications"]) == ([], 1, 2)
    assert summary["periods"] == [
        {"publicity__starts_on": world.publicity.starts_on, "publicity__ends_on": world.publicity.ends_on}
    ]
