"""Excel import: a valid file imports in one go; a file with any bad row writes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enterprises.excel import COLUMNS
from enterprises.models import Enterprise
from tests.enterprises.factories import EnterpriseFactory, make_credit_code
from tests.factories import TownFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

HEADERS = [title for _key, title in COLUMNS]


def row(**values):
    base = {
        "企业名称": "枣庄导入测试有限公司",
        "统一社会信用代码": make_credit_code("370481"),
        "法定代表人": "钱七",
        "区(市)": "滕州市",
        "重点企业": "是",
        "服务层级": "区级",
        "认定类型": "专精特新中小企业",
        "认定级别": "省级",
        "认定年度": 2022,
        "有效期至": "2025-12-31",
        "联系人": "孙八",
        "联系电话": "13712345678",
    }
    base.update(values)
    return [base.get(header, "") for header in HEADERS]


def workbook(*rows):
    book = Workbook()
    book.active.append(HEADERS)
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


@pytest.fixture
def city_client(client_for, make_user, division):
    TownFactory(division=division, name="荆河街道")
    return client_for(make_user(Role.CITY_STAFF))


def test_import_valid_file_previews_then_imports_all(city_client):
    upload = workbook(row(**{"企业名称": "甲公司", "镇/街": "荆河街道"}), row(**{"企业名称": "乙公司"}))
    preview = city_client.post(reverse("enterprises:import"), {"file": upload})
    assert 'data-testid="import-ready"' in preview.content.decode()
    assert Enterprise.objects.count() == 0
    city_client.post(reverse("enterprises:import_confirm"))
    names = sorted(Enterprise.objects.values_list("name", flat=True))
    assert names == ["乙公司", "甲公司"]
    first = Enterprise.objects.get(name="甲公司")
    assert first.status == Enterprise.Status.ACTIVE
    assert first.town.name == "荆河街道"
    assert first.recognitions.get().level == "provincial"
    assert first.contacts.get().mobile == "13712345678"


def test_import_file_with_bad_rows_writes_nothing_and_names_each_row(city_client, division):
    existing = EnterpriseFactory(division=division)
    duplicate_code = make_credit_code("370481")
    upload = workbook(
        row(),  # row 2: valid
        row(**{"统一社会信用代码": "91370481MA0000001X"}),  # row 3: bad check character
        row(**{"区(市)": "济南市"}),  # row 4: unknown division
        row(**{"统一社会信用代码": existing.credit_code}),  # row 5: already registered
        row(**{"统一社会信用代码": duplicate_code}),  # row 6
        row(**{"统一社会信用代码": duplicate_code}),  # row 7: twice in the file
        row(**{"认定年度": 2024, "有效期至": "2023-12-31"}),  # row 8: expires before granted
    )
    response = city_client.post(reverse("enterprises:import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    problems = response.context["problems"]
    assert sorted({number for number, _message in problems}) == [3, 4, 5, 7, 8]
    messages = dict(problems)
    assert "check character" in messages[3]
    assert "Unknown division 济南市" in messages[4]
    assert "already registered" in messages[5]
    assert "appears twice" in messages[7]
    assert "before the year" in messages[8]
    assert Enterprise.objects.count() == 1
    # Nothing waits in the session: confirming imports nothing.
    city_client.post(reverse("enterprises:import_confirm"))
    assert Enterprise.objects.count() == 1


def test_import_confirm_revalidates_and_is_all_or_nothing(city_client, division):
    code = make_credit_code("370481")
    city_client.post(reverse("enterprises:import"), {"file": workbook(row(), row(**{"统一社会信用代码": code}))})
    EnterpriseFactory(division=division, credit_code=code)  # registered between preview and confirm
    city_client.post(reverse("enterprises:import_confirm"))
    assert Enterprise.objects.count() == 1


def test_import_rejects_file_without_required_columns(city_client):
    book = Workbook()
    book.active.append(["名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = city_client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())}
    )
    assert response.context["form"].errors
    assert Enterprise.objects.count() == 0
