"""The training platform's Excel of hours (继续教育学时): the template, and every row checked.

One row is one record of the platform: a person (ID number and name), a year, a category (公需科目 /
专业科目), whole hours, the course and the platform's record number. ``parse_workbook`` reads the file
as text (``zaozhuang_titles.excel.read_rows``: formulas are read as the text typed, control characters
refused with their cell); ``validate_rows`` checks every row and says what is wrong in each, by its
Excel row number; ``services.entries_import`` writes only a file without a single problem, all rows in
one transaction.
"""

import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from training.models import FIRST_YEAR, MAX_ENTRY_HOURS, Category, TrainingEntry
from zaozhuang_titles.excel import canonical_columns, read_rows, write_row
from zaozhuang_titles.masking import mask_id_number
from zaozhuang_titles.validators import validate_id_number

#: (key, header): the columns of the platform's export.
COLUMNS = [
    ("record", "学时记录编号"),
    ("id_number", "身份证号"),
    ("name", "姓名"),
    ("year", "年度"),
    ("category", "科目类别"),
    ("hours", "学时"),
    ("course", "课程名称"),
    ("provider", "培训机构"),
]
REQUIRED = ["record", "id_number", "name", "year", "category", "hours", "course"]
CODE_COLUMNS = ("record", "id_number")
MAX_ROWS = 5000
MAX_TEXT = 200
MAX_RECORD = 64

CATEGORY_NAMES = {
    "公需科目": Category.PUBLIC,
    "公需课": Category.PUBLIC,
    "公需": Category.PUBLIC,
    "专业科目": Category.SPECIALTY,
    "专业课": Category.SPECIALTY,
    "专业": Category.SPECIALTY,
}
CATEGORY_EXPORT = {Category.PUBLIC: "公需科目", Category.SPECIALTY: "专业科目"}

#: What each column holds, for the template's second sheet.
COLUMN_NOTES = {
    "record": "平台的学时记录编号，每条记录唯一；同一编号不会重复导入",
    "id_number": "18位居民身份证号码，须为已在本平台注册的申报人",
    "name": "与身份证号对应的姓名",
    "year": f"学时所属年度，如 2024（{FIRST_YEAR} 年至今）",
    "category": "公需科目 或 专业科目",
    "hours": f"整数学时，1 至 {MAX_ENTRY_HOURS}",
    "course": "课程或培训项目名称",
    "provider": "培训机构（可空）",
}


def parse_workbook(upload):
    """Raw rows ``[(row_number, {key: text})]`` of the first sheet, or ValidationError for the file."""
    return read_rows(
        upload,
        columns=COLUMNS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        too_many=_("A file may hold at most %(max)d rows of hours."),
    )


def _whole_number(text):
    """The int ``text`` spells in ASCII digits, or None ("1.5", "²", "-3", "" are not)."""
    return int(text) if text.isascii() and text.isdecimal() else None


def validate_rows(raw_rows, *, today=None):
    """Check every row. Returns ``(rows, problems)``: cleaned rows ready for the service, and
    ``(row_number, message)`` pairs; nothing may be written unless ``problems`` is empty."""
    today = today or timezone.localdate()
    raw_rows = canonical_columns(raw_rows, CODE_COLUMNS)
    titles = dict(COLUMNS)
    id_numbers = {raw.get("id_number") for _number, raw in raw_rows if raw.get("id_number")}
    people = {user.id_number: user for user in get_user_model().objects.filter(id_number__in=id_numbers)}
    records = [raw.get("record") for _number, raw in raw_rows if raw.get("record")]
    imported = set(TrainingEntry.objects.filter(platform_record__in=records).values_list("platform_record", flat=True))
    seen = {}
    rows, problems = [], []
    for number, raw in raw_rows:
        row_problems = []
        problem = row_problems.append
        for key in REQUIRED:
            if not raw.get(key):
                problem(_("%(column)s is empty.") % {"column": titles[key]})
        record = raw.get("record", "")
        if len(record) > MAX_RECORD:
            problem(_("The record number may have at most %(max)d characters.") % {"max": MAX_RECORD})
        elif record in imported:
            problem(_("Record %(record)s was imported before; remove the row.") % {"record": record})
        elif record in seen:
            problem(
                _("Record %(record)s appears twice in this file, in rows %(first)d and %(row)d.")
                % {"record": record, "first": seen[record], "row": number}
            )
        if record:
            seen.setdefault(record, number)
        person = _person(raw, people, problem)
        year = _whole_number(raw.get("year", ""))
        if raw.get("year") and (year is None or not FIRST_YEAR <= year <= today.year):
            problem(
                _("The year must be a year from %(first)d to %(last)d, such as %(last)d, not %(value)s.")
                % {"first": FIRST_YEAR, "last": today.year, "value": raw["year"]}
            )
        category = CATEGORY_NAMES.get(raw.get("category", "").replace(" ", ""))
        if raw.get("category") and category is None:
            problem(_("The category must be 公需科目 or 专业科目, not %(value)s.") % {"value": raw["category"]})
        hours = _whole_number(raw.get("hours", ""))
        if raw.get("hours") and (hours is None or not 1 <= hours <= MAX_ENTRY_HOURS):
            problem(
                _("The hours must be a whole number from 1 to %(max)d, not %(value)s.")
                % {"max": MAX_ENTRY_HOURS, "value": raw["hours"]}
            )
        for key in ("course", "provider"):
            if len(raw.get(key, "")) > MAX_TEXT:
                problem(_("%(column)s may have at most %(max)d characters.") % {"column": titles[key], "max": MAX_TEXT})
        problems.extend((number, message) for message in row_problems)
        if not row_problems:
            rows.append(
                {
                    "row": number,
                    "person": person,
                    "year": year,
                    "category": category,
                    "hours": hours,
                    "course": raw["course"],
                    "provider": raw.get("provider", ""),
                    "platform_record": record,
                }
            )
    return rows, problems


def _person(raw, people, problem):
    """The registered person of the row's ID number, when the name matches; else None and a problem."""
    id_number, name = raw.get("id_number", ""), raw.get("name", "")
    if not id_number:
        return None
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        problem(_("ID number: %(error)s") % {"error": error.messages[0]})
        return None
    person = people.get(id_number)
    if person is None:
        problem(
            _(
                "No one with the ID number %(id_number)s is registered on the portal; the person registers "
                "first, or remove the row."
            )
            % {"id_number": mask_id_number(id_number)}
        )
        return None
    if name and name.replace(" ", "") != person.real_name.replace(" ", ""):
        problem(_("The name %(name)s does not match the person registered with this ID number.") % {"name": name})
        return None
    return person


def template_workbook():
    """An empty workbook with the columns, and a second sheet saying what each holds."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学时"
    write_row(sheet, [title for _key, title in COLUMNS], font=Font(bold=True))
    for column, width in zip("ABCDEFGH", (18, 22, 10, 8, 12, 8, 36, 24), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    write_row(notes, ["列", "说明"], font=Font(bold=True))
    for key, title in COLUMNS:
        write_row(notes, [title, COLUMN_NOTES[key]])
    write_row(notes, ["", "任何一行有误，整个文件都不会导入；请按提示改正后重新上传。"])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_of(rows):
    """A workbook in the template's columns holding ``rows`` (dicts by column key): for tests and the demo."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学时"
    write_row(sheet, [title for _key, title in COLUMNS])
    for row in rows:
        write_row(sheet, [row.get(key, "") for key, _title in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
