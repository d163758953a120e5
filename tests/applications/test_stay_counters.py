"""The working days spent at each step, kept per (batch, division, status, step, target, working days)
(``StayCount``): moved by the transition function in its transaction, equal to a recount from the
transition log after any sequence of moves, carried along when an enterprise changes division, recounted
after a calendar change, checked and repaired by ``check_status_counters``.

Dates are in March 2024 (no public holiday): Mon 4, Thu 7, Fri 8, Mon 11 … Fri 15."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from applications.counters import (
    stay_counts_differences,
    stay_counts_kept,
    stay_counts_rebuild,
    stay_counts_recount,
)
from applications.models import Application, Status, StayCount
from applications.workflow import (
    ADMIN,
    APPLICANT,
    CHAIRMAN,
    CITY,
    CONTACT,
    DISTRICT,
    MOVES,
    SYSTEM,
    application_transition,
    find_moves,
)
from tests.applications.factories import World
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import CalendarDay, Role

pytestmark = pytest.mark.django_db

S = Status


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime(2024, 3, day, hour, 0))


@pytest.fixture
def world(division):
    world = World(division=division, channel="regular")
    world.app = world.draft()
    world.notice_ended(world.app)
    return world


def move(world, action, actor, when):
    application = Application.objects.get(pk=world.app.pk)
    return application_transition(application=application, action=action, actor=actor, reason="理由", now=when)


def test_a_move_counts_the_stay_it_ends_and_carries_the_earlier_ones_to_the_new_status(world):
    key = (world.batch.pk, world.division.pk)

    move(world, "submit", world.app.applicant, at(4))
    assert stay_counts_kept() == {}  # the first move ends no stay
    move(world, "forward", world.contact, at(7))
    assert stay_counts_kept() == {(*key, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3): 1}
    move(world, "pass", world.district, at(11))  # Thu 7 → Mon 11: Fri 8 and Mon 11

    assert stay_counts_kept() == {
        (*key, S.CITY_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3): 1,
        (*key, S.CITY_AUDIT, S.DISTRICT_AUDIT, S.CITY_AUDIT, 2): 1,
    }
    # The rows the application left are at zero, not gone: the next move into that key updates in place.
    assert StayCount.objects.get(status=S.DISTRICT_AUDIT).total == 0
    assert stay_counts_recount() == stay_counts_kept()


def test_a_move_that_fails_counts_nothing(world):
    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))
    before = stay_counts_kept()

    with pytest.raises(PermissionDenied):
        move(world, "pass", world.app.applicant, at(11))

    assert stay_counts_kept() == before


def test_working_days_follow_the_calendar_staff_keep(world):
    CalendarDay.objects.create(date=datetime.date(2024, 3, 5), kind=CalendarDay.Kind.HOLIDAY, name="调休")

    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))  # Mon 4 → Thu 7 without Tue 5: 2 working days

    assert stay_counts_kept() == {
        (world.batch.pk, world.division.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 2): 1
    }


def test_days_are_counted_in_china_whatever_the_time_zone_of_the_request(world):
    # 23:30 in Beijing is still the same day there, though it is the next day nowhere west of it.
    move(world, "submit", world.app.applicant, timezone.make_aware(datetime.datetime(2024, 3, 4, 23, 30)))
    with timezone.override("UTC"):
        move(world, "forward", world.contact, timezone.make_aware(datetime.datetime(2024, 3, 5, 7, 0)))

    assert stay_counts_kept() == {
        (world.batch.pk, world.division.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 1): 1
    }
    assert stay_counts_differences() == []


def test_a_calendar_change_recounts_the_stays_after_its_commit(world, django_capture_on_commit_callbacks):
    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))

    with django_capture_on_commit_callbacks(execute=True):
        day = CalendarDay.objects.create(date=datetime.date(2024, 3, 6), kind=CalendarDay.Kind.HOLIDAY, name="调休")

    assert stay_counts_kept() == {
        (world.batch.pk, world.division.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 2): 1
    }
    with django_capture_on_commit_callbacks(execute=True):
        day.delete()
    assert stay_counts_kept() == {
        (world.batch.pk, world.division.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3): 1
    }


def test_an_enterprise_changing_division_carries_its_stays(world):
    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))
    other = DivisionFactory(code="370402", name="市中区")

    world.enterprise.refresh_from_db()
    world.enterprise.division = other
    world.enterprise.save()

    assert stay_counts_kept() == {
        (world.batch.pk, other.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3): 1
    }
    assert stay_counts_differences() == []


def test_check_command_reports_a_stay_drift_and_fix_repairs_it(world):
    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))
    key = (world.batch.pk, world.division.pk, S.DISTRICT_AUDIT, S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT)
    # Rows behind the services' back (a restore, a bulk load): one count wrong, one stay never counted.
    StayCount.objects.filter(working_days=3).update(total=4)
    StayCount.objects.create(
        batch=world.batch,
        division=world.division,
        status=S.CITY_AUDIT,
        step=S.DISTRICT_AUDIT,
        target=S.CITY_AUDIT,
        working_days=9,
        total=1,
    )

    with pytest.raises(CommandError, match="2 stay counts \\(working days at each step\\) differ from a recount"):
        call_command("check_status_counters", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_status_counters", "--fix", stdout=out)
    again = io.StringIO()
    call_command("check_status_counters", stdout=again)

    assert (
        f"batch {world.batch.pk} division {world.division.pk} now district_audit, stays at enterprise_review "
        "ended by district_audit after 3 working days: kept 4, counted 1 (fixed)"
    ) in out.getvalue()
    assert "after 9 working days: kept 1, counted 0 (fixed)" in out.getvalue()
    assert "0 status counts and 2 stay counts rewritten" in out.getvalue()
    assert stay_counts_kept() == {(*key, 3): 1}
    assert "match a recount" in again.getvalue()


def test_rebuild_after_a_bulk_load_counts_every_stay_once(world):
    move(world, "submit", world.app.applicant, at(4))
    move(world, "forward", world.contact, at(7))
    StayCount.objects.all().delete()

    repaired = stay_counts_rebuild()

    assert len(repaired) == 1
    assert stay_counts_rebuild() == []
    assert stay_counts_kept() == stay_counts_recount() != {}


ACTIONS = sorted({m.action for m in MOVES})


def test_kept_stays_equal_a_recount_after_any_sequence_of_dated_moves(division):
    """Random moves of the workflow table by random roles, each some hours after the one before (over
    weekends and a staff-entered holiday): after each sequence the kept stays equal a recount."""
    CalendarDay.objects.create(date=datetime.date(2024, 3, 12), kind=CalendarDay.Kind.HOLIDAY, name="测试休")
    CalendarDay.objects.create(date=datetime.date(2024, 3, 16), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="测试班")
    first = World(division=division, channel="regular")
    second = World(division=DivisionFactory(code="370402", name="市中区"), channel="dedicated")
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    targets = []
    for each in (first, second):
        applications = [each.draft(), each.draft()]
        each.notice_ended(*applications)
        targets += [(each, application) for application in applications]
    statuses_seen = set()

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        steps=st.lists(
            st.tuples(
                st.integers(0, len(targets) - 1), st.sampled_from(ACTIONS), st.integers(0, 6), st.integers(1, 80)
            ),
            max_size=14,
        )
    )
    # Always tried: one application to the city audit with a return and a resubmission, another withdrawn.
    @example(
        steps=[
            (0, "submit", 0, 30), (0, "forward", 0, 50), (0, "pass", 0, 20), (0, "return", 0, 70),
            (0, "resubmit", 0, 26), (1, "submit", 0, 5), (1, "withdraw", 0, 60),
        ]
    )  # fmt: skip
    def run(steps):
        clock = at(1, 9)
        with transaction.atomic():
            for index, action, role_choice, hours in steps:
                each, application = targets[index]
                application = Application.objects.select_related("enterprise").get(pk=application.pk)
                moves = find_moves(action, application.status)
                roles = sorted(moves[0].roles) if moves else [CITY]
                actor = {
                    APPLICANT: application.applicant,
                    CONTACT: each.contact,
                    CHAIRMAN: each.chairman,
                    DISTRICT: each.district,
                    CITY: each.city,
                    ADMIN: administrator,
                    SYSTEM: None,
                }[roles[role_choice % len(roles)]]
                clock += datetime.timedelta(hours=hours)
                try:
                    application_transition(
                        application=application, action=action, actor=actor, reason="理由", now=clock
                    )
                except (ValidationError, PermissionDenied):
                    continue
                statuses_seen.add(application.status)
            assert stay_counts_differences() == []
            transaction.set_rollback(True)

    run()

    assert statuses_seen >= {S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, S.CITY_AUDIT, S.RETURNED, S.WITHDRAWN}
