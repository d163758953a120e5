"""The statistics figures against the hand-counted world of ``fixture.py``."""

import pytest

from applications.models import Status
from applications.workflow import application_transition
from dashboard.selectors import Filters, percentile, statistics_figures
from reviews.models import Case
from tests.dashboard.fixture import TODAY, HandCounted, at
from tests.factories import UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

S = Status


@pytest.fixture
def world(division, other_division):
    return HandCounted(division, other_division)


@pytest.fixture
def city():
    return UserFactory(roles=[Role.CITY_STAFF])


@pytest.fixture
def district(division):
    return UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)


def figures_of(user, world, *, batch="default", division=None):
    batch = world.batch if batch == "default" else batch
    batches = [batch] if batch is not None else [world.batch, world.batch_b]
    filters = Filters(batch=batch, division_id=division.pk if division else None, today=TODAY)
    return statistics_figures(user, filters, batches=batches)


def test_counts_by_status_division_and_channel_leave_out_drafts_for_the_city(world, city):
    counts = figures_of(city, world)["counts"]

    assert dict(counts["status"]) == {
        S.ACCEPTED: 1,
        S.REJECTED: 2,
        S.CITY_AUDIT: 1,
        S.WITHDRAWN: 1,
        S.DISTRICT_AUDIT: 1,
        S.PUBLICITY: 1,
        S.NOT_PASSED: 1,
    }
    assert dict(counts["division"]) == {world.d1.pk: 4, world.d2.pk: 4}
    assert dict(counts["channel"]) == {"dedicated": 8}
    assert counts["total"] == 8


def test_counts_of_all_batches_split_by_channel(world, city):
    counts = figures_of(city, world, batch=None)["counts"]

    assert dict(counts["channel"]) == {"dedicated": 8, "regular": 1}


def test_district_staff_count_their_division_from_its_audit_on(world, district, other_division):
    figures = figures_of(district, world)
    # Asking for another division changes nothing: the reader's own division is the scope.
    asked_other = figures_of(district, world, division=other_division)

    assert dict(figures["counts"]["status"]) == {S.ACCEPTED: 1, S.REJECTED: 1, S.DISTRICT_AUDIT: 1, S.PUBLICITY: 1}
    assert dict(figures["counts"]["division"]) == {world.d1.pk: 4}
    assert asked_other["counts"] == figures["counts"]


def test_counts_by_recognition_kind_count_an_enterprise_once_per_kind(world, city):
    kinds = figures_of(city, world)["kinds"]

    assert kinds == {
        "innovative_sme": 2,
        "specialized_sme": 4,
        "little_giant": 4,
        "champion_enterprise": 0,
        "champion_product": 0,
        "": 2,
    }


def test_decisions_and_pass_rates_at_each_step(world, city):
    steps = figures_of(city, world)["steps"]

    decisions = {
        step: (row["passed"], row["returned"], row["refused"], row["withdrawn"], row["pass_rate"])
        for step, row in steps.items()
        if "passed" in row
    }
    assert decisions == {
        S.ENTERPRISE_REVIEW: (5, 0, 0, 1, 1.0),
        S.NOMINATED: (2, 0, 0, 0, 1.0),
        S.DISTRICT_AUDIT: (3, 1, 1, 0, 0.75),
        S.CITY_AUDIT: (1, 0, 1, 0, 0.5),
        S.IN_REVIEW: (1, 0, 1, 0, 0.5),
    }


def test_working_days_at_each_step_median_and_90th_percentile(world, city):
    steps = figures_of(city, world)["steps"]

    durations = {step: (row["stays"], row["median"], row["p90"]) for step, row in steps.items()}
    assert durations[S.ENTERPRISE_REVIEW] == (6, 1, 2)  # [0, 1, 1, 1, 2, 2]
    assert durations[S.NOMINATED] == (2, 1, 1)
    assert durations[S.DISTRICT_AUDIT][:2] == (5, 2)  # [1, 2, 2, 2, 4]
    assert durations[S.DISTRICT_AUDIT][2] == pytest.approx(3.2)
    assert durations[S.CITY_AUDIT] == (2, 1, 1)  # Fri → Mon is one working day
    assert durations[S.RETURNED] == (1, 1, 1)
    assert durations[S.IN_REVIEW][:2] == (2, 1.5)
    assert durations[S.IN_REVIEW][2] == pytest.approx(1.9)
    assert durations[S.PASSED] == (1, 1, 1)
    assert durations[S.ACCEPTED] == (0, None, None)
    assert durations[S.PUBLICITY] == (0, None, None)


