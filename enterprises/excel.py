"""Excel in and out of the registry (openpyxl).

Import reads the lists the industry department sends: one enterprise per row, with one recognition
and one contact. ``parse_workbook`` turns a file into raw rows (text only, so a preview can be kept in
the session); ``validate_rows`` checks every row and reports each problem with its Excel row number;
``services.enterprises_import`` writes only a file without a single problem. Export writes the same
columns, so an export can be corrected and sent back.
"""

import datetime
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from enterprises.models import Enterprise, RecognitionKind, RecognitionLevel, ServiceTier
from enterprises.validators import credit_code_warnings, normalize_credit_code, validate_credit_code
from zaozhuang_titles.excel import canonical_columns, read_rows, write_row
from zaozhuang_titles.models import Division, Town, mobile_validator

#: (key, header). The header is what the industry department's lists call the column.
COLUMNS = [
    ("name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("chairman_name", "董事长"),
    ("address", "地址"),
    ("division", "区(市)"),
    ("town", "镇/街"),
    ("industry", "行业"),
    ("professional_staff_count", "专业技术人员数"),
    ("is_key", "重点企业"),
    ("service_tier", "服务层级"),
    ("recognition_kind", "认定类型"),
    ("recognition_level", "认定级别"),
    ("year_granted", "认定年度"),
    ("certificate_number", "证书或名单编号"),
    ("expires_on", "有效期至"),
    ("policy_version", "政策版本"),
    ("contact_name", "联系人"),
    ("contact_mobile", "联系电话"),
    ("contact_email", "邮箱"),
]
EXPORT_EXTRA = [("status", "状态"), ("commissioner", "服务专员"), ("eligible", "专项通道资格")]
REQUIRED = ["name", "credit_code", "legal_representative", "division"]
MAX_ROWS = 5000

KIND_NAMES = {
    "创新型中小企业": RecognitionKind.INNOVATIVE_SME,
    "科技和创新型中小企业": RecognitionKind.INNOVATIVE_SME,
    "专精特新中小企业": RecognitionKind.SPECIALIZED_SME,
    '专精特新"小巨人"': RecognitionKind.LITTLE_GIANT,
    "专精特新“小巨人”": RecognitionKind.LITTLE_GIANT,
    "专精特新小巨人": RecognitionKind.LITTLE_GIANT,
    "小巨人": RecognitionKind.LITTLE_GIANT,
    "制造业单项冠军企业": RecognitionKind.CHAMPION_ENTERPRISE,
    "单项冠军企业": RecognitionKind.CHAMPION_ENTERPRISE,
    "制造业单项冠军产品": RecognitionKind.CHAMPION_PRODUCT,
    "单项冠军产品": RecognitionKind.CHAMPION_PRODUCT,
}
KIND_EXPORT = {
    RecognitionKind.INNOVATIVE_SME: "创新型中小企业",
    RecognitionKind.SPECIALIZED_SME: "专精特新中小企业",
    RecognitionKind.LITTLE_GIANT: '专精特新"小巨人"',
    RecognitionKind.CHAMPION_ENTERPRISE: "制造业单项冠军企业",
    RecognitionKind.CHAMPION_PRODUCT: "制造业单项冠军产品",
}
LEVEL_NAMES = {
    "国家级": RecognitionLevel.NATIONAL,
    "国家": RecognitionLevel.NATIONAL,
    "省级": RecognitionLevel.PROVINCIAL,
    "省": RecognitionLevel.PROVINCIAL,
    "市级": RecognitionLevel.MUNICIPAL,
    "市": RecognitionLevel.MUNICIPAL,
}
LEVEL_EXPORT = {value: name for name, value in LEVEL_NAMES.items() if name.endswith("级")}
TIER_NAMES = {
    "市级": ServiceTier.CITY,
    "市": ServiceTier.CITY,
    "区级": ServiceTier.DISTRICT,
    "区": ServiceTier.DISTRICT,
    "县级": ServiceTier.DISTRICT,
    "镇级": ServiceTier.TOWN,
    "镇": ServiceTier.TOWN,
    "街道": ServiceTier.TOWN,
}
TIER_EXPORT = {ServiceTier.CITY: "市级", ServiceTier.DISTRICT: "区级", ServiceTier.TOWN: "镇级"}
YES = {"是", "y", "yes", "1", "true", "重点"}
NO = {"否", "n", "no", "0", "false", ""}


#: Columns holding codes, read in their canonical form (full-width digits become 0-9).
CODE_COLUMNS = ("credit_code", "contact_mobile", "certificate_number")


def parse_workbook(upload):
    """Raw rows ``[(row_number, {key: text})]`` of the first sheet. Raises ValidationError when the
    file is not a workbook or lacks a required column."""
    return read_rows(
        upload,
        columns=COLUMNS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        too_many=_("A file may hold at most %(max)d enterprises."),
    )


def _parse_date(text):
    text = text.strip().replace("/", "-").replace(".", "-")
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(part) for part in match.groups()))


