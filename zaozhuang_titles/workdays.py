"""The working-day calendar (工作日): which days are working days, and periods counted in them.

Used wherever the rules count working days: the employer's internal notice (单位内部公示) and the
publicity of results (公示) last at least 5 working days, and a return for correction (退回补正) sets a
deadline in working days.

Where a day's status comes from, first match wins (``Source``):

1. ``CalendarDay`` entries that city staff keep in admin (节假日安排). On its own date an entry
   overrides everything else, so a wrong day can be corrected even in a year the package covers.
2. The ``chinesecalendar`` package (the State Council's yearly notices: holidays and make-up working
   days, 调休). It covers ``PACKAGE_YEARS`` (2004-2026 in 1.11.0) and raises NotImplementedError
   outside them, so it is only asked about those years.
3. For any other year that has at least one staff entry: the ordinary week. Staff are expected to
   enter that year's whole notice, so nothing is added to it.
4. For any other year without staff entries: the statutory holidays of 《全国年节及纪念日放假办法》
   (as amended in 2024, in force since 2025) plus the substitute days off it grants when one of them
   falls on a weekend, then the ordinary week. The State Council's yearly bridging (调休) cannot be
   known in advance, so such a result is *provisional*: results say so, and a warning is logged.

Periods: a period of N working days "beginning on" a day counts that day when it is a working day
(``period_end``, used for notices: 公示期不少于5个工作日). A deadline "within N working days of" a day
does not count that day (``add_working_days``), as 期间开始的日不计算在期间内.

Staff entries are read with one query per call (whole years, so that "does this year have entries"
is answered by the same query); nothing is cached between calls, so an entry saved in admin counts at
once.
"""

import dataclasses
import datetime
import enum
import functools
import logging
import types

import chinese_calendar
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lunar_python import Lunar

from zaozhuang_titles.models import CalendarDay, CalendarDayKind

logger = logging.getLogger("zaozhuang_titles.workdays")

ONE_DAY = datetime.timedelta(days=1)

#: The years the chinesecalendar package has data for; asking it about any other year raises.
PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

#: English names in the package's data -> the Chinese names used everywhere else (春节, 国庆节, ...).
_PACKAGE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


class Source(enum.StrEnum):
    """Where a day's status comes from."""

    STAFF_ENTRY = "staff_entry"
    PACKAGE = "package"
    STATUTORY_FALLBACK = "statutory_fallback"
    ORDINARY_WEEK = "ordinary_week"

    @property
    def label(self):
        return {
            Source.STAFF_ENTRY: _("entered by city staff (节假日安排)"),
            Source.PACKAGE: _("State Council holiday notice (chinesecalendar)"),
            Source.STATUTORY_FALLBACK: _("statutory holiday (法定节假日), official schedule not yet known"),
            Source.ORDINARY_WEEK: _("ordinary week: Monday to Friday work, Saturday and Sunday rest"),
        }[self]


@dataclasses.dataclass(frozen=True)
class DayStatus:
    """One day: working or not, why, and whether that is only provisional."""

    day: datetime.date
    is_working_day: bool
    source: Source
    #: The holiday the day belongs to (春节, 国庆节, ...), also for a make-up working day; "" otherwise.
    name: str = ""
    #: True when the day's year has neither package data nor staff entries.
    provisional: bool = False


def _provisional_notice(years):
    if not years:
        return ""
    return gettext(
        "Provisional: the official holiday schedule (节假日安排) for %(years)s has not been entered yet, so "
        "only statutory holidays and weekends were counted. The date may change once city staff enter it."
    ) % {"years": ", ".join(str(year) for year in years)}


class _MaybeProvisional:
    """Shared by results that may rest on years without an official schedule."""

    @property
    def provisional(self):
        return bool(self.years_without_data)

    @property
    def notice(self):
        """A sentence for the UI when the result is provisional; "" when it is not."""
        return _provisional_notice(self.years_without_data)


