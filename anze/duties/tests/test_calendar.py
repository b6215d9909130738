"""Working days from chinese-calendar: holidays, 调休 make-up days, rolling and counting; pure, hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.duties.calendar import (
    Roll,
    Source,
    WorkingCalendar,
    YearArrangement,
    add_workdays,
    fixed_holidays,
    is_supported,
    is_workday,
    next_workday,
    previous_workday,
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


# --- Rules checked against hand-worked days and a plainer reading of the calendar ---------------------
# The provisional rule, read once more from 《全国年节及纪念日放假办法》 第二条: Monday to Friday, except
# 元旦 (1 January), 劳动节 (1–2 May) and 国庆节 (1–3 October).
FIXED_DAYS = {"01-01", "05-01", "05-02", "10-01", "10-02", "10-03"}


def provisional_oracle(day: dt.date) -> bool:
    return day.isoweekday() <= 5 and day.strftime("%m-%d") not in FIXED_DAYS


def days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def test_the_package_years_are_its_own_the_years_either_side_provisional():
    working = WorkingCalendar()
    assert [working.source(year) for year in (FIRST - 1, FIRST, LAST, LAST + 1)] == [
        Source.PROVISIONAL,
        Source.PACKAGE,
        Source.PACKAGE,
        Source.PROVISIONAL,
    ]
    assert [is_supported(dt.date(year, 6, 1)) for year in (FIRST - 1, FIRST, LAST, LAST + 1)] == [
        False,
        True,
        True,
        False,
    ]
    assert working.is_provisional(LAST + 1) and not working.is_provisional(LAST)
    assert working.provisional_years(FIRST - 2, LAST + 2) == [FIRST - 2, FIRST - 1, LAST + 1, LAST + 2]
    assert working.provisional_years(FIRST, LAST) == []


def test_a_span_is_provisional_when_any_of_its_years_is_either_order():
    working = WorkingCalendar()
    assert not working.spans_provisional(dt.date(LAST - 1, 12, 30), dt.date(LAST, 12, 31))
    assert working.spans_provisional(dt.date(LAST, 12, 31), dt.date(LAST + 1, 1, 4))
    assert working.spans_provisional(dt.date(LAST + 1, 1, 4), dt.date(LAST, 12, 31))
    assert working.spans_provisional(dt.date(LAST + 1, 3, 1), dt.date(LAST + 1, 3, 1))
    assert not working.spans_provisional(dt.date(LAST, 3, 1), dt.date(LAST, 3, 1))


def test_the_fixed_date_holidays_of_a_year():
    assert fixed_holidays(2031) == {
        dt.date(2031, 1, 1): "元旦",
        dt.date(2031, 5, 1): "劳动节",
        dt.date(2031, 5, 2): "劳动节",
        dt.date(2031, 10, 1): "国庆节",
        dt.date(2031, 10, 2): "国庆节",
        dt.date(2031, 10, 3): "国庆节",
    }


def test_a_provisional_year_follows_the_plain_reading_day_by_day():
    working = WorkingCalendar()
    year = LAST + 3
    assert [working.is_workday(day) for day in days_of(year)] == [
        provisional_oracle(d) for d in days_of(year)
    ]


def test_the_office_arrangement_names_its_days_and_leaves_weekends_as_rest():
    # A 2030 arrangement in the notice's shape: 元旦 on Tuesday 1 January with Monday 31 December 2029 off
    # (a day of the year before) and Sunday 6 January worked (调休).
    arrangement = YearArrangement(
        2030,
        holidays=frozenset({dt.date(2029, 12, 31), dt.date(2030, 1, 1)}),
        workdays=frozenset({dt.date(2030, 1, 6)}),
    )
    working = WorkingCalendar([arrangement])
    assert working.arrangements == (arrangement,)
    assert working.source(2030) == Source.OFFICE
    assert not working.is_workday(dt.date(2029, 12, 31))  # Monday, named as 休
    assert not working.is_workday(dt.date(2030, 1, 1))  # Tuesday, 元旦
    assert working.is_workday(dt.date(2030, 1, 2))  # Wednesday, not named
    assert not working.is_workday(dt.date(2030, 1, 5))  # Saturday, not named
    assert working.is_workday(dt.date(2030, 1, 6))  # Sunday, 调休
    assert not working.is_workday(dt.date(2030, 1, 12))  # Saturday
    assert not working.is_workday(dt.date(2030, 1, 13))  # Sunday
    # The answers hold when asked again (the calendar remembers what it worked out).
    assert [working.is_workday(dt.date(2030, 1, d)) for d in range(1, 8)] == [
        False, True, True, True, False, True, True,
    ]  # fmt: skip


def test_a_later_arrangement_of_the_same_year_replaces_the_earlier():
    first = YearArrangement(2030, holidays=frozenset({dt.date(2030, 1, 1)}))
    second = YearArrangement(2030, holidays=frozenset({dt.date(2030, 1, 1), dt.date(2030, 1, 2)}))
    assert WorkingCalendar([first, second]).arrangements == (second,)


def test_previous_and_next_workday_around_an_ordinary_weekend():
    # 2031-03-08 is a Saturday of a provisional year: no holiday near.
    working = WorkingCalendar()
    saturday, sunday = dt.date(2031, 3, 8), dt.date(2031, 3, 9)
    assert working.previous_workday(saturday) == dt.date(2031, 3, 7)
    assert working.previous_workday(sunday) == dt.date(2031, 3, 7)
    assert working.next_workday(saturday) == dt.date(2031, 3, 10)
    assert working.roll(saturday, "preceding") == dt.date(2031, 3, 7)
    assert working.roll(saturday, "none") == saturday
    # 2026 国庆节: 1 to 7 October off (the 2026 notice of 国务院办公厅), so from Saturday 3 October the
    # working day before is Wednesday 30 September and the next is Thursday 8 October.
    assert previous_workday(dt.date(2026, 10, 3)) == dt.date(2026, 9, 30)
    assert next_workday(dt.date(2026, 10, 3)) == dt.date(2026, 10, 8)


def test_within_zero_working_days_is_the_day_itself_or_the_next_working_day():
    working = WorkingCalendar()
    assert working.add_workdays(dt.date(2031, 3, 7), 0) == dt.date(2031, 3, 7)  # Friday
    assert working.add_workdays(dt.date(2031, 3, 8), 0) == dt.date(2031, 3, 10)  # Saturday → Monday
    assert add_workdays(dt.date(2031, 3, 8), 0) == dt.date(2031, 3, 10)
    with pytest.raises(ValueError, match="^count must not be negative$"):
        working.add_workdays(dt.date(2031, 3, 7), -1)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    st.dates(min_value=dt.date(LAST + 1, 1, 15), max_value=dt.date(LAST + 1, 12, 15)),
    st.integers(min_value=0, max_value=12),
)
def test_provisional_days_agree_with_a_walk_over_the_plain_reading(day, n):
    working = WorkingCalendar()
    year = days_of(LAST + 1)
    workdays = [d for d in year if provisional_oracle(d)]
    assert working.previous_workday(day) == max(d for d in workdays if d <= day)
    assert working.next_workday(day) == min(d for d in workdays if d >= day)
    after = [d for d in workdays if d > day]
    expected = min(d for d in workdays if d >= day) if n == 0 else after[n - 1]
    assert working.add_workdays(day, n) == expected
    assert working.workdays_between(day, expected) == sum(1 for d in workdays if day < d <= expected)
