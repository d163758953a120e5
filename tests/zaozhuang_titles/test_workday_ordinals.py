"""Working-day ordinals (the statistics page's working days per distinct day) and the first day within a
step's time limit, across the 2024 National Day holiday and its make-up working days (调休)."""

import datetime

import pytest

from zaozhuang_titles.models import CalendarDay, CalendarDayKind
from zaozhuang_titles.workdays import overdue_since, working_day_ordinals, working_days_between

pytestmark = pytest.mark.django_db

D = datetime.date


def test_ordinal_differences_are_working_days_elapsed_across_a_holiday():
    # 2024: Sun Sep 29 is a make-up working day, Oct 1-7 off, Sat Oct 12 a make-up working day.
    ordinals = working_day_ordinals(D(2024, 9, 27), D(2024, 10, 14))

    assert ordinals[D(2024, 10, 8)] - ordinals[D(2024, 9, 30)] == 1
    assert ordinals[D(2024, 9, 30)] - ordinals[D(2024, 9, 28)] == 2  # Sun 29 and Mon 30 worked
    assert ordinals[D(2024, 10, 7)] == ordinals[D(2024, 9, 30)]  # a day off keeps the day before's ordinal
    for start, end in [(D(2024, 9, 27), D(2024, 10, 14)), (D(2024, 10, 2), D(2024, 10, 12))]:
        assert ordinals[end] - ordinals[start] == working_days_between(start + datetime.timedelta(days=1), end).count


def test_ordinals_follow_a_staff_entry_in_one_query(django_assert_num_queries):
    CalendarDay.objects.create(date=D(2024, 3, 6), kind=CalendarDayKind.HOLIDAY, name="停工")

    with django_assert_num_queries(1):
        ordinals = working_day_ordinals(D(2024, 3, 4), D(2024, 3, 8))

    assert [ordinals[D(2024, 3, day)] for day in range(4, 9)] == [1, 2, 2, 3, 4]


def test_overdue_since_a_limit_of_working_days():
    # Fri 2024-03-15, 5 working days: arriving on Fri 8 is within (5 elapsed), on Thu 7 past (6).
    assert overdue_since(D(2024, 3, 15), 5) == D(2024, 3, 8)
    # Across the National Day: 2 working days back from Tue Oct 8 is Sun Sep 29 (a make-up working day).
    assert overdue_since(D(2024, 10, 8), 2) == D(2024, 9, 29)
    # On a Sunday: arriving on Thursday, one working day (Friday) has elapsed; on Wednesday, two.
    assert overdue_since(D(2024, 3, 17), 1) == D(2024, 3, 14)