@dataclasses.dataclass(frozen=True)
class PeriodEnd(_MaybeProvisional):
    """The result of ``period_end`` and ``add_working_days``."""

    #: The first working day of the period (the start itself when it is a working day).
    first_day: datetime.date
    #: The last day of the period, always a working day.
    end: datetime.date
    working_days: int
    #: Years the period touches that have no official schedule (neither package data nor staff entries).
    years_without_data: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class WorkingDayCount(_MaybeProvisional):
    """The result of ``working_days_between``."""

    start: datetime.date
    end: datetime.date
    count: int
    years_without_data: tuple[int, ...] = ()


# --- Statutory holidays, for years without an official schedule ---------------------------------


def lunar_date(year, month, day):
    """The Gregorian date of lunar ``month``/``day`` (not a leap month) of the lunar year ``year``."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year):
    """The day of the Qingming solar term (清明) in ``year``: April 4 or 5 (rarely 6 before 1950)."""
    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@functools.cache
def statutory_days_off(year):
    """The days off that 《全国年节及纪念日放假办法》 fixes for ``year``: ``{date: holiday name}``.

    Holidays for all citizens (as amended by State Council decree 795, in force since 1 January 2025):
    元旦 1 day; 春节 4 days (除夕 and lunar 1/1 to 1/3); 清明 1 day (the solar term); 劳动节 2 days
    (May 1-2); 端午 1 day (lunar 5/5); 中秋 1 day (lunar 8/15); 国庆节 3 days (October 1-3).
    Article 6: such a holiday that falls on a Saturday or Sunday is made up on a working day (补假);
    the made-up day is the first weekday after the holiday that is not already off. The same is done
    when two holidays fall on one day (中秋 inside 国庆节). The yearly bridging with make-up working
    days (调休) is decided by the State Council each year and cannot be computed.

    The lunar dates come from lunar-python (an astronomical computation, valid far beyond 2100).
    For years before 2025 the old rules applied; the portal never asks about those years here.
    """
    new_year = lunar_date(year, 1, 1)
    holidays = [
        ("元旦", [datetime.date(year, 1, 1)]),
        ("春节", [new_year - ONE_DAY, new_year, new_year + ONE_DAY, new_year + 2 * ONE_DAY]),
        ("清明", [qingming(year)]),
        ("劳动节", [datetime.date(year, 5, 1), datetime.date(year, 5, 2)]),
        ("端午", [lunar_date(year, 5, 5)]),
        ("中秋", [lunar_date(year, 8, 15)]),
        ("国庆节", [datetime.date(year, 10, 1), datetime.date(year, 10, 2), datetime.date(year, 10, 3)]),
    ]
    holidays.sort(key=lambda holiday: holiday[1][0])
    days_off = {}
    for name, dates in holidays:
        owed = 0
        for day in dates:
            if day.weekday() >= 5 or day in days_off:
                owed += 1
            days_off.setdefault(day, name)
        day = dates[-1]
        while owed:
            day += ONE_DAY
            if day.weekday() < 5 and day not in days_off:
                days_off[day] = name + "补假"
                owed -= 1
    return types.MappingProxyType(days_off)


# --- The calendar --------------------------------------------------------------------------------


class WorkingCalendar:
    """Day statuses from staff entries (given, or loaded from the database by year) and the rules.

    Pure when built with ``entries``; otherwise it loads whole years of ``CalendarDay`` rows on demand,
    one query per ``load``.
    """

    def __init__(self, entries=None):
        # entries: {date: (kind, name)}; with entries given, nothing is ever loaded from the database.
        self._entries = {}
        self._years_with_entries = set()
        self._loaded = None  # (first_year, last_year) covered by self._entries, or None
        if entries is not None:
            self._entries = dict(entries)
            self._years_with_entries = {day.year for day in self._entries}
            self._loaded = (datetime.MINYEAR, datetime.MAXYEAR)

    def load(self, first_year, last_year):
        """Make sure the entries of the years ``first_year`` to ``last_year`` are known (one query)."""
        if self._loaded is not None:
            loaded_first, loaded_last = self._loaded
            if loaded_first <= first_year and last_year <= loaded_last:
                return
            # Widen to one contiguous span so that a later look-up inside it never queries again.
            first_year, last_year = min(first_year, loaded_first), max(last_year, loaded_last)
        rows = CalendarDay.objects.filter(
            date__gte=datetime.date(first_year, 1, 1), date__lte=datetime.date(last_year, 12, 31)
        ).values_list("date", "kind", "name")
        self._entries = {day: (kind, name) for day, kind, name in rows}
        self._years_with_entries = {day.year for day in self._entries}
        self._loaded = (first_year, last_year)

    def has_schedule(self, year):
        """True when ``year``'s holidays are officially known (package data or staff entries)."""
        self.load(year, year)
        return year in PACKAGE_YEARS or year in self._years_with_entries

    def years_without_schedule(self, first_day, last_day):
        return tuple(year for year in range(first_day.year, last_day.year + 1) if not self.has_schedule(year))

    def status(self, day):
        self.load(day.year, day.year)
        entry = self._entries.get(day)
        if entry is not None:
            kind, name = entry
            return DayStatus(day, kind == CalendarDayKind.MAKEUP_WORKING_DAY, Source.STAFF_ENTRY, name)
        if day.year in PACKAGE_YEARS:
            # chinese_calendar.get_holiday_detail, without its per-call scan of the whole table.
            if day in chinese_calendar.workdays:
                return DayStatus(day, True, Source.PACKAGE, _PACKAGE_NAMES[chinese_calendar.workdays[day]])
            if day in chinese_calendar.holidays:
                return DayStatus(day, False, Source.PACKAGE, _PACKAGE_NAMES[chinese_calendar.holidays[day]])
            return DayStatus(day, day.weekday() < 5, Source.PACKAGE)
        if day.year not in self._years_with_entries:
            name = statutory_days_off(day.year).get(day)
            if name is not None:
                return DayStatus(day, False, Source.STATUTORY_FALLBACK, name, provisional=True)
            return DayStatus(day, day.weekday() < 5, Source.ORDINARY_WEEK, provisional=True)
        return DayStatus(day, day.weekday() < 5, Source.ORDINARY_WEEK)

    def is_working_day(self, day):
        return self.status(day).is_working_day

    def period_end(self, start, working_days):
        start = _as_date(start, "start")
        working_days = _as_count(working_days)
        # Load generously at once: 5 working days take 7 calendar days, holidays add at most a few
        # weeks a year. Whole years are loaded, so this only decides whether the next year comes along.
        self.load(start.year, (start + datetime.timedelta(days=working_days * 2 + 30)).year)
        day = start
        while not self.is_working_day(day):
            day += ONE_DAY
        first_day = day
        counted = 1
        while counted < working_days:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return PeriodEnd(first_day, day, working_days, _warn(self.years_without_schedule(start, day), start, day))

    def working_days_between(self, start, end):
        start, end = _as_date(start, "start"), _as_date(end, "end")
        if end < start:
            return WorkingDayCount(start, end, 0)
        self.load(start.year, end.year)
        count = 0
        day = start
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return WorkingDayCount(start, end, count, _warn(self.years_without_schedule(start, end), start, end))

    def working_day_before(self, day, working_days):
        """The ``working_days``-th working day before ``day`` (``day`` itself not counted); ``day``
        itself for 0. The questionnaires' reminders fall on it (3 and 1 working days before a deadline),
        and ``overdue_since`` (a step's time limit) is built on it."""
        day = _as_date(day, "day")
        if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 0:
            raise ValueError(f"working_days must be a whole number of at least 0, got {working_days!r}.")
        # One query for the years the answer can lie in: a working day takes at most 7/5 calendar days and
        # the longest holiday adds about two weeks (a day outside them is loaded when asked, never wrong).
        self.load((day - datetime.timedelta(days=working_days * 2 + 40)).year, day.year)
        while working_days:
            day -= ONE_DAY
            if self.is_working_day(day):
                working_days -= 1
        return day

    def overdue_since(self, today, working_days):
        """超期 — the one rule of "past a step's time limit" (the admin list's filter and column, the
        statistics page, the staff's digest): whatever reached its step before the returned day has
        waited more than ``working_days`` working days by ``today``.

        Working days waited are counted as the stays are (the difference of the two days' working-day
        ordinals): on a day off the count stands where the last working day left it. So the day is the
        ``working_days``-th working day before the last working day up to ``today``; on a working day
        that is where ``add_working_days(arrival, working_days)``, the step's deadline, falls before
        ``today``."""
        day = _as_date(today, "today")
        self.load((day - datetime.timedelta(days=working_days * 2 + 40)).year, day.year)
        while not self.is_working_day(day):
            day -= ONE_DAY
        return self.working_day_before(day, working_days)

    def next_working_day(self, day):
        """The first working day after ``day``."""
        day = _as_date(day, "day") + ONE_DAY
        self.load(day.year, day.year + 1)
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def ordinals(self, first, last):
        """``{day: n}`` for every day from ``first`` to ``last``: n is the number of working days from
        ``first`` up to and including that day. The working days elapsed between two days of the span
        are the difference of their ordinals (a day off has the ordinal of the working day before it),
        so figures over many rows are computed per distinct day, never per row."""
        first, last = _as_date(first, "first"), _as_date(last, "last")
        ordinals = {}
        if last < first:
            return ordinals
        self.load(first.year, last.year)
        count = 0
        day = first
        while day <= last:
            count += self.is_working_day(day)
            ordinals[day] = count
            day += ONE_DAY
        _warn(self.years_without_schedule(first, last), first, last)
        return ordinals