def validate_rows(raw_rows):
    """Check every row. Returns ``(rows, problems, warnings)``: cleaned rows ready for the service,
    and ``(row_number, message)`` pairs. Nothing may be written unless ``problems`` is empty."""
    raw_rows = canonical_columns(raw_rows, CODE_COLUMNS)
    divisions = {}
    for division in Division.objects.all():
        divisions[division.name] = division
        divisions[division.code] = division
    towns = {(town.division_id, town.name): town for town in Town.objects.all()}
    codes = [normalize_credit_code(raw.get("credit_code")) for _number, raw in raw_rows]
    existing = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))
    seen = {}
    rows, problems, warnings = [], [], []
    for number, raw in raw_rows:
        row_problems = []

        def problem(message, row_problems=row_problems):
            row_problems.append(message)

        for key in REQUIRED:
            if not raw.get(key):
                problem(_("%(column)s is empty.") % {"column": dict(COLUMNS)[key]})
        code = normalize_credit_code(raw.get("credit_code"))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                problem(_("Credit code %(code)s: %(error)s") % {"code": code, "error": error.messages[0]})
            else:
                for warning in credit_code_warnings(code):
                    warnings.append((number, warning))
            if code in existing:
                problem(
                    _("Credit code %(code)s is already registered (%(name)s); remove the row or edit that record.")
                    % {"code": code, "name": existing[code]}
                )
            if code in seen:
                problem(
                    _("Credit code %(code)s appears twice in this file, in rows %(first)d and %(row)d.")
                    % {"code": code, "first": seen[code], "row": number}
                )
            seen.setdefault(code, number)
        division = divisions.get(raw.get("division", ""))
        if raw.get("division") and division is None:
            problem(
                _("Unknown division %(division)s; use one of %(known)s.")
                % {
                    "division": raw["division"],
                    "known": "、".join(name for name in divisions if not name[:1].isdigit()),
                }
            )
        town = None
        if raw.get("town") and division is not None:
            town = towns.get((division.pk, raw["town"]))
            if town is None:
                problem(
                    _("Unknown town or subdistrict %(town)s in %(division)s.")
                    % {"town": raw["town"], "division": division.name}
                )
        staff = raw.get("professional_staff_count") or "0"
        if not staff.isdecimal():  # "²" is a digit, but int() refuses it
            problem(_("The number of professional staff must be a whole number, not %(value)s.") % {"value": staff})
        is_key = raw.get("is_key", "").lower()
        if is_key not in YES | NO:
            problem(_("Key enterprise must be 是 or 否, not %(value)s.") % {"value": raw["is_key"]})
        tier = TIER_NAMES.get(
            raw.get("service_tier", ""), ServiceTier.DISTRICT if not raw.get("service_tier") else None
        )
        if tier is None:
            problem(_("Served at must be 市级, 区级 or 镇级, not %(value)s.") % {"value": raw["service_tier"]})
        recognition = None
        if raw.get("recognition_kind"):
            recognition = _validate_recognition(raw, problem)
        mobile = raw.get("contact_mobile", "")
        if mobile:
            try:
                mobile_validator(mobile)
            except ValidationError:
                problem(_("Contact mobile %(value)s is not an 11-digit mobile number.") % {"value": mobile})
        for message in row_problems:
            problems.append((number, message))
        if row_problems:
            continue
        rows.append(
            {
                "row": number,
                "enterprise": {
                    "name": raw["name"],
                    "credit_code": code,
                    "legal_representative": raw["legal_representative"],
                    "chairman_name": raw.get("chairman_name", ""),
                    "address": raw.get("address", ""),
                    "division": division,
                    "town": town,
                    "industry": raw.get("industry", ""),
                    "professional_staff_count": int(staff),
                    "is_key": is_key in YES - {""},
                    "service_tier": tier,
                    "outside_region_accepted": bool(credit_code_warnings(code)),
                },
                "recognition": recognition,
                "contact": {
                    "name": raw.get("contact_name", ""),
                    "mobile": mobile,
                    "email": raw.get("contact_email", ""),
                }
                if raw.get("contact_name")
                else None,
            }
        )
    return rows, problems, warnings


def _validate_recognition(raw, problem):
    kind = KIND_NAMES.get(raw["recognition_kind"]) or (
        raw["recognition_kind"] if raw["recognition_kind"] in RecognitionKind.values else None
    )
    if kind is None:
        problem(
            _("Unknown recognition %(value)s; use one of %(known)s.")
            % {"value": raw["recognition_kind"], "known": "、".join(KIND_EXPORT.values())}
        )
    level = LEVEL_NAMES.get(raw.get("recognition_level", ""))
    if level is None:
        problem(
            _("Recognition level must be 国家级, 省级 or 市级, not %(value)s.")
            % {"value": raw.get("recognition_level")}
        )
    year_text = raw.get("year_granted", "")
    year = int(year_text) if year_text.isdecimal() and 2000 <= int(year_text) <= 2100 else None
    if year is None:
        problem(_("The year granted must be a year such as 2022, not %(value)s.") % {"value": year_text})
    expires = None
    if raw.get("expires_on"):
        try:
            expires = _parse_date(raw["expires_on"])
        except ValueError:
            problem(
                _("The expiry date must be a date such as 2025-12-31, not %(value)s.") % {"value": raw["expires_on"]}
            )
    if expires and year and expires.year < year:
        problem(
            _("The recognition expires (%(expires)s) before the year it was granted (%(year)s).")
            % {"expires": expires.isoformat(), "year": year}
        )
    return {
        "kind": kind,
        "level": level,
        "year_granted": year,
        "certificate_number": raw.get("certificate_number", ""),
        "expires_on": expires,
        "policy_version": raw.get("policy_version", ""),
    }


def template_workbook():
    """An empty workbook with the import's columns (and the export's extra ones, which the import skips);
    the export itself is ``enterprises.exports``, in the same columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    write_row(sheet, [title for _key, title in COLUMNS + EXPORT_EXTRA], font=Font(bold=True))
    for column, width in zip("ABCDEF", (36, 22, 12, 12, 36, 10), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
