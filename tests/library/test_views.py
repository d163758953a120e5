"""The library's pages: who reads internal documents, files by byte ranges, the staff's forms, the
commissioner's package from start to send, the contact's acknowledgement, the hooks on the enterprise
pages, and the number of queries of every page at 1 row and at 3."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library import services
from library.models import Document, DocumentVersion, Package, PackageEvent, Visibility
from tests.applications.factories import ProfileFactory
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from tests.library.factories import make_document, mp4_bytes, mp4_file, pdf_file, staff_user
from zaozhuang_titles.models import Notice, Role

pytestmark = pytest.mark.django_db
_titles = itertools.count(1)


@pytest.fixture
def city(db):
    return staff_user()


@pytest.fixture
def world(db):
    """A served enterprise with a contact, and its package (a public guide, an internal scheme) sent."""
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    contact = ContactFactory(enterprise=enterprise).user
    public = make_document(title="枣庄市职称评审申报指南(2022年版)")
    internal = make_document(title="服务专员工作机制实施方案", visibility=Visibility.INTERNAL)
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner.user)
    services.package_update(
        package=package, actor=commissioner.user, document_ids=[public.pk, internal.pk], note="请周丽转发技术部"
    )
    package = services.package_send(package=package, actor=commissioner.user)
    return {
        "commissioner": commissioner.user,
        "enterprise": enterprise,
        "contact": contact,
        "public": public,
        "internal": internal,
        "package": package,
    }


# --- Who reads what ------------------------------------------------------------------------------


def test_internal_document_is_404_to_the_public_and_to_outsiders(client_for, world):
    url = reverse("library:document", kwargs={"pk": world["internal"].pk})
    file_url = reverse("library:file", kwargs={"pk": world["internal"].pk, "number": 1})
    outsider_contact = ContactFactory(enterprise=EnterpriseFactory()).user
    applicant = ProfileFactory(enterprise=world["enterprise"]).user

    for user in (None, applicant, outsider_contact):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(file_url).status_code == 404
    for user in (world["contact"], world["commissioner"], staff_user(), UserFactory(roles=[Role.DISTRICT_STAFF])):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "服务专员工作机制实施方案" in response.content.decode()


def test_library_index_hides_internal_documents_from_the_public(client, client_for, world):
    public_page = client.get(reverse("library:index")).content.decode()
    staff_page = client_for(world["commissioner"]).get(reverse("library:index")).content.decode()

    assert "申报指南" in public_page and "服务专员工作机制实施方案" not in public_page
    assert "服务专员工作机制实施方案" in staff_page


def test_library_search_page_finds_by_pdf_text(client):
    make_document(title="政策明白纸", upload=pdf_file("高技能人才与专业技术人才贯通发展"))
    make_document(title="申报指南")

    found = client.get(reverse("library:index"), {"q": "贯通发展"})
    nothing = client.get(reverse("library:index"), {"q": "不存在的词"}).content.decode()

    assert [document.title for document in found.context["documents"]] == ["政策明白纸"]
    assert found.content.decode().count('data-testid="document-row"') == 1
    assert 'data-testid="empty-state"' in nothing


# --- Files and byte ranges -----------------------------------------------------------------------


@pytest.fixture
def video(db):
    data = mp4_bytes(payload_size=5000)
    document = make_document(kind="video", title="平台操作视频培训", upload=mp4_file("培训.mp4", data))
    return document, data, reverse("library:file", kwargs={"pk": document.pk, "number": 1})


def _body(response):
    return b"".join(response.streaming_content)


def test_file_whole_with_accept_ranges_and_etag(client, video):
    document, data, url = video

    response = client.get(url)

    assert response.status_code == 200
    assert _body(response) == data
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Type"] == "video/mp4"
    assert response["ETag"] == f'"{document.current_version.sha256}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-64", -64, None), ("bytes=4000-999999", 4000, None)],
)
def test_file_range_206(client, video, header, start, end):
    _document, data, url = video
    expected = data[start:] if end is None else data[start : end + 1]
    first = start if start >= 0 else len(data) + start

    response = client.get(url, HTTP_RANGE=header)

    assert response.status_code == 206
    assert _body(response) == expected
    assert response["Content-Length"] == str(len(expected))
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"


def test_file_range_past_the_end_is_416(client, video):
    _document, data, url = video

    response = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"


def test_file_if_range_of_another_version_sends_the_whole_file(client, video):
    document, data, url = video

    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-older-etag"')
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{document.current_version.sha256}"')

    assert (stale.status_code, len(_body(stale))) == (200, len(data))
    assert (fresh.status_code, _body(fresh)) == (206, data[:10])


def test_file_several_ranges_send_the_whole_file(client, video):
    _document, data, url = video

    response = client.get(url, HTTP_RANGE="bytes=0-1,5-6")

    assert (response.status_code, _body(response)) == (200, data)


def test_file_head_has_the_headers_and_no_body(client, video):
    _document, _data, url = video

    response = client.head(url, HTTP_RANGE="bytes=0-9")

    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert _body(response) == b""


def test_file_of_an_earlier_version_stays_readable_and_a_link_has_no_file(client, city):
    document = make_document(actor=city, title="明白纸", upload=pdf_file("第一版"))
    services.document_version_publish(
        document=document, actor=city, effective_from=document.current_version.effective_from, upload=pdf_file("第二版")
    )
    linked = make_document(kind="video", title="内网视频", link="https://video.intranet/a.mp4")

    first = client.get(reverse("library:file", kwargs={"pk": document.pk, "number": 1}))
    missing = client.get(reverse("library:file", kwargs={"pk": document.pk, "number": 9}))
    no_file = client.get(reverse("library:file", kwargs={"pk": linked.pk, "number": 1}))

    assert first.status_code == 200 and _body(first).startswith(b"%PDF-")
    assert (missing.status_code, no_file.status_code) == (404, 404)


# --- Staff forms ---------------------------------------------------------------------------------


def test_staff_publish_a_document_through_the_form(client_for, city):
    response = client_for(city).post(
        reverse("library:document_create"),
        {
            "kind": "leaflet",
            "title": "专精特新企业职称申报政策明白纸",
            "visibility": "public",
            "levels": ["deputy_senior"],
            "effective_from": "2022-06-01",
            "file": pdf_file("破除四唯，直接申报高级职称"),
        },
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert (document.kind, document.levels, document.current_version.label) == ("leaflet", ["deputy_senior"], "")
    assert "直接申报高级职称" in document.current_version.text


def test_staff_upload_of_a_wrong_file_shows_why_and_writes_nothing(client_for, city):
    response = client_for(city).post(
        reverse("library:document_create"),
        {
            "kind": "guide",
            "title": "申报指南",
            "visibility": "public",
            "effective_from": "2022-06-01",
            "file": SimpleUploadedFile("指南.pdf", b"MZ\x90\x00 a windows program"),
        },
    )

    assert response.status_code == 200
    assert "Windows" in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_staff_publish_a_new_version_and_the_holders_are_told(client_for, city, world):
    response = client_for(city).post(
        reverse("library:version_create", kwargs={"pk": world["public"].pk}),
        {"label": "2023年版", "effective_from": "2023-01-01", "file": pdf_file("2023年版申报指南")},
    )

    assert response.status_code == 302
    world["public"].refresh_from_db()
    assert world["public"].current_version.number == 2
    notice = Notice.objects.get(key__startswith="library-replaced:")
    assert notice.recipient == world["contact"]
    package_page = client_for(world["contact"]).get(reverse("library:package", kwargs={"pk": world["package"].pk}))
    assert 'data-testid="replaced"' in package_page.content.decode()


def test_staff_edit_the_description(client_for, city, world):
    response = client_for(city).post(
        reverse("library:document_edit", kwargs={"pk": world["public"].pk}),
        {"title": "申报指南（修订）", "summary": "", "visibility": "internal", "channels": ["dedicated"]},
    )

    world["public"].refresh_from_db()
    assert response.status_code == 302
    assert (world["public"].title, world["public"].visibility, world["public"].channels) == (
        "申报指南（修订）",
        "internal",
        ["dedicated"],
    )


# --- Packages through the pages ------------------------------------------------------------------


def test_commissioner_starts_edits_and_sends_a_package(client_for):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    contact = ContactFactory(enterprise=enterprise).user
    guide = make_document(title="申报指南")
    leaflet = make_document(title="明白纸")
    client = client_for(commissioner.user)

    started = client.post(reverse("library:package_start", kwargs={"pk": enterprise.pk}))
    package = Package.objects.get()
    assert started["Location"] == reverse("library:package_edit", kwargs={"pk": package.pk})
    edit_page = client.get(started["Location"]).content.decode()
    assert edit_page.count('data-testid="proposed"') == 2
    # What the package holds is ticked.
    assert edit_page.count("checked") == 2

    sent = client.post(
        reverse("library:package_edit", kwargs={"pk": package.pk}),
        {"documents": [str(guide.pk)], "note": "请先读指南", "action": "send"},
    )

    package.refresh_from_db()
    assert sent["Location"] == reverse("library:package", kwargs={"pk": package.pk})
    assert (package.status, package.note) == (Package.Status.SENT, "请先读指南")
    assert [item.document for item in package.items.all()] == [guide]
    assert leaflet.pk not in package.items.values_list("document_id", flat=True)
    assert Notice.objects.filter(recipient=contact, key__startswith="library-package-sent:").exists()
    # A sent version is not edited: the editor sends back to the package.
    again = client.get(reverse("library:package_edit", kwargs={"pk": package.pk}))
    assert again["Location"] == reverse("library:package", kwargs={"pk": package.pk})


def test_sending_an_empty_selection_shows_the_error(client_for):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner.user)

    response = client_for(commissioner.user).post(
        reverse("library:package_edit", kwargs={"pk": package.pk}), {"note": "", "action": "send"}
    )

    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    package.refresh_from_db()
    assert package.status == Package.Status.DRAFT


def test_contact_sees_the_package_on_its_home_and_acknowledges_it(client_for, world):
    client = client_for(world["contact"])

    home = client.get(reverse("enterprises:contact_home")).content.decode()
    assert 'data-testid="policy-package"' in home
    assert "请周丽转发技术部" in home and "服务专员工作机制实施方案" in home

    response = client.post(reverse("library:package_acknowledge", kwargs={"pk": world["package"].pk}), {"next": "home"})

    assert response["Location"] == reverse("enterprises:contact_home")
    package = Package.objects.get(pk=world["package"].pk)
    assert package.acknowledged_by == world["contact"]
    assert package.events.filter(action=PackageEvent.Action.ACKNOWLEDGED, actor=world["contact"]).count() == 1
    home = client.get(reverse("enterprises:contact_home")).content.decode()
    assert 'data-testid="package-acknowledged"' in home
    staff_view = client_for(world["commissioner"]).get(reverse("library:packages")).content.decode()
    assert 'data-testid="acknowledged"' in staff_view


def test_public_qr_page_shows_public_documents_only_and_no_note(client, world):
    page = client.get(
        reverse("enterprises:public", kwargs={"token": world["enterprise"].public_token})
    ).content.decode()

    assert 'data-testid="policy-package"' in page
    assert "枣庄市职称评审申报指南(2022年版)" in page
    assert "服务专员工作机制实施方案" not in page
    assert "请周丽转发技术部" not in page
    assert 'data-testid="acknowledge"' not in page


def test_another_enterprises_package_is_404_for_a_contact(client_for, world):
    outsider = ContactFactory(enterprise=EnterpriseFactory()).user

    assert client_for(outsider).get(reverse("library:package", kwargs={"pk": world["package"].pk})).status_code == 404
    response = client_for(outsider).post(reverse("library:package_acknowledge", kwargs={"pk": world["package"].pk}))
    assert response.status_code == 404
    assert Package.objects.get(pk=world["package"].pk).acknowledged_at is None


def test_a_draft_is_404_for_the_contact(client_for, world):
    draft, _ = services.package_start(enterprise=world["enterprise"], actor=world["commissioner"])

    assert client_for(world["contact"]).get(reverse("library:package", kwargs={"pk": draft.pk})).status_code == 404


# --- Query counts --------------------------------------------------------------------------------


def _add_document(**kwargs):
    return make_document(title=f"政策文件{next(_titles)}", **kwargs)


def test_index_constant_queries(client, django_assert_num_queries):
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("library:index"), {"q": "政策"}),
        _add_document,
        expected=1,
    )
    print(f"\nlibrary:index queries = {count}")


def test_manage_constant_queries(client_for, city, django_assert_num_queries):
    client = client_for(city)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("library:manage")), _add_document, expected=8
    )
    print(f"\nlibrary:manage queries = {count}")


def test_document_page_constant_queries(client, city, django_assert_num_queries):
    document = make_document(actor=city)

    def add_version():
        services.document_version_publish(
            document=document, actor=city, effective_from=document.current_version.effective_from, upload=pdf_file()
        )

    url = reverse("library:document", kwargs={"pk": document.pk})
    count = assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add_version, expected=2)
    print(f"\nlibrary:document queries = {count}")


def test_packages_constant_queries(client_for, django_assert_num_queries):
    commissioner = CommissionerFactory()
    make_document()

    def add_enterprise():
        enterprise = EnterpriseFactory(commissioner=commissioner)
        package, _ = services.package_start(enterprise=enterprise, actor=commissioner.user)
        services.package_send(package=package, actor=commissioner.user)

    client = client_for(commissioner.user)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("library:packages")), add_enterprise, expected=9
    )
    print(f"\nlibrary:packages queries = {count}")


def _package_with_growing_items(commissioner, enterprise, draft):
    """A package and a function that adds one document to it."""
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner)

    def add():
        document = _add_document()
        ids = [*list(package.items.values_list("document_id", flat=True)), document.pk]
        services.package_update(package=package, actor=commissioner, document_ids=ids, note="")

    return package, add


def test_package_page_constant_queries(client_for, django_assert_num_queries):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    package, add = _package_with_growing_items(commissioner.user, enterprise, draft=True)
    client = client_for(commissioner.user)
    url = reverse("library:package", kwargs={"pk": package.pk})
    count = assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=12)
    print(f"\nlibrary:package queries = {count}")


def test_package_edit_constant_queries(client_for, django_assert_num_queries):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    package, add = _package_with_growing_items(commissioner.user, enterprise, draft=True)
    client = client_for(commissioner.user)
    url = reverse("library:package_edit", kwargs={"pk": package.pk})
    count = assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=17)
    print(f"\nlibrary:package_edit queries = {count}")


def _sent_package_growing(world_commissioner=None):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    contact = ContactFactory(enterprise=enterprise).user
    state = {"version": 0}

    def add():
        _add_document()
        package, _ = services.package_start(enterprise=enterprise, actor=commissioner.user)
        ids = [document.pk for document in Document.objects.all()]
        services.package_update(package=package, actor=commissioner.user, document_ids=ids, note="")
        services.package_send(package=package, actor=commissioner.user)
        state["version"] += 1

    return enterprise, contact, add


def test_contact_home_with_package_constant_queries(client_for, django_assert_num_queries):
    _enterprise, contact, add = _sent_package_growing()
    client = client_for(contact)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("enterprises:contact_home")), add, expected=12
    )
    # The home's 10 (tests/enterprises) and the package's 2.
    print(f"\nenterprises:contact_home (with the package) queries = {count}")


def test_public_qr_page_with_package_constant_queries(client, django_assert_num_queries):
    enterprise, _contact, add = _sent_package_growing()
    url = reverse("enterprises:public", kwargs={"token": enterprise.public_token})
    # The page's 2 and the package's 2 (the package in hand, its items with their documents).
    count = assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=4)
    print(f"\nenterprises:public (with the package) queries = {count}")
