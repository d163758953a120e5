"""City staff go from a chart to the filtered list behind it, export that list, follow the progress bar
of the background build and download the file (issue 14): the list is exported exactly as filtered."""

import io

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.models import Application, Status
from tests.dashboard.fixture import HandCounted
from tests.e2e.conftest import login
from tests.e2e.test_statistics_journey import BAR_CENTRE
from tests.factories import PASSWORD, UserFactory
from zaozhuang_titles import tasks
from zaozhuang_titles.exports import export_build
from zaozhuang_titles.models import Export, Role


def test_a_bar_leads_to_the_list_which_is_exported_in_the_background_and_downloaded(
    page, live_server, division, other_division, settings, monkeypatch
):
    world = HandCounted(division, other_division)
    # Every export of more than one row goes to a worker; here the worker is the test itself, so that
    # the page is seen waiting, then ready.
    settings.EXPORT_IN_REQUEST_MAX_ROWS = 1
    queued = []
    monkeypatch.setattr(tasks.build_export, "delay", lambda **kwargs: queued.append(kwargs["export_id"]))
    city = UserFactory(roles=[Role.CITY_STAFF])
    login(page, live_server, city.username, PASSWORD)

    page.goto(f"{live_server.url}{reverse('dashboard:statistics')}")
    expect(page.locator("#statistics")).to_have_attribute("data-charts-drawn", "1")
    with translation.override("zh-hans"):
        rejected = str(Status.REJECTED.label)
    point = page.evaluate(BAR_CENTRE, ["status", rejected])
    with page.expect_navigation():
        page.locator("canvas[data-chart='status']").click(position=point)
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    with page.expect_navigation():
        page.locator("[data-testid=admin-export] button").click()

    export = Export.objects.get(user=city)
    assert queued == [export.pk]
    assert export.row_count == 2
    status = page.locator("[data-testid=export-status]")
    expect(status).to_have_attribute("data-status", "pending")
    expect(page.locator("[data-testid=export-progress]")).to_be_visible()

    export_build(export_id=export.pk)  # the worker builds it; the page's htmx poll sees it ready

    download_link = page.locator("[data-testid=download]")
    expect(download_link).to_be_visible(timeout=10_000)
    expect(status).to_have_attribute("data-status", "done")
    with page.expect_download() as download_info:
        download_link.click()
    data = io.BytesIO(open(download_info.value.path(), "rb").read())  # noqa: SIM115 - read at once
    rows = list(load_workbook(data, read_only=True).active.iter_rows(values_only=True))
    numbers = {row[0] for row in rows[1:] if row and row[0]}
    expected = set(
        Application.objects.filter(batch=world.batch, status=Status.REJECTED).values_list("number", flat=True)
    )
    assert numbers == expected
