"""Date arithmetic the rules need: working-day ordinals (chinese-calendar) and month windows. No ORM.

A working-day ordinal numbers the working days from 2004-01-01 on, so "filed within 20 working days of
publication" becomes `filed_workday - published_workday <= 20`, a comparison the database can make over
every plan at once. The ordinal of a rest day is that of the working day before it.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from functools import lru_cache

import chinese_calendar

EPOCH = dt.date(2004, 1, 1)


@lru_cache(maxsize=1)
def _known_range() -> tuple[dt.date, dt.date]:
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return dt.date(min(days).year, 1, 1), dt.date(max(days).year, 12, 31)


@lru_cache(maxsize=1)
def _workdays() -> list[dt.date]:
    first, last = _known_range()
    days, day = [], first
    while day <= last:
        if chinese_calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in (start, end]; used only beyond the years chinese-calendar knows."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    for i in range(1, rest + 1):
        if (start + dt.timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def workday_ordinal(day: dt.date) -> int:
    """How many working days lie in [2004-01-01, day]; beyond the holiday data, weekdays are counted."""
    first, last = _known_range()
    days = _workdays()
    if day < first:
        return -_weekdays_between(day, first)
    if day <= last:
        return bisect.bisect_right(days, day)
    return len(days) + _weekdays_between(last, day)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (the deadline of a filing period)."""
    target = workday_ordinal(day) + count
    days = _workdays()
    if 0 < target <= len(days):
        return days[target - 1]
    result = day
    while workday_ordinal(result) < target:
        result += dt.timedelta(days=1)
    return result


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end): the start of a rolling window."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))
