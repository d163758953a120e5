"""The export mechanism (``zaozhuang_titles.exports``): in the request or by the task with its progress,
the download kept to its owner and administrators, no rows, a build failing halfway, the 7-day purge,
masking by the may-see rule, "我的导出", and a constant number of queries whatever the rows."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory, ServiceLogFactory
from tests.factories import UserFactory
from tests.helpers import walk_keyset_pages
from tests.reviews.factories import ExpertFactory
from zaozhuang_titles import exports
from zaozhuang_titles.exports import Source, export_build, export_start, register_source
from zaozhuang_titles.models import AuditEvent, Export, Role
from zaozhuang_titles.tasks import purge_expired_exports
from zaozhuang_titles.views import ExportListView


def workbook_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def downloaded(client, export):
    response = client.get(reverse("export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


@pytest.fixture
def city(db):
    return UserFactory(roles=[Role.CITY_STAFF])


@pytest.fixture
def district(db, division):
    return UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)


def test_small_export_is_built_in_the_request_and_downloaded_at_once(client_for, city, division):
    EnterpriseFactory(division=division, name="滕州甲机械")
    EnterpriseFactory(division=division, name="滕州乙机械")
    client = client_for(city)

    response = client.post(reverse("enterprises:export") + "?q=机械")

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export_download", args=[export.pk])
    assert (export.status, export.row_count, export.progress, export.user) == (Export.Status.DONE, 2, 2, city)
    assert export.params == {"q": ["机械"]}
    assert export.description == "企业名称或统一社会信用代码：机械"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORTED)
    assert event.detail["rows"] == 2
    assert event.detail["filter"] == export.description
    assert event.detail["params"] == {"q": ["机械"]}
    assert (event.object_type, event.object_id) == ("zaozhuang_titles.export", str(export.pk))

    rows = workbook_rows(downloaded(client, export))
    assert [row[0] for row in rows[1:]] == ["滕州乙机械", "滕州甲机械"]  # the list's order (name)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED, object_id=str(export.pk)).count() == 1


def test_export_without_rows_says_so_and_keeps_nothing(client_for, city, division):
    EnterpriseFactory(division=division, name="滕州甲机械")

    response = client_for(city).post(reverse("enterprises:export") + "?q=不存在的企业", follow=True)

    assert (
        response.redirect_chain[-1][0]
        == reverse("enterprises:list") + "?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E4%BC%81%E4%B8%9A"
    )
    assert "没有符合筛选条件的记录" in response.content.decode()
    assert not Export.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).exists()


def test_large_export_is_built_by_the_task_with_progress_then_downloaded(
    client_for, city, division, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EXPORT_IN_REQUEST_MAX_ROWS = 2
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    for number in range(5):
        EnterpriseFactory(division=division, name=f"枣庄企业{number}")
    seen = []
    original = exports.write_row

    def spy(sheet, values, **kwargs):  # records the progress stored while rows are written
        seen.append(Export.objects.values_list("status", "progress").get())
        return original(sheet, values, **kwargs)

    monkeypatch.setattr(exports, "write_row", spy)
    client = client_for(city)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:export"))
        export = Export.objects.get()
        assert response["Location"] == reverse("export_detail", args=[export.pk])
        assert export.status == Export.Status.PENDING
        waiting = client.get(reverse("export_status", args=[export.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in waiting and "export-progress" in waiting

    export.refresh_from_db()
    assert (export.status, export.progress, export.row_count) == (Export.Status.DONE, 5, 5)
    # Running, and the rows written so far stored chunk by chunk (two rows a chunk).
    assert sorted({progress for status, progress in seen if status == Export.Status.RUNNING}) == [0, 2, 4]
    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    assert reverse("export_download", args=[export.pk]) in page and "hx-trigger" not in page
    rows = workbook_rows(downloaded(client, export))
    assert len(rows) == 6


def test_status_fragment_shows_how_far_the_build_has_got(client_for, city):
    export = Export.objects.create(
        user=city, kind="enterprises", source="enterprises.list", row_count=3, progress=1, status=Export.Status.RUNNING
    )

    fragment = client_for(city).get(reverse("export_status", args=[export.pk])).content.decode()

    assert 'value="33"' in fragment
    assert "已写入 1 / 3 行" in fragment


def _stored_exports():
    return set(default_storage.listdir("exports")[1]) if default_storage.exists("exports") else set()


def test_a_build_failing_halfway_leaves_a_failed_export_and_no_file(client_for, city, division, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)
    for number in range(3):
        EnterpriseFactory(division=division, name=f"枣庄企业{number}")
    calls = []
    original = exports.write_row

    def breaks_at_the_third_row(sheet, values, **kwargs):
        calls.append(values)
        if len(calls) == 3:  # the header and two rows are written, then the disk is full
            raise OSError("No space left on device")
        return original(sheet, values, **kwargs)

    monkeypatch.setattr(exports, "write_row", breaks_at_the_third_row)
    client = client_for(city)
    stored_before = _stored_exports()

    response = client.post(reverse("enterprises:export"), follow=True)

    export = Export.objects.get()
    assert (export.status, export.file.name, export.progress) == (Export.Status.FAILED, "", 1)
    assert "导出失败" in export.error and "OSError" in export.error
    assert "导出失败" in response.content.decode()
    assert _stored_exports() == stored_before
    # Asked for anyway, the download serves nothing and says why.
    refused = client.get(reverse("export_download", args=[export.pk]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("export_detail", args=[export.pk])
    assert "导出失败" in refused.content.decode()


def test_build_is_idempotent(city, division):
    EnterpriseFactory(division=division)
    export = export_start(user=city, source_name="enterprises.list", query=exports.query_dict({}))
    name = export.file.name

    again = export_build(export_id=export.pk)

    assert (again.status, again.file.name) == (Export.Status.DONE, name)
    assert export_build(export_id=10**9) is None


def _finished(user, *, days_ago):
    name = default_storage.save(f"exports/purge-{days_ago}.xlsx", ContentFile(b"PK"))
    export = Export.objects.create(
        user=user, kind="enterprises", source="enterprises.list", status=Export.Status.DONE, file=name, row_count=1
    )
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1))
    return export, name


def test_beat_removes_files_older_than_seven_days_and_keeps_the_record(client_for, city):
    old, old_name = _finished(city, days_ago=7)
    recent, recent_name = _finished(city, days_ago=6)

    assert purge_expired_exports.delay().get() == 1
    assert purge_expired_exports.delay().get() == 0  # idempotent

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file.name) == (Export.Status.EXPIRED, "")
    assert not default_storage.exists(old_name)
    assert (recent.status, recent.file.name) == (Export.Status.DONE, recent_name)
    assert default_storage.exists(recent_name)
    response = client_for(city).get(reverse("export_download", args=[old.pk]), follow=True)
    assert "7" in response.content.decode() and response.redirect_chain[-1][0] == reverse(
        "export_detail", args=[old.pk]
    )
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "zaozhuang_titles.purge_expired_exports" in schedule


def test_download_is_for_the_owner_and_administrators_only(client_for, city, district):
    export, _name = _finished(district, days_ago=0)
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    other_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=district.district)
    url = reverse("export_download", args=[export.pk])

    assert client_for(district).get(url).status_code == 200
    assert client_for(administrator).get(url).status_code == 200
    assert client_for(city).get(url).status_code == 404
    assert client_for(other_district).get(url).status_code == 404
    assert client_for(UserFactory(roles=[Role.EXPERT])).get(url).status_code == 403
    denied = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED, user=other_district).get()
    assert denied.detail["status"] == 404


def test_my_exports_lists_the_users_own_exports_in_constant_queries(
    client_for, city, district, django_assert_num_queries
):
    _finished(district, days_ago=0)
    client = client_for(city)
    url = reverse("exports")
    _finished(city, days_ago=1)
    client.get(url)  # the session and the user, as every page
    # 9 with the offset pager: its COUNT(*) went with keyset pages.
    with django_assert_num_queries(8):
        page = client.get(url)
    assert len(page.context["exports"]) == 1
    for days in range(2, 6):
        _finished(city, days_ago=days)
    with django_assert_num_queries(8):
        page = client.get(url)
    assert len(page.context["exports"]) == 5
    assert all(export.user == city for export in page.context["exports"])


def test_my_exports_keyset_pages_walk_newest_first_at_a_constant_cost(
    client_for, city, district, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(ExportListView, "page_size", 2)
    _finished(district, days_ago=0)
    mine = [_finished(city, days_ago=days)[0] for days in range(5)]
    client = client_for(city)
    url = reverse("exports")

    pages = walk_keyset_pages(client, url)

    assert [[export.pk for export in page.context["exports"]] for page in pages] == [
        [mine[0].pk, mine[1].pk],
        [mine[2].pk, mine[3].pk],
        [mine[4].pk],
    ]
    with django_assert_num_queries(8):
        client.get(url, {"after": pages[0].context["page"].next_cursor})


# --- Masking by the may-see rule -----------------------------------------------------------------


@pytest.fixture
def any_reader_source():
    """A list of the expert pool open to any logged-in user: the rule on personal numbers is the
    mechanism's, whoever the list lets in."""
    from reviews.models import Expert

    register_source(
        Source(
            name="tests.pool",
            kind="experts",
            select=lambda user, params: (Expert.objects.order_by("pk"), "—"),
            back_url=lambda params: "/",
        )
    )


