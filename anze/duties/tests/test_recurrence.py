"""RRULEs to calendar periods and due dates, event deadlines and coverage plans; pure, hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.duties.calendar import is_workday
from anze.duties.recurrence import (
    RuleError,
    add_to_coverage,
    due_in_year,
    event_due,
    is_even,
    parse_rule,
    periods,
    plan_coverage,
    schedule,
    uncovered,
)

RULES = [
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=MONTHLY;INTERVAL=6",
    "FREQ=YEARLY",
    "FREQ=YEARLY;INTERVAL=3",
    "FREQ=WEEKLY",
    "RRULE:FREQ=MONTHLY;INTERVAL=2",
]


def test_quarterly_rule_gives_four_calendar_quarters_due_on_working_days():
    rows = schedule(
        parse_rule("FREQ=MONTHLY;INTERVAL=3"), start=dt.date(2021, 1, 1), until=dt.date(2021, 12, 31)
    )
    assert [(r.period_start, r.period_end) for r in rows] == [
        (dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
        (dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
        (dt.date(2021, 7, 1), dt.date(2021, 9, 30)),
        (dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
    ]
    assert [r.due_on for r in rows] == [
        dt.date(2021, 3, 31),
        dt.date(2021, 6, 30),
        dt.date(2021, 9, 30),
        dt.date(2021, 12, 31),
    ]


def test_holiday_moves_a_quarter_due_date():
    rows = schedule(
        parse_rule("FREQ=MONTHLY;INTERVAL=3"), start=dt.date(2023, 7, 1), until=dt.date(2023, 12, 31)
    )
    assert [r.due_on for r in rows] == [dt.date(2023, 10, 7), dt.date(2024, 1, 2)]


def test_half_year_and_three_year_periods():
    half = periods(
        parse_rule("FREQ=MONTHLY;INTERVAL=6"), start=dt.date(2021, 3, 5), until=dt.date(2021, 12, 31)
    )
    assert [(p.start, p.end) for p in half] == [
        (dt.date(2021, 1, 1), dt.date(2021, 6, 30)),
        (dt.date(2021, 7, 1), dt.date(2021, 12, 31)),
    ]
    three = periods(
        parse_rule("FREQ=YEARLY;INTERVAL=3"), start=dt.date(2020, 7, 1), until=dt.date(2025, 1, 1)
    )
    assert [(p.start.year, p.end.year) for p in three] == [(2020, 2022), (2023, 2025)]


def test_count_and_until_end_the_series():
    assert (
        len(
            periods(
                parse_rule("FREQ=MONTHLY;COUNT=2"), start=dt.date(2021, 1, 1), until=dt.date(2021, 12, 31)
            )
        )
        == 2
    )
    assert (
        len(
            periods(
                parse_rule("FREQ=MONTHLY;UNTIL=20210315"),
                start=dt.date(2021, 1, 1),
                until=dt.date(2021, 12, 31),
            )
        )
        == 3
    )


@pytest.mark.parametrize(
    "text,code",
    [
        ("", "empty_rule"),
        ("garbage", "invalid_rule"),
        ("FREQ=FORTNIGHTLY", "invalid_rule"),
        ("FREQ=DAILY", "unsupported_rule"),
        ("FREQ=MONTHLY;INTERVAL=5", "unsupported_rule"),
        ("FREQ=MONTHLY;BYDAY=MO", "unsupported_rule"),
        ("FREQ=MONTHLY;INTERVAL=0", "invalid_rule"),
    ],
)
def test_unusable_rules_give_a_clear_error(text, code):
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    assert info.value.code == code and info.value.message_zh


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(RULES), st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2019, 6, 30)))
def test_periods_tile_time_without_gaps_and_contain_the_start(text, start):
    rule = parse_rule(text)
    found = periods(rule, start=start, until=start + dt.timedelta(days=400))
    assert found and found[0].start <= start <= found[0].end
    for before, after in zip(found, found[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
    for row in schedule(rule, start=start, until=start + dt.timedelta(days=200)):
        assert row.due_on >= row.period_end and is_workday(row.due_on)


def test_event_deadlines_in_days_working_days_and_months():
    assert event_due(dt.date(2021, 9, 28), 5, "workdays") == dt.date(2021, 10, 11)
    assert event_due(dt.date(2021, 9, 25), 6, "days") == dt.date(2021, 10, 8)  # 10-01 is a holiday → 10-08
    assert event_due(dt.date(2021, 4, 15), 6, "months") == dt.date(2021, 10, 15)


members = st.sets(st.text(alphabet="甲乙丙丁戊己庚辛壬癸", min_size=1, max_size=4), max_size=40)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(members, st.integers(min_value=1, max_value=5))
def test_coverage_plan_is_complete_even_and_deterministic(names, years):
    plan = plan_coverage(names, first_year=2021, years=years)
    assert set(plan) == names
    assert all(2021 <= year < 2021 + years for year in plan.values())
    assert is_even(plan)
    assert plan == plan_coverage(sorted(names, reverse=True), first_year=2021, years=years)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(members, members, st.integers(min_value=1, max_value=4))
def test_members_added_mid_cycle_are_planned_in_the_remaining_years(old, new, years):
    plan = plan_coverage(old, first_year=2021, years=years)
    extended = add_to_coverage(plan, new, first_year=2021, years=years, from_year=2021 + years - 1)
    assert set(extended) == old | new
    assert all(extended[m] == 2021 + years - 1 for m in new - old)


def test_uncovered_and_due_this_year():
    plan = plan_coverage(["兰山区", "罗庄区", "河东区", "市交通运输局"], first_year=2021, years=3)
    assert uncovered(plan, ["兰山区"]) == sorted(set(plan) - {"兰山区"})
    due = due_in_year(plan, 2021, [])
    assert due == sorted(m for m, y in plan.items() if y == 2021)
