"""Issue 14 in a real browser: district staff open their queue in Django admin, filter it, select three
applications of which one is in the wrong state (returned for correction), pass them in bulk, confirm on
the page that lists what will happen to each, and see two passed and one skipped with its reason; then
the progress of a run over the background threshold, polled by htmx until its result shows."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from applications import services
from applications.models import Application, BulkRun, Status, Transition
from tests.applications.factories import World
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DivisionFactory


@pytest.fixture
def world():
    return World(division=DivisionFactory(code="370481", name="滕州市"))


def returned(world):
    application = world.at_district()
    services.application_return(
        application=application, actor=world.district, reason="补正", items=[("field:summary", "综述", "补充")]
    )
    return application


def test_district_staff_pass_three_in_bulk_one_skipped_with_its_reason(page, live_server, world):
    ready, also_ready, wrong = world.at_district(), world.at_district(), returned(world)
    elsewhere = World(division=DivisionFactory(code="370402", name="市中区")).at_district()

    login(page, live_server, world.district.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('admin:applications_application_changelist')}")
    expect(page.locator("#result_list")).not_to_contain_text(elsewhere.number)

    # Filter by their batch from the sidebar; the three are listed.
    with page.expect_navigation():
        page.locator("#changelist-filter").get_by_role("link", name=world.batch.name).click()
    assert "batch__id__exact" in page.url
    for application in (ready, also_ready, wrong):
        page.locator(f"input.action-select[value='{application.pk}']").check()
    page.locator("select[name=action]").select_option("bulk_pass")
    with page.expect_navigation():
        page.locator("button[name=index]").click()

    # The confirmation lists exactly the three, and says which one is skipped and why.
    rows = page.locator("[data-testid=plan-row]")
    expect(rows).to_have_count(3)
    expect(
        page.locator(f"[data-testid=plan-row][data-number='{wrong.number}'] [data-testid=plan-skipped]")
    ).to_be_visible()
    expect(page.locator("[data-testid=plan-will]")).to_have_count(2)
    assert Transition.objects.filter(action="pass").count() == 0
    with page.expect_navigation():
        page.locator("[data-testid=bulk-confirm-button]").click()

    # The result: two passed, one skipped with its reason.
    summary = page.locator("[data-testid=bulk-summary]")
    expect(summary).to_contain_text("已办理 2 件")
    expect(summary).to_contain_text("跳过 1 件")
    skipped = page.locator("[data-testid=skipped-row]")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text(wrong.number)
    with translation.override("zh-hans"):
        expect(skipped).to_contain_text(str(Status.RETURNED.label))
    statuses = dict(Application.objects.filter(pk__in=[ready.pk, also_ready.pk, wrong.pk]).values_list("pk", "status"))
    assert statuses == {ready.pk: Status.CITY_AUDIT, also_ready.pk: Status.CITY_AUDIT, wrong.pk: Status.RETURNED}


def test_a_background_run_shows_its_progress_then_its_result(page, live_server, world):
    application = world.at_district()
    run = BulkRun.objects.create(
        action="pass", actor=world.district, application_ids=[application.pk], in_background=True
    )

    login(page, live_server, world.district.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('admin:applications_application_bulk', args=[run.pk])}")
    expect(page.locator("[data-testid=bulk-progress-bar]")).to_be_visible()

    # The worker does its job; the page, polling, shows the result without a reload.
    from applications.services.bulk import bulk_run_execute

    bulk_run_execute(run_id=run.pk)
    expect(page.locator("[data-testid=bulk-summary]")).to_contain_text("已办理 1 件", timeout=10_000)
    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