def _warn(years, first_day, last_day):
    if years:
        logger.warning(
            "Working days from %s to %s counted without an official holiday schedule for %s: statutory "
            "holidays and weekends only, result is provisional. Enter the year's holidays and make-up "
            "working days in admin (节假日安排).",
            first_day,
            last_day,
            ", ".join(str(year) for year in years),
        )
    return years


def _as_date(value, name):
    # A datetime is a date too, but an aware one in UTC names the wrong day in China for 8 hours.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(
            f"{name} must be a datetime.date (for today use django.utils.timezone.localdate()), got {value!r}."
        )
    return value


def _as_count(working_days):
    if isinstance(working_days, bool) or not isinstance(working_days, int):
        raise TypeError(f"working_days must be a whole number of working days, got {working_days!r}.")
    if working_days < 1:
        raise ValueError(
            f"working_days must be at least 1, got {working_days}: a period holds at least one working day."
        )
    return working_days


# --- The API ----------------------------------------------------------------------------------------


def day_status(day):
    """The status of one day (working or not, and where that comes from)."""
    return WorkingCalendar().status(_as_date(day, "day"))


def is_working_day(day):
    return day_status(day).is_working_day


def period_end(start, working_days):
    """The last day of a period of ``working_days`` working days beginning on ``start``.

    ``start`` counts when it is a working day; otherwise the period begins on the next working day.
    Raises ValueError when ``working_days`` is less than 1.
    """
    return WorkingCalendar().period_end(start, working_days)


