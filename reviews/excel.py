"""Excel in and out of the expert pool (openpyxl), with the enterprise import's rule: every row is
checked first and nothing is written unless the whole file is valid.

``parse_workbook`` turns a file into raw text rows (kept in the session for the preview);
``validate_rows`` checks every row and reports each problem with its Excel row number;
``reviews.services.pool.experts_import`` writes only a file without a single problem. Export writes
the same columns, so an export can be corrected and sent back (a row whose mobile number is already
in the pool updates that expert).
"""

import datetime
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from applications.models import Level
from enterprises.models import Enterprise
from enterprises.validators import normalize_credit_code, validate_credit_code
from reviews.models import MAX_TERM_YEARS, Expert, term_limit
from zaozhuang_titles.excel import canonical_columns, read_rows, write_row
from zaozhuang_titles.models import User, mobile_validator

#: (key, header) of the columns.
COLUMNS = [
    ("real_name", "姓名"),
    ("mobile", "手机号码"),
    ("title_name", "职称"),
    ("title_level", "职称级别"),
    ("specialties", "评审专业"),
    ("employer_name", "工作单位"),
    ("employer_credit_code", "单位统一社会信用代码"),
    ("term_starts", "任期开始"),
    ("term_ends", "任期结束"),
    ("is_active", "在库"),
]
REQUIRED = ["real_name", "mobile", "title_name", "specialties", "employer_name", "term_starts", "term_ends"]
MAX_ROWS = 5000
LEVEL_NAMES = {"正高级": Level.SENIOR, "正高": Level.SENIOR, "副高级": Level.DEPUTY_SENIOR, "副高": Level.DEPUTY_SENIOR}
LEVEL_EXPORT = {Level.SENIOR: "正高级", Level.DEPUTY_SENIOR: "副高级", Level.INTERMEDIATE: "中级"}
YES = {"是", "y", "yes", "1", "true", "在库", ""}
NO = {"否", "n", "no", "0", "false", "停用"}
#: Specialties in one cell are separated by any of these.
SPECIALTY_SEPARATORS = r"[、,，;；/\n]+"


def _parse_date(text):
    match = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", text.strip())
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(part) for part in match.groups()))


#: Columns holding codes, read in their canonical form (full-width digits become 0-9).
CODE_COLUMNS = ("mobile", "employer_credit_code")


def parse_workbook(upload):
    """Raw rows ``[(row_number, {key: text})]`` of the first sheet. Raises ValidationError when the
    file is not a workbook or lacks a required column."""
    return read_rows(
        upload,
        columns=COLUMNS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        too_many=_("A file may hold at most %(max)d experts."),
        multiline=("specialties",),
    )


