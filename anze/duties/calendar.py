"""The working-day calendar (工作日): statutory holidays and make-up working days (调休).

Pure, no ORM. A year's calendar comes from, in this order:

1. the office's holiday arrangement for the year (节假日安排, entered from the 国务院办公厅 notice);
2. the data of the installed chinese-calendar package, where it has the year;
3. otherwise a provisional calendar (暂定日历): Monday to Friday are working days except the statutory
   holidays whose Gregorian date is fixed by the 《全国年节及纪念日放假办法》 (FIXED_HOLIDAYS). Lunar
   holidays (春节, 清明, 端午, 中秋), 补假 and 调休 come only with the notice, so every due date computed
   under it is provisional and is recomputed when the year's arrangement is entered.

`WorkingCalendar` answers for one set of arrangements; the module-level functions answer for the
calendar made active by `activate()` (the duties app loads the office's arrangements into it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import chinese_calendar

# 《全国年节及纪念日放假办法》（2024年修订，2025年1月1日起施行）第二条: the holidays of all citizens whose
# date is fixed in the Gregorian calendar. The provisional calendar rests on these days and weekends.
FIXED_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)


class CalendarRangeError(ValueError):
    """Kept for callers that still catch it; the calendar no longer refuses a year (it is provisional)."""

    code = "calendar_out_of_range"


class Roll(StrEnum):
    """What to do with a due date that falls on a rest day."""

    FOLLOWING = "following"  # 顺延 to the next working day (the default)
    PRECEDING = "preceding"  # 提前 to the working day before
    NONE = "none"  # keep the date as it is


class Source(StrEnum):
    """Where a year's working days come from."""

    OFFICE = "office"  # 办公室录入的节假日安排
    PACKAGE = "package"  # chinese-calendar 数据
    PROVISIONAL = "provisional"  # 暂定日历（周末和固定日期节假日）


SOURCE_LABELS = {
    Source.OFFICE: "已录入国务院办公厅放假通知",
    Source.PACKAGE: "内置节假日数据",
    Source.PROVISIONAL: "暂定（仅周末和固定日期节假日）",
}


class DayKind(StrEnum):
    """A day named in a holiday arrangement."""

    HOLIDAY = "holiday"  # 放假（休）
    WORKDAY = "workday"  # 调休上班（班）


@dataclass(frozen=True)
class YearArrangement:
    """One year's holidays and make-up working days, as the notice lists them."""

    year: int
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@lru_cache(maxsize=1)
def supported_years() -> tuple[int, int]:
    """The first and last year the installed chinese-calendar data covers."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(days).year, max(days).year


def is_supported(day: dt.date) -> bool:
    """Whether the chinese-calendar data has `day`'s year."""
    first, last = supported_years()
    return first <= day.year <= last


def fixed_holidays(year: int) -> dict[dt.date, str]:
    """The fixed-date statutory holidays of `year` (what the provisional calendar rests on)."""
    return {dt.date(year, month, day): name for month, day, name in FIXED_HOLIDAYS}


@dataclass
class WorkingCalendar:
    """Working days from the office's arrangements, then chinese-calendar, then the provisional rule."""

    arrangements: Iterable[YearArrangement] = ()
    _years: dict[int, YearArrangement] = field(init=False, default_factory=dict)
    _days: dict[dt.date, bool] = field(init=False, default_factory=dict)
    _cache: dict[dt.date, bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for arrangement in self.arrangements:
            self._years[arrangement.year] = arrangement
            # A notice may name days just outside its year (元旦 beginning on 30 December): each named
            # day is what the notice says, whatever year it falls in.
            self._days.update(dict.fromkeys(arrangement.holidays, False))
            self._days.update(dict.fromkeys(arrangement.workdays, True))
        self.arrangements = tuple(self._years.values())

    def source(self, year: int) -> Source:
        """Where `year`'s working days come from."""
        if year in self._years:
            return Source.OFFICE
        first, last = supported_years()
        return Source.PACKAGE if first <= year <= last else Source.PROVISIONAL

    def is_provisional(self, year: int) -> bool:
        return self.source(year) == Source.PROVISIONAL

    def spans_provisional(self, first: dt.date, last: dt.date) -> bool:
        """Whether any day from `first` to `last` (either order) lies in a provisional year."""
        low, high = sorted((first.year, last.year))
        return any(self.is_provisional(year) for year in range(low, high + 1))

    def provisional_years(self, first: int, last: int) -> list[int]:
        return [year for year in range(first, last + 1) if self.is_provisional(year)]

    def is_workday(self, day: dt.date) -> bool:
        """Whether `day` is a working day."""
        if day not in self._cache:
            self._cache[day] = self._is_workday(day)
        return self._cache[day]

    def _is_workday(self, day: dt.date) -> bool:
        if day in self._days:
            return self._days[day]
        source = self.source(day.year)
        if source == Source.OFFICE:
            return day.weekday() < 5
        if source == Source.PACKAGE:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day on or after `day`."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def previous_workday(self, day: dt.date) -> dt.date:
        """The last working day on or before `day`."""
        while not self.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def roll(self, day: dt.date, rule: Roll | str = Roll.FOLLOWING) -> dt.date:
        """Move a due date that falls on a rest day to a working day (顺延 by default)."""
        rule = Roll(rule)
        if rule == Roll.NONE:
            return day
        return self.next_workday(day) if rule == Roll.FOLLOWING else self.previous_workday(day)

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` ("within N working days" of an event on `day`).

        The event day itself is not counted; with count == 0 the answer is `day` rolled forward.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        if count == 0:
            return self.next_workday(day)
        found = 0
        while found < count:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                found += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


_FIXED = frozenset((month, day) for month, day, _name in FIXED_HOLIDAYS)
_active = WorkingCalendar()


def activate(working_calendar: WorkingCalendar) -> WorkingCalendar:
    """Make `working_calendar` the one the module-level functions answer for; returns it."""
    global _active
    _active = working_calendar
    return working_calendar


def active() -> WorkingCalendar:
    """The calendar in use (the office's arrangements as last loaded, or the package and provisional rule)."""
    return _active


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day: Monday to Friday unless a statutory holiday, or a 调休 weekend day."""
    return _active.is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    return _active.next_workday(day)


def previous_workday(day: dt.date) -> dt.date:
    return _active.previous_workday(day)


def roll(day: dt.date, rule: Roll | str = Roll.FOLLOWING) -> dt.date:
    """Move a due date that falls on a rest day to a working day (顺延 by default)."""
    return _active.roll(day, rule)


def add_workdays(day: dt.date, count: int) -> dt.date:
    return _active.add_workdays(day, count)


def workdays_between(start: dt.date, end: dt.date) -> int:
    return _active.workdays_between(start, end)
