"""The enterprise's pages: the contact's list, internal notice, objections and forwarding; the chairman's
ranked, signed nomination and its letter. Each test checks what changed in the database or on the page."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from applications import services
from applications.models import (
    Application,
    InternalNotice,
    InternalObjection,
    Nomination,
    NominationEntry,
    Status,
    Transition,
)
from tests.applications.factories import World
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import AuditEvent, OneTimeCode, Role, SmsMessage
from zaozhuang_titles.workdays import period_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def client_of(user):
    """A client logged in as ``user`` that reads the pages in English (the msgids)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_messages(client, response):
    """The flash messages shown on the page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


# --- The contact's list --------------------------------------------------------------------------


def test_contact_list_shows_states_of_each_application(world):
    fresh = world.submitted()
    running = world.submitted()
    ended = world.submitted()
    today = timezone.localdate()
    InternalNotice.objects.create(
        enterprise=world.enterprise,
        batch=world.batch,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        working_days=5,
        provisional=True,
        location="公告栏",
        started_by=world.contact,
    ).applications.add(running)
    world.notice_ended(ended)
    world.sign(ended)
    draft = world.draft()

    response = client_of(world.contact).get(reverse("applications:enterprise_applications"))

    rows = {a.pk: a for group in response.context["groups"] for a in group["applications"]}
    assert set(rows) == {fresh.pk, running.pk, ended.pk}  # never the draft
    assert draft.pk not in rows
    assert rows[fresh.pk].notice_state == "none"
    assert rows[fresh.pk].nomination.state == "unsigned"
    assert rows[running.pk].notice_state == "running"
    assert rows[ended.pk].notice_state == "ended"
    assert rows[ended.pk].nomination.state == "signed"
    assert rows[ended.pk].forward_blocked == ""
    content = response.content.decode()
    assert f"Running until {(today + datetime.timedelta(days=6)):%Y-%m-%d}" in content
    assert "Provisional end date" in content
    assert content.count('data-testid="forward"') == 1  # only the one whose notice ended and is signed
    # The forward guard's own sentence (the list used to reword it).
    assert "Make the application known inside the enterprise (单位内部公示) before forwarding it." in content


def test_contact_list_shows_voided_signature_and_open_objection(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    world.sign(application)
    services.application_touch(application=application, reason="申报内容已修改。")
    InternalObjection.objects.create(
        notice=notice,
        application=application,
        raised_on=notice.starts_on,
        raised_by="职工甲",
        content="业绩不实",
        recorded_by=world.contact,
    )

    response = client_of(world.contact).get(reverse("applications:enterprise_applications"))

    row = response.context["groups"][0]["applications"][0]
    assert row.nomination.state == "voided"
    assert row.nomination.reason == "申报内容已修改。"
    assert row.open_objections == 1
    assert row.forward_blocked == "An objection raised during the internal notice is not settled yet."
    assert 'data-testid="open-objections"' in response.content.decode()


def test_contact_list_is_scoped_to_the_contacts_enterprise(world):
    own = world.submitted()
    other = World()
    foreign = other.submitted()

    response = client_of(world.contact).get(reverse("applications:enterprise_applications"))

    shown = [a.pk for group in response.context["groups"] for a in group["applications"]]
    assert shown == [own.pk]
    assert foreign.number not in response.content.decode()


def test_contact_list_filters_by_batch_and_status(world):
    waiting = world.submitted()
    forwarded = world.at_district()
    second = World()
    second.enterprise = world.enterprise  # another batch, same enterprise
    second.contact, second.chairman = world.contact, world.chairman
    elsewhere = second.submitted()
    client = client_of(world.contact)
    url = reverse("applications:enterprise_applications")

    def shown(**params):
        response = client.get(url, params)
        return {a.pk for group in response.context["groups"] for a in group["applications"]}

    assert shown() == {waiting.pk, forwarded.pk, elsewhere.pk}
    assert shown(batch=world.batch.pk) == {waiting.pk, forwarded.pk}
    assert shown(status=Status.DISTRICT_AUDIT) == {forwarded.pk}
    assert shown(batch=second.batch.pk, status=Status.ENTERPRISE_REVIEW) == {elsewhere.pk}


def test_contact_without_enterprise_sees_how_to_register():
    contact = UserFactory(roles=[Role.ENTERPRISE_CONTACT])

    response = client_of(contact).get(reverse("applications:enterprise_applications"))

    assert response.status_code == 200
    assert response.context["enterprise"] is None
    assert "No enterprise is linked to your account yet" in response.content.decode()


def test_contact_list_runs_a_constant_number_of_queries(world, django_assert_num_queries):
    client = client_of(world.contact)
    url = reverse("applications:enterprise_applications")

    def add_item():
        application = world.submitted()
        world.notice_ended(application)
        world.sign(application)

    # session, user, roles, enterprise (x3: page, scope, workflow), list, notices, nominations, and the
    # signatures checked against the content (entries + the content of the signed ones, whatever their number)
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add_item, expected=22)


def test_internal_notice_page_query_count_is_constant(world, django_assert_num_queries):
    """The notice's page with 1 and 3 applications, each with an objection."""
    today = timezone.localdate()
    notice = InternalNotice.objects.create(
        enterprise=world.enterprise,
        batch=world.batch,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        working_days=5,
        location="公告栏",
        started_by=world.contact,
    )

    def add_item():
        application = world.submitted()
        notice.applications.add(application)
        InternalObjection.objects.create(
            notice=notice,
            application=application,
            raised_on=today,
            raised_by="职工甲",
            content="业绩不实",
            recorded_by=world.contact,
        )

    client = client_of(world.contact)
    url = reverse("applications:internal_notice", args=[notice.pk])
    # the forward guard asked of each application (why_not) reads the signatures the page already loaded
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add_item, expected=13)
    assert client.get(url).content.decode().count("业绩不实") == 3


