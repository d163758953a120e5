"""An enterprise contact registers its enterprise, district staff verify it, and its service
commissioner logs a visit — in a real browser, on the portal's own pages."""

from django.urls import reverse
from playwright.sync_api import expect

from enterprises.models import Enterprise, ServiceLog
from enterprises.services import commissioner_assign
from tests.e2e.conftest import login, logout
from tests.enterprises.factories import CommissionerFactory, make_credit_code
from tests.factories import PASSWORD, DivisionFactory, TownFactory, UserFactory
from zaozhuang_titles.models import Role


def test_enterprise_journey_register_verify_and_log_a_visit(page, live_server):
    division = DivisionFactory(code="370481", name="滕州市")
    town = TownFactory(division=division, name="荆河街道")
    contact = UserFactory(roles=[Role.ENTERPRISE_CONTACT])
    district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    commissioner = CommissionerFactory(division=division)
    city = UserFactory(roles=[Role.CITY_STAFF])
    code = make_credit_code("370481")

    # 1. The contact registers the enterprise.
    login(page, live_server, contact.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{reverse('enterprises:contact_home')}")
    page.locator("[data-testid=register-link]").click()
    page.locator("#id_name").fill("滕州浏览器测试精工有限公司")
    page.locator("#id_credit_code").fill(code.lower())
    page.locator("#id_legal_representative").fill("钱七")
    page.locator("#id_division").select_option(str(division.pk))
    page.locator("#id_town").select_option(str(town.pk))
    page.locator("#id_professional_staff_count").fill("18")
    page.locator("#id_recognition_kind").select_option("specialized_sme")
    page.locator("#id_recognition_level").select_option("provincial")
    page.locator("#id_recognition_year").fill("2022")
    with page.expect_navigation():
        page.locator("[data-testid=register-form] [data-testid=submit]").click()
    expect(page.locator("[data-testid=my-enterprise]")).to_contain_text("滕州浏览器测试精工有限公司")
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.status == Enterprise.Status.PENDING
    expect(page.locator("[data-testid=status]")).to_have_text(enterprise.get_status_display())
    logout(page)

    # 2. District staff of 滕州市 find it among pending registrations and verify it.
    login(page, live_server, district.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('enterprises:list')}?status=pending")
    expect(page.locator("[data-testid=enterprise-row]")).to_have_count(1)
    page.locator("[data-testid=enterprise-row] a").first.click()
    with page.expect_navigation():
        page.locator("[data-testid=verify]").click()
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert enterprise.verified_by == district
    expect(page.locator("[data-testid=verify-form]")).to_have_count(0)
    logout(page)

    # City staff assign the commissioner (一企一员); the commissioner logs a visit.
    commissioner_assign(enterprise=enterprise, commissioner=commissioner, actor=city)
    login(page, live_server, commissioner.user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{reverse('enterprises:commissioner_home')}")
    page.locator("[data-testid=served-enterprise]").click()
    page.locator("[data-testid=log-add]").click()
    page.locator("#id_kind").select_option("visit")
    page.locator("#id_summary").fill("走访企业，讲解职称评审专项通道")
    with page.expect_navigation():
        page.locator("[data-testid=service-log-form] [data-testid=submit]").click()
    expect(page.locator("[data-testid=service-log]")).to_contain_text("走访企业")
    entry = ServiceLog.objects.get(enterprise=enterprise)
    assert entry.kind == ServiceLog.Kind.VISIT
    assert entry.commissioner == commissioner
