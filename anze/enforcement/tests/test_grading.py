"""493号令 grading and deadlines, checked against an independent oracle written from the table in DOMAIN.md §10."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.enforcement import grading
from anze.enforcement.grading import Grade, Level

# The oracle: each grade's own closed/half-open ranges, read straight from art. 3 ("以上" includes, "以下"
# excludes), rather than thresholds walked from the top.
ORACLE_RANGES = {
    "deaths": [
        (Grade.ESPECIALLY_MAJOR, 30, None),
        (Grade.MAJOR, 10, 30),
        (Grade.LARGER, 3, 10),
        (Grade.GENERAL, 0, 3),
    ],
    "injuries": [
        (Grade.ESPECIALLY_MAJOR, 100, None),
        (Grade.MAJOR, 50, 100),
        (Grade.LARGER, 10, 50),
        (Grade.GENERAL, 0, 10),
    ],
    "loss": [
        (Grade.ESPECIALLY_MAJOR, 10000, None),
        (Grade.MAJOR, 5000, 10000),
        (Grade.LARGER, 1000, 5000),
        (Grade.GENERAL, 0, 1000),
    ],
}


def oracle(deaths, injuries, loss):
    found = []
    for name, value in (("deaths", deaths), ("injuries", injuries), ("loss", loss)):
        matches = [
            g for g, low, high in ORACLE_RANGES[name] if value >= low and (high is None or value < high)
        ]
        assert len(matches) == 1
        found.append(matches[0])
    return sorted(found)[-1]


losses = st.decimals(min_value=0, max_value=30000, places=2, allow_nan=False, allow_infinity=False)


@given(st.integers(0, 200), st.integers(0, 300), losses)
def test_grade_matches_the_oracle(deaths, injuries, loss):
    assert grading.grade_of(deaths, injuries, loss) == oracle(deaths, injuries, loss)


@given(st.integers(0, 200), st.integers(0, 300), losses, st.integers(0, 5), st.integers(0, 5))
def test_more_casualties_never_lower_the_grade(deaths, injuries, loss, more_deaths, more_injuries):
    assert grading.grade_of(deaths + more_deaths, injuries + more_injuries, loss) >= grading.grade_of(
        deaths, injuries, loss
    )


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade"),
    [
        (2, 9, Decimal("999.99"), Grade.GENERAL),
        (3, 0, 0, Grade.LARGER),  # "3人以上" includes 3
        (0, 10, 0, Grade.LARGER),
        (0, 0, 1000, Grade.LARGER),
        (9, 49, Decimal("4999.99"), Grade.LARGER),
        (10, 0, 0, Grade.MAJOR),
        (0, 0, 5000, Grade.MAJOR),
        (1, 100, 0, Grade.ESPECIALLY_MAJOR),  # the highest of the three measures
        (0, 0, 10000, Grade.ESPECIALLY_MAJOR),
        (30, 0, 0, Grade.ESPECIALLY_MAJOR),
    ],
)
def test_grade_boundaries(deaths, injuries, loss, grade):
    assert grading.grade_of(deaths, injuries, loss) == grade


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError):
        grading.grade_of(-1, 0, 0)


T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("grade", "top"),
    [
        (Grade.GENERAL, Level.CITY),
        (Grade.LARGER, Level.PROVINCE),
        (Grade.MAJOR, Level.NATION),
        (Grade.ESPECIALLY_MAJOR, Level.NATION),
    ],
)
def test_reports_go_up_to_the_level_the_grade_requires(grade, top):
    steps = grading.reporting_steps(T0, grade)
    assert [s.level for s in steps][-1] == top
    assert steps[0].due_at == T0 + dt.timedelta(hours=1)


@given(
    st.sampled_from(list(Grade)),
    st.lists(st.integers(0, 300), min_size=4, max_size=4),
)
def test_each_level_has_two_hours_from_the_real_receipt_below(grade, delays):
    # the oracle: walk up the chain, each level's clock starting when the one below was reached
    reached = {}
    when = T0
    for level, minutes in zip(Level, delays, strict=True):
        when = when + dt.timedelta(minutes=minutes)
        reached[level] = when
    levels = grading.reporting_levels(grade)
    reached = {lv: t for lv, t in reached.items() if lv in levels}
    steps = grading.reporting_steps(T0, grade, reached)
    for i, step in enumerate(steps):
        expected = T0 + dt.timedelta(hours=1) if i == 0 else reached[levels[i - 1]] + dt.timedelta(hours=2)
        assert step.due_at == expected


def test_a_raised_level_starts_its_clock_when_the_new_grade_is_known():
    known = T0 + dt.timedelta(days=3)
    steps = grading.reporting_steps(
        T0, Grade.LARGER, {Level.COUNTY: T0, Level.CITY: T0 + dt.timedelta(hours=1)}, {Level.PROVINCE: known}
    )
    assert steps[-1].due_at == known + dt.timedelta(hours=2)


def test_follow_up_window_is_seven_days_for_road_traffic_and_fire():
    day = dt.date(2026, 3, 2)
    assert grading.follow_up_until(day, short_window=True) == dt.date(2026, 3, 9)
    assert grading.follow_up_until(day, short_window=False) == dt.date(2026, 4, 1)


def test_investigation_is_sixty_days_extendable_once_by_at_most_sixty():
    day = dt.date(2026, 3, 2)
    assert grading.investigation_due(day) == dt.date(2026, 5, 1)
    assert grading.investigation_due(day, 60) == dt.date(2026, 6, 30)
    with pytest.raises(ValueError):
        grading.investigation_due(day, 61)


def test_reply_and_evaluations():
    assert grading.reply_due(dt.date(2026, 5, 1), Grade.LARGER) == dt.date(2026, 5, 16)
    assert grading.reply_due(dt.date(2026, 5, 1), Grade.ESPECIALLY_MAJOR) == dt.date(2026, 5, 31)
    assert grading.closing_evaluation_due(dt.date(2026, 8, 31), Grade.LARGER) == dt.date(2027, 2, 28)
    assert grading.closing_evaluation_due(dt.date(2026, 8, 31), Grade.GENERAL) is None
    assert grading.reply_evaluation_due(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 36))
def test_add_months_against_an_oracle(day, months):
    result = grading.add_months(day, months)
    # oracle: count months by (year, month) arithmetic and clamp by trying smaller days
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for d in range(day.day, 0, -1):
        try:
            expected = dt.date(year, month + 1, d)
            break
        except ValueError:
            continue
    assert result == expected
