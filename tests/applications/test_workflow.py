"""The table of moves and the one transition function: every move for every role, allowed and
refused; the log, the snapshot, the conflict of two staff acting at once."""

import pytest

from applications.models import Status, Submission
from tests.applications.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(division):
    return World(division=division)


def test_world_reaches_city_acceptance(world):
    application = world.accepted()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert list(application.transitions.values_list("action", flat=True)) == [
        "submit",
        "nominate",
        "forward",
        "pass",
        "pass",
    ]
    assert Submission.objects.filter(application=application).count() == 1
