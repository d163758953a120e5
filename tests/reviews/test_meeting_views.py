"""The meeting's pages: staff attendance with the quorum, opening and closing the vote, results and the
record after the close; the expert's ballot page with its buttons, "voted" and no counts before the
close; scoping (404 outside the reader's meetings and for a recused case); constant queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Ballot, Meeting, VoteCast
from reviews.services.voting import attendance_record, ballot_cast, vote_close, vote_open
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from tests.reviews.factories import ExpertFactory, MeetingFactory, ReviewWorld
from tests.reviews.voting_helpers import cast_all, officers, voting_world
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def meeting_url(world, name="reviews:vote_meeting"):
    return reverse(name, kwargs={"pk": world.meeting.pk})


def text(response):
    return response.content.decode()


# --- Staff ---------------------------------------------------------------------------------------


def test_staff_page_states_attendance_quorum_and_rule():
    world = ReviewWorld(cases=1, panel_size=7)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:4]])
    response = client_for(world.city).get(meeting_url(world))
    page = text(response)
    assert response.status_code == 200
    assert "Present 4 / expected 7, quorum 5 (2/3 of the panel)" in page
    assert 'data-testid="not-quorate"' in page
    assert "two thirds of the experts present and not recused" in page
    assert 'data-testid="open-vote"' in page
    assert 'data-testid="close-vote"' not in page


def test_staff_record_attendance_by_post():
    world = ReviewWorld(cases=1, panel_size=3)
    client = client_for(world.city)
    response = client.post(meeting_url(world), {"present": [world.experts[0].pk, world.experts[1].pk]})
    assert response.status_code == 302
    page = text(client.get(meeting_url(world)))
    assert "Present 2 / expected 3, quorum 2" in page
    assert 'data-testid="quorate"' in page
    assert world.meeting.attendance.filter(present=True).count() == 2


def test_staff_attendance_post_with_a_stranger_is_refused():
    world = ReviewWorld(cases=1, panel_size=3)
    response = client_for(world.city).post(meeting_url(world), {"present": [ExpertFactory().pk]})
    assert response.status_code == 200  # the form's choices are the seats: the form shows the error
    assert world.meeting.attendance.count() == 0


def test_staff_open_vote_without_quorum_shows_the_counts():
    world = ReviewWorld(cases=1, panel_size=5)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[world.experts[0].pk])
    client = client_for(world.city)
    response = client.post(meeting_url(world, "reviews:vote_open"), follow=True)
    assert "not quorate: 1 of the 5 experts" in text(response)
    assert Meeting.objects.get().status == Meeting.Status.SCORING


def test_staff_open_then_close_vote_by_the_buttons():
    world = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    client = client_for(world.city)
    before = text(client.get(meeting_url(world)))
    assert 'data-testid="early-warning"' in before and 'data-testid="confirm-early-open"' in before
    refused = text(client.post(meeting_url(world, "reviews:vote_open"), follow=True))
    assert "needs your explicit confirmation" in refused
    assert Meeting.objects.get().status == Meeting.Status.SCORING
    page = text(client.post(meeting_url(world, "reviews:vote_open"), {"confirm_early": "on"}, follow=True))
    assert Meeting.objects.get().status == Meeting.Status.VOTING
    assert 'data-testid="close-vote"' in page and 'data-testid="confirm-early-close"' in page
    assert 'data-testid="attendance-form"' not in page
    cast_all(world, world.cases[0], ["yes", "yes", "no"])
    assert 'data-testid="close-chair"' in page and 'data-testid="close-recorder"' in page
    named = {"chair": world.experts[1].pk, "recorder": world.city.pk}
    client.post(meeting_url(world, "reviews:vote_close"), named)
    assert Meeting.objects.get().status == Meeting.Status.VOTING
    unnamed = text(client.post(meeting_url(world, "reviews:vote_close"), {"confirm_early": "on"}, follow=True))
    assert "Name the chair of the panel" in unnamed and "Name the recorder" in unnamed
    assert Meeting.objects.get().status == Meeting.Status.VOTING
    page = text(client.post(meeting_url(world, "reviews:vote_close"), {"confirm_early": "on", **named}, follow=True))
    assert Meeting.objects.get().status == Meeting.Status.CLOSED
    assert (Meeting.objects.get().chair, Meeting.objects.get().recorder) == (world.experts[1], world.city)
    assert f"Chair: {world.experts[1]}; recorder: {world.city.real_name}." in page
    reasons = list(
        world.meeting.transitions.filter(action__in=["open_vote", "close_vote"]).values_list("reason", flat=True)
    )
    assert len(reasons) == 2 and all(world.meeting.held_on.isoformat() in reason for reason in reasons)
    assert page.count('data-testid="log-reason"') == 2  # the meeting's log shows the confirmations
    assert "2 yes / 3 present and not recused, at least 2 needed: passed (通过)" in page
    assert 'data-testid="record-download"' in page


def test_staff_close_twice_says_it_was_closed():
    world = voting_world(cases=1, panel_size=3)
    client = client_for(world.city)
    data = {"confirm_early": "on", "chair": world.experts[0].pk, "recorder": world.city.pk}
    client.post(meeting_url(world, "reviews:vote_close"), data)
    response = client.post(meeting_url(world, "reviews:vote_close"), data, follow=True)
    assert "already closed" in text(response)


def test_staff_page_hides_counts_before_the_close_and_shows_turnout():
    world = voting_world(cases=1, panel_size=3)
    cast_all(world, world.cases[0], ["no", "abstain"])
    page = text(client_for(world.city).get(meeting_url(world)))
    assert 'data-testid="turnout">2 / 3<' in page
    assert 'data-testid="yes"' not in page
    assert 'data-testid="result"' not in page
    assert "Ballots stay sealed until the vote is closed" in page


def test_staff_page_lists_recusals_per_case():
    world = ReviewWorld(cases=1, panel_size=3)
    world.cases[0].assignments.filter(expert=world.experts[2]).update(conflict_declared_at=timezone.now())
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    page = text(client_for(world.city).get(meeting_url(world)))
    assert f'data-testid="recused">Recused: {world.experts[2]}' in page


def test_record_download_after_close_is_audited():
    world = voting_world(cases=1, panel_size=3)
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    response = client_for(world.city).get(meeting_url(world, "reviews:vote_record"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert event.user == world.city
    assert event.object_id == str(world.meeting.pk)
    assert event.detail["sha256"] == Meeting.objects.get().record_sha256


def test_record_download_before_close_is_404():
    world = voting_world(cases=1, panel_size=3)
    response = client_for(world.city).get(meeting_url(world, "reviews:vote_record"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).exists()


def test_staff_pages_refused_to_district_staff():
    world = ReviewWorld(cases=1, panel_size=3)
    district = UserFactory(roles=[Role.DISTRICT_STAFF])
    assert client_for(district).get(meeting_url(world)).status_code == 403
    assert client_for(district).post(meeting_url(world, "reviews:vote_close")).status_code == 403


def test_staff_unknown_meeting_is_404():
    world = ReviewWorld(cases=1, panel_size=3)
    assert client_for(world.city).get(reverse("reviews:vote_meeting", kwargs={"pk": 999999})).status_code == 404


# --- Experts -------------------------------------------------------------------------------------


def test_expert_ballot_page_lists_cases_with_the_three_choices():
    world = voting_world(cases=2, panel_size=3)
    page = text(client_for(world.experts[0].user).get(meeting_url(world, "reviews:vote_ballots")))
    for application in world.applications:
        assert application.number in page
    assert page.count('data-testid="ballot-form"') == 2
    for choice in ("yes", "no", "abstain"):
        assert f'data-testid="vote-{choice}"' in page
    assert "two thirds of the experts present and not recused" in page


def test_expert_votes_then_sees_voted_and_no_counts():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]
    ballot_cast(case=case, expert=world.experts[1], choice=Ballot.Choice.NO)
    client = client_for(world.experts[0].user)
    url = reverse("reviews:vote_cast", kwargs={"pk": case.pk})

    confirm = client.post(url, {"choice": "yes"})
    assert confirm.status_code == 200
    confirm_page = text(confirm)
    assert 'data-testid="ballot-confirm"' in confirm_page and case.application.number in confirm_page
    assert 'data-testid="choice">Agree (同意)<' in confirm_page
    assert 'name="choice" value="yes"' in confirm_page and 'name="confirmed" value="on"' in confirm_page
    assert not VoteCast.objects.filter(case=case, expert=world.experts[0]).exists()
    assert Ballot.objects.count() == 1  # only the other expert's

    response = client.post(url, {"choice": "yes", "confirmed": "on"}, follow=True)
    page = text(response)
    assert VoteCast.objects.filter(case=case, expert=world.experts[0]).exists()
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["no", "yes"]
    assert 'data-testid="voted"' in page
    assert 'data-testid="ballot-form"' not in page
    assert 'data-testid="result"' not in page and 'data-testid="outcome"' not in page
    assert "present and not recused, at least" not in page  # no counts before the close


def test_expert_second_vote_by_post_refused_with_a_message():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]
    client = client_for(world.experts[0].user)
    url = reverse("reviews:vote_cast", kwargs={"pk": case.pk})
    client.post(url, {"choice": "yes", "confirmed": "on"})
    response = client.post(url, {"choice": "no", "confirmed": "on"}, follow=True)
    assert "already voted" in text(response)
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_expert_choice_after_voting_says_so_instead_of_asking_to_confirm():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]
    ballot_cast(case=case, expert=world.experts[0], choice=Ballot.Choice.YES)
    client = client_for(world.experts[0].user)

    response = client.post(reverse("reviews:vote_cast", kwargs={"pk": case.pk}), {"choice": "no"}, follow=True)

    assert 'data-testid="ballot-confirm"' not in text(response)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_expert_absent_sees_why_and_cannot_vote():
    world = voting_world(cases=1, panel_size=3, present=2)
    absent = world.experts[2]
    client = client_for(absent.user)
    page = text(client.get(meeting_url(world, "reviews:vote_ballots")))
    assert "not recorded as present" in page
    assert 'data-testid="ballot-form"' not in page
    response = client.post(
        reverse("reviews:vote_cast", kwargs={"pk": world.cases[0].pk}), {"choice": "yes", "confirmed": "on"}
    )
    assert response.status_code == 302
    assert VoteCast.objects.count() == 0 and Ballot.objects.count() == 0


def test_expert_recused_case_invisible_and_404():
    world = ReviewWorld(cases=2, panel_size=3)
    recused_case = world.cases[0]
    recused_case.assignments.filter(expert=world.experts[0]).update(conflict_declared_at=timezone.now())
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    client = client_for(world.experts[0].user)
    page = text(client.get(meeting_url(world, "reviews:vote_ballots")))
    assert recused_case.application.number not in page
    assert world.cases[1].application.number in page
    response = client.post(reverse("reviews:vote_cast", kwargs={"pk": recused_case.pk}), {"choice": "yes"})
    assert response.status_code == 404
    assert VoteCast.objects.count() == 0


def test_expert_of_another_meeting_gets_404():
    world = voting_world(cases=1, panel_size=3)
    other = ExpertFactory()
    client = client_for(other.user)
    assert client.get(meeting_url(world, "reviews:vote_ballots")).status_code == 404
    response = client.post(reverse("reviews:vote_cast", kwargs={"pk": world.cases[0].pk}), {"choice": "yes"})
    assert response.status_code == 404
    assert VoteCast.objects.count() == 0
    assert world.meeting.name not in text(client.get(reverse("reviews:vote_expert_home")))


def test_expert_invalid_choice_writes_nothing():
    world = voting_world(cases=1, panel_size=3)
    client = client_for(world.experts[0].user)
    response = client.post(reverse("reviews:vote_cast", kwargs={"pk": world.cases[0].pk}), {"choice": "maybe"})
    assert response.status_code == 302
    assert VoteCast.objects.count() == 0


def test_expert_sees_results_after_the_close():
    world = voting_world(cases=1, panel_size=3)
    cast_all(world, world.cases[0], ["yes", "no", "no"])
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    page = text(client_for(world.experts[0].user).get(meeting_url(world, "reviews:vote_ballots")))
    assert "1 yes / 3 present and not recused, at least 2 needed: not passed (未通过)" in page


def test_expert_home_lists_its_meetings():
    world = voting_world(cases=1, panel_size=3)
    page = text(client_for(world.experts[0].user).get(reverse("reviews:vote_expert_home")))
    assert world.meeting.name in page
    assert reverse("reviews:vote_ballots", kwargs={"pk": world.meeting.pk}) in page


# --- Constant queries ------------------------------------------------------------------------------


def _add_case(world):
    """One more application on the agenda, assigned to the whole panel."""
    from applications.workflow import application_transition
    from reviews.models import Assignment, Case

    application = world.world.accepted()
    application_transition(application=application, action="start_review", actor=world.city)
    case = Case.objects.create(meeting=world.meeting, application=application, position=Case.objects.count())
    Assignment.objects.bulk_create([Assignment(case=case, expert=expert) for expert in world.experts])
    return case


def test_staff_meeting_page_constant_queries_while_voting(django_assert_num_queries):
    world = ReviewWorld(cases=0, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    client = client_for(world.city)

    def add_item():
        case = _add_case(world)
        ballot_cast(case=case, expert=world.experts[0], choice=Ballot.Choice.YES)

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(meeting_url(world)),
        add_item,
        expected=15,  # 13, the meeting's log (one query) and who may record it (one query)
    )
    print(f"staff meeting page (voting): {count} queries")


def _closed_world(cases):
    world = ReviewWorld(cases=cases, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    for case in world.cases:
        cast_all(world, case, ["yes", "no", "abstain"])
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    return world


def test_staff_meeting_page_constant_queries_when_closed(django_assert_num_queries):
    one, three = _closed_world(1), _closed_world(3)
    client = client_for(one.city)
    client.get(meeting_url(one))  # warm caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(meeting_url(one)).status_code == 200
    count = len(captured)  # now: each request clears the connection's query log
    assert count == 15  # 14 and the meeting's log (one query)
    client = client_for(three.city)
    client.get(meeting_url(three))
    with django_assert_num_queries(15):
        page = text(client.get(meeting_url(three)))
    assert page.count('data-testid="outcome"') == 3
    print(f"staff meeting page (closed): {count} queries")


def test_expert_ballot_page_constant_queries(django_assert_num_queries):
    world = ReviewWorld(cases=0, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    client = client_for(world.experts[0].user)

    def add_item():
        case = _add_case(world)
        if Ballot.objects.count() == 0:
            ballot_cast(case=case, expert=world.experts[0], choice=Ballot.Choice.NO)

    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(meeting_url(world, "reviews:vote_ballots")), add_item, expected=12
    )
    print(f"expert ballot page: {count} queries")


def test_staff_meeting_list_constant_queries(django_assert_num_queries):
    world = ReviewWorld(cases=1, panel_size=3)
    client = client_for(world.city)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("reviews:vote_meetings")),
        lambda: MeetingFactory(batch=world.batch, specialty=world.specialty),
        expected=8,
    )
    print(f"staff meeting list: {count} queries")


def test_expert_meeting_list_constant_queries(django_assert_num_queries):
    world = ReviewWorld(cases=1, panel_size=3)
    expert = world.experts[0]
    client = client_for(expert.user)
    order = iter(range(100, 200))

    def add_item():
        from reviews.models import PanelMember

        meeting = MeetingFactory(batch=world.batch, specialty=world.specialty)
        PanelMember.objects.create(meeting=meeting, expert=expert, kind=PanelMember.Kind.MEMBER, order=next(order))

    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("reviews:vote_expert_home")), add_item, expected=9
    )
    print(f"expert meeting list: {count} queries")
