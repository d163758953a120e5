"""The working-day calendar: State Council schedules, staff entries, the statutory fallback, periods."""

import datetime
import logging

import chinese_calendar
import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import assert_constant_queries
from zaozhuang_titles import workdays
from zaozhuang_titles.models import CalendarDay, CalendarDayKind, Role
from zaozhuang_titles.workdays import (
    PACKAGE_YEARS,
    Source,
    WorkingCalendar,
    add_working_days,
    day_status,
    is_working_day,
    period_end,
    statutory_days_off,
    working_days_between,
)

D = datetime.date
HOLIDAY = CalendarDayKind.HOLIDAY
MAKEUP = CalendarDayKind.MAKEUP_WORKING_DAY

#: The make-up working days (调休上班) of the State Council notices for 2025 and 2026, all on weekends.
MAKEUP_DAYS_2025_2026 = [
    (D(2025, 1, 26), "春节"),
    (D(2025, 2, 8), "春节"),
    (D(2025, 4, 27), "劳动节"),
    (D(2025, 9, 28), "国庆节"),
    (D(2025, 10, 11), "国庆节"),
    (D(2026, 1, 4), "元旦"),
    (D(2026, 2, 14), "春节"),
    (D(2026, 2, 28), "春节"),
    (D(2026, 5, 9), "劳动节"),
    (D(2026, 9, 20), "国庆节"),
    (D(2026, 10, 10), "国庆节"),
]


def add_entry(day, kind=HOLIDAY, name="春节"):
    entry = CalendarDay(date=day, kind=kind, name=name)
    entry.full_clean()
    entry.save()
    return entry


def test_package_years_are_the_packages_data():
    assert PACKAGE_YEARS.start == 2004
    assert 2026 in PACKAGE_YEARS
    assert 2027 not in PACKAGE_YEARS
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(PACKAGE_YEARS.stop, 1, 5))


def test_calendar_agrees_with_the_package_on_every_day_it_covers():
    calendar = WorkingCalendar({})
    day, last = D(PACKAGE_YEARS.start, 1, 1), D(PACKAGE_YEARS.stop - 1, 12, 31)
    while day <= last:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        status = calendar.status(day)
        assert (status.is_working_day, status.source) == (not is_holiday, Source.PACKAGE), day
        assert bool(status.name) == bool(name), day
        day += datetime.timedelta(days=1)


# --- Periods in years the package covers ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "working_days", "first_day", "end"),
    [
        # Spring Festival 2025: Jan 28 - Feb 4 off, Saturday Feb 8 is a working day.
        (D(2025, 1, 27), 5, D(2025, 1, 27), D(2025, 2, 8)),
        (D(2025, 1, 28), 5, D(2025, 2, 5), D(2025, 2, 10)),
        (D(2025, 1, 24), 2, D(2025, 1, 24), D(2025, 1, 26)),  # Sunday Jan 26 is worked
        # Spring Festival 2026: Feb 15 - 23 off, Saturdays Feb 14 and Feb 28 are working days.
        (D(2026, 2, 12), 5, D(2026, 2, 12), D(2026, 2, 25)),
        (D(2026, 2, 16), 5, D(2026, 2, 24), D(2026, 2, 28)),
        # National Day and Mid-Autumn 2025: Oct 1 - 8 off, Sunday Sep 28 and Saturday Oct 11 worked.
        (D(2025, 9, 26), 5, D(2025, 9, 26), D(2025, 10, 9)),
        (D(2025, 9, 30), 5, D(2025, 9, 30), D(2025, 10, 13)),
        (D(2025, 10, 1), 3, D(2025, 10, 9), D(2025, 10, 11)),
        # Ordinary weeks.
        (D(2025, 3, 3), 5, D(2025, 3, 3), D(2025, 3, 7)),
        (D(2025, 3, 5), 5, D(2025, 3, 5), D(2025, 3, 11)),
    ],
)
def test_period_end_follows_the_state_council_schedule(start, working_days, first_day, end):
    result = period_end(start, working_days)

    assert (result.first_day, result.end, result.working_days) == (first_day, end, working_days)
    assert result.provisional is False
    assert result.years_without_data == ()
    assert result.notice == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "name"), MAKEUP_DAYS_2025_2026)
