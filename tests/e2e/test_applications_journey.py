"""Issue 4 in a real browser: an applicant fills and submits an application with a patent and a PDF;
the chairman ranks and signs it with a texted code; the contact forwards it; district staff return it
for correction; the applicant fixes it and resubmits; the chairman signs again; district and city
staff pass it — every step on the portal's own pages, the database checked after each; last, the
applicant's application page on a phone.

Arranged in the database, because no role's page is under test there: the end of the internal notice
(the notice pages have their own tests; five working days cannot pass in a test), and the minute
that must pass between two codes texted to the chairman.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from applications.models import Application, NominationEntry, Status, Transition
from applications.selectors import nomination_signature
from tests.applications.factories import World, tiny_pdf, valid_patent
from tests.e2e.conftest import login, logout, snapshot
from tests.factories import PASSWORD, DivisionFactory
from zaozhuang_titles.models import OneTimeCode, SmsMessage

SUMMARY = "主持数控机床主轴系统研发，获发明专利1项。"
CORRECTED_SUMMARY = "主持数控机床主轴系统研发，获发明专利1项；成果在本公司三条产线应用，年增效益800万元（附用户证明）。"
PATENT = valid_patent(serial=4321987)
RETURN_REASON = "成果转化效益未写明，请补充。"
GENERAL_REASON = "请补充成果转化情况后重新提交。"


def zh(message):
    """``message`` as the Chinese UI shows it (untranslated msgids show in English: follow the catalogue)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def status_label(status):
    with translation.override("zh-hans"):
        return str(Status(status).label)


def moves(application):
    """The application's transition log as (action, from, to, actor), oldest first."""
    return [
        (t.action, t.from_status, t.to_status, t.actor)
        for t in Transition.objects.filter(application=application).order_by("at", "id")
    ]


def url(live_server, name, *args):
    return f"{live_server.url}{reverse(name, args=args)}"


