"""一企一策 in a real browser: a commissioner prepares a package from the proposals, edits it and sends
it; the enterprise's contact finds it on its home page on a phone, reads a document and confirms
receipt; the public QR page shows the package's public documents."""

from django.urls import reverse
from playwright.sync_api import expect

from library.models import Package, PackageEvent, Visibility
from tests.e2e.conftest import login, logout
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.factories import PASSWORD
from tests.library.factories import make_document


def test_commissioner_builds_and_sends_a_package_and_the_contact_acknowledges_it(page, live_server):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(name="滕州浏览器测试精工有限公司", commissioner=commissioner)
    RecognitionFactory(enterprise=enterprise)  # a valid recognition: the dedicated channel
    contact = ContactFactory(enterprise=enterprise).user
    guide = make_document(title="枣庄市职称评审申报指南(2022年版)", channels=["dedicated"])
    leaflet = make_document(title="继续教育学时认定政策明白纸", kind="leaflet")
    regular = make_document(title="普通通道申报须知", channels=["regular"])
    internal = make_document(title="服务专员工作机制实施方案", visibility=Visibility.INTERNAL)

    # 1. The commissioner prepares the package: the documents that fit are proposed and ticked.
    login(page, live_server, commissioner.user.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('library:packages')}")
    with page.expect_navigation():
        page.locator("[data-testid=start-package]").click()
    expect(page.locator("[data-testid=proposed]")).to_have_count(3)  # the regular-channel one is not proposed
    expect(page.locator(f"[data-testid=document-{guide.pk}]")).to_be_checked()
    expect(page.locator(f"[data-testid=document-{regular.pk}]")).not_to_be_checked()

    # 2. It drops the internal scheme, adds a note, and sends.
    page.locator(f"[data-testid=document-{internal.pk}]").uncheck()
    page.locator("#id_note").fill("请先读申报指南，有问题打我电话。")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("已发送")
    expect(page.locator("[data-testid=package-item]")).to_have_count(2)
    package = Package.objects.get(enterprise=enterprise)
    assert package.status == Package.Status.SENT
    assert sorted(package.items.values_list("document_id", flat=True)) == sorted([guide.pk, leaflet.pk])
    logout(page)

    # 3. The contact, on its home page, reads the note and a document, then confirms receipt.
    login(page, live_server, contact.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('enterprises:contact_home')}")
    card = page.locator("[data-testid=policy-package]")
    expect(card).to_contain_text("请先读申报指南")
    expect(card).to_contain_text("枣庄市职称评审申报指南(2022年版)")
    with page.expect_navigation():
        card.get_by_role("link", name="枣庄市职称评审申报指南(2022年版)").click()
    expect(page.locator("[data-testid=page-title]")).to_have_text("枣庄市职称评审申报指南(2022年版)")
    page.go_back()
    with page.expect_navigation():
        page.locator("[data-testid=policy-package] [data-testid=acknowledge]").click()
    expect(page.locator("[data-testid=package-acknowledged]")).to_be_visible()
    package.refresh_from_db()
    assert package.acknowledged_by == contact
    assert package.events.filter(action=PackageEvent.Action.ACKNOWLEDGED).count() == 1
    logout(page)

    # 4. The public QR page (码上看) lists the package's public documents, without the note.
    page.goto(f"{live_server.url}{reverse('enterprises:public', kwargs={'token': enterprise.public_token})}")
    public_card = page.locator("[data-testid=policy-package]")
    expect(public_card).to_contain_text("继续教育学时认定政策明白纸")
    expect(public_card).not_to_contain_text("请先读申报指南")


def test_library_reads_on_a_phone(mobile_page, live_server):
    """The public searches the library and opens a document on a phone: nothing sticks out sideways."""
    make_document(title="枣庄市职称评审申报指南(2022年版)")
    chart = make_document(title="职称申报评审流程图", kind="flow_chart")
    page = mobile_page

    page.goto(f"{live_server.url}{reverse('library:index')}")
    page.locator("#id_q").fill("流程")
    with page.expect_navigation():
        page.locator("[data-testid=search-submit]").click()
    expect(page.locator("[data-testid=document-row]")).to_have_count(1)
    with page.expect_navigation():
        page.locator("[data-testid=document-row]").click()
    expect(page.locator("[data-testid=image]")).to_be_visible()
    assert page.url.endswith(reverse("library:document", kwargs={"pk": chart.pk}))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path="test-artifacts/e2e/library-document-390.png", full_page=True)
