"""One rule of "past the step's time limit" (超期, ``workdays.overdue_since``): the statistics page's
overdue count, the admin list's overdue filter (``applications.selectors.overdue_q``) and the staff's
digest (``applications.digest.overdue_at_staff_steps``) find the same applications on the same data,
on a working day and on a day off."""

import datetime

import pytest
from django.utils import timezone

from applications.digest import overdue_at_staff_steps
from applications.models import Application, Batch
from applications.selectors import overdue_q
from dashboard.selectors import Filters, statistics_figures
from tests.applications.factories import World
from tests.factories import UserFactory
from zaozhuang_titles.models import Role
from zaozhuang_titles.workdays import overdue_since

pytestmark = pytest.mark.django_db

D = datetime.date
#: Arrivals at the step, in 2024: around the National Day (Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked).
ARRIVALS = [D(2024, 9, 26), D(2024, 9, 27), D(2024, 9, 29), D(2024, 9, 30), D(2024, 10, 8), D(2024, 10, 9)]


@pytest.fixture
def waiting():
    """Applications at the district and at the city audit, one of each arriving on each of ``ARRIVALS``,
    in a batch allowing 2 working days a step."""
    world = World()
    Batch.objects.filter(pk=world.batch.pk).update(step_time_limit_days=2)
    for day in ARRIVALS:
        for application in (world.at_district(), world.at_city()):
            arrived = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
            Application.objects.filter(pk=application.pk).update(status_changed_at=arrived)
    world.batch.refresh_from_db()
    return world


def overdue_everywhere(world, today):
    city = UserFactory(roles=[Role.CITY_STAFF])
    filters = Filters(batch=world.batch, division_id=None, today=today)
    figures = statistics_figures(city, filters, batches=[world.batch])
    dashboard = sum(cell["overdue"] for cell in figures["waiting"].values())
    admin = Application.objects.filter(overdue_q(today=today)).count()
    digest = sum(row["count"] for row in overdue_at_staff_steps(today=today))
    return dashboard, admin, digest


@pytest.mark.parametrize(
    ("today", "since"),
    [
        # Wed Oct 9, a working day: 2 working days back are Oct 8 and Sep 30.
        (D(2024, 10, 9), D(2024, 9, 30)),
        # Sun Oct 6, a day off in the holiday: the count stands where Mon Sep 30 left it.
        (D(2024, 10, 6), D(2024, 9, 27)),
        # Sat Oct 12, a make-up working day.
        (D(2024, 10, 12), D(2024, 10, 10)),
    ],
)
def test_dashboard_admin_filter_and_digest_agree_on_what_is_overdue(waiting, today, since):
    expected = 2 * sum(1 for day in ARRIVALS if day < since)

    assert overdue_since(today, 2) == since
    assert overdue_everywhere(waiting, today) == (expected, expected, expected)
