"""The daily sends raced on PostgreSQL: two workers running the staff digest, or the correction
reminders, at once tell each person once."""

import datetime

import pytest
from django.db import connection

from applications.models import CorrectionRequest
from applications.reminders import correction_reminders_send
from tests.applications.factories import World
from tests.applications.test_reminders import FRIDAY, returned
from tests.helpers import race
from tests.zaozhuang_titles.test_digest import MONDAY, NOW, Fixture
from zaozhuang_titles.digest import staff_digest_send
from zaozhuang_titles.models import Notice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_digest_runs_at_once_send_one_notice_per_staff_member():
    fixture = Fixture()

    outcomes = race(
        lambda: staff_digest_send(today=MONDAY, now=NOW),
        lambda: staff_digest_send(today=MONDAY, now=NOW),
    )

    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    recipients = list(Notice.objects.filter(key__startswith="staff-digest:").values_list("recipient", flat=True))
    assert sorted(recipients) == sorted(u.pk for u in (fixture.city, fixture.district, fixture.other_district))


def test_two_reminder_runs_at_once_tell_the_applicant_once():
    world = World()
    correction = returned(world, datetime.date(2026, 11, 30))

    outcomes = race(
        lambda: correction_reminders_send(today=FRIDAY),
        lambda: correction_reminders_send(today=FRIDAY),
    )

    assert sorted(outcomes) == [0, 1], outcomes
    assert Notice.objects.filter(key__startswith="correction-reminder:").count() == 1
    assert CorrectionRequest.objects.get(pk=correction.pk).reminded_deadline == datetime.date(2026, 11, 30)
