"""Working days from chinese-calendar: holidays, 调休 make-up days, rolling and counting; pure, hypothesis."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.duties.calendar import (
    Roll,
    add_workdays,
    is_workday,
    roll,
    supported_years,
    workdays_between,
)

FIRST, LAST = supported_years()
days = st.dates(min_value=dt.date(FIRST, 2, 1), max_value=dt.date(LAST, 11, 30))


def test_national_day_is_a_holiday_and_the_makeup_saturday_a_workday():
    assert not is_workday(dt.date(2021, 10, 1))
    assert not is_workday(dt.date(2021, 10, 7))
    assert is_workday(dt.date(2021, 9, 26))  # Sunday, 调休
    assert is_workday(dt.date(2021, 10, 9))  # Saturday, 调休
    assert is_workday(dt.date(2021, 9, 30))  # Thursday


def test_a_quarter_ending_in_the_national_day_week_rolls_to_the_makeup_saturday():
    # 2023-09-30 is a Saturday inside the Mid-Autumn + National Day holiday; 10-07 is a make-up working Saturday.
    assert roll(dt.date(2023, 9, 30)) == dt.date(2023, 10, 7)


def test_a_year_ending_on_a_weekend_rolls_past_new_year():
    assert roll(dt.date(2022, 12, 31)) == dt.date(2023, 1, 3)
    assert roll(dt.date(2023, 12, 31)) == dt.date(2024, 1, 2)


def test_preceding_and_none_rolls():
    assert roll(dt.date(2023, 9, 30), Roll.PRECEDING) == dt.date(2023, 9, 28)
    assert roll(dt.date(2023, 9, 30), Roll.NONE) == dt.date(2023, 9, 30)


def test_working_days_skip_the_golden_week_and_count_the_makeup_day():
    # 9-29, 9-30, (10-1…10-7 off), 10-8, 10-9 (Saturday, 调休), 10-11
    assert add_workdays(dt.date(2021, 9, 28), 5) == dt.date(2021, 10, 11)


def test_a_year_past_the_holiday_data_is_answered_provisionally_not_refused():
    # The year after the package's data: weekends and the fixed-date holidays (元旦, 劳动节, 国庆节).
    year = LAST + 1
    assert not is_workday(dt.date(year, 1, 1))
    assert not is_workday(dt.date(year, 10, 2))
    monday = dt.date(year, 3, 1) + dt.timedelta(days=(7 - dt.date(year, 3, 1).weekday()) % 7)
    assert is_workday(monday) and not is_workday(monday - dt.timedelta(days=1))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(days)
def test_roll_lands_on_a_workday_on_or_after_the_day_and_nothing_between_is_a_workday(day):
    rolled = roll(day)
    assert rolled >= day and is_workday(rolled)
    probe = day
    while probe < rolled:
        assert not is_workday(probe)
        probe += dt.timedelta(days=1)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(days, st.integers(min_value=1, max_value=20))
def test_add_workdays_counts_exactly_n_working_days(day, n):
    end = add_workdays(day, n)
    assert is_workday(end)
    assert workdays_between(day, end) == n


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(days)
def test_preceding_roll_never_moves_forward(day):
    rolled = roll(day, Roll.PRECEDING)
    assert rolled <= day and is_workday(rolled)