def click_and_wait(page, locator):
    """Click what submits a form or follows a link, and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def world():
    return World(division=DivisionFactory(code="370481", name="滕州市"))


@pytest.fixture
def evidence_pdf(tmp_path):
    path = tmp_path / "专利证书.pdf"
    path.write_bytes(tiny_pdf("ZL patent certificate"))
    return path


# --- The steps -----------------------------------------------------------------------------------


def applicant_fills_and_submits(page, live_server, applicant, evidence_pdf):
    login(page, live_server, applicant.username, PASSWORD)
    expect(page).to_have_url(url(live_server, "applications:applicant_home"))
    click_and_wait(page, page.locator("[data-testid=open-batches] [data-testid=apply]"))

    page.locator("#id_specialty").fill("机械设计")
    page.locator("#id_summary").fill(SUMMARY)
    click_and_wait(page, page.locator("[data-testid=start-form] [data-testid=submit]"))
    application = Application.objects.get(applicant=applicant)
    assert application.status == Status.DRAFT
    assert application.summary == SUMMARY
    expect(page).to_have_url(url(live_server, "applications:my_application", application.pk))
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.DRAFT))

    # A patent, with the fields its kind asks for.
    click_and_wait(page, page.locator("[data-testid=achievements-link]"))
    click_and_wait(page, page.locator("[data-testid=achievement-add]"))
    click_and_wait(page, page.locator("[data-testid=kind-patent]"))
    page.locator("#id_title").fill("一种高精度数控机床主轴装置")
    page.locator("#id_occurred_on").fill("2021-05-20")
    page.locator("#id_patent_number").fill(PATENT)
    page.locator("#id_patent_type").select_option("invention")
    page.locator("#id_inventor_rank").fill("1")
    page.locator("#id_description").fill("解决主轴热变形问题，精度提高30%。")
    click_and_wait(page, page.locator("[data-testid=achievement-form] [data-testid=submit]"))
    achievement = application.achievements.get()
    assert (achievement.kind, achievement.patent_number, achievement.inventor_rank) == ("patent", PATENT, 1)
    card = page.locator("[data-testid=achievement]")
    expect(card).to_contain_text(PATENT)

    # Its evidence: the PDF, uploaded from the disk.
    click_and_wait(page, card.locator("[data-testid=evidence-add]"))
    page.locator("#id_file").set_input_files(evidence_pdf)
    click_and_wait(page, page.locator("[data-testid=evidence-form] [data-testid=submit]"))
    evidence = achievement.evidence.get()
    assert (evidence.original_name, evidence.content_type) == ("专利证书.pdf", "application/pdf")
    assert evidence.size == evidence_pdf.stat().st_size
    expect(page.locator("[data-testid=achievement]")).to_contain_text("专利证书.pdf")

    # The application page: the eligibility table, nothing missing, submit.
    click_and_wait(page, page.get_by_role("link", name=zh("Back to the application"), exact=True))
    expect(page).to_have_url(url(live_server, "applications:my_application", application.pk))
    eligibility = page.locator("[data-testid=eligibility]")
    for rule in ("qualification", "training", "nomination"):
        expect(eligibility.locator(f"[data-testid=rule-{rule}]")).to_have_count(1)
    expect(page.locator("[data-testid=ready]")).to_be_visible()
    expect(page.locator("[data-testid=problems]")).to_have_count(0)
    snapshot(page, "application-ready-to-submit")
    click_and_wait(page, page.locator("[data-testid=submit-form] [data-testid=submit]"))

    application.refresh_from_db()
    assert application.status == Status.ENTERPRISE_REVIEW
    assert application.revision == 1
    assert moves(application) == [("submit", Status.DRAFT, Status.ENTERPRISE_REVIEW, applicant)]
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.ENTERPRISE_REVIEW))
    expect(page.locator("[data-testid=submit-form]")).to_have_count(0)
    logout(page)
    return application


def sent_code(chairman):
    """The code of the latest text message to the chairman (the development SMS backend keeps it)."""
    text = SmsMessage.objects.filter(mobile=chairman.mobile).latest("created_at", "id").text
    # No \b: in a Chinese text the code touches ideographs, which count as word characters.
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def chairman_ranks_and_signs(page, live_server, world, application, recommendation, *, again=False):
    """The chairman ranks its one nominee first and signs with the code texted to it; ``again`` when a
    change of the application voided its earlier signature (the home page says so)."""
    chairman = world.chairman
    login(page, live_server, chairman.username, PASSWORD)
    expect(page).to_have_url(url(live_server, "applications:chairman_home"))
    alert = "[data-testid=voided-alert]" if again else "[data-testid=unsigned-alert]"
    expect(page.locator(alert)).to_be_visible()
    click_and_wait(page, page.locator("[data-testid=nomination-batch] [data-testid=sign-link]"))
    nominee = page.locator("[data-testid=nomination-form] [data-testid=nominee]")
    expect(nominee).to_have_count(1)
    # Signing again starts from the ranking last signed, and the page says so.
    expect(page.locator("[data-testid=prefilled-note]")).to_have_count(1 if again else 0)
    expect(nominee.locator("input.nomination-rank")).to_have_value("1")
    nominee.locator("input.nomination-rank").fill("1")
    nominee.locator("textarea").fill(recommendation)

    sms_before = SmsMessage.objects.count()
    click_and_wait(page, page.locator("[data-testid=send-code]"))
    assert SmsMessage.objects.count() == sms_before + 1
    # What the chairman typed survives the code request.
    expect(page.locator("[data-testid=nominee] textarea")).to_have_value(recommendation)
    page.locator("#id_code").fill(sent_code(chairman))
    snapshot(page, "nomination-sign" + ("-again" if again else ""))
    click_and_wait(page, page.locator("[data-testid=sign]"))

    expect(page).to_have_url(re.compile(re.escape(url(live_server, "applications:chairman_home"))))
    expect(page.locator("[data-testid=signed-nomination]")).to_be_visible()
    expect(page.locator("[data-testid=nominee] [data-testid=signature-state]")).to_have_class(
        re.compile(r"text-bg-success")
    )
    signature = nomination_signature(application)
    assert signature.state == "signed"
    entry = signature.entry
    assert (entry.rank, entry.recommendation, entry.nomination.signed_by) == (1, recommendation, chairman)
    logout(page)
    return entry


def contact_forwards(page, live_server, world, application):
    login(page, live_server, world.contact.username, PASSWORD)
    menu = page.locator("#portal-nav")
    click_and_wait(page, menu.get_by_role("link", name=zh("Employees' applications"), exact=True))
    expect(page).to_have_url(url(live_server, "applications:enterprise_applications"))
    row = page.locator("[data-testid=application-row]", has_text=application.number)
    expect(row.locator("[data-testid=status]")).to_have_text(status_label(Status.NOMINATED))
    click_and_wait(page, row.locator("[data-testid=forward]"))
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    expect(
        page.locator("[data-testid=application-row]", has_text=application.number).locator("[data-testid=status]")
    ).to_have_text(status_label(Status.DISTRICT_AUDIT))
    logout(page)


def open_from_queue(page, live_server, staff, application, queue):
    """Log ``staff`` in (it lands on its queue), find ``application`` there with a valid signature, and
    open its page."""
    login(page, live_server, staff.username, PASSWORD)
    expect(page).to_have_url(url(live_server, queue))
    row = page.locator(f"[data-testid=queue-row][data-number='{application.number}']")
    expect(row.locator("[data-testid=signed]")).to_be_visible()
    click_and_wait(page, row.locator("[data-testid=open]"))
    expect(page).to_have_url(url(live_server, "applications:detail", application.pk))
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(application.status))


def district_returns(page, live_server, world, application):
    open_from_queue(page, live_server, world.district, application, "applications:district_queue")
    expect(page.locator("[data-testid=achievement] [data-testid=patent-number]")).to_have_text(PATENT)
    click_and_wait(page, page.locator("[data-testid=action-return]"))

    summary = page.locator("[data-testid=return-form] [data-testid=item][data-target='field:summary']")
    summary.get_by_role("checkbox").check()
    summary.get_by_role("textbox").fill(RETURN_REASON)
    page.locator("#id_reason").fill(GENERAL_REASON)
    snapshot(page, "application-return-form")
    click_and_wait(page, page.locator("[data-testid=return-submit]"))

    expect(page).to_have_url(url(live_server, "applications:detail", application.pk))
    expect(page.locator("[data-testid=open-correction]")).to_contain_text(RETURN_REASON)
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    correction = application.corrections.get()
    assert (correction.returned_from, correction.answered_at) == (Status.DISTRICT_AUDIT, None)
    assert [(i.target, i.reason) for i in correction.items.all()] == [("field:summary", RETURN_REASON)]
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.RETURNED))
    logout(page)


def applicant_corrects_and_resubmits(page, live_server, applicant, application):
    login(page, live_server, applicant.username, PASSWORD)
    card = page.locator("[data-testid=application-card]")
    expect(card.locator("[data-testid=status]")).to_have_text(status_label(Status.RETURNED))
    click_and_wait(page, card.get_by_role("link", name=application.batch.name))
    expect(page.locator("[data-testid=correction]")).to_contain_text(RETURN_REASON)

    click_and_wait(page, page.locator("[data-testid=edit-link]"))
    page.locator("#id_summary").fill(CORRECTED_SUMMARY)
    click_and_wait(page, page.locator("[data-testid=application-form] [data-testid=submit]"))
    application.refresh_from_db()
    assert application.summary == CORRECTED_SUMMARY
    # The change voided the chairman's signature; the applicant is told so.
    assert nomination_signature(application).state == "voided"
    expect(page.locator("[data-testid=nomination-voided]")).to_be_visible()

    click_and_wait(page, page.locator("[data-testid=resubmit-form] [data-testid=resubmit]"))
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert application.revision == 2
    assert application.corrections.get().answered_at is not None
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.DISTRICT_AUDIT))
    logout(page)


def district_passes(page, live_server, world, application):
    open_from_queue(page, live_server, world.district, application, "applications:district_queue")
    # What changed since the first submission: the summary.
    changes = page.locator("[data-testid=changes] [data-testid=change][data-field=summary]")
    expect(changes.locator("[data-testid=new]")).to_contain_text(CORRECTED_SUMMARY)
    snapshot(page, "application-resubmitted-district")
    click_and_wait(page, page.locator("[data-testid=action-pass]"))
    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.CITY_AUDIT))
    expect(page.locator("[data-testid=action-pass]")).to_have_count(0)
    logout(page)


def city_accepts(page, live_server, world, application):
    open_from_queue(page, live_server, world.city, application, "applications:city_queue")
    click_and_wait(page, page.locator("[data-testid=action-pass]"))
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    expect(page.locator("[data-testid=status]")).to_have_text(status_label(Status.ACCEPTED))
    logout(page)


# --- The journey ---------------------------------------------------------------------------------


def test_application_journey_submit_sign_return_correct_and_pass(page, mobile_page, live_server, world, evidence_pdf):
    applicant = world.applicant()

    # 1. The applicant starts, fills and submits the application.
    application = applicant_fills_and_submits(page, live_server, applicant, evidence_pdf)

    # 2. The internal notice has ended (arranged).
    world.notice_ended(application)

    # 3. The chairman ranks and signs; the contact forwards.
    first = chairman_ranks_and_signs(page, live_server, world, application, "技术骨干，主持主轴系统研发。")
    application.refresh_from_db()
    assert application.status == Status.NOMINATED
    contact_forwards(page, live_server, world, application)
    assert moves(application)[1:] == [
        ("nominate", Status.ENTERPRISE_REVIEW, Status.NOMINATED, world.chairman),
        ("forward", Status.NOMINATED, Status.DISTRICT_AUDIT, world.contact),
    ]

    # 4. District staff return it for correction, marking the summary.
    district_returns(page, live_server, world, application)
    assert moves(application)[-1] == ("return", Status.DISTRICT_AUDIT, Status.RETURNED, world.district)

    # 5. The applicant corrects the summary and resubmits; the chairman signs again.
    applicant_corrects_and_resubmits(page, live_server, applicant, application)
    assert moves(application)[-1] == ("resubmit", Status.RETURNED, Status.DISTRICT_AUDIT, applicant)
    first.refresh_from_db()
    assert first.voided_at is not None
    # A minute has passed since the first code (the resend limit): arranged.
    OneTimeCode.objects.filter(user=world.chairman).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    second = chairman_ranks_and_signs(page, live_server, world, application, "技术骨干，补正后再次举荐。", again=True)
    assert second.pk != first.pk
    assert NominationEntry.objects.filter(application=application, voided_at__isnull=True).count() == 1

    # 6. District staff pass it; city staff accept it.
    district_passes(page, live_server, world, application)
    city_accepts(page, live_server, world, application)
    assert moves(application) == [
        ("submit", Status.DRAFT, Status.ENTERPRISE_REVIEW, applicant),
        ("nominate", Status.ENTERPRISE_REVIEW, Status.NOMINATED, world.chairman),
        ("forward", Status.NOMINATED, Status.DISTRICT_AUDIT, world.contact),
        ("return", Status.DISTRICT_AUDIT, Status.RETURNED, world.district),
        ("resubmit", Status.RETURNED, Status.DISTRICT_AUDIT, applicant),
        ("pass", Status.DISTRICT_AUDIT, Status.CITY_AUDIT, world.district),
        ("pass", Status.CITY_AUDIT, Status.ACCEPTED, world.city),
    ]

    # The applicant's application page on a phone: nothing wider than the screen.
    login(mobile_page, live_server, applicant.username, PASSWORD)
    mobile_page.goto(url(live_server, "applications:my_application", application.pk))
    expect(mobile_page.locator("[data-testid=status]")).to_have_text(status_label(Status.ACCEPTED))
    nomination_rule = mobile_page.locator("[data-testid=eligibility] [data-testid=rule-nomination]")
    expect(nomination_rule.locator("[data-testid=outcome]")).to_have_text(zh("Met"))
    overflow = mobile_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    snapshot(mobile_page, "application-accepted-phone")
