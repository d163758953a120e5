"""Issue 6 in a real browser: the public reads a publicity notice and files an objection; city staff
dismiss it; the period closes; staff file the batch and issue its certificates; the applicant
downloads its certificate from its application page (a signed PDF that pyHanko validates), its QR page
verifies it, and the public check of the file says valid, and altered once one byte is changed. The database is
checked after each step.

Arranged in the database, because no page of this journey covers it or time cannot pass in a test:
the review's result (two applications passed, through the transition function), the notice's
publication (the publish service: the staff's publish page has its own tests), and the calendar —
the notice is moved to "running" for the objection and then to "ended" (five working days cannot
pass), after which the beat's task ``applications.close_due_publicities`` closes it, as the beat would.
The background tasks run in process (the test settings' eager mode), the build of the filing's files
and the certificates included.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from applications.workflow import application_transition
from results.documents.certificates import verification_url
from results.models import Certificate, CertificateRun, Filing, Objection, Publicity, PublicityEntry
from results.services.publicity import publicity_publish
from results.tasks import close_due_publicities
from tests.applications.factories import World
from tests.e2e.conftest import login, logout, snapshot
from tests.factories import PASSWORD, DivisionFactory
from zaozhuang_titles import signing

FACTS = "该同志申报材料中的成果转化效益与本单位实际情况不符，请核实。"
CONCLUSION = "经向所在单位和用户核实，成果转化效益有合同和财务凭证为据，异议不成立。"


def url(live_server, name, *args):
    return f"{live_server.url}{reverse(name, args=args)}"


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def arranged(settings, live_server):
    """Two applications published for objections; the notice's period is running today."""
    # The QR code and the certificate page link to SITE_URL: here, the live server.
    settings.SITE_URL = live_server.url
    world = World(division=DivisionFactory(code="370481", name="滕州市"))
    applications = []
    for _ in range(2):
        application = world.accepted()
        for action in ("start_review", "review_pass"):
            application_transition(application=application, action=action, actor=world.city)
        applications.append(application)
    publicity = publicity_publish(
        batch=world.batch, actor=world.city, title="", starts_on=timezone.localdate(), how_to_object=""
    )
    today = timezone.localdate()
    Publicity.objects.filter(pk=publicity.pk).update(
        starts_on=today - datetime.timedelta(days=2), ends_on=today + datetime.timedelta(days=7)
    )
    publicity.refresh_from_db()
    return world, applications, publicity


