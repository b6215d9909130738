"""Accident grades and reporting deadlines of 国务院令493号 — pure functions, no ORM.

Grades (art. 3): the grade is the highest one reached by any of the three measures; "以上" includes the
number, "以下" excludes it; serious injuries include acute industrial poisoning.

Reporting (art. 9–11): the unit reports to the county level within 1 hour; each department passes it up
one level within 2 hours, up to the level the grade requires (一般 → city, 较大 → province, 重大 and
特别重大 → the State Council). Follow-up reports within 30 days (7 for road traffic and fire, art. 13) may
change the grade (art. 20). Investigation report within 60 days, extendable once by at most 60 (art. 29);
the government's reply within 15 days (30 for 特别重大, art. 32); the 较大-accident evaluation six months after
closing (Linyi plan task 9) and the rectification evaluation within one year of the reply (Safety Law art. 86).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum


class Grade(IntEnum):
    """事故等级, ordered from the least to the most serious."""

    GENERAL = 1  # 一般
    LARGER = 2  # 较大
    MAJOR = 3  # 重大
    ESPECIALLY_MAJOR = 4  # 特别重大


class Level(IntEnum):
    """The levels a report passes through, from the county up."""

    COUNTY = 1  # 县级
    CITY = 2  # 设区的市级
    PROVINCE = 3  # 省级
    NATION = 4  # 国务院应急管理部门


# Lower bounds ("以上" includes): deaths, serious injuries, direct loss in 万元, for 较大, 重大, 特别重大.
DEATHS = {Grade.LARGER: 3, Grade.MAJOR: 10, Grade.ESPECIALLY_MAJOR: 30}
INJURIES = {Grade.LARGER: 10, Grade.MAJOR: 50, Grade.ESPECIALLY_MAJOR: 100}
LOSS_WAN = {Grade.LARGER: Decimal(1000), Grade.MAJOR: Decimal(5000), Grade.ESPECIALLY_MAJOR: Decimal(10000)}

# The level a report must reach for each grade (art. 10).
TOP_LEVEL = {
    Grade.GENERAL: Level.CITY,
    Grade.LARGER: Level.PROVINCE,
    Grade.MAJOR: Level.NATION,
    Grade.ESPECIALLY_MAJOR: Level.NATION,
}
# The level that investigates (art. 19).
INVESTIGATING_LEVEL = {
    Grade.GENERAL: Level.COUNTY,
    Grade.LARGER: Level.CITY,
    Grade.MAJOR: Level.PROVINCE,
    Grade.ESPECIALLY_MAJOR: Level.NATION,
}

UNIT_REPORT_WITHIN = dt.timedelta(hours=1)
LEVEL_REPORT_WITHIN = dt.timedelta(hours=2)
FOLLOW_UP_DAYS = 30
FOLLOW_UP_DAYS_SHORT = 7  # road traffic and fire
INVESTIGATION_DAYS = 60
INVESTIGATION_EXTENSION_MAX_DAYS = 60
REPLY_DAYS = 15
REPLY_DAYS_ESPECIALLY_MAJOR = 30
CLOSING_EVALUATION_MONTHS = 6
REPLY_EVALUATION_MONTHS = 12


def _measure_grade(value, bounds) -> Grade:
    for grade in (Grade.ESPECIALLY_MAJOR, Grade.MAJOR, Grade.LARGER):
        if value >= bounds[grade]:
            return grade
    return Grade.GENERAL


def grade_of(deaths: int, serious_injuries: int, direct_loss_wan: Decimal | int) -> Grade:
    """The grade of an accident: the highest grade any of the three measures reaches."""
    if deaths < 0 or serious_injuries < 0 or direct_loss_wan < 0:
        raise ValueError("deaths, serious injuries and direct loss must not be negative")
    return max(
        _measure_grade(deaths, DEATHS),
        _measure_grade(serious_injuries, INJURIES),
        _measure_grade(Decimal(direct_loss_wan), LOSS_WAN),
    )


@dataclass(frozen=True)
class Step:
    """One report up the chain: `level` must have the report by `due_at`."""

    level: Level
    due_at: dt.datetime


def reporting_levels(grade: Grade) -> list[Level]:
    """The levels a report of this grade must reach, county first."""
    return [level for level in Level if level <= TOP_LEVEL[grade]]


def reporting_steps(
    occurred_at: dt.datetime,
    grade: Grade,
    reached: dict[Level, dt.datetime] | None = None,
    earliest: dict[Level, dt.datetime] | None = None,
) -> list[Step]:
    """The due time of each level's report: 1 hour to the county, then 2 hours per level.

    A level's 2 hours run from the time the level below actually received the report when it is known
    (`reached`), else from the level below's own due time; and never before `earliest[level]` (a level a
    follow-up report added when the grade went up: its clock starts when the higher grade was known).
    """
    reached = reached or {}
    earliest = earliest or {}
    steps: list[Step] = []
    previous: dt.datetime | None = None
    for level in reporting_levels(grade):
        start = occurred_at if previous is None else previous
        if level in earliest:
            start = max(start, earliest[level])
        due = start + (UNIT_REPORT_WITHIN if previous is None else LEVEL_REPORT_WITHIN)
        steps.append(Step(level, due))
        previous = reached.get(level, due)
    return steps


def follow_up_until(occurred_on: dt.date, *, short_window: bool) -> dt.date:
    """The last day a follow-up report may change the casualty count (and the grade)."""
    return occurred_on + dt.timedelta(days=FOLLOW_UP_DAYS_SHORT if short_window else FOLLOW_UP_DAYS)


def investigation_due(occurred_on: dt.date, extension_days: int = 0) -> dt.date:
    """The investigation report is due 60 days after the accident, plus one extension of at most 60."""
    if not 0 <= extension_days <= INVESTIGATION_EXTENSION_MAX_DAYS:
        raise ValueError("an extension is between 1 and 60 days")
    return occurred_on + dt.timedelta(days=INVESTIGATION_DAYS + extension_days)


def reply_due(submitted_on: dt.date, grade: Grade) -> dt.date:
    """The government replies within 15 days of receiving the report (30 for 特别重大)."""
    days = REPLY_DAYS_ESPECIALLY_MAJOR if grade == Grade.ESPECIALLY_MAJOR else REPLY_DAYS
    return submitted_on + dt.timedelta(days=days)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def closing_evaluation_due(closed_on: dt.date, grade: Grade) -> dt.date | None:
    """较大事故结案半年内 评估 (Linyi task 9); None for other grades."""
    if grade != Grade.LARGER:
        return None
    return add_months(closed_on, CLOSING_EVALUATION_MONTHS)


def reply_evaluation_due(replied_on: dt.date) -> dt.date:
    """Safety Law art. 86: evaluate the rectification within one year of the reply."""
    return add_months(replied_on, REPLY_EVALUATION_MONTHS)