def test_overdue_per_division_follows_each_batchs_limit(world, city):
    one = figures_of(city, world)["waiting"]
    every = figures_of(city, world, batch=None)["waiting"]

    assert one == {
        (world.d1.pk, S.DISTRICT_AUDIT): {"waiting": 1, "overdue": 1},
        (world.d2.pk, S.CITY_AUDIT): {"waiting": 1, "overdue": 1},
    }
    # The regular batch allows 2 working days: waiting since Tuesday is overdue on Friday.
    assert every[(world.d2.pk, S.DISTRICT_AUDIT)] == {"waiting": 1, "overdue": 1}


def test_overdue_counts_nothing_within_the_limit(world, city):
    world.batch.step_time_limit_days = 15
    world.batch.save()

    waiting = figures_of(city, world)["waiting"]

    assert {key: value["overdue"] for key, value in waiting.items()} == {
        (world.d1.pk, S.DISTRICT_AUDIT): 0,
        (world.d2.pk, S.CITY_AUDIT): 0,
    }


def test_scoring_progress_per_meeting(world, city, district):
    (meeting,) = figures_of(city, world)["meetings"]
    (own,) = figures_of(district, world)["meetings"]

    assert (meeting["cases"], meeting["assignments"], meeting["recused"], meeting["submitted"]) == (2, 5, 1, 3)
    assert (meeting["decided"], meeting["progress"]) == (1, 0.6)
    # District staff see their division's case only (app9, of 滕州市).
    assert (own["cases"], own["assignments"], own["recused"], own["submitted"], own["progress"]) == (1, 2, 1, 2, 1.0)


def test_objections_and_their_outcomes(world, city, other_division):
    assert figures_of(city, world)["objections"] == {
        ("open", ""): 1,
        ("upheld", "review_again"): 1,
        ("dismissed", ""): 1,
    }
    assert figures_of(city, world, division=other_division)["objections"] == {}


def test_service_by_month_in_the_batch_year(world, city):
    months = figures_of(city, world)["service"]

    assert [
        (m["month"].month, m["enterprises_served"], m["visits"], m["consultations"], m["problems_solved"])
        for m in months
    ] == [(3, 1, 1, 5, 1), (4, 1, 1, 0, 0)]


def test_percentile_interpolates_as_percentile_cont():
    assert percentile({}, 0.5) is None
    assert percentile({3: 1}, 0.9) == 3
    assert percentile({1: 1, 2: 3, 4: 1}, 0.9) == pytest.approx(3.2)
    assert percentile({0: 2, 10: 2}, 0.5) == 5


def test_figures_cost_a_fixed_number_of_queries(world, city, django_assert_num_queries):
    figures_of(city, world)  # the reader's roles, loaded once per request

    with django_assert_num_queries(10):
        figures_of(city, world)


def test_a_move_through_the_transition_function_shows_in_the_working_days(world, city, other_division):
    regular = figures_of(city, world, batch=world.batch_b)["steps"][S.DISTRICT_AUDIT]
    staff = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=other_division)

    # app8 arrived at the district audit on Tue 12; passed on Thu 14: two working days.
    application_transition(application=world.apps["app8"], action="pass", actor=staff, now=at(3, 14))

    moved = figures_of(city, world, batch=world.batch_b)["steps"][S.DISTRICT_AUDIT]
    assert (regular["stays"], regular["passed"]) == (0, 0)
    assert (moved["stays"], moved["median"], moved["passed"], moved["pass_rate"]) == (1, 2, 1, 1.0)


def test_a_meeting_counts_its_cases_without_assignments_too(world, city):
    # A case every judge is conflicted on gets no assignment; it is still one of the meeting's cases.
    Case.objects.create(meeting=world.meeting, application=world.apps["app1"], position=2)

    (meeting,) = figures_of(city, world)["meetings"]

    assert (meeting["cases"], meeting["assignments"], meeting["submitted"], meeting["decided"]) == (3, 5, 3, 1)
