"""City staff open the statistics page (统计分析): every chart is drawn from the JSON endpoint without a
console error (the CSP included), and a click on a bar reaches the filtered admin list it counts."""

from urllib.parse import parse_qsl, urlsplit

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from applications.models import Status
from dashboard.tables import TABLE_KEYS
from tests.dashboard.fixture import HandCounted
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UserFactory
from zaozhuang_titles.models import Role

#: The centre of one bar of a chart, in the canvas's own coordinates (CSS pixels).
BAR_CENTRE = """([key, label]) => {
  const chart = window.Chart.getChart(document.querySelector(`canvas[data-chart='${key}']`));
  const bar = chart.getDatasetMeta(0).data[chart.data.labels.indexOf(label)];
  const horizontal = chart.options.indexAxis === "y";
  return horizontal ? {x: (bar.x + bar.base) / 2, y: bar.y} : {x: bar.x, y: (bar.y + bar.base) / 2};
}"""


def test_city_staff_open_the_charts_and_a_bar_leads_to_the_filtered_list(page, live_server, division, other_division):
    world = HandCounted(division, other_division)
    city = UserFactory(roles=[Role.CITY_STAFF])
    login(page, live_server, city.username, PASSWORD)

    page.goto(f"{live_server.url}{reverse('dashboard:statistics')}")

    expect(page.locator("[data-testid=page-title]")).to_have_text("统计分析")
    expect(page.locator("#statistics")).to_have_attribute("data-charts-drawn", "1")
    expect(page.locator("canvas[data-drawn='1']")).to_have_count(len(TABLE_KEYS))
    with translation.override("zh-hans"):
        rejected = str(Status.REJECTED.label)
    rejected_cell = page.locator("[data-testid=rows-status] tr", has_text=rejected).locator("td a")
    expect(rejected_cell).to_have_text("2")

    point = page.evaluate(BAR_CENTRE, ["status", rejected])
    with page.expect_navigation():
        page.locator("canvas[data-chart='status']").click(position=point)

    parts = urlsplit(page.url)
    assert parts.path == reverse("admin:applications_application_changelist")
    assert dict(parse_qsl(parts.query)) == {"batch__id__exact": str(world.batch.pk), "status__exact": "rejected"}
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


def test_statistics_fit_a_phone(mobile_page, live_server, division, other_division):
    HandCounted(division, other_division)
    district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    login(mobile_page, live_server, district.username, PASSWORD)

    mobile_page.goto(f"{live_server.url}{reverse('dashboard:statistics')}")

    expect(mobile_page.locator("#statistics")).to_have_attribute("data-charts-drawn", "1")
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= mobile_page.viewport_size["width"]
    expect(mobile_page.locator("[data-testid=own-division]")).to_have_text(division.name)