def add_working_days(day, working_days):
    """The deadline ``working_days`` working days after ``day``, which itself does not count.

    For "within N working days of the return" (退回补正): returned on a Friday with 5 working days
    allowed, the deadline is the next Friday (barring holidays).
    """
    return WorkingCalendar().period_end(_as_date(day, "day") + ONE_DAY, working_days)


def working_days_between(start, end):
    """How many working days lie from ``start`` to ``end``, both included (0 when ``end`` is earlier).

    "How many working days are left" until a deadline is ``working_days_between(today, deadline)``.
    """
    return WorkingCalendar().working_days_between(start, end)


def working_day_ordinals(first, last):
    """``{day: working days from first up to and including day}`` over ``first`` to ``last`` (one query).

    The working days elapsed from day a to day b (both in the span) are ``ordinals[b] - ordinals[a]``:
    an application that arrived on a Friday and left on the next Monday spent 1 working day."""
    return WorkingCalendar().ordinals(first, last)


def overdue_since(today, working_days, *, calendar=None):
    """The first day still within a step's limit of ``working_days`` working days on ``today``
    (``WorkingCalendar.overdue_since``): whatever arrived before it is past the limit, one comparison of
    dates served by an index. Pass ``calendar`` to share its loaded years (one query for many limits)."""
    return (calendar or WorkingCalendar()).overdue_since(today, working_days)


def years_without_schedule(first_year, last_year):
    """The years from ``first_year`` to ``last_year`` whose holidays are not officially known (one query)."""
    calendar = WorkingCalendar()
    calendar.load(first_year, last_year)
    return tuple(year for year in range(first_year, last_year + 1) if not calendar.has_schedule(year))
