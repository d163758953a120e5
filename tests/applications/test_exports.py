"""Exports of applications (``applications.exports``): the queues' and the admin changelist's rows as
filtered, their columns and values, the division of district staff, hostile stored text kept as text,
and a constant number of queries at one and many rows."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, Status
from tests.applications.factories import World
from tests.factories import DivisionFactory, UserFactory
from tests.scale import clone_applications
from zaozhuang_titles import exports
from zaozhuang_titles.exports import export_build, export_start
from zaozhuang_titles.models import AuditEvent, Export, Role

HOSTILE = "=cmd|' /C calc'!A0"
HEADER = [
    "申报编号",
    "姓名",
    "身份证号码",
    "手机号码",
    "工作单位",
    "统一社会信用代码",
    "区(市)",
    "评审批次",
    "申报通道",
    "级别",
    "专业",
    "状态",
    "提交次数",
    "提交时间",
    "状态变更时间",
]


def sheet_of(client, response):
    """The workbook a small export's POST sends its browser to."""
    assert response.status_code == 302, response.content[:500]
    download = client.get(response["Location"])
    assert download.status_code == 200
    return load_workbook(io.BytesIO(b"".join(download.streaming_content))).active


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def world(db, division):
    return World(division=division)


def test_district_queue_export_has_the_columns_and_values_of_each_application(world, client_for):
    application = world.at_district()
    applicant = application.applicant
    client = client_for(world.district)

    sheet = sheet_of(client, client.post(reverse("applications:district_queue_export")))

    header, row = rows_of(sheet)
    assert header[: len(HEADER)] == HEADER
    # District staff do not get the committee's figures (a city page).
    assert "平均分" not in header and "最终得分（去掉最高最低分）" not in header
    values = dict(zip(header, row, strict=True))
    assert values["申报编号"] == application.number
    assert values["姓名"] == applicant.real_name
    # District staff may see personal numbers whole (``view_full_id_number``), as on the page.
    assert values["身份证号码"] == applicant.id_number
    assert values["手机号码"] == applicant.mobile
    assert values["工作单位"] == world.enterprise.name
    assert values["区(市)"] == world.division.name
    assert values["申报通道"] == "专精特新和单项冠军企业专项通道"
    assert values["状态"] == str(Status(application.status).label) == "区县初审"
    assert values["提交次数"] == 1
    assert len(values["提交时间"]) == len("2026-12-05 14:30")


def test_district_staff_export_only_their_division(world, client_for):
    mine = world.at_district()
    elsewhere = World(division=DivisionFactory(code="370404", name="峄城区"))
    elsewhere.at_district()
    client = client_for(world.district)

    sheet = sheet_of(client, client.post(reverse("applications:district_queue_export") + "?status=all"))

    assert [row[0] for row in rows_of(sheet)[1:]] == [mine.number]
    assert Export.objects.get().description == "状态：全部（本人权限范围内）"


def test_city_queue_export_follows_the_tab_and_filters(world, client_for):
    waiting = world.at_city()
    world.at_district()
    other = World(division=DivisionFactory(code="370402", name="市中区"))
    other.at_city()
    client = client_for(world.city)

    query = f"?division={world.division.pk}&after=2026-01-01T00:00:00%2B08:00|1"
    sheet = sheet_of(client, client.post(reverse("applications:city_queue_export") + query))

    assert [row[0] for row in rows_of(sheet)[1:]] == [waiting.number]
    export = Export.objects.get()
    assert export.params == {"division": [str(world.division.pk)]}  # the page's cursor is no filter
    assert export.description == "状态：市级复审；区(市)：滕州市"