@pytest.mark.parametrize(
    ("role", "mobile"),
    [(Role.CITY_STAFF, "13906321234"), (Role.DISTRICT_STAFF, "13906321234"), (Role.COMMISSIONER, "139****1234")],
)
def test_mobile_numbers_are_masked_unless_the_role_may_see_them(role, mobile, any_reader_source, division):
    ExpertFactory(user=UserFactory(mobile="13906321234", roles=[Role.EXPERT]))
    kwargs = {"roles__division": division} if role == Role.DISTRICT_STAFF else {}
    user = UserFactory(roles=[role], **kwargs)

    export = export_start(user=user, source_name="tests.pool", query=exports.query_dict({}))

    rows = workbook_rows(export.file.read())
    assert rows[0][1] == "手机号码"
    assert rows[1][1] == mobile


# --- A constant number of queries ---------------------------------------------------------------


def _build_queries(user, source, query=None):
    export = export_start(user=user, source_name=source, query=exports.query_dict(query or {}))
    Export.objects.filter(pk=export.pk).update(status=Export.Status.PENDING, file="")
    with CaptureQueriesContext(connection) as captured:
        export_build(export_id=export.pk)
    return len(captured)


def test_enterprise_export_costs_the_same_queries_at_one_and_many_rows(city, division):
    enterprise = EnterpriseFactory(division=division)
    ContactFactory(enterprise=enterprise)
    one = _build_queries(city, "enterprises.list")
    for _ in range(6):
        ContactFactory(enterprise=EnterpriseFactory(division=division))
    assert _build_queries(city, "enterprises.list") == one
    # export, user's roles, the list's filter data, rows, recognitions, contacts, progress, running, done.
    print(f"\nenterprise export build: {one} queries")


