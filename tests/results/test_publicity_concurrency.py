"""Publicity races on PostgreSQL: a notice closed by staff while the beat task closes it, an objection
dismissed and upheld at once, a batch published twice at once — each has the effect of once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Status, Transition
from results.models import Objection, Publicity, PublicityEntry
from results.services import publicity as services
from tests.applications.factories import World
from tests.factories import UserFactory
from tests.helpers import race
from tests.results.filing_factories import EARLY
from tests.results.test_publicity import objection, passed, publish
from zaozhuang_titles.models import Notice, Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_closing_by_hand_while_the_beat_closes_closes_once():
    world = World()
    publicity, (application,) = publish(world, starts_on=None)
    Publicity.objects.filter(pk=publicity.pk).update(ends_on=publicity.starts_on)  # the period is over
    colleague = UserFactory(roles=[Role.CITY_STAFF])
    seen = Publicity.objects.get(pk=publicity.pk)

    outcomes = race(
        lambda: services.publicity_close(publicity=seen, actor=colleague, reason=EARLY),
        lambda: services.publicity_close_due(publicity_id=publicity.pk),
    )

    closed = [o for o in outcomes if isinstance(o, services.CloseResult)]
    assert len(closed) == 1, outcomes
    assert all(o is None or isinstance(o, (services.CloseResult, ValidationError)) for o in outcomes), outcomes
    entry = PublicityEntry.objects.get(publicity=publicity)
    assert entry.cleared_at is not None
    assert Notice.objects.filter(key=f"publicity-entry:{entry.pk}:cleared:applicant").count() == 1
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_dismiss_and_uphold_at_once_one_decision_stands():
    world = World()
    publicity, (application,) = publish(world)
    raised = objection(publicity.entries.get())
    colleague = UserFactory(roles=[Role.CITY_STAFF])
    one, other = Objection.objects.get(pk=raised.pk), Objection.objects.get(pk=raised.pk)

    outcomes = race(
        lambda: services.objection_dismiss(objection=one, actor=world.city, conclusion="不成立。"),
        lambda: services.objection_uphold(
            objection=other, actor=colleague, conclusion="成立。", outcome=Objection.Outcome.REJECT
        ),
    )

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "conflict", outcomes
    raised.refresh_from_db()
    application.refresh_from_db()
    if raised.status == Objection.Status.DISMISSED:
        assert application.status == Status.PUBLICITY
        assert not Transition.objects.filter(application=application, action="revoke").exists()
    else:
        assert raised.status == Objection.Status.UPHELD
        assert application.status == Status.REJECTED
        assert Transition.objects.filter(application=application, action="revoke").count() == 1


def test_publishing_a_batch_twice_at_once_publishes_once():
    world = World()
    applications = [passed(world), passed(world)]
    colleague = UserFactory(roles=[Role.CITY_STAFF])

    def attempt(actor):
        return lambda: services.publicity_publish(
            batch=world.batch, actor=actor, title="", starts_on=services.next_working_day(), how_to_object=""
        )

    outcomes = race(attempt(world.city), attempt(colleague))

    published = [o for o in outcomes if isinstance(o, Publicity)]
    assert len(published) == 1, outcomes
    assert Publicity.objects.count() == 1
    assert PublicityEntry.objects.count() == 2
    for application in applications:
        assert Transition.objects.filter(application=application, action="publish").count() == 1
