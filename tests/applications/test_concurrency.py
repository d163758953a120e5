"""Two staff acting on the same application at once: exactly one succeeds, the other is told, and the
log holds one row. Needs real row locks, so PostgreSQL only (SQLite serialises whole transactions)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications import services
from applications.models import Application, Status, Transition
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
