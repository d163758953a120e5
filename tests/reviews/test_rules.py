"""The expert's scopes: the object checks of the pages agree with the selectors' querysets.

In a meeting whose vote is open, where one expert declared a conflict on one case, for every (user,
object) pair: the assignment, case or meeting is in the user's scoped queryset exactly when the object
permission the page checks holds.
"""

import pytest
from django.http import Http404
from django.utils import timezone

from reviews.models import Assignment, Case, Meeting
from reviews.rules import OWN_ASSIGNMENT, PANEL_CASE, SEATED_MEETING
from reviews.selectors.scoring import assignments_of_expert
from reviews.selectors.voting import case_for_ballot, expert_of, meetings_for_expert
from tests.factories import UserFactory
from tests.reviews.factories import ExpertFactory, MeetingFactory
from tests.reviews.voting_helpers import voting_world
from zaozhuang_titles.models import Role
from zaozhuang_titles.scopes import visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = voting_world(cases=2, panel_size=3)
    Assignment.objects.filter(case=world.cases[0], expert=world.experts[1]).update(
        conflict_declared_at=timezone.now(), conflict_reason="同一单位"
    )
    planned = MeetingFactory(batch=world.batch, specialty=world.specialty)
    users = [expert.user for expert in world.experts]
    users += [ExpertFactory().user, world.city, UserFactory(roles=[Role.APPLICANT])]
    return {
        "users": [type(user).objects.get(pk=user.pk) for user in users],
        "assignments": list(Assignment.objects.select_related("expert").order_by("id")),
        "cases": list(Case.objects.order_by("id")),
        "meetings": [world.meeting, planned],
    }


def _ballot_case(user, case):
    try:
        return case_for_ballot(expert_of(user), case.pk)
    except Http404:
        return None


def test_assignment_scope_equals_score_permission(world):
    disagreements = [
        (user.username, assignment.pk)
        for user in world["users"]
        for assignment in world["assignments"]
        if assignments_of_expert(user).filter(pk=assignment.pk).exists()
        != user.has_perm("reviews.score_assignment", assignment)
    ]

    assert disagreements == []
    assert len(assignments_of_expert(world["users"][1])) == 1  # the conflicted case is left out


def test_case_scope_equals_cast_ballot_permission(world):
    disagreements = [
        (user.username, case.pk)
        for user in world["users"]
        for case in world["cases"]
        if (_ballot_case(user, case) is not None) != user.has_perm("reviews.cast_ballot", case)
    ]

    assert disagreements == []


def test_meeting_scope_equals_open_ballot_permission(world):
    disagreements = [
        (user.username, meeting.pk)
        for user in world["users"]
        for meeting in world["meetings"]
        if meetings_for_expert(expert_of(user)).filter(pk=meeting.pk).exists()
        != user.has_perm("reviews.open_ballot", meeting)
    ]

    assert disagreements == []
    assert user_meetings(world["users"][0]) == [world["meetings"][0].pk]


def user_meetings(user):
    return list(visible(Meeting.objects.all(), user, (SEATED_MEETING,)).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("scope", "key", "model"),
    [(OWN_ASSIGNMENT, "assignments", Assignment), (PANEL_CASE, "cases", Case), (SEATED_MEETING, "meetings", Meeting)],
    ids=["assignment", "case", "meeting"],
)
def test_review_scope_check_agrees_with_its_query(world, scope, key, model):
    disagreements = [
        (user.username, obj.pk)
        for user in world["users"]
        for obj in world[key]
        if scope.holds(user, obj) != visible(model.objects.all(), user, (scope,)).filter(pk=obj.pk).exists()
    ]

    assert disagreements == []