def test_makeup_weekend_days_of_2025_and_2026_are_working_days(day, name):
    status = day_status(day)

    assert day.weekday() >= 5
    assert status == workdays.DayStatus(day, True, Source.PACKAGE, name)
    assert is_working_day(day) is True
    assert period_end(day, 1).end == day


@pytest.mark.django_db
def test_makeup_days_listed_here_are_all_the_packages_weekend_working_days():
    package = sorted(day for day in chinese_calendar.workdays if day.year in (2025, 2026))

    assert package == [day for day, _name in MAKEUP_DAYS_2025_2026]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "first_day"),
    [
        (D(2025, 10, 4), D(2025, 10, 9)),  # a Saturday inside the National Day holiday
        (D(2025, 3, 8), D(2025, 3, 10)),  # an ordinary Saturday
        (D(2025, 3, 9), D(2025, 3, 10)),  # an ordinary Sunday
        (D(2025, 1, 1), D(2025, 1, 2)),  # 元旦
    ],
)
def test_period_end_starting_on_a_non_working_day_begins_on_the_next_working_day(start, first_day):
    one = period_end(start, 1)
    five = period_end(start, 5)

    assert (one.first_day, one.end) == (first_day, first_day)
    assert five.first_day == first_day
    assert working_days_between(first_day, five.end).count == 5


@pytest.mark.django_db
def test_period_end_of_one_working_day_is_the_start_when_it_is_a_working_day():
    assert period_end(D(2025, 10, 9), 1).end == D(2025, 10, 9)
    assert period_end(D(2025, 10, 11), 1).end == D(2025, 10, 11)  # make-up Saturday


@pytest.mark.django_db
def test_period_end_across_new_year_uses_both_years_schedules():
    # Dec 29-31 2025, then 元旦 2026 (Jan 1-3 off) and Sunday Jan 4 worked.
    result = period_end(D(2025, 12, 29), 5)

    assert result.end == D(2026, 1, 5)
    assert result.provisional is False


@pytest.mark.django_db
def test_period_end_across_into_a_year_without_schedule_is_provisional():
    # Dec 28-31 2026 (Mon-Thu), then 元旦 2027 (Friday, statutory) and a weekend.
    result = period_end(D(2026, 12, 28), 5)

    assert result.end == D(2027, 1, 4)
    assert result.provisional is True
    assert result.years_without_data == (2027,)


@pytest.mark.django_db
@pytest.mark.parametrize("working_days", [0, -1, -5])
def test_period_end_rejects_fewer_than_one_working_day(working_days):
    with pytest.raises(ValueError, match=r"working_days must be at least 1, got -?\d+"):
        period_end(D(2025, 3, 3), working_days)


@pytest.mark.django_db
@pytest.mark.parametrize("working_days", [1.0, "5", True, None])
def test_period_end_rejects_a_count_that_is_not_a_whole_number(working_days):
    with pytest.raises(TypeError, match="working_days must be a whole number"):
        period_end(D(2025, 3, 3), working_days)


@pytest.mark.parametrize("start", [datetime.datetime(2025, 3, 3, 12, 0), "2025-03-03", None])
def test_period_end_rejects_a_start_that_is_not_a_date(start):
    with pytest.raises(TypeError, match=r"start must be a datetime.date \(for today use"):
        period_end(start, 5)


# --- Deadlines and days left --------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_working_days_does_not_count_the_day_itself():
    # Returned for correction on Friday Sep 26 2025 with 5 working days: Sep 28 (Sunday, worked),
    # 29, 30, then Oct 9 and 10 after the holiday.
    result = add_working_days(D(2025, 9, 26), 5)

    assert (result.first_day, result.end) == (D(2025, 9, 28), D(2025, 10, 10))
    assert add_working_days(D(2025, 3, 3), 1).end == D(2025, 3, 4)


