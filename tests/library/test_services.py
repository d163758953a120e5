"""Documents and their versions, the replacement notices, and the life of a 一企一策 package."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from library import services
from library.models import DocumentKind, DocumentVersion, Package, PackageEvent, Visibility
from tests.applications.hostile_files import HOSTILE
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.factories import UserFactory
from tests.library.factories import make_document, mp4_file, pdf_file, png_file, staff_user
from zaozhuang_titles.models import Notice, Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def new_version(document, actor, **kwargs):
    data = {"effective_from": TODAY, "label": "2023年版", "upload": pdf_file(document.title + " 2023")}
    data.update(kwargs)
    return services.document_version_publish(document=document, actor=actor, **data)


def served(commissioner=None):
    """An enterprise served by a commissioner, with one contact with an account and one without."""
    commissioner = commissioner or CommissionerFactory()
    enterprise = EnterpriseFactory(commissioner=commissioner)
    contact = ContactFactory(enterprise=enterprise)
    ContactFactory(enterprise=enterprise, user=None)
    return enterprise, commissioner.user, contact.user


def sent_package(enterprise, actor):
    package, _created = services.package_start(enterprise=enterprise, actor=actor)
    return services.package_send(package=package, actor=actor)


# --- Documents and versions ----------------------------------------------------------------------


def test_document_create_publishes_version_one_with_the_pdf_text_for_search():
    document = make_document(title="枣庄市职称评审申报指南(2022年版)", levels=["deputy_senior", "deputy_senior"])

    version = document.current_version
    assert (version.number, version.label, version.content_type) == (1, "2022年版", "application/pdf")
    assert version.text_source == DocumentVersion.TextSource.EXTRACTED
    assert "枣庄市职称评审申报指南" in version.text
    assert document.levels == ["deputy_senior"]
    assert "申报指南" in document.search_text
    assert default_storage.exists(version.file)
    assert version.file.startswith("library/") and version.file.endswith(".pdf")


def test_text_given_by_staff_wins_over_extraction():
    document = make_document(text="扫描件：政策明白纸全文")

    assert document.current_version.text == "扫描件：政策明白纸全文"
    assert document.current_version.text_source == DocumentVersion.TextSource.STAFF


def test_flow_chart_image_and_video_file_and_video_link():
    chart = make_document(kind=DocumentKind.FLOW_CHART, title="职称申报流程图", upload=png_file())
    video = make_document(kind=DocumentKind.VIDEO, title="平台操作培训", upload=mp4_file())
    linked = make_document(kind=DocumentKind.VIDEO, title="政策解读", link="https://video.rsj.zz.intranet/1.mp4")

    assert chart.current_version.content_type == "image/png"
    assert chart.current_version.text_source == ""
    assert (video.current_version.content_type, video.current_version.is_video) == ("video/mp4", True)
    assert (linked.current_version.file, linked.current_version.link) == ("", "https://video.rsj.zz.intranet/1.mp4")


@pytest.mark.parametrize(
    ("kind", "upload", "link", "field", "words"),
    [
        (DocumentKind.GUIDE, None, "", "file", "Upload the document"),
        (DocumentKind.GUIDE, None, "https://x.intranet/a.pdf", "link", "Only a training video"),
        (DocumentKind.GUIDE, "video", "", "file", "claims to be"),
        (DocumentKind.VIDEO, "pdf", "", "file", "is not an MP4 video"),
        (DocumentKind.VIDEO, None, "", "file", "Upload the video"),
        (DocumentKind.VIDEO, "video", "https://x.intranet/a.mp4", "link", "either a file or a link"),
    ],
)
def test_files_that_do_not_fit_the_kind_are_refused_and_nothing_is_written(kind, upload, link, field, words):
    files = {"video": lambda: mp4_file("培训.pdf" if kind == DocumentKind.GUIDE else "培训.mp4"), "pdf": pdf_file}
    with pytest.raises(ValidationError) as refused:
        make_document(kind=kind, upload=files[upload]() if upload else None, link=link or "")

    assert words in " ".join(refused.value.message_dict[field])
    assert DocumentVersion.objects.count() == 0


@pytest.mark.parametrize("sample", [s for s in HOSTILE if s.filename.endswith(".pdf")][:6], ids=lambda s: s.id)
def test_a_hostile_pdf_is_refused_like_evidence(sample):
    with pytest.raises(ValidationError) as refused:
        make_document(upload=SimpleUploadedFile(sample.filename, sample.build()))

    assert refused.value.message_dict["file"]
    assert DocumentVersion.objects.count() == 0


def test_new_version_replaces_the_current_one_and_numbers_on():
    staff = staff_user()
    document = make_document(actor=staff)
    first = document.current_version

    second = new_version(document, staff)
    third = new_version(document, staff, label="2024年版")

    document.refresh_from_db()
    assert [v.number for v in document.versions.order_by("number")] == [1, 2, 3]
    assert document.current_version == third
    assert second.published_by == staff
    first.refresh_from_db()
    assert first.file and default_storage.exists(first.file)  # earlier versions stay readable
    assert "2024年版" in document.search_text


def test_version_dates_must_be_in_order():
    document = make_document()

    with pytest.raises(ValidationError) as refused:
        new_version(document, staff_user(), effective_until=TODAY - datetime.timedelta(days=1))

    assert "effective_until" in refused.value.message_dict
    assert document.versions.count() == 1


def test_document_update_changes_description_tags_and_search_text():
    staff = staff_user()
    document = make_document(actor=staff)

    services.document_update(
        document=document,
        actor=staff,
        title="新标题 明白纸",
        summary="摘要",
        visibility=Visibility.INTERNAL,
        channels=["regular"],
    )

    document.refresh_from_db()
    assert (document.title, document.visibility, document.channels) == ("新标题 明白纸", "internal", ["regular"])
    assert "新标题 明白纸" in document.search_text
    assert document.history.first().history_user == staff


def test_unknown_tags_are_refused():
    with pytest.raises(ValidationError) as refused:
        make_document(levels=["grandmaster"])

    assert "grandmaster" in refused.value.message_dict["levels"][0]


# --- Replacement notices -------------------------------------------------------------------------


def test_replacing_a_document_tells_the_enterprises_whose_package_in_hand_holds_it():
    staff = staff_user()
    guide = make_document(actor=staff, title="申报指南")
    holder, commissioner, holder_contact = served()
    package = sent_package(holder, commissioner)
    assert package.items.filter(document=guide).exists()
    # Another enterprise prepared a package with the guide but never sent it: not told.
    drafter, drafter_commissioner, _drafter_contact = served()
    services.package_start(enterprise=drafter, actor=drafter_commissioner)

    version = new_version(guide, staff)

    told = Notice.objects.filter(key__startswith=f"library-replaced:{version.pk}:")
    assert [n.recipient for n in told] == [holder_contact]
    notice = told.get()
    assert "申报指南" in notice.subject
    assert notice.url == reverse("library:package", kwargs={"pk": package.pk})
    assert notice.email == Notice.Email.PENDING


def test_an_enterprise_whose_newer_package_left_the_document_out_is_not_told():
    staff = staff_user()
    guide = make_document(actor=staff, title="申报指南")
    enterprise, commissioner, _contact = served()
    sent_package(enterprise, commissioner)
    draft, _ = services.package_start(enterprise=enterprise, actor=commissioner)
    services.package_update(package=draft, actor=commissioner, document_ids=[], note="")
    other = make_document(actor=staff, title="明白纸")
    services.package_update(package=draft, actor=commissioner, document_ids=[other.pk], note="")
    services.package_send(package=draft, actor=commissioner)

    new_version(guide, staff)

    assert not Notice.objects.filter(key__startswith="library-replaced:").exists()


def test_replacement_notices_are_written_in_a_fixed_number_of_queries():
    staff = staff_user()
    commissioner = CommissionerFactory()

    def publish_with_holders(count):
        guide = make_document(actor=staff, title=f"指南{count}")
        for _ in range(count):
            enterprise, _user, _contact = served(commissioner)
            sent_package(enterprise, commissioner.user)
        with CaptureQueriesContext(connection) as queries:
            new_version(guide, staff)
        return len(queries)

    assert publish_with_holders(1) == publish_with_holders(6)
    assert Notice.objects.filter(key__startswith="library-replaced:").count() == 1 + 6


# --- Packages ------------------------------------------------------------------------------------


def test_package_start_proposes_documents_and_logs_it():
    make_document(title="申报指南", levels=["deputy_senior"])
    make_document(title="正高级条件", levels=["senior"], channels=["regular"])
    enterprise, commissioner, _contact = served()

    package, created = services.package_start(enterprise=enterprise, actor=commissioner)
    again, created_again = services.package_start(enterprise=enterprise, actor=commissioner)

    assert (created, created_again, again) == (True, False, package)
    assert (package.version, package.status) == (1, Package.Status.DRAFT)
    # Nothing is known of the enterprise's levels and channels: both are proposed.
    assert sorted(item.document.title for item in package.items.all()) == sorted(["申报指南", "正高级条件"])
    assert all(item.proposed for item in package.items.all())
    assert package.events.get().action == PackageEvent.Action.CREATED


def test_only_the_commissioner_serving_the_enterprise_builds_its_package():
    enterprise, _commissioner, contact = served()
    stranger = CommissionerFactory().user

    for actor in (stranger, contact, UserFactory(roles=[Role.CITY_STAFF])):
        with pytest.raises(PermissionDenied):
            services.package_start(enterprise=enterprise, actor=actor)
    assert not Package.objects.exists()


def test_package_update_sets_selection_and_note_and_send_fixes_it():
    guide = make_document(title="申报指南")
    leaflet = make_document(title="明白纸")
    internal = make_document(title="内部方案", visibility=Visibility.INTERNAL)
    regular_only = make_document(title="普通通道须知", channels=["regular"])
    enterprise, commissioner, contact = served()
    RecognitionFactory(enterprise=enterprise)  # its channel: dedicated; the regular-only leaflet is not proposed
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner)
    assert sorted(package.items.values_list("document__title", flat=True)) == sorted(["申报指南", "明白纸", "内部方案"])

    services.package_update(
        package=package, actor=commissioner, document_ids=[guide.pk, internal.pk, regular_only.pk], note="请先读指南"
    )
    services.package_send(package=package, actor=commissioner)

    package.refresh_from_db()
    assert (package.status, package.note) == (Package.Status.SENT, "请先读指南")
    assert sorted(item.document.title for item in package.items.all()) == sorted(
        ["内部方案", "申报指南", "普通通道须知"]
    )
    added = package.items.get(document=regular_only)
    assert (added.proposed, added.reason) == (False, "Added by the commissioner")
    assert [e.action for e in package.events.all()] == ["created", "edited", "sent"]
    assert package.events.get(action="edited").detail == {"added": [regular_only.pk], "removed": [leaflet.pk]}
    assert Notice.objects.get(key=f"library-package-sent:{package.pk}:{contact.pk}").recipient == contact
    with pytest.raises(ValidationError):
        services.package_update(package=package, actor=commissioner, document_ids=[leaflet.pk], note="")
    with pytest.raises(ValidationError):
        services.package_send(package=package, actor=commissioner)


def test_an_empty_package_is_not_sent():
    enterprise, commissioner, _contact = served()
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner)

    with pytest.raises(ValidationError):
        services.package_send(package=package, actor=commissioner)
    assert Package.objects.get().status == Package.Status.DRAFT


def test_next_version_starts_from_the_package_in_hand_at_current_versions():
    staff = staff_user()
    guide = make_document(actor=staff, title="申报指南", levels=["senior"])
    enterprise, commissioner, _contact = served()
    first = sent_package(enterprise, commissioner)
    newer = new_version(guide, staff)
    # The enterprise now has an application at 副高级: the 正高级 guide is no longer proposed, but
    # it stays, at its new version, because the package in hand holds it.
    from tests.applications.factories import ApplicationFactory
    from tests.factories import BatchFactory

    ApplicationFactory(enterprise=enterprise, batch=BatchFactory(level="deputy_senior"))

    second, _ = services.package_start(enterprise=enterprise, actor=commissioner)

    item = second.items.get()
    assert (second.version, item.document_version, item.proposed) == (2, newer, False)
    assert item.reason == "In the previous package"
    assert first.items.get().document_version.number == 1  # a sent package never changes


def test_acknowledge_once_by_a_contact_and_logged():
    make_document()
    enterprise, commissioner, contact = served()
    package = sent_package(enterprise, commissioner)

    assert services.package_acknowledge(package=package, actor=contact) is True
    assert services.package_acknowledge(package=package, actor=contact) is False

    package.refresh_from_db()
    assert package.acknowledged_by == contact and package.acknowledged_at is not None
    assert package.events.filter(action=PackageEvent.Action.ACKNOWLEDGED).count() == 1
    with pytest.raises(PermissionDenied):
        services.package_acknowledge(package=package, actor=commissioner)


def test_a_draft_cannot_be_acknowledged():
    make_document()
    enterprise, commissioner, contact = served()
    package, _ = services.package_start(enterprise=enterprise, actor=commissioner)

    assert services.package_acknowledge(package=package, actor=contact) is False
    package.refresh_from_db()
    assert package.acknowledged_at is None
