"""The working-day calendar (工作日): statutory holidays and make-up working days (调休) from chinese-calendar.

Pure functions, no ORM. Dates outside the years the installed chinese-calendar release knows raise
CalendarRangeError rather than silently treating a holiday as a working day.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import chinese_calendar


class CalendarRangeError(ValueError):
    """A date outside the years the installed chinese-calendar knows (update the package each year)."""

    code = "calendar_out_of_range"

    def __init__(self, day: dt.date) -> None:
        first, last = supported_years()
        self.day = day
        self.message_zh = f"{day.isoformat()} 超出节假日数据的范围（{first}–{last} 年），请升级 chinesecalendar 后再计算工作日。"
        super().__init__(
            f"{day.isoformat()} is outside the holiday data ({first}-{last}); upgrade chinesecalendar"
        )


class Roll(StrEnum):
    """What to do with a due date that falls on a rest day."""

    FOLLOWING = "following"  # 顺延 to the next working day (the default)
    PRECEDING = "preceding"  # 提前 to the working day before
    NONE = "none"  # keep the date as it is


@lru_cache(maxsize=1)
def supported_years() -> tuple[int, int]:
    """The first and last year the holiday data covers."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(days).year, max(days).year


def is_supported(day: dt.date) -> bool:
    first, last = supported_years()
    return first <= day.year <= last


@lru_cache(maxsize=16384)
def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day: Monday to Friday unless a statutory holiday, or a 调休 weekend day."""
    if not is_supported(day):
        raise CalendarRangeError(day)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:  # pragma: no cover - covered by is_supported
        raise CalendarRangeError(day) from exc


def next_workday(day: dt.date) -> dt.date:
    """The first working day on or after `day`."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def previous_workday(day: dt.date) -> dt.date:
    """The last working day on or before `day`."""
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def roll(day: dt.date, rule: Roll | str = Roll.FOLLOWING) -> dt.date:
    """Move a due date that falls on a rest day to a working day (顺延 by default)."""
    rule = Roll(rule)
    if rule == Roll.NONE:
        return day
    return next_workday(day) if rule == Roll.FOLLOWING else previous_workday(day)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` ("within N working days" of an event on `day`).

    The event day itself is not counted; with count == 0 the answer is `day` rolled forward.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return next_workday(day)
    found = 0
    while found < count:
        day += dt.timedelta(days=1)
        if is_workday(day):
            found += 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
