"""The enterprise record (credit code, certificate number of a recognition) and the Excel import of
enterprises (credit code, certificate number, contact mobile) take codes drawn from the whole of Unicode
(``tests/strategies.py``): never a 500, nothing stored that is not canonical, and a credit code typed in
full-width digits is the duplicate of the one registered in ASCII."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from enterprises.excel import COLUMNS, validate_rows
from enterprises.models import Enterprise, EnterpriseContact, Recognition
from tests.enterprises.factories import make_credit_code
from tests.factories import TownFactory
from tests.strategies import code_input, is_canonical
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
HEADERS = [title for _key, title in COLUMNS]


def full_width(code):
    return "".join(chr(ord(char) + 0xFEE0) for char in code)


def registration(town, code, number="鲁工信-2022-0001"):
    return {
        "name": "滕州新注册机械有限公司",
        "credit_code": code,
        "legal_representative": "赵六",
        "chairman_name": "赵六",
        "division": town.division_id,
        "town": town.pk,
        "professional_staff_count": 8,
        "recognition_kind": "specialized_sme",
        "recognition_level": "provincial",
        "recognition_year": 2022,
        "recognition_number": number,
    }


def assert_all_canonical():
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        assert is_canonical(code), code
    for number in Recognition.objects.values_list("certificate_number", flat=True):
        assert is_canonical(number), number
    for mobile in EnterpriseContact.objects.values_list("mobile", flat=True):
        assert is_canonical(mobile), mobile


def test_enterprise_record_with_codes_from_the_whole_of_unicode(client_for, make_user, division):
    town = TownFactory(division=division)
    code = make_credit_code("370481")

    @FUZZ
    @given(typed=code_input(code, max_size=24), number=code_input("鲁工信-2022-0001", max_size=40))
    def run(typed, number):
        client = client_for(make_user(Role.ENTERPRISE_CONTACT))
        client.raise_request_exception = False
        response = client.post(reverse("enterprises:register"), registration(town, typed, number))
        assert response.status_code < 500, (typed, number)
        assert_all_canonical()
        assert set(Enterprise.objects.values_list("credit_code", flat=True)) <= {code}

    run()


def test_enterprise_credit_code_in_full_width_is_the_duplicate_of_the_registered_one(client_for, make_user, division):
    town = TownFactory(division=division)
    code = make_credit_code("370481")
    first = make_user(Role.ENTERPRISE_CONTACT)
    assert client_for(first).post(reverse("enterprises:register"), registration(town, code)).status_code == 302
    second = client_for(make_user(Role.ENTERPRISE_CONTACT))
    response = second.post(reverse("enterprises:register"), registration(town, " " + full_width(code.lower())))
    assert response.status_code == 409
    assert first.real_name in response.content.decode()
    assert list(Enterprise.objects.values_list("credit_code", flat=True)) == [code]


def excel_row(code, number, mobile):
    values = {
        "企业名称": "枣庄导入测试有限公司",
        "统一社会信用代码": code,
        "法定代表人": "钱七",
        "区(市)": "滕州市",
        "重点企业": "是",
        "服务层级": "区级",
        "认定类型": "专精特新中小企业",
        "认定级别": "省级",
        "认定年度": 2022,
        "有效期至": "2025-12-31",
        "证书或名单编号": number,
        "联系人": "孙八",
        "联系电话": mobile,
    }
    return [values.get(header, "") for header in HEADERS]


def workbook(*rows):
    book = Workbook()
    book.active.append(HEADERS)
    for values in rows:
        # What a workbook cannot hold (controls other than tab and newline) cannot arrive in one.
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def test_enterprise_import_with_codes_from_the_whole_of_unicode(client_for, make_user, division):
    TownFactory(division=division, name="荆河街道")
    client = client_for(make_user(Role.CITY_STAFF))
    client.raise_request_exception = False
    code = make_credit_code("370481")

    @FUZZ
    @given(
        typed=code_input(code, max_size=24),
        number=code_input("枣工信-2022-0001", max_size=30),
        mobile=code_input("13712345678", max_size=15) | st.just(""),
    )
    def run(typed, number, mobile):
        preview = client.post(reverse("enterprises:import"), {"file": workbook(excel_row(typed, number, mobile))})
        assert preview.status_code < 500, (typed, number, mobile)
        confirmed = client.post(reverse("enterprises:import_confirm"))
        assert confirmed.status_code < 500, (typed, number, mobile)
        assert_all_canonical()

    run()


def test_enterprise_import_reads_full_width_codes_as_the_ascii_ones(division):
    code = make_credit_code("370481")
    values = excel_row(full_width(code), "ＺＣ－１", "１３７１２３４５６７８")
    raw = {key: str(value) for (key, _title), value in zip(COLUMNS, values, strict=True)}
    rows, problems, _warnings = validate_rows([(2, raw)])
    assert problems == []
    assert rows[0]["enterprise"]["credit_code"] == code
    assert rows[0]["recognition"]["certificate_number"] == "ZC-1"
    assert rows[0]["contact"]["mobile"] == "13712345678"


def test_enterprise_import_with_a_superscript_digit_for_a_number_names_the_row(division):
    """ "²" is a digit to str.isdigit() but not to int(): a problem of the row, not a server error."""
    values = excel_row(make_credit_code("370481"), "ZC-1", "13712345678")
    raw = {key: str(value) for (key, _title), value in zip(COLUMNS, values, strict=True)}
    raw["professional_staff_count"] = "²"
    rows, problems, _warnings = validate_rows([(2, raw)])
    assert rows == []
    assert [row for row, _message in problems] == [2]
