"""Django admin as the HR bureau's workspace (issue 14): district staff see their division only, in every
list, search, filter, count, autocomplete and popup; the application list's columns and filters; its
page with the portal's pieces and the audit's decisions; bad filter values; the index by the city's work."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Batch, CorrectionRequest, Status, Transition
from applications.selectors import overdue_q, waiting_at_step
from enterprises.models import Recognition, RecognitionKind
from tests.applications.factories import World
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from zaozhuang_titles.models import AuditEvent, Notice, Role

pytestmark = pytest.mark.django_db

URL = reverse("admin:applications_application_changelist")


@pytest.fixture
def own(division):
    return World(division=division)


@pytest.fixture
def other(other_division):
    return World(division=other_division)


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def listed(response):
    assert response.status_code == 200
    return sorted(a.number for a in response.context["cl"].result_list)


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


# --- Scoping ------------------------------------------------------------------------------------------


def test_district_list_search_count_and_popup_hold_only_their_division(own, other):
    mine = own.at_district()
    own.draft()  # a draft of their division: not theirs to see before the enterprise forwards it
    theirs = other.at_district()
    client = client_of(own.district)

    page = client.get(URL)
    assert listed(page) == [mine.number]
    assert page.context["cl"].result_count == 1
    assert page.context["status_total"] == 1
    assert listed(client.get(URL, {"q": theirs.number})) == []
    assert listed(client.get(URL, {"q": theirs.applicant.real_name})) == []
    assert listed(client.get(URL, {"q": mine.number})) == [mine.number]
    assert listed(client.get(URL, {"_popup": "1", "_to_field": "id"})) == [mine.number]
    assert listed(client.get(URL, {"enterprise__division__id__exact": other.division.pk})) == []
    # The city sees both divisions' applications, drafts included (the record of the work).
    assert len(listed(client_of(own.city).get(URL))) == 3


def test_division_filter_offers_district_staff_their_own_division_only(own, other):
    own.at_district()
    other.at_district()

    district_choices = client_of(own.district).get(URL).context["cl"].filter_specs
    city_choices = client_of(own.city).get(URL).context["cl"].filter_specs

    def divisions(specs):
        spec = next(s for s in specs if getattr(s, "lookup_kwarg", "") == "enterprise__division__id__exact")
        return sorted(label for _pk, label in spec.lookup_choices)

    assert divisions(district_choices) == [own.division.name]
    assert divisions(city_choices) == sorted([own.division.name, other.division.name])


def test_autocomplete_offers_only_the_division_of_district_staff(own, other):
    mine = own.at_district()
    other.at_district()
    url = reverse("admin:autocomplete")

    def found(client, model_name, field_name, term=""):
        response = client.get(
            url, {"app_label": "applications", "model_name": model_name, "field_name": field_name, "term": term}
        )
        assert response.status_code == 200
        return sorted(item["text"] for item in json.loads(response.content)["results"])

    district = client_of(own.district)
    assert found(district, "transition", "application") == [str(mine)]
    assert found(district, "application", "enterprise") == [own.enterprise.name]
    assert len(found(client_of(own.city), "transition", "application")) == 2


def test_another_divisions_application_is_a_404_everywhere_in_admin(own, other):
    theirs = other.at_district()
    client = client_of(own.district)
    pk = theirs.pk
    urls = [
        change_url(theirs),
        reverse("admin:applications_application_history", args=[pk]),
        reverse("admin:applications_application_return", args=[pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    before = Transition.objects.count()
    response = client.post(reverse("admin:applications_application_decide", args=[pk, "pass"]))
    assert response.status_code == 404
    assert Transition.objects.count() == before
    theirs.refresh_from_db()
    assert theirs.status == Status.DISTRICT_AUDIT
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED, user=own.district).exists()
    assert client.get(reverse("admin:applications_application_change", args=["not-a-number"])).status_code == 404


def test_district_enterprise_lists_filters_and_history_hold_only_their_division(own, other):
    Recognition.objects.create(
        enterprise=own.enterprise, kind=RecognitionKind.LITTLE_GIANT, level="national", year_granted=2023
    )
    Recognition.objects.create(
        enterprise=other.enterprise, kind=RecognitionKind.LITTLE_GIANT, level="national", year_granted=2023
    )
    client = client_of(own.district)

    enterprises = client.get(reverse("admin:enterprises_enterprise_changelist"))
    recognitions = client.get(reverse("admin:enterprises_recognition_changelist"))
    popup = client.get(reverse("admin:enterprises_enterprise_changelist"), {"_popup": "1", "q": other.enterprise.name})

    assert [e.pk for e in enterprises.context["cl"].result_list] == [own.enterprise.pk]
    assert [r.enterprise_id for r in recognitions.context["cl"].result_list] == [own.enterprise.pk]
    assert list(popup.context["cl"].result_list) == []
    spec = next(
        s for s in enterprises.context["cl"].filter_specs if getattr(s, "lookup_kwarg", "") == "division__id__exact"
    )
    assert [label for _pk, label in spec.lookup_choices] == [own.division.name]
    for name in ("admin:enterprises_enterprise_change", "admin:enterprises_enterprise_history"):
        assert client.get(reverse(name, args=[other.enterprise.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[own.enterprise.pk])).status_code == 200, name
    # Read only: no field of the enterprise is editable for district staff.
    page = client.get(reverse("admin:enterprises_enterprise_change", args=[own.enterprise.pk]))
    assert 'name="name"' not in page.content.decode()


def test_district_staff_cannot_grant_roles_nor_change_batches(own):
    client = client_of(own.district)

    assert client.get(reverse("admin:zaozhuang_titles_user_changelist")).status_code == 403
    assert client.get(reverse("admin:zaozhuang_titles_calendarday_changelist")).status_code == 403
    batch_page = client.get(reverse("admin:applications_batch_change", args=[own.batch.pk]))
    assert batch_page.status_code == 200
    assert 'name="step_time_limit_days"' not in batch_page.content.decode()
    response = client.post(reverse("admin:applications_batch_change", args=[own.batch.pk]), {"name": "改名"})
    assert response.status_code == 403
    own.batch.refresh_from_db()
    assert own.batch.name != "改名"


def test_city_staff_still_grant_district_staff_roles_and_the_account_reaches_admin(own):
    from zaozhuang_titles.services import role_grant

    user = UserFactory()
    role_grant(user=user, role=Role.DISTRICT_STAFF, division=own.division, granted_by=own.city)

    user.refresh_from_db()
    assert user.is_staff is True
    assert client_of(user).get(reverse("admin:index")).status_code == 200


# --- The index by the city's work -----------------------------------------------------------------------


def test_admin_index_is_grouped_by_the_citys_work(own):
    city = client_of(own.city).get(reverse("admin:index"))
    district = client_of(own.district).get(reverse("admin:index"))

    assert [app["name"] for app in city.context["app_list"]] == ["申报审核", "专家评审", "公示备案", "企业服务", "系统"]
    assert [app["name"] for app in district.context["app_list"]] == ["申报审核", "企业服务"]
    audit = district.context["app_list"][0]
    assert sorted(m["object_name"] for m in audit["models"]) == ["Application", "Batch", "BulkRun"]
    # An app's own page still answers under its label.
    assert client_of(own.city).get(reverse("admin:app_list", args=["applications"])).status_code == 200


# --- Columns and filters ------------------------------------------------------------------------------


def test_list_columns_show_kind_channel_eligibility_waiting_and_signature(own):
    application = own.at_district()
    Recognition.objects.create(
        enterprise=own.enterprise, kind=RecognitionKind.LITTLE_GIANT, level="national", year_granted=2023
    )

    page = client_of(own.city).get(URL).content.decode()

    assert application.number in page
    assert "小巨人" in page
    assert "专项通道" in page
    assert "符合" in page  # eligibility as kept by the transition function
    assert application.applicant.id_number not in page


def test_eligibility_is_kept_at_submission_and_nomination(own):
    application = own.submitted()
    application.refresh_from_db()
    assert application.eligibility == Application.Eligibility.PENDING
    own.notice_ended(application)
    own.sign(application)
    application.refresh_from_db()
    assert application.eligibility == Application.Eligibility.MET


def test_filters_by_kind_eligibility_overdue_channel_and_signature(own):
    fresh = own.at_district()
    late = own.at_district()
    Application.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=60))
    Application.objects.filter(pk=fresh.pk).update(eligibility=Application.Eligibility.NOT_MET)
    Recognition.objects.create(
        enterprise=own.enterprise, kind=RecognitionKind.CHAMPION_ENTERPRISE, level="national", year_granted=2022
    )
    client = client_of(own.district)

    assert listed(client.get(URL, {"overdue": "1"})) == [late.number]
    assert listed(client.get(URL, {"eligibility": "not_met"})) == [fresh.number]
    assert listed(client.get(URL, {"eligibility": "met"})) == [late.number]
    assert listed(client.get(URL, {"kind": "champion_enterprise"})) == sorted([fresh.number, late.number])
    assert listed(client.get(URL, {"kind": "little_giant"})) == []
    assert listed(client.get(URL, {"batch__channel__exact": "regular"})) == []
    assert listed(client.get(URL, {"signed": "yes", "status__exact": Status.DISTRICT_AUDIT})) == sorted(
        [fresh.number, late.number]
    )
    assert 'data-testid="overdue"' in client.get(URL).content.decode()


def test_overdue_filter_agrees_with_the_working_days_shown(own):
    """The SQL condition and the count shown per row say the same, around the limit."""
    Batch.objects.filter(pk=own.batch.pk).update(step_time_limit_days=3)
    applications = [own.at_district() for _ in range(8)]
    now = timezone.now()
    for days, application in enumerate(applications):
        Application.objects.filter(pk=application.pk).update(status_changed_at=now - datetime.timedelta(days=days))
    rows = list(Application.objects.select_related("batch").filter(pk__in=[a.pk for a in applications]))

    shown = {pk for pk, waiting in waiting_at_step(rows).items() if waiting.overdue}
    filtered = set(Application.objects.filter(overdue_q()).values_list("pk", flat=True))

    assert filtered == shown
    assert shown  # a week back, at least one is past three working days


def test_bad_filter_values_are_ignored_with_a_chinese_message(own):
    application = own.at_district()
    client = client_of(own.district)

    for query in (
        {"batch__id__exact": "abc"},
        {"status__exact": "no-such-status"},
        {"enterprise__division__id__exact": "x"},
        {"no_such_field": "1"},
        {"status_changed_at__gte": "yesterday"},
    ):
        response = client.get(URL, query)
        assert response.status_code == 200, query
        assert listed(response) == [application.number], query
        assert "已忽略" in response.content.decode(), query
    for query in ({"kind": "nonsense"}, {"overdue": "2"}, {"eligibility": "maybe"}, {"signed": "perhaps"}):
        assert listed(client.get(URL, query)) == [application.number], query


def test_search_finds_a_whole_id_number_typed_in_any_form_but_not_a_part(own):
    application = own.at_district()
    own.at_district()
    number = application.applicant.id_number
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    client = client_of(own.district)

    assert listed(client.get(URL, {"q": full_width})) == [application.number]
    assert listed(client.get(URL, {"q": f" {number[:6]} {number[6:]} "})) == [application.number]
    assert listed(client.get(URL, {"q": number[:10]})) == []


def test_list_queries_do_not_grow_from_1_to_30_rows(own, django_assert_num_queries):
    client = client_of(own.district)
    own.at_district()
    client.get(URL)  # warm caches
    # 15 on SQLite and PostgreSQL alike: a district's list is scoped (a WHERE), so the paginator counts it
    # exactly and never asks PostgreSQL for the table's estimate (city staff's unfiltered list does: +1).
    with django_assert_num_queries(15) as one:
        client.get(URL)
    for _ in range(29):
        own.at_district()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert len(response.context["cl"].result_list) == 30


# --- The application's page ---------------------------------------------------------------------------


def test_application_page_shows_timeline_eligibility_evidence_nomination_and_changes(own):
    application = own.at_district()
    services.application_return(
        application=application, actor=own.district, reason="补正", items=[("field:summary", "业绩综述", "补充")]
    )
    application.refresh_from_db()
    application.summary = "补充了成果转化效益。"
    application.save(update_fields=["summary"])
    services.application_resubmit(application=application, actor=application.applicant)

    page = client_of(own.district).get(change_url(application)).content.decode()

    for piece in ("admin-timeline", "admin-eligibility", "admin-evidence", "admin-nomination", "admin-changes"):
        assert f'data-testid="{piece}"' in page, piece
    evidence = application.evidence.first()
    assert reverse("applications:evidence_download", args=[evidence.pk]) in page
    assert "补充了成果转化效益。" in page
    assert 'data-testid="admin-pass"' in page


def test_application_page_pass_reject_and_return_use_the_transition_function(own):
    passed, rejected, returned = own.at_district(), own.at_district(), own.at_district()
    client = client_of(own.district)
    decide = "admin:applications_application_decide"

    client.post(reverse(decide, args=[passed.pk, "pass"]), {"status": Status.DISTRICT_AUDIT})
    empty = client.post(reverse(decide, args=[rejected.pk, "reject"]), {"reason": ""}, follow=True)
    client.post(reverse(decide, args=[rejected.pk, "reject"]), {"reason": "不符合专项通道条件"})
    form = client.get(reverse("admin:applications_application_return", args=[returned.pk]))
    key = "field-summary"
    client.post(
        reverse("admin:applications_application_return", args=[returned.pk]),
        {
            "reason": "请补充",
            "deadline": form.context["form"]["deadline"].value().isoformat(),
            f"mark-{key}": "on",
            f"reason-{key}": "写明效益",
        },
    )

    for application in (passed, rejected, returned):
        application.refresh_from_db()
    assert (passed.status, rejected.status, returned.status) == (Status.CITY_AUDIT, Status.REJECTED, Status.RETURNED)
    assert "请说明原因" in empty.content.decode() or "原因" in empty.content.decode()
    log = Transition.objects.get(application=rejected, action="reject")
    assert (log.actor, log.actor_role, log.reason) == (own.district, Role.DISTRICT_STAFF.value, "不符合专项通道条件")
    assert CorrectionRequest.objects.get(application=returned).items.get().reason == "写明效益"
    assert Notice.objects.filter(recipient=rejected.applicant).exists()


def test_application_page_reports_a_move_made_meanwhile(own):
    application = own.at_district()
    services.application_pass(application=application, actor=own.district)

    response = client_of(own.district).post(
        reverse("admin:applications_application_decide", args=[application.pk, "pass"]),
        {"status": Status.DISTRICT_AUDIT},
        follow=True,
    )

    assert "刚被他人" in response.content.decode() or "已被" in response.content.decode()
    assert Transition.objects.filter(application=application, action="pass").count() == 1


def test_other_enterprise_in_division_is_listed_for_district_staff(own):
    """Scoping is by the enterprise's division, not by the staff member's own world."""
    neighbour = World(division=own.division)
    theirs = neighbour.at_district()
    EnterpriseFactory(division=own.division)

    assert theirs.number in listed(client_of(own.district).get(URL))