@pytest.mark.django_db
def test_working_days_between_counts_both_ends():
    october = working_days_between(D(2025, 10, 1), D(2025, 10, 31))

    # Oct 9, 10, 11 (Saturday, worked) and three full weeks.
    assert october.count == 18
    assert october.provisional is False
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)).count == 1
    assert working_days_between(D(2025, 3, 8), D(2025, 3, 9)).count == 0


@pytest.mark.django_db
def test_working_days_between_an_end_before_the_start_is_zero():
    result = working_days_between(D(2025, 3, 10), D(2025, 3, 3))

    assert (result.count, result.provisional) == (0, False)


@pytest.mark.django_db
def test_working_days_between_in_a_year_without_schedule_is_provisional():
    result = working_days_between(D(2027, 2, 1), D(2027, 2, 28))

    # February 2027 has 20 weekdays; 春节 takes Feb 5 and 8 and makes up its weekend days on Feb 9-10.
    assert result.count == 16
    assert result.years_without_data == (2027,)
    assert "2027" in result.notice


# --- Staff entries --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_entry_overrides_the_package_inside_its_years():
    add_entry(D(2025, 10, 9), HOLIDAY, "国庆节")  # a correction: one more day off
    add_entry(D(2025, 10, 8), MAKEUP, "国庆节")  # and one day of the package's holiday worked

    assert day_status(D(2025, 10, 9)) == workdays.DayStatus(D(2025, 10, 9), False, Source.STAFF_ENTRY, "国庆节")
    assert day_status(D(2025, 10, 8)) == workdays.DayStatus(D(2025, 10, 8), True, Source.STAFF_ENTRY, "国庆节")
    # Sep 30, Oct 8, 10, 11 (Saturday, worked), 13.
    assert period_end(D(2025, 9, 30), 5).end == D(2025, 10, 13)
    assert period_end(D(2025, 9, 30), 6).end == D(2025, 10, 14)


@pytest.mark.django_db
def test_staff_entries_for_a_year_without_package_data_make_it_official():
    # A 2027 notice as staff might enter it: Feb 5 - 11 off, Saturday Feb 20 worked.
    for offset in range(7):
        add_entry(D(2027, 2, 5) + datetime.timedelta(days=offset), HOLIDAY, "春节")
    add_entry(D(2027, 2, 20), MAKEUP, "春节")

    result = period_end(D(2027, 2, 4), 5)

    # Feb 4, then Feb 12, 15, 16, 17.
    assert (result.end, result.provisional, result.notice) == (D(2027, 2, 17), False, "")
    assert day_status(D(2027, 2, 20)) == workdays.DayStatus(D(2027, 2, 20), True, Source.STAFF_ENTRY, "春节")
    # The year's entries are the whole schedule: no statutory day is added to them.
    assert day_status(D(2027, 6, 9)) == workdays.DayStatus(D(2027, 6, 9), True, Source.ORDINARY_WEEK)


@pytest.mark.django_db
def test_staff_entries_of_another_year_leave_a_year_without_schedule_provisional():
    add_entry(D(2028, 1, 26), HOLIDAY, "春节")

    assert period_end(D(2027, 2, 4), 5).years_without_data == (2027,)
    assert workdays.years_without_schedule(2026, 2029) == (2027, 2029)


