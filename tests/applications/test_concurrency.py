"""Two staff acting on the same application at once: exactly one succeeds, the other is told, and the
log holds one row. Needs real row locks, so PostgreSQL only (SQLite serialises whole transactions)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications import services
from applications.counters import status_counts_differences
from applications.models import Application, Status, StatusCount, Transition
from applications.workflow import TransitionConflict
from tests.applications.factories import World
from tests.factories import UserFactory
from tests.helpers import race
from zaozhuang_titles.models import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def refused(outcome):
    if isinstance(outcome, TransitionConflict):
        return True
    return isinstance(outcome, ValidationError) and getattr(outcome, "code", None) == "not_allowed"


@pytest.fixture
def world():
    return World()


def test_two_staff_passing_at_once_one_wins_and_one_row_is_logged(world):
    application = world.at_district()
    colleague = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=world.division)
    # Both looked at the application while it waited for the district.
    seen_by_one = Application.objects.select_related("enterprise", "batch").get(pk=application.pk)
    seen_by_other = Application.objects.select_related("enterprise", "batch").get(pk=application.pk)

    outcomes = race(
        lambda: services.application_pass(application=seen_by_one, actor=world.district),
        lambda: services.application_pass(application=seen_by_other, actor=colleague),
    )

    winners = [o for o in outcomes if isinstance(o, Transition)]
    losers = [o for o in outcomes if refused(o)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert Transition.objects.filter(application=application, action="pass").count() == 1
    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
    assert application.revision == 1
    assert status_counts_differences() == []  # the loser's count rolled back with its move


def test_pass_and_reject_at_once_one_wins(world):
    application = world.at_district()
    colleague = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=world.division)
    seen_by_one = Application.objects.select_related("enterprise", "batch").get(pk=application.pk)
    seen_by_other = Application.objects.select_related("enterprise", "batch").get(pk=application.pk)

    outcomes = race(
        lambda: services.application_pass(application=seen_by_one, actor=world.district),
        lambda: services.application_reject(application=seen_by_other, actor=colleague, reason="不符合条件"),
    )

    winners = [o for o in outcomes if isinstance(o, Transition)]
    assert len(winners) == 1 and refused(next(o for o in outcomes if o not in winners)), outcomes
    assert Transition.objects.filter(application=application, action__in=["pass", "reject"]).count() == 1
    application.refresh_from_db()
    assert application.status == winners[0].to_status


def test_moves_at_once_in_one_batch_and_division_keep_the_counts_and_never_deadlock(world):
    # Passes (district → city) and rejections (city → rejected) at once touch the same counter rows in
    # different directions: the counter updates lock their rows in one order, so all commit.
    at_district = [world.at_district() for _ in range(3)]
    at_city = [world.at_city() for _ in range(3)]
    colleague = UserFactory(roles=[Role.CITY_STAFF])

    outcomes = race(
        *[lambda a=a: services.application_pass(application=a, actor=world.district) for a in at_district],
        *[
            lambda a=a: services.application_reject(application=a, actor=colleague, reason="不符合条件")
            for a in at_city
        ],
    )

    assert all(isinstance(outcome, Transition) for outcome in outcomes), outcomes
    assert status_counts_differences() == []
    assert StatusCount.objects.get(batch=world.batch, division=world.division, status=Status.CITY_AUDIT).total == 3
