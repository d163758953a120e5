"""The audit pages: queues, the application's page, actions, return for correction, changes."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.counters import status_counts_rebuild
from applications.models import (
    AchievementKind,
    AchievementLevel,
    Application,
    CorrectionItem,
    CorrectionRequest,
    Status,
    Transition,
)
from tests.applications.factories import AchievementFactory, BatchFactory, World, evidence_for, valid_patent
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.keyset import encode_cursor
from zaozhuang_titles.models import AuditEvent, Role
from zaozhuang_titles.workdays import add_working_days

pytestmark = pytest.mark.django_db

#: Query counts measured for the lead's report, filled by the constant-query tests.
MEASURED = {}


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def page_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def detail_url(application):
    return reverse("applications:detail", args=[application.pk])


def act(client, application, action, **data):
    data.setdefault("status", application.status)
    return client.post(reverse("applications:act", args=[application.pk, action]), data)


@pytest.fixture
def world(division):
    return World(division=division)


@pytest.fixture
def other_world(other_division):
    return World(division=other_division)


# --- Queues ---------------------------------------------------------------------------------------


def queue_numbers(response):
    return [row.number for row in response.context["rows"]]


def test_district_queue_lists_only_its_division(world, other_world):
    mine = world.at_district()
    theirs = other_world.at_district()

    response = client_for(world.district).get(reverse("applications:district_queue"))

    assert queue_numbers(response) == [mine.number]
    page = response.content.decode()
    assert mine.number in page and theirs.number not in page
    assert mine.applicant.masked_id_number in page
    assert mine.applicant.id_number not in page


def test_district_staff_of_another_division_gets_404_on_the_application(world, other_world):
    application = world.at_district()
    client = client_for(other_world.district)

    assert client.get(detail_url(application)).status_code == 404
    assert act(client, application, "pass").status_code == 404
    assert client.get(reverse("applications:return", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:diff", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT


def test_city_queue_lists_every_division_oldest_first(world, other_world):
    first = world.at_city()
    second = other_world.at_city()
    Application.objects.filter(pk=first.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=3))

    response = client_for(world.city).get(reverse("applications:city_queue"))

    assert queue_numbers(response) == [first.number, second.number]
    assert 'data-testid="signed"' in response.content.decode()


def test_city_queue_filters_by_division_and_search(world, other_world):
    mine = world.at_city()
    theirs = other_world.at_city()
    client = client_for(world.city)
    url = reverse("applications:city_queue")

    assert queue_numbers(client.get(url, {"division": world.division.pk})) == [mine.number]
    assert queue_numbers(client.get(url, {"q": theirs.enterprise.name})) == [theirs.number]
    assert queue_numbers(client.get(url, {"q": mine.applicant.real_name})) == [mine.number]
    assert queue_numbers(client.get(url, {"q": theirs.number})) == [theirs.number]
    assert queue_numbers(client.get(url, {"batch": other_world.batch.pk})) == [theirs.number]
    # A stale filter value is ignored, not an error.
    assert sorted(queue_numbers(client.get(url, {"batch": "999999"}))) == sorted([mine.number, theirs.number])


def test_district_queue_has_no_division_filter(world):
    response = client_for(world.district).get(reverse("applications:district_queue"))

    assert "division" not in response.context["form"].fields


def test_queue_tabs_count_each_status_and_show_all_in_scope(world):
    waiting = world.at_district()
    returned = world.at_district()
    services.application_return(
        application=returned, actor=world.district, reason="材料不全", items=[("field:summary", "业绩综述", "补充数据")]
    )
    rejected = world.at_district()
    services.application_reject(application=rejected, actor=world.district, reason="不符合条件")
    passed = world.at_city()
    client = client_for(world.district)
    url = reverse("applications:district_queue")

    response = client.get(url)

    tabs = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"": 1, Status.CITY_AUDIT: 1, Status.RETURNED: 1, Status.REJECTED: 1, "all": 4}
    assert queue_numbers(response) == [waiting.number]
    assert queue_numbers(client.get(url, {"status": Status.RETURNED})) == [returned.number]
    assert queue_numbers(client.get(url, {"status": Status.REJECTED})) == [rejected.number]
    assert sorted(queue_numbers(client.get(url, {"status": "all"}))) == sorted(
        [waiting.number, returned.number, rejected.number, passed.number]
    )
    returned_row = client.get(url, {"status": Status.RETURNED}).content.decode()
    assert 'data-testid="flag-open-correction"' in returned_row


def test_queue_search_lists_the_matches_without_counting(world):
    # A search would have to count every match; the tabs then show no number, the list says "shown".
    one = world.at_district()
    world.at_district()
    client = client_for(world.district)

    response = client.get(reverse("applications:district_queue"), {"q": one.applicant.real_name})

    assert [tab["count"] for tab in response.context["tabs"]] == [None] * len(response.context["tabs"])
    assert response.context["total"] is None
    assert queue_numbers(response) == [one.number]
    assert 'data-testid="count"' not in response.content.decode()


def test_queue_counts_follow_the_batch_filter(world):
    world.at_district()
    world.at_district()
    other = BatchFactory(name="另一批次")
    client = client_for(world.district)

    everything = client.get(reverse("applications:district_queue"))
    none_in_other = client.get(reverse("applications:district_queue"), {"batch": other.pk})

    assert everything.context["tabs"][0]["count"] == 2
    assert everything.context["total"] == 2
    assert none_in_other.context["tabs"][0]["count"] == 0
    assert queue_numbers(none_in_other) == []


def test_queue_flags_the_same_patent_claimed_twice(world):
    patent = valid_patent(serial=7654321)
    first = world.at_district()
    second = world.at_district()
    third = world.at_district()
    for application in (first, second):
        AchievementFactory(application=application, patent_number=patent)

    response = client_for(world.district).get(reverse("applications:district_queue"))

    flags = {row.number: row.duplicate_patents for row in response.context["rows"]}
    assert flags == {first.number: [patent], second.number: [patent], third.number: []}
    assert response.content.decode().count('data-testid="flag-duplicate-patent"') == 2


def _copies(application, n, *, at):
    """``n`` copies of ``application`` in its status, their ``status_changed_at`` taken from ``at(i)``
    (ties on purpose), counted as the services would."""
    copies = []
    for index in range(n):
        copy = Application.objects.get(pk=application.pk)
        copy.pk = None
        copy.number = f"X{index:09d}"
        copy.applicant = UserFactory(roles=[Role.APPLICANT])
        copy.status_changed_at = at(index)
        copy.save()
        copies.append(copy)
    status_counts_rebuild()
    return copies


def _walk(client, url, params, direction, cursor=None):
    """The pages met following ``direction`` (next/previous) links from ``cursor``: [[numbers]]."""
    pages = []
    response = client.get(url, {**params, **({direction[1]: cursor} if cursor else {})})
    while True:
        pages.append(queue_numbers(response))
        cursor = getattr(response.context["page"], f"{direction[0]}_cursor")
        if cursor is None:
            return pages, response
        assert f"{direction[1]}={cursor}".replace("+", "%2B").replace(":", "%3A") in response.content.decode()
        response = client.get(url, {**params, direction[1]: cursor})


def test_queue_keyset_pages_walk_forward_and_back_in_a_stable_order(world):
    # 120 applications, 40 timestamps shared by three each: the order (status_changed_at, id) must
    # neither skip nor repeat a row across pages, both ways.
    application = world.at_district()
    base = timezone.now() - datetime.timedelta(days=30)
    _copies(application, 119, at=lambda index: base + datetime.timedelta(hours=index // 3))
    expected = list(
        Application.objects.filter(status=Status.DISTRICT_AUDIT)
        .order_by("status_changed_at", "id")
        .values_list("number", flat=True)
    )
    client = client_for(world.district)
    url = reverse("applications:district_queue")

    forward, last = _walk(client, url, {}, ("next", "after"))
    first_cursor = last.context["page"].rows[0]
    backward, _first = _walk(
        client, url, {}, ("previous", "before"), cursor=encode_cursor(first_cursor, ("status_changed_at", "id"))
    )

    assert [len(page) for page in forward] == [50, 50, 20]
    assert [number for page in forward for number in page] == expected
    assert [number for page in reversed(backward) for number in page] == expected[:100]
    assert last.context["total"] == 120
    assert "120" in last.content.decode()


def test_queue_keyset_pages_keep_the_filters(world):
    application = world.at_district()
    _copies(application, 60, at=lambda index: timezone.now() - datetime.timedelta(minutes=index))
    other = World(division=world.division)  # another batch, the same division
    others = [other.at_district() for _ in range(3)]
    client = client_for(world.district)
    url = reverse("applications:district_queue")

    pages, _last = _walk(client, url, {"batch": other.batch.pk}, ("next", "after"))
    searched = client.get(url, {"q": others[0].applicant.real_name, "after": "2000-01-01T00:00:00+00:00~1"})
    after_all = client.get(url, {"batch": world.batch.pk, "after": pages and "2999-01-01T00:00:00+00:00~1"})

    assert pages == [[a.number for a in others]]
    assert queue_numbers(searched) == [others[0].number]
    assert queue_numbers(after_all) == []


def test_queue_cursor_opens_nothing_outside_the_readers_scope(world, other_division):
    # A cursor only says where to start reading: staff of another division following it see their own
    # (empty) queue, never the rows after it.
    application = world.at_district()
    _copies(application, 55, at=lambda index: timezone.now() + datetime.timedelta(minutes=index + 1))
    cursor = client_for(world.district).get(reverse("applications:district_queue")).context["page"].next_cursor
    outsider = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=other_division)

    response = client_for(outsider).get(reverse("applications:district_queue"), {"after": cursor})

    assert queue_numbers(response) == []
    assert response.context["total"] == 0


def test_queue_bad_cursor_says_so_and_shows_the_first_page(world):
    application = world.at_district()
    client = client_for(world.district)

    response = client.get(reverse("applications:district_queue"), {"after": "yesterday~x"}, follow=True)

    assert queue_numbers(response) == [application.number]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The page link is not valid (it names no place in the list); showing the first page instead."
    ]


def test_queue_deep_page_costs_the_queries_of_the_first(world):
    application = world.at_district()
    _copies(application, 110, at=lambda index: timezone.now() + datetime.timedelta(minutes=index + 1))
    client = client_for(world.district)
    url = reverse("applications:district_queue")
    second = client.get(url, {"after": client.get(url).context["page"].next_cursor})
    deep = second.context["page"].next_cursor

    with CaptureQueriesContext(connection) as on_first:
        client.get(url)
    with CaptureQueriesContext(connection) as on_deep:
        third = client.get(url, {"after": deep})

    assert len(queue_numbers(third)) == 11
    # The first page holds the one application with achievements and a signature; the deep one no more.
    assert len(on_deep) <= len(on_first)
    assert not any("OFFSET" in query["sql"].upper() for query in on_deep.captured_queries)


@pytest.mark.parametrize(
    ("stage", "url_name", "queries"), [("district", "district_queue", 21), ("city", "city_queue", 23)]
)
def test_queue_query_count_is_constant(world, django_assert_num_queries, stage, url_name, queries):
    client = client_for(world.city if stage == "city" else world.district)
    add = world.at_city if stage == "city" else world.at_district

    def add_item():
        application = add()
        AchievementFactory(application=application, patent_number=valid_patent(serial=5550000))

    count = assert_constant_queries(
        django_assert_num_queries,
        render=lambda: client.get(reverse(f"applications:{url_name}")),
        add_item=add_item,
        expected=queries,
    )
    MEASURED[url_name] = count
    print(f"\n{url_name}: {count} queries with 1 and with 3 applications")


# --- The application's page -------------------------------------------------------------------------


def test_detail_shows_the_application_to_each_participant(world):
    application = world.at_district()
    for user in (application.applicant, world.contact, world.chairman, world.district, world.city):
        response = client_for(user).get(detail_url(application))
        assert response.status_code == 200, user
        page = response.content.decode()
        assert application.summary in page
        assert application.applicant.masked_id_number in page
        assert application.applicant.id_number not in page
        assert reverse("applications:timeline", args=[application.pk]) in page
    outsider = UserFactory(roles=[Role.APPLICANT])
    assert client_for(outsider).get(detail_url(application)).status_code == 404


def test_detail_links_each_evidence_file(world):
    application = world.at_district()
    files = list(application.evidence.all())

    page = client_for(world.district).get(detail_url(application)).content.decode()

    assert files
    for item in files:
        assert reverse("applications:evidence_download", args=[item.pk]) in page
        assert item.original_name in page


def test_detail_shows_actions_by_role_and_state(world):
    application = world.at_district()

    assert client_for(world.district).get(detail_url(application)).context["actions"] == ["return", "pass", "reject"]
    assert client_for(world.city).get(detail_url(application)).context["actions"] == []
    assert client_for(application.applicant).get(detail_url(application)).context["actions"] == ["withdraw"]
    page = client_for(world.district).get(detail_url(application)).content.decode()
    assert 'data-testid="action-pass"' in page and 'data-testid="reject-form"' in page


def test_detail_reveals_the_whole_id_number_only_on_request_and_logs_it(world):
    application = world.at_district()
    client = client_for(world.district)

    masked = client.get(detail_url(application)).content.decode()
    assert application.applicant.id_number not in masked
    assert 'data-testid="reveal-id"' in masked
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ID_NUMBER_VIEWED).exists()

    response = client.post(detail_url(application), {"reveal": "1"})

    assert response.status_code == 200
    assert application.applicant.id_number in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ID_NUMBER_VIEWED)
    assert (event.user, event.object_id, event.detail) == (
        world.district,
        str(application.applicant_id),
        {"application": application.number},
    )


def test_detail_refuses_the_whole_id_number_to_the_enterprise(world):
    application = world.at_district()
    client = client_for(world.contact)

    page = client.get(detail_url(application)).content.decode()
    response = client.post(detail_url(application), {"reveal": "1"})

    assert 'data-testid="reveal-id"' not in page
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ID_NUMBER_VIEWED).exists()


def test_detail_flags_a_patent_claimed_by_another_applicant_to_staff_only(world, other_world):
    patent = valid_patent(serial=4242424)
    mine = world.at_district()
    theirs = other_world.at_district()
    AchievementFactory(application=mine, patent_number=patent)
    AchievementFactory(application=theirs, patent_number=patent)

    staff_page = client_for(world.district).get(detail_url(mine))
    contact_page = client_for(world.contact).get(detail_url(mine)).content.decode()

    assert staff_page.context["claimed_elsewhere"] == {patent: [theirs.number]}
    assert 'data-testid="patent-claimed-elsewhere"' in staff_page.content.decode()
    assert theirs.number not in contact_page


def test_detail_shows_rank_and_recommendation_to_staff_not_to_the_applicant(world):
    application = world.at_district()

    staff = client_for(world.district).get(detail_url(application)).content.decode()
    own = client_for(application.applicant).get(detail_url(application)).content.decode()

    assert 'data-testid="nomination-rank"' in staff and "技术骨干，贡献突出。" in staff
    assert 'data-testid="nomination-state"' in own
    assert "技术骨干，贡献突出。" not in own


def test_detail_shows_a_voided_signature_with_its_reason(world):
    application = world.submitted()
    world.notice_ended(application)
    world.sign(application)
    services.application_touch(application=application, reason="申报内容已修改")
    Application.objects.filter(pk=application.pk).update(status=Status.DISTRICT_AUDIT)

    response = client_for(world.district).get(detail_url(application))

    assert response.context["nomination"].state == "voided"
    assert response.context["nomination"].reason == "申报内容已修改"
    assert "申报内容已修改" in response.content.decode()


def test_detail_shows_eligibility_and_internal_notice(world):
    application = world.at_district()

    response = client_for(world.district).get(detail_url(application))

    page = response.content.decode()
    assert 'data-testid="eligibility"' in page
    assert response.context["eligibility"]
    assert application.internal_notice.ends_on.isoformat() in page


def test_detail_query_count_is_constant_with_achievements(world, django_assert_num_queries):
    application = world.at_district()
    client = client_for(world.district)

    def add_item():
        achievement = AchievementFactory(application=application)
        evidence_for(application, achievement)

    count = assert_constant_queries(
        django_assert_num_queries, render=lambda: client.get(detail_url(application)), add_item=add_item, expected=28
    )
    MEASURED["detail"] = count
    print(f"\ndetail: {count} queries with 1 and with 3 more achievements")


# --- Actions --------------------------------------------------------------------------------------


def test_district_pass_moves_it_to_the_city_and_logs_the_role(world):
    application = world.at_district()

    response = act(client_for(world.district), application, "pass")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
    log = Transition.objects.get(application=application, action="pass")
    assert (log.actor, log.actor_role, log.from_status, log.to_status) == (
        world.district,
        Role.DISTRICT_STAFF.value,
        Status.DISTRICT_AUDIT,
        Status.CITY_AUDIT,
    )
    assert page_messages(response) == [f"Application {application.number} is now “City audit (市级复审)”."]


def test_city_pass_accepts_it(world):
    application = world.at_city()

    act(client_for(world.city), application, "pass")

    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert Transition.objects.get(application=application, to_status=Status.ACCEPTED).actor_role == Role.CITY_STAFF


def test_pass_goes_back_to_a_safe_next_page_only(world):
    application = world.at_district()
    client = client_for(world.district)
    queue = reverse("applications:district_queue")

    response = act(client, application, "pass", next=queue)
    evil = act(client, world.at_district(), "pass", next="https://evil.example/")

    assert response["Location"] == queue
    assert evil["Location"].startswith("/")


def test_reject_without_reason_is_refused_and_nothing_written(world):
    application = world.at_district()
    before = Transition.objects.count()

    response = act(client_for(world.district), application, "reject", reason="  ")

    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert Transition.objects.count() == before
    assert page_messages(response) == ["Please give the reason; the applicant and the log will show it."]


def test_reject_with_reason_ends_it_and_logs_the_reason(world):
    application = world.at_city()

    act(client_for(world.city), application, "reject", reason="业绩材料不实")

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert Transition.objects.get(application=application, action="reject").reason == "业绩材料不实"


def test_second_staff_acting_on_a_moved_application_gets_the_conflict_message(world):
    application = world.at_district()
    colleague = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=world.division)
    seen = application.status

    act(client_for(world.district), application, "pass")
    response = act(client_for(colleague), application, "reject", status=seen, reason="重复操作")

    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
    assert Transition.objects.filter(application=application, action__in=["pass", "reject"]).count() == 1
    assert page_messages(response) == [
        "This application has just been moved to “City audit (市级复审)” by someone else; nothing was changed."
    ]


def test_pass_refused_by_the_guard_shows_why(world):
    application = world.at_district()
    services.application_touch(application=application, reason="改动")  # voids the signature

    response = act(client_for(world.district), application, "pass")

    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert "signature" in page_messages(response)[0]


def test_actions_outside_the_role_are_forbidden(world):
    application = world.at_district()

    assert act(client_for(application.applicant), application, "pass").status_code == 403
    assert act(client_for(world.city), application, "pass").status_code == 403
    assert act(client_for(world.district), application, "nominate").status_code == 404
    assert client_for(world.district).get(reverse("applications:act", args=[application.pk, "pass"])).status_code == 405
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT


def test_contact_forwards_after_the_notice(world):
    application = world.submitted()
    world.notice_ended(application)
    world.sign(application)
    application.refresh_from_db()

    act(client_for(world.contact), application, "forward")

    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert Transition.objects.get(application=application, action="forward").actor_role == Role.ENTERPRISE_CONTACT


# --- Return for correction ------------------------------------------------------------------------


def return_url(application):
    return reverse("applications:return", args=[application.pk])


def test_return_form_lists_fields_achievements_files_and_profile(world):
    application = world.at_district()
    achievement = application.achievements.get()
    item = application.evidence.get()

    response = client_for(world.district).get(return_url(application))

    targets = [row["target"] for _group, rows in response.context["groups"] for row in rows]
    assert targets == [
        "field:specialty",
        "field:summary",
        f"achievement:{achievement.pk}",
        f"evidence:{item.pk}",
        "profile:educations",
        "profile:titles",
        "profile:skills",
        "profile:work",
        "profile:training",
    ]
    default = add_working_days(timezone.localdate(), world.batch.correction_working_days).end
    assert response.context["form"]["deadline"].value() == default


def test_return_creates_the_request_with_items_and_the_default_deadline(world):
    application = world.at_district()
    achievement = application.achievements.get()
    default = add_working_days(timezone.localdate(), world.batch.correction_working_days).end

    response = client_for(world.district).post(
        return_url(application),
        {
            "status": application.status,
            "reason": "材料不全，请补正。",
            "deadline": default.isoformat(),
            "mark-field-summary": "on",
            "reason-field-summary": "补充经济效益数据",
            f"mark-achievement-{achievement.pk}": "on",
            f"reason-achievement-{achievement.pk}": "证书模糊",
            "mark-profile-training": "on",
            "reason-profile-training": "缺2021年学时",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    correction = CorrectionRequest.objects.get(application=application)
    assert (correction.deadline, correction.returned_from, correction.transition.reason) == (
        default,
        Status.DISTRICT_AUDIT,
        "材料不全，请补正。",
    )
    assert correction.transition.actor_role == Role.DISTRICT_STAFF
    assert [(i.target, i.reason) for i in correction.items.all()] == [
        ("field:summary", "补充经济效益数据"),
        (f"achievement:{achievement.pk}", "证书模糊"),
        ("profile:training", "缺2021年学时"),
    ]


def test_return_with_a_chosen_deadline(world):
    application = world.at_city()
    chosen = timezone.localdate() + datetime.timedelta(days=30)

    client_for(world.city).post(
        return_url(application),
        {
            "reason": "请补正",
            "deadline": chosen.isoformat(),
            "mark-field-specialty": "on",
            "reason-field-specialty": "专业不符",
        },
    )

    correction = CorrectionRequest.objects.get(application=application)
    assert (correction.deadline, correction.returned_from) == (chosen, Status.CITY_AUDIT)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Mark at least one field or file to correct, with its reason."),
        ({"mark-field-summary": "on"}, "Give the reason for this item."),
        ({"reason-field-summary": "补充"}, "Tick this item to return it, or clear its reason."),
        ({"deadline": "2000-01-01", "mark-field-summary": "on", "reason-field-summary": "补充"}, "after today"),
    ],
    ids=["no-items", "item-without-reason", "reason-without-tick", "past-deadline"],
)
def test_return_refused_without_items_or_reasons_writes_nothing(world, data, error):
    application = world.at_district()
    default = add_working_days(timezone.localdate(), world.batch.correction_working_days).end
    data = {"reason": "材料不全", "deadline": default.isoformat(), **data}

    response = client_for(world.district).post(return_url(application), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert not CorrectionRequest.objects.exists() and not CorrectionItem.objects.exists()


def test_return_without_general_reason_is_refused(world):
    application = world.at_district()

    response = client_for(world.district).post(
        return_url(application), {"mark-field-summary": "on", "reason-field-summary": "补充", "deadline": ""}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason", "deadline"}
    assert not CorrectionRequest.objects.exists()


def test_contact_returns_an_application_under_enterprise_review(world):
    application = world.submitted()

    client_for(world.contact).post(
        return_url(application),
        {
            "reason": "请完善",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "mark-field-summary": "on",
            "reason-field-summary": "写明效益",
        },
    )

    correction = CorrectionRequest.objects.get(application=application)
    assert correction.transition.actor_role == Role.ENTERPRISE_CONTACT
    assert correction.returned_from == Status.ENTERPRISE_REVIEW


def test_return_not_allowed_now_redirects_with_a_message(world):
    application = world.at_city()

    response = client_for(world.district).get(return_url(application))

    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert "you cannot return it for correction now" in page_messages(response)[0]


def test_return_of_an_application_moved_meanwhile_reports_the_conflict(world):
    application = world.at_district()
    seen = application.status
    services.application_pass(application=application, actor=world.district)

    response = client_for(world.district).post(
        return_url(application),
        {"status": seen, "reason": "补正", "mark-field-summary": "on", "reason-field-summary": "补充"},
    )

    assert "by someone else" in page_messages(response)[0]
    assert not CorrectionRequest.objects.exists()


# --- Changes between submissions --------------------------------------------------------------------


def resubmitted(world, summary="新的业绩综述：成果转化创造效益1200万元。"):
    application = world.at_district()
    services.application_return(
        application=application,
        actor=world.district,
        reason="请补充效益",
        items=[("field:summary", "业绩综述", "补充效益")],
    )
    application.refresh_from_db()
    services.application_update(
        application=application, actor=application.applicant, specialty=application.specialty, summary=summary
    )
    services.application_resubmit(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


def test_diff_page_shows_the_changed_summary_after_a_resubmission(world):
    old_summary = "主持数控机床主轴系统研发。"
    application = resubmitted(world)

    response = client_for(world.district).get(reverse("applications:diff", args=[application.pk]))

    assert response.status_code == 200
    [pair] = response.context["pairs"]
    assert (pair["old"].revision, pair["new"].revision) == (1, 2)
    summary = [row for row in pair["rows"] if row["change"].field == "summary"]
    assert [(r["change"].kind, r["old"], r["new"]) for r in summary] == [
        ("changed", old_summary, "新的业绩综述：成果转化创造效益1200万元。")
    ]
    page = response.content.decode()
    assert 'data-field="summary"' in page and "新的业绩综述" in page and old_summary in page


def test_detail_shows_the_changes_since_the_previous_submission_to_staff(world):
    application = resubmitted(world)

    staff = client_for(world.district).get(detail_url(application))
    own = client_for(application.applicant).get(detail_url(application))

    assert [row["change"].field for row in staff.context["changes"]] == ["summary"]
    assert 'data-testid="changes"' in staff.content.decode()
    assert reverse("applications:diff", args=[application.pk]) in staff.content.decode()
    assert own.context["changes"] is None
    assert 'data-testid="corrections"' in own.content.decode()


def test_diff_page_of_a_first_submission_says_so(world):
    application = world.at_district()

    response = client_for(world.city).get(reverse("applications:diff", args=[application.pk]))

    assert response.context["pairs"] == []
    assert 'data-testid="empty-state"' in response.content.decode()


def test_diff_masks_personal_numbers():
    from applications.snapshots import Change
    from applications.views.audit import diff_rows

    change = Change("applicant", "", "id_number", "changed", "370481199001011234", "37048119900101123X")
    achievement = Change("achievements", "专利", "patent_type", "changed", "invention", "utility_model")

    with translation.override("en"):
        rows = diff_rows([change, achievement])

    assert (rows[0]["old"], rows[0]["new"]) == ("3704**********1234", "3704**********123X")
    assert (str(rows[1]["old"]), str(rows[1]["new"])) == ("Invention (发明)", "Utility model (实用新型)")


def test_queue_flags_a_patent_also_claimed_outside_the_queue(world, other_division):
    """The same patent claimed by an applicant of another division is flagged too."""
    patent = valid_patent(serial=7654322)
    mine = world.at_district()
    elsewhere = World(division=other_division).at_district()
    AchievementFactory(application=mine, patent_number=patent)
    AchievementFactory(application=elsewhere, patent_number=patent)

    response = client_for(world.district).get(reverse("applications:district_queue"))

    flags = {row.number: row.duplicate_patents for row in response.context["rows"]}
    assert flags == {mine.number: [patent]}


def test_detail_standard_achievement_lists_its_facts_without_a_leading_dot(world):
    """标准制定 has no patent number: its facts begin with the level, not with a stray "·"."""
    application = world.at_district()
    AchievementFactory(
        application=application,
        kind=AchievementKind.STANDARD,
        title="数控机床主轴技术条件",
        patent_number="",
        patent_type="",
        inventor_rank=None,
        level=AchievementLevel.INDUSTRY,
        role="主要起草人",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.district, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")

    page = client.get(detail_url(application)).content.decode()

    facts = re.findall(r'data-testid="achievement-facts">(.*?)</div>', page, re.S)
    standard = next(f for f in facts if "主要起草人" in f)
    assert "·" not in standard
    assert re.sub(r"<[^>]+>|\s+", " ", standard).split() == ["行业", "主要起草人"]