# --- The statutory fallback -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_period_end_in_2027_falls_back_to_statutory_holidays_and_says_so(caplog):
    caplog.set_level(logging.WARNING, logger="zaozhuang_titles.workdays")

    # 2027: 除夕 Feb 5 (Friday), 春节 Feb 6 (Saturday) - Feb 8; the weekend days are made up on Feb 9-10.
    result = period_end(D(2027, 2, 4), 5)

    assert (result.first_day, result.end) == (D(2027, 2, 4), D(2027, 2, 16))
    assert result.provisional is True
    assert result.years_without_data == (2027,)
    assert "2027" in result.notice
    assert [record.name for record in caplog.records] == ["zaozhuang_titles.workdays"]
    assert "2027" in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_period_end_in_covered_years_logs_no_warning(caplog):
    caplog.set_level(logging.WARNING, logger="zaozhuang_titles.workdays")

    period_end(D(2026, 2, 12), 5)

    assert caplog.records == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2027, 1, 1), "元旦"),
        (D(2027, 2, 5), "春节"),  # 除夕
        (D(2027, 2, 6), "春节"),  # lunar new year's day
        (D(2027, 2, 8), "春节"),
        (D(2027, 2, 9), "春节补假"),
        (D(2027, 4, 5), "清明"),
        (D(2027, 5, 3), "劳动节补假"),  # May 1-2 2027 are a weekend
        (D(2027, 6, 9), "端午"),  # lunar 5/5
        (D(2027, 9, 15), "中秋"),  # lunar 8/15
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 4), "国庆节补假"),
    ],
)
def test_day_status_in_2027_names_the_statutory_holiday(day, name):
    assert day_status(day) == workdays.DayStatus(day, False, Source.STATUTORY_FALLBACK, name, provisional=True)


@pytest.mark.django_db
def test_day_status_in_2027_ordinary_days_are_provisional():
    assert day_status(D(2027, 3, 1)) == workdays.DayStatus(D(2027, 3, 1), True, Source.ORDINARY_WEEK, "", True)
    assert day_status(D(2027, 3, 6)) == workdays.DayStatus(D(2027, 3, 6), False, Source.ORDINARY_WEEK, "", True)


def test_statutory_days_off_make_up_a_holiday_that_falls_inside_another():
    # 2028: 中秋 is October 3, inside 国庆节 (Oct 1 is a Sunday): two days are made up after the holiday.
    days = statutory_days_off(2028)

    assert days[D(2028, 10, 3)] == "国庆节"
    assert days[D(2028, 10, 4)] == "国庆节补假"
    assert days[D(2028, 10, 5)] == "中秋补假"
    assert D(2028, 10, 6) not in days


@pytest.mark.parametrize("year", range(2027, 2101))
def test_statutory_days_off_take_exactly_thirteen_weekdays(year):
    # 13 days of holiday a year (1+4+1+2+1+1+3); one on a weekend or on another holiday is made up.
    days = statutory_days_off(year)
    made_up = [day for day, name in days.items() if name.endswith("补假")]

    assert sum(1 for day in days if day.weekday() < 5) == 13
    assert all(day.weekday() < 5 for day in made_up)
    assert all(day.year == year for day in days)
    assert {D(year, 1, 1), D(year, 5, 1), D(year, 5, 2), D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)} <= set(days)


@pytest.mark.parametrize("year", PACKAGE_YEARS)
def test_lunar_holidays_agree_with_the_state_council_schedules(year):
    # The official schedules of 2004-2026 contain each computed lunar holiday (清明, 端午, 中秋 since 2008).
    assert chinese_calendar.holidays[workdays.lunar_date(year, 1, 1)] == "Spring Festival"
    if year >= 2008:
        assert chinese_calendar.is_holiday(workdays.qingming(year))
        assert chinese_calendar.is_holiday(workdays.lunar_date(year, 5, 5))
        assert chinese_calendar.is_holiday(workdays.lunar_date(year, 8, 15))


def test_qingming_agrees_with_the_packages_solar_terms():
    for year in range(2027, 2100):
        terms = {name: day for day, name in chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 30))}
        assert workdays.qingming(year) == terms["清明"], year


# --- Properties -----------------------------------------------------------------------------------------

