"""The import of the training platform's workbook: every row checked with a message naming it, the
whole file refused when one row is wrong, formulas read as the text typed, hostile text kept as text."""

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook, load_workbook

from tests.applications.factories import ApplicantFactory
from tests.factories import UserFactory
from tests.strategies_text import import_text
from training import excel, services
from training.models import Category, EntryStatus, Source, TrainingEntry, TrainingImport
from zaozhuang_titles.models import Role
from zaozhuang_titles.text import forbidden_characters

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return UserFactory(roles=[Role.CITY_STAFF])


@pytest.fixture
def person():
    return ApplicantFactory(roles=[Role.APPLICANT], real_name="陈志远")


def row(person, **overrides):
    values = {
        "record": "SD-2023-0001",
        "id_number": person.id_number,
        "name": person.real_name,
        "year": "2023",
        "category": "专业科目",
        "hours": "40",
        "course": "数控机床精度检测与误差补偿技术",
        "provider": "枣庄市工程技术人员继续教育基地",
    }
    values.update(overrides)
    return values


def raw_workbook(rows, header=None):
    """A workbook written cell by cell as given (no quote prefix: a text starting with = is a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or [title for _key, title in excel.COLUMNS])
    for values in rows:
        sheet.append([values.get(key, "") for key, _title in excel.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def do_import(rows, actor, **kwargs):
    raw = excel.parse_workbook(raw_workbook(rows, **kwargs))
    return services.entries_import(raw_rows=raw, file_name="学时.xlsx", actor=actor)


def problems_of(rows):
    _rows, problems = excel.validate_rows(excel.parse_workbook(raw_workbook(rows)))
    return problems


def test_import_writes_every_row_pending_with_its_import(city, person):
    other = ApplicantFactory(roles=[Role.APPLICANT])
    training_import = do_import(
        [
            row(person),
            row(person, record="SD-2023-0002", category="公需科目", hours="30", provider=""),
            row(other, record="SD-2023-0003", category="专业", hours="90"),
        ],
        city,
    )
    entries = list(TrainingEntry.objects.filter(training_import=training_import).order_by("platform_record"))
    assert [(e.person, e.category, e.hours, e.status, e.source) for e in entries] == [
        (person, Category.SPECIALTY, 40, EntryStatus.PENDING, Source.IMPORTED),
        (person, Category.PUBLIC, 30, EntryStatus.PENDING, Source.IMPORTED),
        (other, Category.SPECIALTY, 90, EntryStatus.PENDING, Source.IMPORTED),
    ]
    assert (training_import.row_count, training_import.imported_by) == (3, city)


def test_one_bad_row_refuses_the_whole_file_and_names_it(city, person):
    rows = [row(person), row(person, record="SD-2023-0002", hours="1.5")]
    with pytest.raises(ValidationError) as caught:
        do_import(rows, city)
    assert caught.value.messages == ["Row 3: The hours must be a whole number from 1 to 300, not 1.5."]
    assert not TrainingEntry.objects.exists()
    assert not TrainingImport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": ""}, "学时 is empty."),
        ({"hours": "0"}, "The hours must be a whole number from 1 to 300, not 0."),
        ({"hours": "301"}, "The hours must be a whole number from 1 to 300, not 301."),
        ({"hours": "-5"}, "The hours must be a whole number from 1 to 300, not -5."),
        ({"hours": "²"}, "The hours must be a whole number from 1 to 300, not ²."),
        ({"year": "1989"}, "The year must be a year from 1990 to"),
        ({"year": "二〇二三"}, "The year must be a year from 1990 to"),
        ({"category": "选修"}, "The category must be 公需科目 or 专业科目, not 选修."),
        ({"id_number": "37040219850618123"}, "ID number: An ID number has 18 characters; this one has 17."),
        ({"name": "张三"}, "The name 张三 does not match the person registered with this ID number."),
        ({"course": "课" * 201}, "课程名称 may have at most 200 characters."),
        ({"record": "R" * 65}, "The record number may have at most 64 characters."),
    ],
)
def test_bad_row_message(person, overrides, message):
    problems = problems_of([row(person, **overrides)])
    assert len(problems) == 1
    number, text = problems[0]
    assert number == 2
    assert text.startswith(message)


def test_unregistered_person_is_named_masked(person):
    problems = problems_of([row(person, id_number="370402198506181238")])
    assert problems == [
        (
            2,
            "No one with the ID number 3704**********1238 is registered on the portal; the person registers "
            "first, or remove the row.",
        )
    ]


def test_full_width_id_number_and_record_are_read_canonical(city, person):
    wide = person.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    training_import = do_import([row(person, id_number=wide, record="ＳＤ－１")], city)
    entry = training_import.entries.get()
    assert entry.person == person


def test_record_imported_before_or_twice_is_refused(city, person):
    do_import([row(person)], city)
    problems = problems_of([row(person), row(person, record="SD-X"), row(person, record="SD-X")])
    assert problems == [
        (2, "Record SD-2023-0001 was imported before; remove the row."),
        (4, "Record SD-X appears twice in this file, in rows 3 and 4."),
    ]


def test_formulas_are_read_as_the_text_typed(city, person):
    """A cell holding a formula is never evaluated: a formula for the hours is refused as not a number,
    one in the course is kept as its text."""
    problems = problems_of([row(person, hours="=45+45")])
    assert problems == [(2, "The hours must be a whole number from 1 to 300, not =45+45.")]
    hyperlink = '=HYPERLINK("http://x"&C2,"核对")'
    training_import = do_import([row(person, course=hyperlink)], city)
    assert training_import.entries.get().course == hyperlink


def test_control_characters_refuse_the_file_with_their_cell(city, person):
    with pytest.raises(ValidationError) as caught:
        do_import([row(person), row(person, record="SD-2", course="数控\u202e机床")], city)
    assert any("Row 3, column 课程名称" in message for message in caught.value.messages)
    assert not TrainingEntry.objects.exists()


def test_missing_column_and_not_a_workbook_are_refused(person):
    with pytest.raises(ValidationError) as caught:
        excel.parse_workbook(raw_workbook([], header=["身份证号", "姓名"]))
    assert "missing: 学时记录编号、年度、科目类别、学时、课程名称" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        excel.parse_workbook(io.BytesIO(b"%PDF-1.4 not a workbook"))
    assert "could not be read as an Excel workbook" in caught.value.messages[0]


def test_empty_file_imports_nothing(city):
    with pytest.raises(ValidationError) as caught:
        do_import([], city)
    assert caught.value.messages == ["The file holds no row of hours."]
    assert not TrainingImport.objects.exists()


def test_only_city_staff_import(person):
    district = UserFactory(roles=[Role.DISTRICT_STAFF])
    with pytest.raises(Exception, match="Only city HR staff import hours"):
        do_import([row(person)], district)
    assert not TrainingEntry.objects.exists()


def test_template_has_every_column_and_its_notes():
    workbook = load_workbook(io.BytesIO(excel.template_workbook()))
    assert [cell.value for cell in workbook["学时"][1]] == [title for _key, title in excel.COLUMNS]
    notes = [row[0] for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert notes == [title for _key, title in excel.COLUMNS]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=import_text)
def test_hostile_course_is_imported_as_text_or_refused_by_cell(city, person, text):
    """Whatever an Excel cell can carry in the course: imported exactly as read (stripped), or the
    whole file refused with a message; never an error, never half-saved."""
    TrainingEntry.objects.all().delete()
    TrainingImport.objects.all().delete()
    try:
        training_import = do_import([row(person, course=text)], city)
    except ValidationError as error:
        assert error.messages
        assert not TrainingEntry.objects.exists()
        return
    course = training_import.entries.get().course
    assert course == text.strip()
    assert not forbidden_characters(course)
