"""The meeting's moves: the table against a list written by hand, one log row per move, the guards,
and ``meeting_transition`` as the only way a meeting changes status."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.models import Meeting, MeetingTransition
from reviews.services.voting import attendance_record, vote_close, vote_open
from reviews.workflow import MEETING_MOVES, meeting_transition
from tests.factories import UserFactory
from tests.reviews.factories import ReviewWorld
from tests.reviews.test_draw import DrawWorld
from tests.reviews.voting_helpers import officers
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

M = Meeting.Status


def test_meeting_moves_are_the_life_of_a_meeting():
    # Written from MISSION.md and the services, not read from the table.
    expected = {
        ("draw", M.PLANNED, M.DRAWN),
        ("start_scoring", M.DRAWN, M.SCORING),
        ("open_vote", M.SCORING, M.VOTING),
        ("close_vote", M.VOTING, M.CLOSED),
    }

    assert {(move.action, move.source, move.target) for move in MEETING_MOVES} == expected


def _log(meeting):
    return list(
        MeetingTransition.objects.filter(meeting=meeting)
        .order_by("id")
        .values_list("action", "from_status", "to_status", "actor")
    )


def test_draw_logs_the_draw_and_the_start_of_scoring_once_each():
    w = DrawWorld()
    w.add_cases()

    w.draw()

    assert Meeting.objects.get(pk=w.meeting.pk).status == M.SCORING
    assert _log(w.meeting) == [
        ("draw", M.PLANNED, M.DRAWN, w.city.pk),
        ("start_scoring", M.DRAWN, M.SCORING, w.city.pk),
    ]


def test_draw_without_cases_logs_only_the_draw():
    w = DrawWorld()

    w.draw()

    assert Meeting.objects.get(pk=w.meeting.pk).status == M.DRAWN
    assert _log(w.meeting) == [("draw", M.PLANNED, M.DRAWN, w.city.pk)]


def test_opening_and_closing_the_vote_log_one_row_each():
    review = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=review.meeting, actor=review.city, present_expert_ids=[e.pk for e in review.experts])

    vote_open(meeting=review.meeting, actor=review.city, confirm_early=True)
    vote_close(meeting=review.meeting, actor=review.city, confirm_early=True, **officers(review))

    assert Meeting.objects.get(pk=review.meeting.pk).status == M.CLOSED
    assert _log(review.meeting) == [
        ("open_vote", M.SCORING, M.VOTING, review.city.pk),
        ("close_vote", M.VOTING, M.CLOSED, review.city.pk),
    ]


def test_open_vote_guard_refuses_without_quorum_and_logs_nothing():
    review = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=review.meeting, actor=review.city, present_expert_ids=[review.experts[0].pk])

    with pytest.raises(ValidationError) as error:
        meeting_transition(meeting=review.meeting, action="open_vote", actor=review.city)

    assert error.value.code == "no_quorum"
    assert "not quorate" in error.value.messages[0]
    assert Meeting.objects.get(pk=review.meeting.pk).status == M.SCORING
    assert _log(review.meeting) == []


def test_start_scoring_guard_refuses_a_meeting_without_assignments():
    w = DrawWorld()
    w.draw()

    with pytest.raises(ValidationError) as error:
        meeting_transition(meeting=w.meeting, action="start_scoring", actor=w.city)

    assert error.value.code == "no_assignments"
    assert Meeting.objects.get(pk=w.meeting.pk).status == M.DRAWN
    assert len(_log(w.meeting)) == 1


def test_meeting_transition_refuses_a_move_not_from_the_current_status():
    w = DrawWorld()

    with pytest.raises(ValidationError) as error:
        meeting_transition(meeting=w.meeting, action="close_vote", actor=w.city)

    assert error.value.code == "not_allowed"
    assert Meeting.objects.get(pk=w.meeting.pk).status == M.PLANNED
    assert _log(w.meeting) == []


def test_meeting_transition_refuses_anyone_but_city_staff():
    w = DrawWorld()
    w.add_cases()
    w.draw()
    expert_user = UserFactory(roles=[Role.EXPERT])

    with pytest.raises(PermissionDenied):
        meeting_transition(meeting=w.meeting, action="open_vote", actor=expert_user)

    assert Meeting.objects.get(pk=w.meeting.pk).status == M.SCORING
    assert len(_log(w.meeting)) == 2