def public_reads_and_objects(page, live_server, publicity, target):
    page.goto(url(live_server, "results:publicity_list"))
    rows = page.locator("[data-testid=publicity-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(publicity.title)
    click_and_wait(page, rows.first)

    expect(page.locator("[data-testid=page-title]")).to_have_text(publicity.title)
    expect(page.locator("[data-testid=entry]")).to_have_count(2)
    expect(page.locator("[data-testid=entries]")).to_contain_text(target.applicant.real_name)
    html = page.content()
    assert target.applicant.id_number not in html  # a notice carries no personal data beyond the list
    assert target.applicant.mobile not in html
    snapshot(page, "publicity-notice")

    form = page.locator("[data-testid=objection-form]")
    entry = PublicityEntry.objects.get(publicity=publicity, application=target)
    # The person is chosen by the "object" link on their line; the form then names them.
    click_and_wait(page, page.locator(f"[data-testid=object-link][href*='entry={entry.pk}#']"))
    expect(form.locator("[data-testid=chosen]")).to_contain_text(entry.name)
    form.locator("#id_name").fill("李四")
    form.locator("#id_mobile").fill("13912345678")
    form.locator("#id_relation").fill("同行")
    form.locator("#id_facts").fill(FACTS)
    click_and_wait(page, form.locator("[data-testid=submit]"))

    objection = Objection.objects.get(entry=entry)
    expect(page.locator("[data-testid=reference]")).to_contain_text(objection.reference)
    # (the browser keeps the form's "#objection" anchor across the redirect)
    assert page.url.split("#")[0] == url(live_server, "results:publicity_objection_received", objection.reference)
    assert (objection.status, objection.name, objection.facts) == (Objection.Status.OPEN, "李四", FACTS)
    return objection


def staff_dismiss(page, live_server, world, objection):
    login(page, live_server, world.city.username, PASSWORD)
    page.goto(url(live_server, "results:publicity_objections"))
    row = page.locator("[data-testid=objection]", has_text=objection.reference)
    expect(row).to_have_count(1)
    click_and_wait(page, row.get_by_role("link", name=objection.reference))

    expect(page.locator("[data-testid=facts]")).to_contain_text(FACTS)
    form = page.locator("[data-testid=decide-form]")
    form.locator("input[name=decision][value=dismiss]").check()
    form.locator("#id_conclusion").fill(CONCLUSION)
    click_and_wait(page, form.locator("[data-testid=decide]"))

    expect(page.locator("[data-testid=conclusion]")).to_contain_text(CONCLUSION)
    objection.refresh_from_db()
    assert (objection.status, objection.conclusion, objection.decided_by) == (
        Objection.Status.DISMISSED,
        CONCLUSION,
        world.city,
    )


def period_closes(publicity):
    today = timezone.localdate()
    Publicity.objects.filter(pk=publicity.pk).update(
        starts_on=today - datetime.timedelta(days=10), ends_on=today - datetime.timedelta(days=1)
    )
    assert close_due_publicities.delay().get() == [publicity.pk]
    publicity.refresh_from_db()
    assert publicity.closed_at is not None
    assert publicity.closed_by is None  # the period's end, not a person
    assert PublicityEntry.objects.filter(publicity=publicity, cleared_at__isnull=False).count() == 2


def staff_files_and_certifies(page, live_server, world, applications):
    page.goto(url(live_server, "results:filing_batch", world.batch.pk))
    click_and_wait(page, page.locator("[data-testid=file-button]"))
    filing = Filing.objects.get(batch=world.batch)
    assert filing.row_count == 2
    assert filing.excel and filing.pdf  # built by the task queued on commit

    # The filing's page says what comes next: the number the province gives, then the certificates.
    assert page.url == url(live_server, "results:filing_detail", filing.pk)
    expect(page.locator("[data-testid=next-number]")).to_be_visible()
    page.locator("#id_number").fill("鲁人社职备〔2026〕8号")
    page.locator("#id_filed_on").fill(timezone.localdate().isoformat())
    click_and_wait(page, page.get_by_role("button", name="保存"))
    filing.refresh_from_db()
    assert filing.number == "鲁人社职备〔2026〕8号"
    click_and_wait(page, page.locator("[data-testid=next-certificates]"))
    assert page.url == url(live_server, "results:filing_certificates", world.batch.pk)
    click_and_wait(page, page.locator("[data-testid=issue-button]"))
    # The issue run's progress page: the task ran inline (eager), so it shows the result, and stops polling.
    run = CertificateRun.objects.get(batch=world.batch)
    assert page.url == url(live_server, "results:certificate_run", world.batch.pk, run.pk)
    expect(page.locator("[data-testid=certificate-run]")).to_have_attribute("data-state", "finished")
    expect(page.locator("[data-testid=run-count]")).to_have_text("已处理 2 / 2")
    snapshot(page, "certificate-run")
    click_and_wait(page, page.locator("[data-testid=run-back]"))
    expect(page.locator("[data-testid=certificate-row]")).to_have_count(2)
    statuses = {a.status for a in type(applications[0]).objects.filter(pk__in=[a.pk for a in applications])}
    assert statuses == {Status.CERTIFIED}
    logout(page)


def applicant_downloads_and_verifies(page, live_server, application):
    certificate = Certificate.objects.get(application=application)
    login(page, live_server, application.applicant.username, PASSWORD)
    page.goto(url(live_server, "applications:my_application", application.pk))
    click_and_wait(page, page.locator("[data-testid=certificate-link]"))
    assert page.url == url(live_server, "results:certificate", certificate.pk)
    expect(page.locator("[data-testid=number]")).to_have_text(certificate.number)
    snapshot(page, "certificate")

    with page.expect_download() as download_info:
        page.locator("[data-testid=pdf-link]").click()
    download = download_info.value
    assert download.suggested_filename == f"职称证书-{certificate.number}.pdf"
    with open(download.path(), "rb") as pdf:
        data = pdf.read()
    # A signed PDF (PAdES), which pyHanko validates against the bureau's CA (here the tests' demo CA).
    assert data.startswith(b"%PDF-") and b"/ByteRange" in data and b"/Sig" in data
    assert signing.validate_pdf(data).valid

    verify = page.locator("[data-testid=verify-link]")
    assert verify.get_attribute("href") == verification_url(certificate)  # what the QR code holds
    click_and_wait(page, verify)
    expect(page.locator("[data-testid=verdict]")).to_have_class("alert alert-success")
    expect(page.locator("[data-testid=holder]")).to_have_text(certificate.holder_name)
    expect(page.locator("[data-testid=number]")).to_have_text(certificate.number)
    snapshot(page, "certificate-verified")

    # 码上看 by file: the downloaded PDF matches the register; one byte changed does not.
    page.goto(url(live_server, "results:certificate_check"))
    page.locator("input[type=file]").set_input_files(download.path())
    click_and_wait(page, page.locator("[data-testid=check-form] button[type=submit]"))
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("[data-testid=holder]")).to_have_text(certificate.holder_name)
    altered = bytearray(data)
    altered[data.index(b"stream") + 40] ^= 0x01
    page.locator("input[type=file]").set_input_files(
        {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": bytes(altered)}
    )
    click_and_wait(page, page.locator("[data-testid=check-form] button[type=submit]"))
    expect(page.locator("[data-testid=check-result]")).to_have_attribute("data-verdict", "altered")
    snapshot(page, "certificate-check-altered")


def test_objection_dismissed_then_certificate_verified(page, live_server, arranged):
    world, applications, publicity = arranged
    target = applications[0]

    objection = public_reads_and_objects(page, live_server, publicity, target)
    staff_dismiss(page, live_server, world, objection)
    period_closes(publicity)
    staff_files_and_certifies(page, live_server, world, applications)
    applicant_downloads_and_verifies(page, live_server, target)
