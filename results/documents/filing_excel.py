"""The filing's Excel 备案表, written as a stream.

The province's form has ten columns (``COLUMNS``); the sheet is always in Chinese, since it is filed.
``FilingWorkbookWriter`` takes the rows one at a time from any iterable (the selector's
``filing_rows`` is a ``.values()`` queryset read with ``.iterator(chunk_size=...)``) and hands each,
through ``zaozhuang_titles.excel.write_row`` (no formulas, no characters Excel refuses), to
openpyxl's write-only workbook, which spools it to a temporary file at once: ten thousand rows never
need ten thousand rows (or model instances) in memory. ``benchmarks/filing.py`` measures it.
"""

import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from applications.validators import id_number_sex
from zaozhuang_titles.excel import write_row

#: The columns of the 备案表, in the province's order.
COLUMNS = (
    "姓名",
    "性别",
    "身份证号",
    "工作单位",
    "统一社会信用代码",
    "专业",
    "取得资格",
    "评审委员会",
    "评审时间",
    "公示起止日期",
)
#: The same columns as the exchange fields of the API (``api``): the key of each, in the same order.
EXCHANGE_KEYS = (
    "name",
    "sex",
    "id_number",
    "enterprise",
    "credit_code",
    "specialty",
    "title",
    "committee",
    "reviewed_on",
    "publicity_period",
)
assert len(EXCHANGE_KEYS) == len(COLUMNS)
#: Widths (in characters) of the columns, in the same order.
WIDTHS = (10, 6, 22, 36, 22, 16, 14, 36, 12, 24)
SHEET_TITLE = "备案表"
SEX_NAMES = {"M": "男", "F": "女"}


def sex_name(id_number):
    """男 or 女 from the ID number's 17th digit; blank for a number too short to tell."""
    try:
        return SEX_NAMES[id_number_sex(id_number or "")]
    except (IndexError, ValueError):
        return ""


def _date(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat() if isinstance(value, datetime.date) else ""


def period_text(starts_on, ends_on):
    """公示起止日期 as ``YYYY-MM-DD至YYYY-MM-DD`` (blank when either end is unknown)."""
    if not starts_on or not ends_on:
        return ""
    return f"{_date(starts_on)}至{_date(ends_on)}"


def filing_row(values, *, committee, default_title):
    """The ten cells of one row from a dict of the selector's ``filing_rows``. Every cell is text, so
    Excel keeps the ID number's 18 digits and the credit code as they are."""
    id_number = values.get("id_number") or ""
    return [
        values.get("name") or "",
        sex_name(id_number),
        id_number,
        values.get("enterprise_name") or "",
        values.get("credit_code") or "",
        values.get("specialty") or "",
        values.get("title_granted") or default_title,
        committee,
        _date(values.get("held_on")),
        period_text(values.get("publicity_starts_on"), values.get("publicity_ends_on")),
    ]


class FilingWorkbookWriter:
    """Writes the 备案表 from an iterable of row dicts, one row at a time. ``committee`` and
    ``default_title`` (for a row whose published line names no title) come from
    ``results.selectors.granted``, as on the notice and the certificate.

    ``row_count`` says how many rows were written so far (the streaming test reads it from inside
    the generator it feeds in)."""

    def __init__(self, *, committee, default_title):
        self.committee = committee
        self.default_title = default_title
        self.row_count = 0
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(SHEET_TITLE)
        for index, width in enumerate(WIDTHS):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width
        self.sheet.freeze_panes = "A2"
        write_row(self.sheet, COLUMNS, font=Font(bold=True))

    def write(self, rows):
        for values in rows:
            write_row(
                self.sheet,
                filing_row(values, committee=self.committee, default_title=self.default_title),
                where=f"备案表 row {self.row_count + 2}, application {values.get('application_id')}",
            )
            self.row_count += 1
        return self.row_count

    def save(self, target):
        """Save to a path or a binary file object (a write-only workbook can be saved once)."""
        self.workbook.save(target)