def validate_rows(raw_rows):
    """Check every row. Returns ``(rows, problems)``: cleaned rows ready for the service and
    ``(row_number, message)`` pairs. Nothing may be written unless ``problems`` is empty."""
    raw_rows = canonical_columns(raw_rows, CODE_COLUMNS)
    mobiles = [raw.get("mobile", "") for _number, raw in raw_rows]
    users = {user.mobile: user for user in User.objects.filter(mobile__in=mobiles)}
    experts = set(Expert.objects.filter(user__mobile__in=mobiles).values_list("user__mobile", flat=True))
    codes = [normalize_credit_code(raw.get("employer_credit_code")) for _number, raw in raw_rows]
    registry = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=[c for c in codes if c])}
    seen = {}
    rows, problems = [], []
    for number, raw in raw_rows:
        row_problems = []
        for key in REQUIRED:
            if not raw.get(key):
                row_problems.append(_("%(column)s is empty.") % {"column": dict(COLUMNS)[key]})
        mobile = raw.get("mobile", "")
        if mobile:
            try:
                mobile_validator(mobile)
            except ValidationError:
                row_problems.append(_("Mobile %(value)s is not an 11-digit mobile number.") % {"value": mobile})
            if mobile in seen:
                row_problems.append(
                    _("Mobile %(value)s appears twice in this file, in rows %(first)d and %(row)d.")
                    % {"value": mobile, "first": seen[mobile], "row": number}
                )
            seen.setdefault(mobile, number)
            user = users.get(mobile)
            if user is not None and raw.get("real_name") and user.real_name and user.real_name != raw["real_name"]:
                row_problems.append(
                    _("Mobile %(value)s belongs to the account of %(name)s, not %(row_name)s.")
                    % {"value": mobile, "name": user.real_name, "row_name": raw["real_name"]}
                )
        code = normalize_credit_code(raw.get("employer_credit_code"))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                row_problems.append(_("Credit code %(code)s: %(error)s") % {"code": code, "error": error.messages[0]})
        level_text = raw.get("title_level", "")
        level = LEVEL_NAMES.get(level_text, Level.SENIOR if not level_text else None)
        if level is None:
            row_problems.append(_("Title level must be 正高级 or 副高级, not %(value)s.") % {"value": level_text})
        dates = {}
        for key in ("term_starts", "term_ends"):
            if raw.get(key):
                try:
                    dates[key] = _parse_date(raw[key])
                except (ValueError, TypeError):
                    row_problems.append(
                        _("%(column)s must be a date such as 2024-01-01, not %(value)s.")
                        % {"column": dict(COLUMNS)[key], "value": raw[key]}
                    )
        starts, ends = dates.get("term_starts"), dates.get("term_ends")
        if starts and ends:
            if ends <= starts:
                row_problems.append(_("The term must end after it starts."))
            elif ends > term_limit(starts):
                row_problems.append(
                    _(
                        "A term lasts at most %(years)d years (人社部令第40号): "
                        "this one runs from %(starts)s to %(ends)s."
                    )
                    % {"years": MAX_TERM_YEARS, "starts": starts.isoformat(), "ends": ends.isoformat()}
                )
        active = raw.get("is_active", "").lower()
        if active not in YES | NO:
            row_problems.append(_("In the pool must be 是 or 否, not %(value)s.") % {"value": raw["is_active"]})
        specialties = [name.strip() for name in re.split(SPECIALTY_SEPARATORS, raw.get("specialties", ""))]
        specialties = [name for name in specialties if name]
        too_long = [name for name in specialties if len(name) > 100]
        if too_long:
            row_problems.append(_("A specialty name has at most 100 characters."))
        problems.extend((number, message) for message in row_problems)
        if row_problems:
            continue
        rows.append(
            {
                "row": number,
                "real_name": raw["real_name"],
                "mobile": mobile,
                "exists": mobile in experts,
                "specialties": specialties,
                "expert": {
                    "title_name": raw["title_name"],
                    "title_level": level,
                    "employer_name": raw["employer_name"],
                    "employer_credit_code": code,
                    "employer": registry.get(code),
                    "term_starts": starts,
                    "term_ends": ends,
                    "is_active": active in YES,
                },
            }
        )
    return rows, problems


def template_workbook():
    return export_workbook([])


def export_workbook(experts):
    """The experts (with ``user`` and ``specialties`` loaded) in the import's columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评审专家库"
    write_row(sheet, [title for _key, title in COLUMNS], font=Font(bold=True))
    for expert in experts:
        write_row(
            sheet,
            [
                expert.user.real_name,
                expert.user.mobile or "",
                expert.title_name,
                LEVEL_EXPORT.get(expert.title_level, ""),
                "、".join(specialty.name for specialty in expert.specialties.all()),
                expert.employer_name,
                expert.employer_credit_code,
                expert.term_starts.isoformat(),
                expert.term_ends.isoformat(),
                "是" if expert.is_active else "否",
            ],
            where=f"expert export, expert {expert.pk}",
        )
    for column, width in zip("ABCDEFGHIJ", (12, 14, 16, 10, 28, 32, 22, 12, 12, 6), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
