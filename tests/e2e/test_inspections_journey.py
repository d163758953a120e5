"""Issue 15 in a real browser: city staff publish the hash of an inspection plan's seed and draw it; then
the public, not logged in, re-runs the draw from the revealed seed on the public page and sees the same
enterprises and inspectors, and that another seed gives another draw. The database is checked after
each step. The plan itself is arranged through the service (its form has its own tests)."""

from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Inspection, InspectionPlan
from inspections.services.draw import draw_verify
from tests.e2e.conftest import login, logout, snapshot
from tests.factories import PASSWORD
from tests.inspections.factories import InspectionWorld


def test_staff_draw_an_inspection_and_the_public_re_runs_it(page, live_server):
    world = InspectionWorld(enterprises=8, staff=2, experts=3, count=3, team_size=2)
    world.city.username = "city_e2e"
    world.city.save(update_fields=["username"])
    plan_url = f"{live_server.url}{reverse('inspections:plan', args=[world.plan.pk])}"

    login(page, live_server, "city_e2e", PASSWORD)
    page.goto(plan_url)
    with page.expect_navigation():
        page.get_by_test_id("announce-button").click()
    plan = InspectionPlan.objects.get(pk=world.plan.pk)
    assert plan.status == InspectionPlan.Status.ANNOUNCED
    expect(page.get_by_test_id("seed-hash")).to_have_text(plan.seed_sha256)
    assert plan.seed not in page.content()

    with page.expect_navigation():
        page.get_by_test_id("draw-button").click()
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.DRAWN
    assert Inspection.objects.filter(plan=plan).count() == 3
    expect(page.get_by_test_id("seed")).to_have_text(plan.seed)
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
    expect(page.get_by_test_id("inspection-row")).to_have_count(3)
    snapshot(page, "inspections-staff-drawn")
    logout(page)

    # The public: the revealed seed, typed into the re-run form.
    page.goto(f"{live_server.url}{reverse('inspections:public_index')}")
    with page.expect_navigation():
        page.get_by_role("link", name=plan.name).click()
    expect(page.get_by_test_id("seed")).to_have_text(plan.seed)
    drawn = page.get_by_test_id("drawn-row").all_inner_texts()
    assert len(drawn) == 3
    page.get_by_test_id("rerun-seed").fill(plan.seed)
    with page.expect_navigation():
        page.get_by_test_id("rerun-button").click()
    expect(page.get_by_test_id("hash-ok")).to_be_visible()
    expect(page.get_by_test_id("rerun-same")).to_be_visible()
    assert page.get_by_test_id("rerun-row").all_inner_texts() == drawn
    snapshot(page, "inspections-public-rerun")

    page.get_by_test_id("rerun-seed").fill("0" * 64)
    with page.expect_navigation():
        page.get_by_test_id("rerun-button").click()
    expect(page.get_by_test_id("hash-differs")).to_be_visible()
    expect(page.get_by_test_id("rerun-differs")).to_be_visible()
    assert page.get_by_test_id("rerun-row").all_inner_texts() != drawn
    assert draw_verify(plan).matches is True
