"""Filing and certification run twice at the same moment (two staff, or a task redelivered): one
filing and one certificate, never two. Needs real row locks, so PostgreSQL only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Status, Transition
from results.models import Certificate, Filing, FilingEntry
from results.services.certificates import certificate_issue
from results.services.filing import filing_create
from tests.factories import UserFactory
from tests.helpers import race
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_filing_the_same_batch_twice_at_once_files_once():
    world = FilingWorld(count=3)
    colleague = UserFactory(roles=[Role.CITY_STAFF])

    outcomes = race(
        lambda: filing_create(batch=world.batch, actor=world.city),
        lambda: filing_create(batch=world.batch, actor=colleague),
    )

    filings = [o for o in outcomes if isinstance(o, Filing)]
    refused = [o for o in outcomes if isinstance(o, ValidationError) and o.code == "nothing_cleared"]
    assert (len(filings), len(refused)) == (1, 1), outcomes
    assert Filing.objects.count() == 1
    assert FilingEntry.objects.count() == 3
    assert Transition.objects.filter(action="file").count() == 3
    assert set(world.batch.applications.values_list("status", flat=True)) == {Status.FILED}


def test_issuing_the_same_certificate_twice_at_once_issues_one():
    world = FilingWorld(count=1)
    number_filing(filing_create(batch=world.batch, actor=world.city), world.city)
    application = world.batch.applications.get()

    outcomes = race(
        lambda: certificate_issue(application=application),
        lambda: certificate_issue(application=application, actor=world.city),
    )

    assert all(isinstance(o, Certificate) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Certificate.objects.count() == 1
    assert Transition.objects.filter(action="certify").count() == 1
