"""The statistics page, its charts' JSON and its Excel downloads: pinned queries, links to the filtered
lists, district scoping, bad filters answered in Chinese, exports audited and free of formulas."""

import io
from urllib.parse import parse_qsl

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Status
from tests.applications.factories import ApplicationFactory
from tests.dashboard.fixture import HandCounted, add_row
from tests.factories import BatchFactory, UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:statistics")
DATA = reverse("dashboard:data")


@pytest.fixture
def city():
    return UserFactory(roles=[Role.CITY_STAFF])


@pytest.fixture
def district(division):
    return UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)


@pytest.fixture
def world(division, other_division):
    return HandCounted(division, other_division)


def table(response, key):
    return next(t for t in response.context["tables"] if t["key"] == key)


def test_page_queries_stay_constant_as_rows_grow(client_for, city, division, django_assert_num_queries):
    batch = BatchFactory(year=2024)
    client = client_for(city)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(URL), lambda: add_row(batch, division), expected=19
    )
    print(f"\ndashboard:statistics queries = {count}")


def test_data_queries_stay_constant_as_rows_grow(client_for, city, division, django_assert_num_queries):
    batch = BatchFactory(year=2024)
    client = client_for(city)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(DATA), lambda: add_row(batch, division), expected=18
    )
    print(f"\ndashboard:data queries = {count}")


def test_page_shows_the_latest_batch_in_chinese_with_every_number_linked(client_for, city, world):
    response = client_for(city).get(URL)

    assert response.status_code == 200
    assert response.context["batch"] == world.batch
    content = response.content.decode()
    assert "统计分析" in content
    status = table(response, "status")
    rejected = next(row for row in status["rows"] if row["label"] == str(Status.REJECTED.label))
    assert rejected["cells"][0]["value"] == 2
    assert rejected["cells"][0]["url"] == (
        f"/admin/applications/application/?batch__id__exact={world.batch.pk}&status__exact=rejected"
    )
    for each in response.context["tables"]:
        for row in each["rows"]:
            for cell in row["cells"]:
                assert cell["value"] is None or cell["url"], (each["key"], row["label"])


def test_links_carry_the_filters_of_the_admin_lists(client_for, city, world):
    response = client_for(city).get(URL, {"division": world.d1.pk})

    overdue = table(response, "overdue")
    (row,) = overdue["rows"]
    assert row["label"] == world.d1.name
    assert row["cells"][1]["value"] == 1
    path, query = row["cells"][1]["url"].split("?")
    assert path == "/admin/applications/application/"
    assert dict(parse_qsl(query)) == {
        "batch__id__exact": str(world.batch.pk),
        "enterprise__division__id__exact": str(world.d1.pk),
        "status__exact": "district_audit",
        "overdue": "1",
    }
    kind = table(response, "kind")["rows"][1]
    assert "kind=specialized_sme" in kind["cells"][0]["url"]
    assert "status__in=enterprise_review%2Cnominated%2Cdistrict_audit" in kind["cells"][0]["url"]
    channel = table(response, "channel")["rows"][0]
    assert "batch__channel__exact=dedicated" in channel["cells"][0]["url"]


def test_admin_lists_behind_the_links_answer_and_filter(client_for, world):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
    client = client_for(admin)
    page = client.get(URL)

    for key, row_index, cell_index, expected in [
        ("status", 0, 0, None),
        ("decisions", 2, 0, 3),  # passed at the district audit: three moves
        ("objections", 0, 0, 1),
        ("service", 0, 1, 1),
        ("overdue", 0, 2, 1),  # 市中区 (370402) first: app3 waits at the city audit
    ]:
        cell = table(page, key)["rows"][row_index]["cells"][cell_index]
        response = client.get(cell["url"])
        assert response.status_code == 200, (key, cell["url"])
        changelist = response.context["cl"]
        if expected is not None:
            assert changelist.result_count == expected, key


def test_all_batches_and_the_chosen_division(client_for, city, world):
    response = client_for(city).get(URL, {"batch": "all", "division": world.d2.pk})

    assert response.context["batch"] is None
    assert [row["label"] for row in table(response, "division")["rows"]] == [world.d2.name]
    channels = {row["label"]: row["cells"][0]["value"] for row in table(response, "channel")["rows"]}
    # 市中区: app3, app4, app5 and app10 in the dedicated batch, app8 in the regular one.
    assert sorted(channels.values()) == [1, 4]


def test_district_staff_see_their_own_division(client_for, district, world):
    response = client_for(district).get(URL)

    assert [row["label"] for row in table(response, "division")["rows"]] == [world.d1.name]
    assert response.context["district_only"] is True
    content = response.content.decode()
    assert 'name="division"' not in content
    assert 'data-testid="own-division">滕州市<' in content


def test_district_staff_asking_for_another_division_get_404(client_for, district, world):
    assert client_for(district).get(URL, {"division": world.d2.pk}).status_code == 404
    assert client_for(district).get(DATA, {"division": world.d2.pk}).status_code == 404
    assert client_for(district).get(URL, {"division": world.d1.pk}).status_code == 200


