"""Exports of the registry (``enterprises.exports``): an enterprise's row in the import's columns (so it
can be imported again), the division of district staff, and the service log (服务台账) from admin."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.excel import COLUMNS, EXPORT_EXTRA, parse_workbook, validate_rows
from enterprises.models import ServiceLog
from tests.enterprises.factories import (
    CommissionerFactory,
    ContactFactory,
    EnterpriseFactory,
    RecognitionFactory,
    ServiceLogFactory,
)
from tests.factories import TownFactory, UserFactory
from zaozhuang_titles.models import Export, Role


def download(client, url):
    response = client.post(url)
    assert response.status_code == 302
    content = b"".join(client.get(response["Location"]).streaming_content)
    rows = [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    header, *body = rows
    return content, [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture
def city(db):
    return UserFactory(roles=[Role.CITY_STAFF])


def test_enterprise_row_in_the_import_columns_with_status_commissioner_and_eligibility(client_for, city, division):
    commissioner = CommissionerFactory(division=division, user=UserFactory(real_name="赵敏"))
    enterprise = EnterpriseFactory(
        division=division, town=TownFactory(division=division, name="龙泉街道"), commissioner=commissioner, is_key=True
    )
    RecognitionFactory(
        enterprise=enterprise,
        kind="little_giant",
        level="national",
        year_granted=2020,
        expires_on=datetime.date(2021, 1, 1),
    )
    RecognitionFactory(
        enterprise=enterprise,
        kind="specialized_sme",
        level="provincial",
        year_granted=2023,
        expires_on=None,
        certificate_number="LX2023001",
    )
    contact = ContactFactory(enterprise=enterprise, name="周丽", mobile="13906320006")

    content, [row] = download(client_for(city), reverse("enterprises:export"))

    assert list(row) == [title for _key, title in COLUMNS + EXPORT_EXTRA]
    assert row["企业名称"] == enterprise.name
    assert row["统一社会信用代码"] == enterprise.credit_code
    assert (row["区(市)"], row["镇/街"], row["重点企业"]) == (division.name, "龙泉街道", "是")
    # The latest recognition, and eligibility from any still valid.
    assert (row["认定类型"], row["认定级别"], row["认定年度"], row["证书或名单编号"]) == (
        "专精特新中小企业",
        "省级",
        2023,
        "LX2023001",
    )
    assert (row["联系人"], row["联系电话"]) == ("周丽", contact.mobile)
    assert (row["服务专员"], row["专项通道资格"]) == ("赵敏", "是")
    # The import reads the file back: its only objection is that the enterprise is registered already.
    _rows, problems, _warnings = validate_rows(parse_workbook(io.BytesIO(content)))
    assert [message for _number, message in problems if "已注册" not in message] == []


def test_district_staff_export_the_registry_of_their_division_only(client_for, division, other_division):
    district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    mine = EnterpriseFactory(division=division, name="滕州本区企业")
    EnterpriseFactory(division=other_division, name="市中区企业")

    _content, rows = download(client_for(district), reverse("enterprises:export"))

    assert [row["企业名称"] for row in rows] == [mine.name]
    assert Export.objects.get().user == district


def test_service_log_export_from_admin_follows_the_changelist_filter(client_for, city, division):
    commissioner = CommissionerFactory(division=division, user=UserFactory(real_name="赵敏"))
    enterprise = EnterpriseFactory(division=division, commissioner=commissioner, name="滕州鲁信精工")
    ServiceLogFactory(
        enterprise=enterprise,
        commissioner=commissioner,
        kind=ServiceLog.Kind.PROBLEM,
        occurred_on=datetime.date(2026, 3, 2),
        summary="职称申报材料咨询",
        solution="已上门指导",
        solved_on=datetime.date(2026, 3, 5),
        people_count=2,
    )
    ServiceLogFactory(enterprise=enterprise, commissioner=commissioner, kind=ServiceLog.Kind.VISIT)

    _content, rows = download(
        client_for(city), reverse("admin:enterprises_servicelog_export") + f"?kind__exact={ServiceLog.Kind.PROBLEM}"
    )

    assert rows == [
        {
            "日期": "2026-03-02",
            "类型": str(ServiceLog.Kind.PROBLEM.label),
            "企业": "滕州鲁信精工",
            "统一社会信用代码": enterprise.credit_code,
            "区(市)": division.name,
            "服务专员": "赵敏",
            "人次": 2,
            "服务内容": "职称申报材料咨询",
            "解决情况": "已上门指导",
            "解决日期": "2026-03-05",
        }
    ]
