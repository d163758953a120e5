"""A contact asks a question on a phone, the commissioner answers it and turns it into a problem, city
staff solve the problem and publish the answer to the FAQ, and an anonymous visitor finds it by search —
in a real browser."""

from django.urls import reverse
from playwright.sync_api import expect

from consultations.models import Consultation, FaqEntry, Problem, ProblemStatus
from enterprises.models import ServiceLog
from tests.e2e.conftest import login, logout, snapshot
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import PASSWORD, DivisionFactory, UserFactory
from zaozhuang_titles.models import Role


def test_consultation_journey_ask_on_a_phone_answer_problem_solve_publish_and_search(page, mobile_page, live_server):
    division = DivisionFactory(code="370481", name="滕州市")
    commissioner = CommissionerFactory(
        user=UserFactory(username="journey_commissioner", real_name="赵敏", roles=[Role.COMMISSIONER]),
        division=division,
    )
    enterprise = EnterpriseFactory(division=division, name="滕州浏览器咨询测试有限公司", commissioner=commissioner)
    contact = ContactFactory(
        enterprise=enterprise,
        user=UserFactory(username="journey_contact", real_name="周丽", roles=[Role.ENTERPRISE_CONTACT]),
    ).user
    city = UserFactory(username="journey_city", real_name="张明", roles=[Role.CITY_STAFF])

    # 1. The contact asks on a phone, from the menu's 咨询.
    login(mobile_page, live_server, contact.username, PASSWORD)
    mobile_page.goto(f"{live_server.url}{reverse('consultations:mine')}")
    mobile_page.locator("[data-testid=ask]").click()
    mobile_page.locator("#id_title").fill("继续教育学时每年需要多少？")
    mobile_page.locator("#id_category").select_option("training")
    mobile_page.locator("#id_body").fill("我是周丽，电话13906320006。外地培训的学时能否认定？每年需要多少学时？")
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 390
    snapshot(mobile_page, "consultations-ask-phone")
    with mobile_page.expect_navigation():
        mobile_page.locator("[data-testid=submit-question]").click()
    expect(mobile_page.locator("[data-testid=consultation-status]")).to_have_text("待答复")
    consultation = Consultation.objects.get()
    assert (consultation.asker, consultation.enterprise) == (contact, enterprise)

    # 2. The commissioner answers it from its queue and follows it as a problem it owns.
    login(page, live_server, commissioner.user.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('consultations:queue')}")
    page.locator("[data-testid=queue-link]", has_text="继续教育学时每年需要多少？").click()
    page.locator("#id_answer").fill("每年不少于90学时，其中专业科目不少于三分之二；外地培训上传证书后由人社部门认定。")
    with page.expect_navigation():
        page.locator("[data-testid=send-answer]").click()
    expect(page.locator("[data-testid=answer]")).to_contain_text("90学时")
    page.locator("[data-testid=make-problem]").click()
    page.locator("#id_due_days").fill("5")
    with page.expect_navigation():
        page.locator("[data-testid=create-problem]").click()
    problem = Problem.objects.get()
    expect(page.locator("[data-testid=owner]")).to_have_text("赵敏")
    assert problem.owner == commissioner.user
    snapshot(page, "consultations-problem")
    logout(page)

    # The contact reads the answer and the problem's state on the phone.
    mobile_page.reload()
    expect(mobile_page.locator("[data-testid=answer]")).to_contain_text("90学时")
    expect(mobile_page.locator("[data-testid=problem-state]")).to_contain_text("已转为难题跟进")
    logout(mobile_page)

    # 3. City staff solve the problem, then publish the answer to the FAQ with a wording naming nobody.
    login(page, live_server, city.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('consultations:problems')}")
    page.locator("[data-testid=problem-link]").first.click()
    page.locator("#id_resolution").fill("已指导企业上传外地培训证书，区人社局完成学时认定。")
    with page.expect_navigation():
        page.locator("[data-testid=solve]").click()
    expect(page.locator("[data-testid=problem-status]").first).to_have_text("已解决")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED
    assert ServiceLog.objects.get(pk=problem.service_log_id).solved_on is not None
    page.locator("[data-testid=origin]").click()
    page.locator("[data-testid=publish]").click()
    # The draft masks the mobile and replaces the asker's name; staff write the public question.
    expect(page.locator("#id_question")).not_to_have_value("")
    page.locator("#id_question").fill("外地培训的继续教育学时能否认定？每年需要多少学时？")
    with page.expect_navigation():
        page.locator("[data-testid=publish-submit]").click()
    entry = FaqEntry.objects.get()
    expect(page.locator("[data-testid=faq-answer]")).to_contain_text("90学时")
    logout(page)

    # 4. An anonymous visitor (the browser, logged out) finds it by search on the public FAQ, naming nobody.
    page.goto(f"{live_server.url}{reverse('consultations:faq')}")
    page.locator("#id_q").fill("学时")
    with page.expect_navigation():
        page.locator("[data-testid=faq-search-submit]").click()
    expect(page.locator("[data-testid=faq-entry]")).to_have_count(1)
    page.locator("[data-testid=faq-entry]").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('consultations:faq_entry', args=[entry.pk])}")
    text = page.content()
    for secret in ("周丽", "13906320006", "滕州浏览器咨询测试有限公司", "赵敏", "张明"):
        assert secret not in text
    snapshot(page, "consultations-faq")