# --- Internal notice -------------------------------------------------------------------------------


def test_notice_start_computes_the_dates_with_the_working_day_calendar(world):
    first, second = world.submitted(), world.submitted()
    starts_on = timezone.localdate() + datetime.timedelta(days=10)
    expected = period_end(starts_on, world.batch.notice_working_days)
    client = client_of(world.contact)

    response = client.post(
        reverse("applications:internal_notice_start", args=[world.batch.pk]),
        {"applications": [first.pk, second.pk], "starts_on": starts_on.isoformat(), "location": "一号楼公告栏"},
    )

    notice = InternalNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:internal_notice", args=[notice.pk])
    assert (notice.starts_on, notice.ends_on) == (expected.first_day, expected.end)
    assert notice.working_days == world.batch.notice_working_days
    assert notice.provisional is expected.provisional
    assert (notice.location, notice.started_by) == ("一号楼公告栏", world.contact)
    assert set(Application.objects.filter(internal_notice=notice).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    page = client.get(response["Location"])
    assert f"{expected.first_day:%Y-%m-%d} to {expected.end:%Y-%m-%d}" in page.content.decode()
    listing = client.get(reverse("applications:enterprise_applications"))
    row = next(a for g in listing.context["groups"] for a in g["applications"] if a.pk == first.pk)
    assert row.notice_state == "upcoming"
    assert f"Runs from {expected.first_day:%Y-%m-%d} to {expected.end:%Y-%m-%d}" in listing.content.decode()


def test_notice_start_in_a_year_without_schedule_is_provisional_and_says_so(world):
    application = world.submitted()
    starts_on = datetime.date(timezone.localdate().year + 1, 3, 1)
    expected = period_end(starts_on, world.batch.notice_working_days)
    assert expected.provisional  # chinesecalendar stops at 2026 and no CalendarDay is entered
    client = client_of(world.contact)

    preview = client.get(
        reverse("applications:internal_notice_preview", args=[world.batch.pk]), {"starts_on": starts_on.isoformat()}
    )
    response = client.post(
        reverse("applications:internal_notice_start", args=[world.batch.pk]),
        {"applications": [application.pk], "starts_on": starts_on.isoformat(), "location": "公告栏"},
    )

    assert f"{expected.first_day:%Y-%m-%d} to {expected.end:%Y-%m-%d}" in preview.content.decode()
    assert 'data-testid="provisional-warning"' in preview.content.decode()
    notice = InternalNotice.objects.get()
    assert notice.provisional is True
    assert notice.ends_on == expected.end
    page = client.get(response["Location"])
    assert 'data-testid="notice-provisional"' in page.content.decode()
    assert any("Provisional" in m for m in messages_of(page))


def test_notice_start_page_shows_the_end_for_the_default_first_day(world):
    world.submitted()

    response = client_of(world.contact).get(reverse("applications:internal_notice_start", args=[world.batch.pk]))

    expected = period_end(timezone.localdate(), world.batch.notice_working_days)
    assert response.context["preview"] == expected
    assert f"to {expected.end:%Y-%m-%d}" in response.content.decode()


def test_notice_start_refuses_a_past_day_and_an_empty_choice(world):
    application = world.submitted()
    client = client_of(world.contact)
    url = reverse("applications:internal_notice_start", args=[world.batch.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    past = client.post(url, {"applications": [application.pk], "starts_on": yesterday.isoformat(), "location": "x"})
    empty = client.post(url, {"starts_on": timezone.localdate().isoformat(), "location": "x"})

    assert past.context["form"].errors["starts_on"] == ["The notice cannot start in the past."]
    assert empty.context["form"].errors["applications"] == ["Choose at least one application to make known."]
    assert InternalNotice.objects.count() == 0


def test_notice_start_offers_only_own_waiting_applications(world):
    waiting = world.submitted()
    in_notice = world.submitted()
    world.notice_ended(in_notice)
    foreign = World().submitted()
    client = client_of(world.contact)
    url = reverse("applications:internal_notice_start", args=[world.batch.pk])

    offered = set(client.get(url).context["form"].fields["applications"].queryset.values_list("pk", flat=True))
    tampered = client.post(
        url, {"applications": [foreign.pk], "starts_on": timezone.localdate().isoformat(), "location": "x"}
    )

    assert offered == {waiting.pk}
    assert "applications" in tampered.context["form"].errors
    assert InternalNotice.objects.filter(enterprise=world.enterprise).count() == 1  # only world.notice_ended's
    foreign.refresh_from_db()
    assert foreign.internal_notice_id is None


def test_notice_of_another_enterprise_is_not_found(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    stranger = World()

    response = client_of(stranger.contact).get(reverse("applications:internal_notice", args=[notice.pk]))

    assert response.status_code == 404


# --- Objections and forwarding -------------------------------------------------------------------


def test_objection_blocks_forwarding_until_it_is_settled(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    world.sign(application)
    client = client_of(world.contact)

    recorded = client.post(
        reverse("applications:internal_objection_record", args=[notice.pk]),
        {
            "application": application.pk,
            "raised_on": notice.starts_on.isoformat(),
            "raised_by": "研发部 王五",
            "content": "专利排名与实际不符",
        },
    )
    objection = InternalObjection.objects.get()
    assert recorded.status_code == 302
    assert (objection.application, objection.raised_by, objection.recorded_by) == (
        application,
        "研发部 王五",
        world.contact,
    )
    listing = client.get(reverse("applications:enterprise_applications"))
    assert "An objection raised during the internal notice is not settled yet." in listing.content.decode()

    refused = client.post(reverse("applications:application_forward", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.NOMINATED
    assert any("not settled" in m for m in follow_messages(client, refused))

    settled = client.post(
        reverse("applications:internal_objection_resolve", args=[objection.pk]),
        {"upheld": "no", "resolution": "经核实，专利排名属实。"},
    )
    objection.refresh_from_db()
    assert settled.status_code == 302
    assert (objection.upheld, objection.resolution) == (False, "经核实，专利排名属实。")
    assert objection.resolved_at is not None

    client.post(reverse("applications:application_forward", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT


def test_upheld_objection_keeps_the_application_from_being_forwarded(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    world.sign(application)
    objection = services.internal_objection_record(
        notice=notice,
        application=application,
        actor=world.contact,
        raised_on=notice.starts_on,
        raised_by="甲",
        content="不实",
    )
    client = client_of(world.contact)

    client.post(
        reverse("applications:internal_objection_resolve", args=[objection.pk]),
        {"upheld": "yes", "resolution": "属实。"},
    )
    response = client.post(reverse("applications:application_forward", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Status.NOMINATED
    assert InternalObjection.objects.get().upheld is True
    assert any("upheld" in m for m in follow_messages(client, response))


def test_objection_outside_the_notice_dates_is_refused(world):
    application = world.submitted()
    notice = world.notice_ended(application)

    response = client_of(world.contact).post(
        reverse("applications:internal_objection_record", args=[notice.pk]),
        {
            "application": application.pk,
            "raised_on": (notice.ends_on + datetime.timedelta(days=1)).isoformat(),
            "raised_by": "甲",
            "content": "不实",
        },
    )

    assert response.status_code == 200
    assert "raised_on" in response.context["form"].errors
    assert InternalObjection.objects.count() == 0


def test_settling_an_objection_twice_changes_nothing(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    objection = services.internal_objection_record(
        notice=notice,
        application=application,
        actor=world.contact,
        raised_on=notice.starts_on,
        raised_by="甲",
        content="x",
    )
    services.internal_objection_resolve(objection=objection, actor=world.contact, upheld=False, resolution="不属实")

    response = client_of(world.contact).post(
        reverse("applications:internal_objection_resolve", args=[objection.pk]), {"upheld": "yes", "resolution": "改"}
    )

    objection.refresh_from_db()
    assert response.status_code == 302
    assert (objection.upheld, objection.resolution) == (False, "不属实")


def test_objection_of_another_enterprise_is_not_found(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    objection = services.internal_objection_record(
        notice=notice,
        application=application,
        actor=world.contact,
        raised_on=notice.starts_on,
        raised_by="甲",
        content="x",
    )

    response = client_of(World().contact).post(
        reverse("applications:internal_objection_resolve", args=[objection.pk]), {"upheld": "yes", "resolution": "x"}
    )

    objection.refresh_from_db()
    assert response.status_code == 404
    assert objection.resolved_at is None


def test_forward_while_the_notice_runs_says_until_when_before_and_after_the_click(world):
    application = world.submitted()
    world.sign(application)
    today = timezone.localdate()
    ends_on = today + datetime.timedelta(days=4)
    notice = InternalNotice.objects.create(
        enterprise=world.enterprise,
        batch=world.batch,
        starts_on=today,
        ends_on=ends_on,
        working_days=5,
        location="公告栏",
        started_by=world.contact,
    )
    notice.applications.add(application)
    client = client_of(world.contact)

    before = client.get(reverse("applications:enterprise_applications")).content.decode()
    response = client.post(reverse("applications:application_forward", args=[application.pk]))

    with translation.override("en"):
        assert f"The internal notice runs until {formats.date_format(ends_on, 'DATE_FORMAT')}" in before
    assert 'data-testid="forward"' not in before
    application.refresh_from_db()
    assert application.status == Status.NOMINATED
    assert any("runs until" in m for m in follow_messages(client, response))


def test_forward_after_the_notice_moves_the_application_to_the_district(world):
    application = world.submitted()
    world.notice_ended(application)
    world.sign(application)
    client = client_of(world.contact)

    response = client.post(reverse("applications:application_forward", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    log = Transition.objects.filter(application=application, action="forward").get()
    assert (log.actor, log.from_status, log.to_status, log.ip) == (
        world.contact,
        Status.NOMINATED,
        Status.DISTRICT_AUDIT,
        "127.0.0.1",
    )
    assert any("forwarded to the district audit" in m for m in follow_messages(client, response))


def test_forward_without_a_valid_nomination_is_refused_in_the_dedicated_channel(world):
    application = world.submitted()
    world.notice_ended(application)
    client = client_of(world.contact)

    before = client.get(reverse("applications:enterprise_applications")).content.decode()
    response = client.post(reverse("applications:application_forward", args=[application.pk]))

    # The forward guard's own sentence (the list used to reword it).
    assert "The dedicated channel needs the chairman&#x27;s signed nomination" in before
    application.refresh_from_db()
    assert application.status == Status.ENTERPRISE_REVIEW
    assert any("chairman" in m for m in follow_messages(client, response))


def test_forward_returns_to_a_safe_next_page_only(world):
    application = world.submitted()
    notice = world.notice_ended(application)
    world.sign(application)
    client = client_of(world.contact)
    notice_url = reverse("applications:internal_notice", args=[notice.pk])

    response = client.post(
        reverse("applications:application_forward", args=[application.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("applications:enterprise_applications")
    other = world.submitted()
    notice.applications.add(other)
    world.sign(application, other)
    response = client.post(reverse("applications:application_forward", args=[other.pk]), {"next": notice_url})
    assert response["Location"] == notice_url


def test_forward_of_another_enterprise_application_is_not_found(world):
    stranger = World()
    application = stranger.submitted()
    stranger.notice_ended(application)
    stranger.sign(application)

    response = client_of(world.contact).post(reverse("applications:application_forward", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 404
    assert application.status == Status.NOMINATED


def test_return_link_is_shown_when_the_audit_area_provides_it(world):
    world.submitted()
    try:
        reverse("applications:return", args=[1])
    except NoReverseMatch:
        pytest.skip("the shared return form (applications:return) is not there yet")

    content = client_of(world.contact).get(reverse("applications:enterprise_applications")).content.decode()

    assert 'data-testid="return"' in content


# --- The chairman --------------------------------------------------------------------------------


def ranking_data(applications, *, recommendations=None, action="sign", code=""):
    """POST data ranking ``applications`` in the given order."""
    data = {"action": action, "code": code}
    for rank, application in enumerate(applications, start=1):
        data[f"rank_{application.pk}"] = str(rank)
        text = "技术骨干，主持关键产品研发。" if recommendations is None else recommendations[rank - 1]
        data[f"recommendation_{application.pk}"] = text
    return data


def sent_code(chairman):
    text = SmsMessage.objects.filter(mobile=chairman.mobile).latest("created_at").text
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_chairman_home_lists_nominees_with_their_signature_state(world):
    signed = world.submitted()
    voided = world.submitted()
    never = world.submitted()
    world.sign(signed, voided)
    services.application_touch(application=voided, reason="申报内容已修改。")

    response = client_of(world.chairman).get(reverse("applications:chairman_home"))

    group = response.context["groups"][0]
    states = {n.pk: n.nomination.state for n in group["nominees"]}
    assert states == {signed.pk: "signed", voided.pk: "voided", never.pk: "unsigned"}
    assert group["needs_signature"] is True
    content = response.content.decode()
    assert "Signature voided: 申报内容已修改。 A new signature is needed." in content
    assert "Never signed" in content
    assert 'data-testid="letter-download"' not in content  # World.sign makes no letter


def test_chairman_home_leaves_out_regular_batches_and_other_enterprises(world):
    world.submitted()
    regular = World(channel="regular")
    regular.enterprise, regular.chairman = world.enterprise, world.chairman
    regular.submitted()
    World().submitted()

    response = client_of(world.chairman).get(reverse("applications:chairman_home"))

    assert [g["batch"] for g in response.context["groups"]] == [world.batch]
    assert len(response.context["groups"][0]["nominees"]) == 1


def test_chairman_home_runs_a_constant_number_of_queries(world, django_assert_num_queries):
    client = client_of(world.chairman)
    url = reverse("applications:chairman_home")

    def add_item():
        application = world.submitted()
        world.sign(application)

    # 13, and the signatures checked against the content (whatever their number), less a prefetch
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add_item, expected=20)


def test_sign_page_runs_a_constant_number_of_queries(world, django_assert_num_queries):
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])

    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), world.submitted, expected=12)


def test_ranking_with_a_duplicate_rank_is_refused_with_nothing_written(world):
    first, second = world.submitted(), world.submitted()
    data = ranking_data([first, second], code="123456")
    data[f"rank_{second.pk}"] = "1"

    response = client_of(world.chairman).post(reverse("applications:nomination_sign", args=[world.batch.pk]), data)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("Rank 1 is given to")
    assert Nomination.objects.count() == 0
    assert not OneTimeCode.objects.exists()


def test_ranking_without_a_recommendation_is_refused_with_nothing_written(world):
    first, second = world.submitted(), world.submitted()
    data = ranking_data([first, second], recommendations=["骨干", "   "], code="123456")

    response = client_of(world.chairman).post(reverse("applications:nomination_sign", args=[world.batch.pk]), data)

    assert response.context["form"].errors[f"recommendation_{second.pk}"] == [
        "Write a recommendation for this nominee."
    ]
    assert Nomination.objects.count() == 0
    # What was typed is shown again.
    assert "骨干" in response.content.decode()


def test_sign_without_a_code_asks_for_one(world):
    application = world.submitted()

    response = client_of(world.chairman).post(
        reverse("applications:nomination_sign", args=[world.batch.pk]), ranking_data([application])
    )

    assert "code" in response.context["form"].errors
    assert Nomination.objects.count() == 0


def test_code_request_texts_the_chairman_and_keeps_what_was_typed(world):
    first, second = world.submitted(), world.submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])

    response = client.post(
        url, ranking_data([second, first], recommendations=["第一名的推荐语", "第二名的推荐语"], action="send_code")
    )

    assert response.status_code == 302
    sms = SmsMessage.objects.get()
    assert sms.mobile == world.chairman.mobile
    assert OneTimeCode.objects.filter(user=world.chairman).count() == 1
    page = client.get(response["Location"])
    shown = messages_of(page)
    assert any(world.chairman.masked_mobile in m and "5 minutes" in m for m in shown)
    content = page.content.decode()
    assert "第一名的推荐语" in content and "第二名的推荐语" in content
    assert [n.pk for n, _rank, _text in page.context["form"].nominees()] == [second.pk, first.pk]


def test_second_code_request_within_a_minute_is_refused_with_the_rate_limit_message(world):
    world.submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])

    client.post(url, {"action": "send_code"})
    response = client.post(url, {"action": "send_code"})

    assert SmsMessage.objects.count() == 1
    assert any("Wait" in m for m in follow_messages(client, response))


def test_sign_with_the_right_code_creates_the_nomination_and_its_letter(world):
    first, second = world.submitted(), world.submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])
    client.post(url, ranking_data([second, first], action="send_code"))

    response = client.post(
        url, ranking_data([second, first], recommendations=["贡献最大", "贡献次之"], code=sent_code(world.chairman))
    )

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.enterprise, nomination.batch, nomination.signed_by) == (
        world.enterprise,
        world.batch,
        world.chairman,
    )
    assert nomination.signed_ip == "127.0.0.1"
    entries = list(nomination.entries.order_by("rank").values_list("application_id", "rank", "recommendation"))
    assert entries == [(second.pk, 1, "贡献最大"), (first.pk, 2, "贡献次之")]
    assert default_storage.exists(nomination.letter)
    with default_storage.open(nomination.letter, "rb") as letter:
        assert letter.read(5) == b"%PDF-"
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.NOMINATED
    }
    home = client.get(response["Location"])
    assert 'data-testid="letter-download"' in home.content.decode()
    assert home.context["groups"][0]["needs_signature"] is False
    assert not any(key.startswith("nomination_draft") for key, _value in client.session.items())


def test_sign_with_a_wrong_code_writes_nothing(world):
    application = world.submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])
    client.post(url, ranking_data([application], action="send_code"))
    wrong = "000000" if sent_code(world.chairman) != "000000" else "111111"

    response = client.post(url, ranking_data([application], recommendations=["推荐"], code=wrong))

    assert response.status_code == 200
    assert response.context["form"].errors["code"][0].startswith("Wrong code.")
    assert Nomination.objects.count() == 0
    assert NominationEntry.objects.count() == 0
    application.refresh_from_db()
    assert application.status == Status.ENTERPRISE_REVIEW
    assert "推荐" in response.content.decode()


def test_wrong_codes_are_counted_towards_the_lock(world):
    application = world.submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])
    client.post(url, ranking_data([application], action="send_code"))
    wrong = "000000" if sent_code(world.chairman) != "000000" else "111111"

    client.post(url, ranking_data([application], code=wrong))

    assert OneTimeCode.objects.get().attempts == 1


def test_tampered_ranking_naming_another_enterprise_application_is_refused(world):
    own = world.submitted()
    foreign = World().submitted()
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])
    client.post(url, ranking_data([own], action="send_code"))
    data = ranking_data([own], code=sent_code(world.chairman))
    data[f"rank_{foreign.pk}"] = "2"
    data[f"recommendation_{foreign.pk}"] = "冒名"

    response = client.post(url, data)

    assert response.status_code == 403
    assert Nomination.objects.count() == 0
    assert NominationEntry.objects.count() == 0
    foreign.refresh_from_db()
    own.refresh_from_db()
    assert (own.status, foreign.status) == (Status.ENTERPRISE_REVIEW, Status.ENTERPRISE_REVIEW)


def test_chairman_cannot_open_the_ranking_of_another_enterprise_batch(world):
    stranger = World()
    stranger.submitted()
    world.submitted()

    response = client_of(world.chairman).get(reverse("applications:nomination_sign", args=[stranger.batch.pk]))

    assert response.status_code == 404


def test_voided_signature_is_shown_and_the_whole_ranking_is_signed_again(world):
    first, second = world.submitted(), world.submitted()
    old = world.sign(first, second)
    services.application_touch(application=second, reason="业绩材料已修改。")
    client = client_of(world.chairman)
    url = reverse("applications:nomination_sign", args=[world.batch.pk])

    page = client.get(url)
    assert "Signature voided: 业绩材料已修改。 A new signature is needed." in page.content.decode()
    # The form starts from the last signed ranking and its recommendations.
    assert page.context["form"].initial[f"rank_{first.pk}"] == 1
    assert page.context["form"].initial[f"recommendation_{second.pk}"] == "技术骨干，贡献突出。"

    client.post(url, ranking_data([first, second], action="send_code"))
    client.post(url, ranking_data([second, first], code=sent_code(world.chairman)))

    new = Nomination.objects.exclude(pk=old.pk).get()
    valid = NominationEntry.objects.filter(voided_at__isnull=True)
    assert set(valid.values_list("nomination_id", flat=True)) == {new.pk}
    assert list(valid.order_by("rank").values_list("application_id", flat=True)) == [second.pk, first.pk]
    assert not old.entries.filter(voided_at__isnull=True).exists()


def test_sign_page_prefills_the_ranking_last_signed_then_new_nominees(world):
    first, second = world.submitted(), world.submitted()
    world.sign(second, first)  # signed in the reverse of the listed order
    third = world.submitted()  # a nominee added since
    client = client_of(world.chairman)

    page = client.get(reverse("applications:nomination_sign", args=[world.batch.pk]))

    initial = page.context["form"].initial
    assert [initial[f"rank_{a.pk}"] for a in (second, first, third)] == [1, 2, 3]
    assert [nominee.pk for nominee, _rank, _text in page.context["form"].nominees()] == [second.pk, first.pk, third.pk]
    body = page.content.decode()
    assert 'data-testid="prefilled-note"' in body
    assert "filled in from the order you last signed" in body


def test_sign_page_without_a_signature_lists_in_order_and_says_nothing(world):
    first, second = world.submitted(), world.submitted()

    page = client_of(world.chairman).get(reverse("applications:nomination_sign", args=[world.batch.pk]))

    initial = page.context["form"].initial
    assert [initial[f"rank_{a.pk}"] for a in (first, second)] == [1, 2]
    assert 'data-testid="prefilled-note"' not in page.content.decode()


def test_chairman_without_enterprise_sees_an_explanation():
    chairman = UserFactory(roles=[Role.CHAIRMAN])

    response = client_of(chairman).get(reverse("applications:chairman_home"))

    assert response.status_code == 200
    assert "Your account is not the chairman of a registered enterprise" in response.content.decode()


# --- The nomination letter -----------------------------------------------------------------------


@pytest.fixture
def signed(world):
    application = world.submitted()
    world.notice_ended(application)
    services.nomination_request_code(chairman=world.chairman, enterprise=world.enterprise, batch=world.batch)
    nomination = services.nomination_sign(
        chairman=world.chairman,
        enterprise=world.enterprise,
        batch=world.batch,
        ranking=[(application, "贡献突出")],
        code=sent_code(world.chairman),
    )
    return nomination, application


def test_letter_download_is_a_pdf_attachment_and_logged(world, signed):
    nomination, _application = signed

    response = client_of(world.chairman).get(reverse("applications:nomination_letter", args=[nomination.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert (event.user, event.object_type, event.object_id) == (
        world.chairman,
        "applications.nomination",
        str(nomination.pk),
    )


def test_letter_is_for_the_enterprise_and_hr_staff_in_scope_only(world, signed):
    nomination, application = signed
    url = reverse("applications:nomination_letter", args=[nomination.pk])
    other_district = UserFactory(roles=[Role.DISTRICT_STAFF])
    other_contact = ContactFactory(enterprise=EnterpriseFactory()).user

    assert client_of(world.contact).get(url).status_code == 200
    assert client_of(world.city).get(url).status_code == 200
    assert client_of(World().chairman).get(url).status_code == 404
    assert client_of(other_contact).get(url).status_code == 404
    assert client_of(other_district).get(url).status_code == 404
    assert client_of(application.applicant).get(url).status_code == 403
    # District staff see it once the enterprise has forwarded the application to them.
    assert client_of(world.district).get(url).status_code == 404
    application.refresh_from_db()
    services.application_forward(application=application, actor=world.contact)
    assert client_of(world.district).get(url).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).count() == 3


def test_contact_list_says_returned_for_correction_once_for_a_returned_application(world):
    # The status badge reads 退回补正; a second line "Returned for correction" repeated it on the same row.
    application = world.at_district()
    items = [("field:summary", "业绩摘要", "请写明经济效益")]
    services.application_return(application=application, actor=world.district, reason="请补正", items=items)
    application.refresh_from_db()
    assert application.status == Status.RETURNED

    response = client_of(world.contact).get(reverse("applications:enterprise_applications"))

    row = re.search(r'<tr data-testid="application-row">.*?</tr>', response.content.decode(), re.S).group(0)
    assert row.count("Returned for correction") == 1
