"""Ballots and the close racing each other on PostgreSQL: the same expert's two ballots at once give one
vote, two closes at once give one close, and a ballot racing the close is either counted or refused.
Needs real row locks, so PostgreSQL only (SQLite serialises whole transactions)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Transition
from reviews.models import Ballot, Case, Meeting, VoteCast
from reviews.services.voting import ballot_cast, vote_close
from tests.helpers import race
from tests.reviews.voting_helpers import officers, voting_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def refused(outcome, code):
    return isinstance(outcome, ValidationError) and [e.code for e in outcome.error_list] == [code]


def test_same_expert_voting_twice_at_once_gives_one_vote():
    world = voting_world(cases=1, panel_size=3)
    case, expert = world.cases[0], world.experts[0]

    outcomes = race(
        lambda: ballot_cast(case=Case.objects.get(pk=case.pk), expert=expert, choice=Ballot.Choice.YES),
        lambda: ballot_cast(case=Case.objects.get(pk=case.pk), expert=expert, choice=Ballot.Choice.NO),
    )

    winners = [o for o in outcomes if isinstance(o, VoteCast)]
    losers = [o for o in outcomes if refused(o, "twice")]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert VoteCast.objects.filter(case=case, expert=expert).count() == 1
    assert Ballot.objects.filter(case=case).count() == 1


def test_many_experts_voting_at_once_all_count():
    world = voting_world(cases=1, panel_size=5)
    case = world.cases[0]

    outcomes = race(
        *[
            (lambda expert=expert: ballot_cast(case=Case.objects.get(pk=case.pk), expert=expert, choice="yes"))
            for expert in world.experts
        ]
    )

    assert all(isinstance(o, VoteCast) for o in outcomes), outcomes
    assert VoteCast.objects.filter(case=case).count() == 5
    assert Ballot.objects.filter(case=case, choice="yes").count() == 5


def test_two_closes_at_once_close_once():
    world = voting_world(cases=2, panel_size=3)
    other_staff = world.city  # the same person clicking twice, or two staff: the lock decides

    outcomes = race(
        lambda: vote_close(
            meeting=Meeting.objects.get(pk=world.meeting.pk), actor=world.city, confirm_early=True, **officers(world)
        ),
        lambda: vote_close(
            meeting=Meeting.objects.get(pk=world.meeting.pk), actor=other_staff, confirm_early=True, **officers(world)
        ),
    )

    winners = [o for o in outcomes if isinstance(o, Meeting)]
    losers = [o for o in outcomes if refused(o, "closed")]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert Transition.objects.filter(action__in=["review_pass", "review_fail"]).count() == 2
    assert Meeting.objects.get().status == Meeting.Status.CLOSED


def test_ballot_racing_the_close_is_counted_or_refused():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]

    outcomes = race(
        lambda: ballot_cast(case=Case.objects.get(pk=case.pk), expert=world.experts[0], choice="yes"),
        lambda: vote_close(
            meeting=Meeting.objects.get(pk=world.meeting.pk), actor=world.city, confirm_early=True, **officers(world)
        ),
    )

    assert isinstance(outcomes[1], Meeting), outcomes
    case.refresh_from_db()
    if isinstance(outcomes[0], VoteCast):
        assert case.yes == 1
    else:
        assert refused(outcomes[0], "closed"), outcomes
        assert case.yes == 0
    assert Ballot.objects.filter(case=case).count() == case.yes