def test_stored_text_that_looks_like_a_formula_comes_out_as_text(world, client_for):
    application = world.at_district()
    Application.objects.filter(pk=application.pk).update(specialty=HOSTILE)
    type(world.enterprise).objects.filter(pk=world.enterprise.pk).update(name=HOSTILE)
    client = client_for(world.district)

    sheet = sheet_of(client, client.post(reverse("applications:district_queue_export")))

    cells = {cell.column: cell for cell in next(sheet.iter_rows(min_row=2, max_row=2))}
    for column in (HEADER.index("工作单位") + 1, HEADER.index("专业") + 1):
        assert cells[column].value == HOSTILE
        assert cells[column].data_type == "s"
        assert cells[column].quotePrefix
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_admin_changelist_export_is_exactly_the_filtered_searched_list(world, client_for):
    at_city = world.at_city()
    world.at_district()
    named = world.at_city(world.applicant(user__real_name="欧阳锋"))
    client = client_for(world.city)
    url = reverse("admin:applications_application_export")

    query = f"?status__exact={Status.CITY_AUDIT}&o=-2"
    filtered = sheet_of(client, client.post(f"{url}{query}"))
    searched = sheet_of(client, client.post(f"{url}?q=欧阳"))

    changelist = client.get(reverse("admin:applications_application_changelist") + query).context["cl"]
    shown = [application.number for application in changelist.result_list]
    assert sorted(shown) == sorted([at_city.number, named.number])
    assert [row[0] for row in rows_of(filtered)[1:]] == shown  # the same rows in the same order
    assert [row[0] for row in rows_of(searched)[1:]] == [named.number]
    first, second = Export.objects.order_by("pk")
    assert first.description == "状态：市级复审"
    assert second.description == "搜索：欧阳"
    # City staff get the committee's columns.
    assert "最终得分（去掉最高最低分）" in rows_of(filtered)[0]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).count() == 2


def test_admin_changelist_shows_the_export_button_with_its_filters(world, client_for):
    response = client_for(world.city).get(reverse("admin:applications_application_changelist") + "?status__exact=draft")

    page = response.content.decode()
    assert 'data-testid="admin-export"' in page
    assert reverse("admin:applications_application_export") + "?status__exact=draft" in page
    assert "导出 Excel" in page


def test_admin_export_refuses_a_get_a_bad_filter_and_other_roles(world, client_for):
    url = reverse("admin:applications_application_export")
    city = client_for(world.city)

    assert city.get(url).status_code == 405
    bad = city.post(f"{url}?status_changed_at__gte=not-a-date", follow=True)
    assert "筛选条件无效" in bad.content.decode()
    assert bad.redirect_chain[-1][0].startswith(reverse("admin:applications_application_changelist"))
    # Roles without admin are sent to its login (district staff work in admin since issue 14).
    refused = client_for(UserFactory(roles=[Role.EXPERT])).post(url)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("admin:login"))
    assert not Export.objects.exists()


def _build_queries(user, source, query=None):
    export = export_start(user=user, source_name=source, query=exports.query_dict(query or {}))
    Export.objects.filter(pk=export.pk).update(status=Export.Status.PENDING, file="")
    with CaptureQueriesContext(connection) as captured:
        export_build(export_id=export.pk)
    return len(captured)


@pytest.mark.parametrize(
    ("source", "user"),
    [("applications.district_queue", "district"), ("admin:applications.application", "city")],
)
def test_application_export_costs_the_same_queries_at_one_and_many_rows(world, source, user):
    template = world.at_district()
    reader = getattr(world, user)
    query = {"status": ["all"]} if source.startswith("applications.") else {}
    one = _build_queries(reader, source, query)

    clone_applications(template, 30, status=Status.DISTRICT_AUDIT)

    assert _build_queries(reader, source, query) == one
    print(f"\n{source} export build ({user}): {one} queries")


def test_district_staff_of_another_division_export_nothing_of_this_one(world, client_for):
    world.at_district()
    stranger = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=DivisionFactory(code="370405"))

    response = client_for(stranger).post(reverse("applications:district_queue_export") + "?status=all", follow=True)

    assert "没有符合筛选条件的记录" in response.content.decode()
    assert not Export.objects.exists()


def test_district_staff_export_from_admin_only_their_division(world, client_for):
    mine = world.at_district()
    elsewhere = World(division=DivisionFactory(code="370404", name="峄城区"))
    elsewhere.at_district()
    client = client_for(world.district)

    response = client.post(reverse("admin:applications_application_export"))

    sheet = sheet_of(client, response)
    assert [row[0] for row in rows_of(sheet)[1:]] == [mine.number]