@pytest.mark.parametrize(
    "params, message",
    [
        ({"batch": "99999"}, "没有批次“99999”"),
        ({"batch": "abc"}, "没有批次“abc”"),
        ({"division": "99999"}, "没有区(市)“99999”"),
    ],
)
def test_bad_filters_are_named_in_chinese_and_the_default_shown(client_for, city, world, params, message):
    response = client_for(city).get(URL, params)
    data = client_for(city).get(DATA, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["batch"] == world.batch
    assert data.status_code == 400
    assert message in data.json()["errors"][0]


def test_json_carries_each_charts_labels_values_and_links(client_for, city, world):
    data = client_for(city).get(DATA).json()

    charts = {chart["key"]: chart for chart in data["charts"]}
    assert list(charts) == [
        "status",
        "division",
        "kind",
        "channel",
        "decisions",
        "durations",
        "overdue",
        "meetings",
        "objections",
        "service",
    ]
    decisions = charts["decisions"]
    assert decisions["unit"] == "%"
    assert decisions["datasets"][0]["data"] == [100.0, 100.0, 75.0, 50.0, 50.0]
    assert decisions["datasets"][0]["urls"][2].startswith("/admin/applications/transition/?")
    assert charts["status"]["labels"][0] == "单位审核"


def test_export_writes_the_table_as_values_and_is_audited(client_for, city, world):
    response = client_for(city).get(reverse("dashboard:export", args=["decisions"]), {"batch": world.batch.pk})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("环节", "通过", "退回补正", "不予受理或未通过", "撤回", "通过率（%）")
    assert rows[4] == ("区县初审", 3, 1, 1, 0, 75)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORTED)
    assert event.detail["what"] == "statistics:decisions"
    assert event.detail["rows"] == 5


def test_export_never_writes_a_formula(client_for, city, world):
    world.meeting.name = '=HYPERLINK("http://x")'
    world.meeting.save()

    response = client_for(city).get(reverse("dashboard:export", args=["meetings"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert labels[0].startswith("=HYPERLINK")
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert sheet.cell(row=3, column=1).quotePrefix


def test_export_of_an_unknown_table_is_404_and_a_bad_filter_goes_back_to_the_page(client_for, city, world):
    client = client_for(city)

    assert client.get(reverse("dashboard:export", args=["nothing"])).status_code == 404
    response = client.get(reverse("dashboard:export", args=["status"]), {"batch": "99999"})
    assert response.status_code == 302
    assert response["Location"].startswith(URL)
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).exists()


def test_menu_of_staff_leads_to_the_page(client_for, city, district):
    for user in (city, district):
        assert URL in client_for(user).get(URL).content.decode().split("</nav>")[0]


@pytest.fixture
def kept(settings):
    """The figures kept two minutes, as in production (the suite computes them on every request)."""
    settings.STATISTICS_CACHE_SECONDS = 120
    cache.clear()
    yield
    cache.clear()


def _count(response, status):
    return next(
        row["cells"][0]["value"] for row in table(response, "status")["rows"] if row["label"] == str(status.label)
    )


def test_page_and_json_share_the_figures_kept_for_the_reader(client_for, city, world, kept, django_assert_num_queries):
    client = client_for(city)
    client.get(reverse("dashboard:export", args=["status"]))  # warm the session, as the pinned tests do
    cache.clear()
    with django_assert_num_queries(19):
        page = client.get(URL)
    # One more application after the figures were computed: the page and its JSON still agree on them.
    ApplicationFactory(enterprise=world.e2, batch=world.batch, status=Status.CITY_AUDIT)
    with django_assert_num_queries(9):  # the page without computing the figures
        again = client.get(URL)
    data = client.get(DATA).json()

    assert _count(page, Status.CITY_AUDIT) == _count(again, Status.CITY_AUDIT) == 1
    status_chart = next(chart for chart in data["charts"] if chart["key"] == "status")
    assert status_chart["datasets"][0]["data"][status_chart["labels"].index(str(Status.CITY_AUDIT.label))] == 1
    assert data["as_of"] == again.context["as_of"].isoformat() == page.context["as_of"].isoformat()
    assert f"数据截至 {page.context['as_of']:%H:%M}。" in again.content.decode()
    assert "最多每 2 分钟重新计算一次。" in again.content.decode()


def test_kept_figures_are_per_reader_and_filter_and_recomputed_when_they_expire(
    client_for, city, district, world, kept, other_division
):
    client = client_for(city)
    whole = client.get(URL)
    one_division = client.get(URL, {"division": other_division.pk})
    district_view = client_for(district).get(URL)
    ApplicationFactory(enterprise=world.e2, batch=world.batch, status=Status.CITY_AUDIT)
    kept_still = client.get(URL)
    cache.clear()  # as when the two minutes are over
    fresh = client.get(URL)

    assert _count(whole, Status.REJECTED) == 2
    assert _count(one_division, Status.REJECTED) == 1
    assert _count(district_view, Status.REJECTED) == 1
    assert _count(district_view, Status.CITY_AUDIT) == 0
    assert _count(kept_still, Status.CITY_AUDIT) == 1
    assert _count(fresh, Status.CITY_AUDIT) == 2
