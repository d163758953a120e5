"""City staff send a questionnaire, an enterprise's contact answers it on a phone (the branch opening as
an answer is chosen), and staff see the chart of the answers — in a real browser."""

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import Dispatch, Response
from surveys.selectors import answers_of
from tests.e2e.conftest import login, logout, snapshot
from tests.enterprises.factories import ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.factories import PASSWORD, DivisionFactory, UserFactory
from tests.surveys.factories import QuestionnaireFactory, build_survey
from zaozhuang_titles.models import Role


def test_questionnaire_journey_send_answer_on_a_phone_and_chart(page, mobile_page, live_server):
    division = DivisionFactory(code="370481", name="滕州市")
    city = UserFactory(roles=[Role.CITY_STAFF])
    enterprise = EnterpriseFactory(division=division, name="滕州浏览器问卷测试有限公司")
    RecognitionFactory(enterprise=enterprise, kind="specialized_sme")
    contact = ContactFactory(enterprise=enterprise, user__roles=[Role.ENTERPRISE_CONTACT]).user
    _questionnaire, (q1, q2, _q3, q4, *_rest) = build_survey(QuestionnaireFactory(created_by=city, title="浏览器问卷"))

    # 1. City staff add a question and send the questionnaire to 滕州市.
    login(page, live_server, city.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('surveys:questionnaires')}")
    page.get_by_role("link", name="浏览器问卷").click()
    page.locator("[data-testid=add-question]").click()
    page.locator("#id_text").fill("贵单位的行业")
    page.locator("#id_kind").select_option("single")
    expect(page.locator("#id_options")).to_be_visible()
    page.locator("#id_options").fill("装备制造\n新材料")
    page.locator("#id_kind").select_option("short_text")
    expect(page.locator("#id_options")).to_be_hidden()
    page.locator("#id_kind").select_option("single")
    with page.expect_navigation():
        page.locator("[data-testid=question-form] [data-testid=submit]").click()
    expect(page.locator("[data-testid=question]")).to_have_count(7)
    snapshot(page, "surveys-builder")
    page.locator("[data-testid=send]").click()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.locator(f"input[name=divisions][value='{division.pk}']").check()
    with page.expect_navigation():
        page.locator("[data-testid=preview-selection]").click()
    expect(page.locator("[data-testid=matched]")).to_have_text("1 家企业将收到问卷。")
    snapshot(page, "surveys-send")
    with page.expect_navigation():
        page.locator("[data-testid=dispatch-form] [data-testid=send]").click()
    dispatch = Dispatch.objects.get()
    expect(page.locator("[data-testid=count-total]")).to_have_text("1")
    expect(page.locator("[data-testid=count-not-started]")).to_have_text("1")
    recipient = dispatch.recipients.get()

    # 2. The contact answers on a phone: the follow-up question opens when 是 is chosen.
    login(mobile_page, live_server, contact.username, PASSWORD)
    mobile_page.goto(f"{live_server.url}{reverse('surveys:mine')}")
    mobile_page.locator("[data-testid=my-questionnaire]").click()
    expect(mobile_page).to_have_url(f"{live_server.url}{reverse('surveys:answer', args=[recipient.token])}")
    follow_up = mobile_page.locator(f"#question-{q2.pk}")
    expect(follow_up).to_be_hidden()
    mobile_page.locator(f"label[for=id_q{q1.pk}_0]").click()  # 是
    expect(follow_up).to_be_visible()
    mobile_page.locator(f"#id_q{q2.pk}").fill("8")
    mobile_page.locator(f"label[for=id_q{q4.pk}_3]").click()  # 4 on the scale
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 390
    snapshot(mobile_page, "surveys-answer-phone")
    with mobile_page.expect_navigation():
        mobile_page.locator("[data-testid=submit-answer]").click()
    expect(mobile_page.locator("[data-testid=response-state]")).to_contain_text("已提交")
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert answers_of(response) == {q1.pk: q1.opt["是"].pk, q2.pk: 8, q4.pk: 4}
    logout(mobile_page)

    # 3. Staff see the chart of the answers.
    page.goto(f"{live_server.url}{reverse('surveys:results', args=[dispatch.pk])}")
    expect(page.locator("[data-testid=count-submitted]")).to_have_text("1")
    chart = page.locator(f"canvas[data-chart-question='{q1.pk}']")
    expect(chart).to_have_attribute("data-drawn", "1")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    expect(page.locator(f"#result-{q1.pk} [data-testid=count]").first).to_have_text("1")
    snapshot(page, "surveys-results")
    logout(page)