def test_service_log_and_expert_exports_cost_the_same_queries_at_one_and_many_rows(city, division):
    commissioner = CommissionerFactory()
    ServiceLogFactory(
        enterprise=EnterpriseFactory(division=division, commissioner=commissioner), commissioner=commissioner
    )
    ExpertFactory()
    logs, experts = _build_queries(city, "admin:enterprises.servicelog"), _build_queries(city, "admin:reviews.expert")
    for _ in range(5):
        ServiceLogFactory(
            enterprise=EnterpriseFactory(division=division, commissioner=commissioner), commissioner=commissioner
        )
        ExpertFactory()
    assert _build_queries(city, "admin:enterprises.servicelog") == logs
    assert _build_queries(city, "admin:reviews.expert") == experts


def test_a_failed_build_leaves_no_temporary_file_behind(city, division, monkeypatch):
    import glob
    import tempfile

    EnterpriseFactory(division=division)
    pattern = f"{tempfile.gettempdir()}/openpyxl.*"
    before = set(glob.glob(pattern))

    def breaks(chunk):
        raise RuntimeError("lookup failed")

    kind = exports.kind_for("enterprises")
    monkeypatch.setitem(
        exports._kinds,
        "enterprises",
        exports.Kind(
            name=kind.name,
            label=kind.label,
            parts=tuple(exports.Part(columns=p.columns, fields=p.fields, lookup=breaks) for p in kind.parts),
        ),
    )

    export = export_start(user=city, source_name="enterprises.list", query=exports.query_dict({}))

    assert export.status == Export.Status.FAILED and "RuntimeError" in export.error
    assert set(glob.glob(pattern)) - before == set()