staff_entries = st.dictionaries(
    st.dates(D(2026, 1, 1), D(2028, 12, 31)),
    st.tuples(st.sampled_from(CalendarDayKind.values), st.just("test")),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(D(2024, 1, 1), D(2028, 12, 31)),
    working_days=st.integers(1, 80),
    entries=staff_entries,
)
def test_period_end_properties(start, working_days, entries):
    calendar = WorkingCalendar(entries)

    result = calendar.period_end(start, working_days)
    longer = calendar.period_end(start, working_days + 1)

    assert calendar.is_working_day(result.end)
    assert calendar.is_working_day(result.first_day)
    assert result.first_day >= start
    assert all(
        not calendar.is_working_day(start + datetime.timedelta(days=n)) for n in range((result.first_day - start).days)
    )
    assert calendar.working_days_between(result.first_day, result.end).count == working_days
    assert calendar.working_days_between(start, result.end).count == working_days
    assert longer.end > result.end
    assert result.provisional == any(
        year not in PACKAGE_YEARS and not any(day.year == year for day in entries)
        for year in range(start.year, result.end.year + 1)
    )


# --- Queries --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("start", [D(2025, 3, 3), D(2026, 11, 2), D(2027, 1, 4)])
def test_period_end_reads_staff_entries_in_one_query(django_assert_num_queries, start):
    add_entry(D(2025, 3, 10))
    add_entry(D(2027, 1, 12))

    with django_assert_num_queries(1):
        result = period_end(start, 60)

    assert working_days_between(result.first_day, result.end).count == 60


@pytest.mark.django_db
def test_working_days_between_reads_staff_entries_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        result = working_days_between(D(2025, 1, 1), D(2027, 12, 31))

    assert result.years_without_data == (2027,)


# --- Admin ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_admin_warns_of_years_without_schedule(make_user, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 11, 29))
    client = client_for(make_user(Role.CITY_STAFF))
    url = reverse("admin:zaozhuang_titles_calendarday_changelist")

    before = client.get(url, headers={"accept-language": "en"}).content.decode()
    add_entry(D(2027, 1, 1), HOLIDAY, "元旦")
    after = client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "No holiday schedule for 2027" in before
    assert "元旦" not in before
    assert "No holiday schedule" not in after
    assert "元旦" in after


@pytest.mark.django_db
def test_calendar_admin_city_staff_add_an_entry_and_history_records_who(make_user, client_for):
    staff = make_user(Role.CITY_STAFF)

    response = client_for(staff).post(
        reverse("admin:zaozhuang_titles_calendarday_add"),
        {"date": "2027-02-05", "kind": HOLIDAY, "name": "春节", "note": "国办发明电〔2026〕X号"},
    )

    assert response.status_code == 302
    entry = CalendarDay.objects.get(date=D(2027, 2, 5))
    assert (entry.kind, entry.name) == (HOLIDAY, "春节")
    assert entry.history.get().history_user == staff
    assert day_status(D(2027, 2, 5)).source == Source.STAFF_ENTRY


@pytest.mark.django_db
def test_calendar_admin_rejects_a_second_entry_for_the_same_day(make_user, client_for):
    add_entry(D(2027, 2, 5))

    response = client_for(make_user(Role.CITY_STAFF)).post(
        reverse("admin:zaozhuang_titles_calendarday_add"),
        {"date": "2027-02-05", "kind": MAKEUP, "name": "春节", "note": ""},
    )

    assert response.status_code == 200
    assert CalendarDay.objects.get(date=D(2027, 2, 5)).kind == HOLIDAY


@pytest.mark.django_db
def test_calendar_admin_list_runs_constant_queries(django_assert_num_queries, make_user, client_for):
    client = client_for(make_user(Role.CITY_STAFF))
    url = reverse("admin:zaozhuang_titles_calendarday_changelist")
    days = iter(D(2027, 1, 1) + datetime.timedelta(days=n) for n in range(10))

    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(url),
        lambda: add_entry(next(days)),
        expected=14 + (connection.vendor == "postgresql"),  # pg_class: the estimated size
    )
