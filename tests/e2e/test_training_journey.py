"""An applicant's hours are imported from the training platform by city staff, recognised by district
staff (one entry) and by city staff (the rest of the import), and the continuing-education row of its
application's eligibility turns from 不符合 to 符合 — in a real browser, on the portal's own pages."""

import tempfile
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.applications.factories import ApplicationFactory, ProfileFactory
from tests.e2e.conftest import login, logout
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import PASSWORD, BatchFactory, DivisionFactory, UserFactory
from training import excel
from training.models import EntryStatus, TrainingEntry
from zaozhuang_titles.models import Role


def test_imported_hours_recognised_turn_the_eligibility_row_to_met(page, live_server):
    division = DivisionFactory(code="370481", name="滕州市")
    profile = ProfileFactory(enterprise=EnterpriseFactory(division=division), user__real_name="陈志远")
    applicant = profile.user
    application = ApplicationFactory(
        applicant=applicant, enterprise=profile.enterprise, batch=BatchFactory(channel="regular")
    )
    city = UserFactory(roles=[Role.CITY_STAFF])
    district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    this_year = timezone.localdate().year
    years = range(this_year - 3, this_year)
    rows = [
        {
            "record": f"SDJXJY-{year}-{index}",
            "id_number": applicant.id_number,
            "name": "陈志远",
            "year": str(year),
            "category": category,
            "hours": hours,
            "course": course,
        }
        for year in years
        for index, (category, hours, course) in enumerate(
            [("公需科目", "30", "专业技术人员职业道德"), ("专业科目", "64", "数控机床精度检测技术")]
        )
    ]
    workbook = Path(tempfile.mkdtemp()) / "继续教育学时.xlsx"
    workbook.write_bytes(excel.workbook_of(rows).getvalue())
    training_row = page.locator("[data-testid=rule-training] [data-testid=outcome]")

    # 1. Before any hours: the applicant's application shows continuing education as not met.
    login(page, live_server, applicant.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('applications:my_application', args=[application.pk])}")
    expect(training_row).to_have_text("不符合")
    logout(page)

    # 2. City staff import the platform's workbook: 服务 ▸ 学时认定 in the navbar.
    login(page, live_server, city.username, PASSWORD)
    page.locator("[data-testid=service-menu-toggle]").click()
    page.locator("[data-testid=service-menu] .dropdown-item", has_text="学时认定").click()
    page.locator("[data-testid=import-link]").click()
    page.locator("#id_file").set_input_files(str(workbook))
    with page.expect_navigation():
        page.locator("[data-testid=import-form] [data-testid=submit]").click()
    expect(page.locator("[data-testid=import-banner]")).to_be_visible()
    expect(page.locator("[data-testid=entry-row]")).to_have_count(6)
    assert set(TrainingEntry.objects.values_list("status", flat=True)) == {EntryStatus.PENDING}
    logout(page)

    # Imported but not recognised: still not met.
    login(page, live_server, applicant.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('applications:my_application', args=[application.pk])}")
    expect(training_row).to_have_text("不符合")
    logout(page)

    # 3. District staff of 滕州市 recognise one entry from their menu's list.
    login(page, live_server, district.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('training:staff_entries')}")
    expect(page.locator("[data-testid=entry-row]")).to_have_count(6)
    page.locator("[data-testid=entry-link]").first.click()
    page.locator("input[name=decision][value=recognise]").check()
    page.locator("#id_reason").fill("平台记录核对无误")
    with page.expect_navigation():
        page.locator("[data-testid=decide]").click()
    expect(page.locator("[data-testid=entry-status]")).to_have_text("已认定")
    assert TrainingEntry.objects.filter(status=EntryStatus.RECOGNISED, decided_by=district).count() == 1
    logout(page)

    # 4. City staff recognise the rest of the import at once.
    login(page, live_server, city.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('training:import')}")
    page.locator("[data-testid=imports] a").first.click()
    with page.expect_navigation():
        page.locator("[data-testid=recognise-import]").click()
    assert set(TrainingEntry.objects.values_list("status", flat=True)) == {EntryStatus.RECOGNISED}
    logout(page)

    # 5. The applicant sees its years met, and the eligibility row turns 符合.
    login(page, live_server, applicant.username, PASSWORD)
    page.locator("[data-testid=training-link]").click()
    for year in years:
        expect(page.locator(f"[data-year='{year}'] [data-testid=year-result] .badge")).to_have_text("符合")
    page.goto(f"{live_server.url}{reverse('applications:my_application', args=[application.pk])}")
    expect(training_row).to_have_text("符合")
