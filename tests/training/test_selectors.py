"""Hour totals: only recognised hours count, by year and category."""

import datetime

import pytest

from tests.training.factories import EntryFactory, recognised_hours
from training.models import Category, EntryStatus
from training.selectors import RecognisedYear, person_years, recognised_years

pytestmark = pytest.mark.django_db


def test_recognised_years_sum_recognised_hours_only(django_assert_num_queries):
    person = EntryFactory(year=2023, hours=40, status=EntryStatus.RECOGNISED).person
    EntryFactory(person=person, year=2023, hours=20, category=Category.PUBLIC, status=EntryStatus.RECOGNISED)
    EntryFactory(person=person, year=2023, hours=50, status=EntryStatus.PENDING)
    EntryFactory(person=person, year=2023, hours=70, status=EntryStatus.REFUSED)
    EntryFactory(person=person, year=2022, hours=10, category=Category.PUBLIC, status=EntryStatus.RECOGNISED)
    EntryFactory(year=2023, hours=90, status=EntryStatus.RECOGNISED)  # someone else's
    with django_assert_num_queries(1):
        years = recognised_years(person)
    assert years == (RecognisedYear(2022, 10, 0), RecognisedYear(2023, 60, 40))


def test_recognised_years_of_a_person_without_hours_is_empty():
    assert recognised_years(EntryFactory(status=EntryStatus.PENDING).person) == ()


def test_person_years_shows_the_last_three_years_and_pending(django_assert_num_queries):
    person = EntryFactory(year=2023, hours=50, status=EntryStatus.PENDING).person
    recognised_hours(person, 2023, specialty=60, public=30)
    recognised_hours(person, 2018, specialty=10)
    EntryFactory(person=person, year=2024, hours=9, status=EntryStatus.REFUSED)
    with django_assert_num_queries(1):
        years = person_years(person, today=datetime.date(2025, 3, 1))
    assert [y.year for y in years] == [2025, 2024, 2023, 2022, 2018]
    by_year = {y.year: y for y in years}
    assert (by_year[2023].public, by_year[2023].specialty, by_year[2023].pending) == (30, 60, 50)
    assert by_year[2023].met and not by_year[2023].in_progress
    assert by_year[2024].refused == 9 and not by_year[2024].met
    assert by_year[2025].in_progress
    assert (by_year[2022].hours_missing, by_year[2022].specialty_missing) == (90, 60)
    assert (by_year[2018].hours_missing, by_year[2018].specialty_missing) == (80, 50)
