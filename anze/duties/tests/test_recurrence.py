"""RRULEs to calendar periods and due dates, event deadlines and coverage plans; pure, hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.duties.calendar import WorkingCalendar, YearArrangement, is_workday
from anze.duties.recurrence import (
    Period,
    RuleError,
    Scheduled,
    add_to_coverage,
    cycle_bounds,
    due_date,
    due_date_marked,
    due_in_year,
    event_due,
    event_due_marked,
    is_even,
    nominal_due,
    parse_rule,
    period_containing,
    periods,
    plan_coverage,
    preview_occurrences,
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


# --- Rules read by hand, and periods checked against a day-by-day reading of the calendar -------------


@pytest.mark.parametrize(
    "text,freq,interval,count,until,day,month",
    [
        ("FREQ=MONTHLY", "MONTHLY", 1, None, None, None, None),
        ("rrule:freq=monthly;interval=3", "MONTHLY", 3, None, None, None, None),
        (" FREQ=YEARLY;INTERVAL=3;COUNT=2 ", "YEARLY", 3, 2, None, None, None),
        ("FREQ=MONTHLY;UNTIL=20231231T235959", "MONTHLY", 1, None, dt.date(2023, 12, 31), None, None),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "MONTHLY", 3, None, None, 15, None),
        ("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31", "YEARLY", 1, None, None, 31, 1),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20;INTERVAL=10", "YEARLY", 10, None, None, 20, 12),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28", "YEARLY", 1, None, None, 28, 2),
        ("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=1", "MONTHLY", 1, 1, None, 1, None),
        ("FREQ=WEEKLY;WKST=MO", "WEEKLY", 1, None, None, None, None),
    ],
)
def test_rules_read_as_written(text, freq, interval, count, until, day, month):
    rule = parse_rule(text)
    assert (rule.freq, rule.interval, rule.count, rule.until, rule.day, rule.month) == (
        freq,
        interval,
        count,
        until,
        day,
        month,
    )
    assert rule.text == text.strip().upper().removeprefix("RRULE:")


def assert_refused(text: str, code: str, *mentions: str) -> None:
    """The rule is refused with a stable code and a whole Chinese sentence naming what is wrong."""
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    error = info.value
    assert error.code == code
    assert error.message_zh.endswith("。"), error.message_zh
    for mention in mentions:
        assert mention in error.message_zh, (mention, error.message_zh)
    assert str(error).startswith(f"{code}: ")


@pytest.mark.parametrize(
    "text,code,mentions",
    [
        ("", "empty_rule", ["不能为空"]),
        ("RRULE:", "empty_rule", ["不能为空"]),
        ("   ", "empty_rule", ["不能为空"]),
        ("FREQ=MONTHLY;BYDAY=MO,TU", "unsupported_rule", ["BYDAY", "FREQ=MONTHLY;BYDAY=MO,TU"]),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "unsupported_rule", ["BYDAY, BYSETPOS"]),
        ("FREQ=MONTHLY;INTERVAL=0", "invalid_rule", ["正整数"]),
        ("FREQ=MONTHLY;INTERVAL=-1", "invalid_rule", ["正整数"]),
        ("FREQ=MONTHLY;COUNT=-1", "invalid_rule", ["COUNT"]),
        ("FREQ=MONTHLY;;INTERVAL=3", "invalid_rule", ["FREQ=MONTHLY;;INTERVAL=3"]),
        ("FREQ=YEARLY;INTERVAL=", "invalid_rule", ["INTERVAL"]),
        ("INTERVAL=2", "invalid_rule", ["INTERVAL=2"]),
        ("FREQ=MONTHLY;INTERVAL=5", "unsupported_rule", ["5"]),
        ("FREQ=MONTHLY;INTERVAL=24", "unsupported_rule", ["24"]),
        ("FREQ=YEARLY;INTERVAL=11", "unsupported_rule", ["10"]),
        ("FREQ=WEEKLY;INTERVAL=2", "unsupported_rule", ["每周"]),
        ("FREQ=DAILY", "unsupported_rule", ["DAILY"]),
        ("FREQ=MONTHLY;COUNT=0", "invalid_rule", ["COUNT"]),
        ("FREQ=MONTHLY;UNTIL=2023", "invalid_rule", ["2023"]),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,15",
            "unsupported_rule",
            ["FREQ=MONTHLY;BYMONTHDAY=1,15", "BYMONTHDAY 只能是一个整数"],
        ),
        (
            "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1",
            "unsupported_rule",
            ["FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1", "BYMONTH 只能是一个整数"],
        ),
        ("FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1", "invalid_rule", ["13"]),
        ("FREQ=YEARLY;BYMONTH=0;BYMONTHDAY=1", "invalid_rule", ["0"]),
        ("FREQ=MONTHLY;BYMONTHDAY=29", "unsupported_rule", ["28", "29"]),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "unsupported_rule", ["-1"]),
        ("FREQ=MONTHLY;BYMONTHDAY=-2", "unsupported_rule", ["-2"]),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "unsupported_rule", ["28", "29"]),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "unsupported_rule", ["30", "31"]),
        ("FREQ=WEEKLY;BYMONTHDAY=5", "unsupported_rule", ["按周"]),
        ("FREQ=WEEKLY;BYMONTH=5", "unsupported_rule", ["按周"]),
        ("FREQ=MONTHLY;BYMONTH=6", "unsupported_rule", ["BYMONTHDAY"]),
        ("FREQ=YEARLY;BYMONTHDAY=5", "unsupported_rule", ["BYMONTH"]),
        ("FREQ=YEARLY;BYMONTH=5", "unsupported_rule", ["BYMONTH"]),
    ],
)
def test_each_unusable_rule_says_what_is_wrong(text, code, mentions):
    assert_refused(text, code, *mentions)


@pytest.mark.parametrize(
    "text,label,months",
    [
        ("FREQ=MONTHLY", "每月", 1),
        ("FREQ=MONTHLY;INTERVAL=2", "每两个月", 2),
        ("FREQ=MONTHLY;INTERVAL=3", "每季度", 3),
        ("FREQ=MONTHLY;INTERVAL=4", "每四个月", 4),
        ("FREQ=MONTHLY;INTERVAL=6", "每半年", 6),
        ("FREQ=MONTHLY;INTERVAL=12", "每年", 12),
        ("FREQ=YEARLY", "每年", 12),
        ("FREQ=YEARLY;INTERVAL=3", "每3年", 36),
        ("FREQ=WEEKLY", "每周", 0),
    ],
)
def test_rule_labels_and_period_lengths(text, label, months):
    rule = parse_rule(text)
    assert (rule.label, rule.months) == (label, months)


def test_a_period_contains_its_ends_and_nothing_outside():
    quarter = Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert dt.date(2024, 4, 1) in quarter and dt.date(2024, 6, 30) in quarter
    assert dt.date(2024, 3, 31) not in quarter and dt.date(2024, 7, 1) not in quarter
    assert "2024-05-01" not in quarter


def period_oracle(text: str, day: dt.date, anchor: int) -> tuple[dt.date, dt.date]:
    """The period of `day`, read from the calendar: weeks from Monday, months in blocks from January,
    year blocks counted from the anchor year (before or after `day`)."""
    rule = parse_rule(text)
    if rule.freq == "WEEKLY":
        monday = day
        while monday.isoweekday() != 1:
            monday -= dt.timedelta(days=1)
        return monday, monday + dt.timedelta(days=6)
    if rule.freq == "MONTHLY" and rule.interval < 12:
        first = max(m for m in range(1, 13, rule.interval) if m <= day.month)
        after = first + rule.interval
        following = dt.date(day.year + (after > 12), after - 12 if after > 12 else after, 1)
        return dt.date(day.year, first, 1), following - dt.timedelta(days=1)
    years = 1 if rule.freq == "MONTHLY" else rule.interval
    first_year = day.year
    while (first_year - anchor) % years:
        first_year -= 1
    return dt.date(first_year, 1, 1), dt.date(first_year + years - 1, 12, 31)


ORACLE_RULES = RULES + [
    "FREQ=MONTHLY;INTERVAL=4",
    "FREQ=MONTHLY;INTERVAL=12",
    "FREQ=YEARLY;INTERVAL=2",
    "FREQ=YEARLY;INTERVAL=5",
]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(ORACLE_RULES),
    st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(min_value=2000, max_value=2035),
)
def test_the_period_of_a_day_matches_the_calendar_reading(text, day, anchor):
    found = period_containing(parse_rule(text), day, anchor_year=anchor)
    assert (found.start, found.end) == period_oracle(text, day, anchor)
    if parse_rule(text).months > 12:
        # Without an anchor a multi-year period starts in the day's own year.
        assert period_containing(parse_rule(text), day).start == dt.date(day.year, 1, 1)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from([*ORACLE_RULES, "FREQ=MONTHLY;COUNT=3", "FREQ=MONTHLY;INTERVAL=3;UNTIL=20220701"]),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2022, 12, 31)),
    st.integers(min_value=0, max_value=900),
    st.one_of(st.none(), st.integers(min_value=2015, max_value=2025)),
)
def test_periods_are_those_of_the_days_from_start_to_until_cut_by_count_and_until(
    text, start, length, anchor
):
    rule = parse_rule(text)
    until = start + dt.timedelta(days=length)
    anchor_year = start.year if anchor is None else anchor
    seen = sorted(
        {period_oracle(text, start + dt.timedelta(days=n), anchor_year) for n in range(0, length + 1, 1)}
    )
    if rule.until is not None:
        seen = [p for p in seen if p[0] <= rule.until]
    if rule.count is not None:
        seen = seen[: rule.count]
    found = periods(rule, start=start, until=until, anchor_year=anchor)
    assert [(p.start, p.end) for p in found] == seen


def test_a_period_beginning_exactly_on_until_is_included_and_one_after_it_is_not():
    rule = parse_rule("FREQ=MONTHLY;INTERVAL=3")
    found = periods(rule, start=dt.date(2024, 2, 10), until=dt.date(2024, 7, 1))
    assert [p.start for p in found] == [dt.date(2024, 1, 1), dt.date(2024, 4, 1), dt.date(2024, 7, 1)]
    found = periods(rule, start=dt.date(2024, 2, 10), until=dt.date(2024, 6, 30))
    assert [p.start for p in found] == [dt.date(2024, 1, 1), dt.date(2024, 4, 1)]
    limited = periods(
        parse_rule("FREQ=MONTHLY;UNTIL=20240401"), start=dt.date(2024, 1, 5), until=dt.date(2025, 1, 1)
    )
    assert [p.start.month for p in limited] == [1, 2, 3, 4]


def test_three_year_periods_run_from_the_duty_start_year_not_the_window():
    # A duty started in 2021 (three-year cycles 2021–2023, 2024–2026); the window opens in 2025.
    found = periods(
        parse_rule("FREQ=YEARLY;INTERVAL=3"),
        start=dt.date(2025, 3, 1),
        until=dt.date(2027, 1, 1),
        anchor_year=2021,
    )
    assert [(p.start, p.end) for p in found] == [
        (dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2029, 12, 31)),
    ]


# Due days named by BYMONTHDAY/BYMONTH, read from the calendar by hand (2024 is a leap year).
@pytest.mark.parametrize(
    "text,period,nominal",
    [
        (
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
            (dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
            dt.date(2024, 3, 15),
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", (dt.date(2024, 2, 1), dt.date(2024, 2, 29)), dt.date(2024, 2, 29)),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", (dt.date(2023, 2, 1), dt.date(2023, 2, 28)), dt.date(2023, 2, 28)),
        (
            "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=5",
            (dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
            dt.date(2024, 12, 5),
        ),
        (
            "FREQ=YEARLY;INTERVAL=3;BYMONTH=6;BYMONTHDAY=30",
            (dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
            dt.date(2026, 6, 30),
        ),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
            (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
            dt.date(2024, 2, 29),
        ),
        (
            "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1",
            (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
            dt.date(2024, 11, 30),
        ),
        ("FREQ=MONTHLY;INTERVAL=3", (dt.date(2024, 1, 1), dt.date(2024, 3, 31)), dt.date(2024, 3, 31)),
    ],
)
def test_the_due_day_a_rule_names(text, period, nominal):
    rule = parse_rule(text)
    assert nominal_due(Period(*period), rule) == nominal
    assert nominal_due(Period(*period)) == period[1]
    # Under the provisional calendar of a far year only weekends move it; with no roll it stays.
    assert due_date(Period(*period), "none", due_rule=rule) == nominal


FAR = 2040  # past any holiday data: the provisional calendar (weekends and fixed-date holidays)


def test_due_dates_roll_by_the_rule_and_say_when_they_are_provisional():
    working = WorkingCalendar()
    # 2040-03-31 is a Saturday.
    quarter = Period(dt.date(FAR, 1, 1), dt.date(FAR, 3, 31))
    assert due_date_marked(quarter, calendar=working) == (dt.date(FAR, 4, 2), True)
    assert due_date_marked(quarter, "preceding", calendar=working) == (dt.date(FAR, 3, 30), True)
    assert due_date_marked(quarter, "none", calendar=working) == (dt.date(FAR, 3, 31), False)
    assert due_date(quarter, "preceding", calendar=working) == dt.date(FAR, 3, 30)
    # A quarter of 2021 under the package's data: 2021-12-31 is a Friday and a working day.
    assert due_date_marked(Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31)), calendar=working) == (
        dt.date(2021, 12, 31),
        False,
    )
    # Preview and schedule: a monthly rule due on the 15th, 2040-09-15 being a Saturday.
    rule = parse_rule("FREQ=MONTHLY;BYMONTHDAY=15")
    shown = preview_occurrences(
        rule,
        start=dt.date(FAR, 8, 20),
        until=dt.date(FAR, 12, 31),
        roll_rule="preceding",
        calendar=working,
        limit=2,
    )
    assert shown == [
        Scheduled(dt.date(FAR, 8, 1), dt.date(FAR, 8, 31), dt.date(FAR, 8, 15)),
        Scheduled(dt.date(FAR, 9, 1), dt.date(FAR, 9, 30), dt.date(FAR, 9, 14)),
    ]
    assert (
        len(
            preview_occurrences(rule, start=dt.date(FAR, 8, 20), until=dt.date(FAR, 12, 31), calendar=working)
        )
        == 5
    )
    assert [
        s.due_on
        for s in preview_occurrences(
            parse_rule("FREQ=YEARLY;INTERVAL=2"),
            start=dt.date(FAR, 1, 1),
            until=dt.date(FAR + 3, 1, 1),
            anchor_year=FAR - 1,
            calendar=working,
        )
    ] == [dt.date(FAR, 12, 31), dt.date(FAR + 2, 12, 31), dt.date(FAR + 5, 1, 2)]
    # Two-year periods from 2039: 2039–40, 2041–42, 2043–44; 2044-12-31 is a Saturday, 2045-01-01 元旦.
    assert schedule(
        rule, start=dt.date(FAR, 9, 2), until=dt.date(FAR, 9, 30), roll_rule="preceding", calendar=working
    ) == [Scheduled(dt.date(FAR, 9, 1), dt.date(FAR, 9, 30), dt.date(FAR, 9, 14))]
    assert schedule(
        parse_rule("FREQ=YEARLY;INTERVAL=2"),
        start=dt.date(FAR, 5, 1),
        until=dt.date(FAR, 6, 1),
        anchor_year=FAR - 1,
        calendar=working,
    )[0].period_start == dt.date(FAR - 1, 1, 1)


def test_event_deadlines_with_zero_and_each_roll_rule():
    working = WorkingCalendar()
    saturday = dt.date(FAR, 3, 31)
    assert event_due(saturday, 0, "days", calendar=working) == dt.date(FAR, 4, 2)
    assert event_due(saturday, 0, "days", "preceding", calendar=working) == dt.date(FAR, 3, 30)
    assert event_due(saturday, 0, "days", "none", calendar=working) == saturday
    assert event_due(saturday, 0, "workdays", calendar=working) == dt.date(FAR, 4, 2)
    assert event_due(dt.date(FAR, 3, 30), 0, "workdays", calendar=working) == dt.date(FAR, 3, 30)
    assert event_due(dt.date(FAR, 3, 30), 1, "workdays", calendar=working) == dt.date(FAR, 4, 2)
    # One month after 31 January is the end of February; 2040-02-29 is a Wednesday.
    assert event_due(dt.date(FAR, 1, 31), 1, "months", calendar=working) == dt.date(FAR, 2, 29)
    assert event_due(dt.date(FAR, 3, 24), 7, "days", calendar=working) == dt.date(FAR, 4, 2)
    assert event_due_marked(saturday, 2, "days", calendar=working) == (dt.date(FAR, 4, 2), True)
    assert event_due_marked(saturday, 2, "days", "none", calendar=working) == (dt.date(FAR, 4, 2), False)
    assert event_due_marked(dt.date(2021, 9, 28), 5, "workdays", calendar=working) == (
        dt.date(2021, 10, 11),
        False,
    )
    assert event_due_marked(dt.date(FAR, 3, 30), 1, "workdays", calendar=working) == (
        dt.date(FAR, 4, 2),
        True,
    )
    assert event_due_marked(dt.date(2021, 4, 15), 6, "months", calendar=working) == (
        dt.date(2021, 10, 15),
        False,
    )
    with pytest.raises(RuleError) as info:
        event_due(saturday, -1, "days", calendar=working)
    assert info.value.code == "invalid_rule" and info.value.message_zh.endswith("。")


# --- Coverage cycles, hand-worked --------------------------------------------------------------------


def test_members_joining_mid_cycle_go_to_the_least_loaded_remaining_year_earliest_first():
    plan = {"甲": 2021, "乙": 2021, "丙": 2022, "丁": 2023}
    # Remaining years 2022 (1 planned) and 2023 (1); the new members in code-point order 己, 庚, 戊:
    # 己 → 2022 (tie, the earlier); 庚 → 2023 (now the lighter); 戊 → 2022 (tie again).
    added = add_to_coverage(plan, ["庚", "己", "戊", "甲"], first_year=2021, years=3, from_year=2022)
    assert added == {**plan, "己": 2022, "庚": 2023, "戊": 2022}
    # Joining before the cycle starts: every year is open; the load of 2022 is lowest.
    assert add_to_coverage({"甲": 2021, "乙": 2023}, ["丙"], first_year=2021, years=3, from_year=2019) == {
        "甲": 2021,
        "乙": 2023,
        "丙": 2022,
    }
    # Joining after the cycle's last year: its last year.
    assert add_to_coverage({"甲": 2021}, ["乙"], first_year=2021, years=2, from_year=2030) == {
        "甲": 2021,
        "乙": 2022,
    }
    assert plan == {"甲": 2021, "乙": 2021, "丙": 2022, "丁": 2023}  # the plan given is not changed


def test_coverage_plans_in_sorted_order_round_robin_and_refuse_an_empty_cycle():
    assert plan_coverage(["丙", "甲", "乙", "甲", "丁"], first_year=2021, years=3) == {
        "丁": 2021,
        "丙": 2022,
        "乙": 2023,
        "甲": 2021,
    }  # sorted by code point: 丁 4E01, 丙 4E19, 乙 4E59, 甲 7532
    with pytest.raises(RuleError) as info:
        plan_coverage(["甲"], first_year=2021, years=0)
    assert info.value.code == "invalid_rule" and info.value.message_zh.endswith("。")


def test_what_is_uncovered_and_due_by_a_year():
    plan = {"甲": 2021, "乙": 2022, "丙": 2023, "丁": 2022}
    assert uncovered(plan, ["乙", "戊"]) == ["丁", "丙", "甲"]
    assert due_in_year(plan, 2022, ["乙"]) == ["丁", "甲"]
    assert due_in_year(plan, 2020, []) == []
    assert due_in_year(plan, 2023, ["甲", "乙", "丙", "丁"]) == []


@pytest.mark.parametrize(
    "start,years,year,bounds",
    [
        (2021, 3, 2021, (2021, 2023)),
        (2021, 3, 2023, (2021, 2023)),
        (2021, 3, 2024, (2024, 2026)),
        (2021, 3, 2020, (2018, 2020)),
        (2020, 1, 2025, (2025, 2025)),
    ],
)
def test_cycle_bounds(start, years, year, bounds):
    assert cycle_bounds(start, years, year) == bounds


def test_a_plan_is_even_when_year_sizes_differ_by_at_most_one():
    assert is_even({})
    assert is_even({"甲": 2021, "乙": 2021, "丙": 2022})
    assert not is_even({"甲": 2021, "乙": 2021, "丙": 2021, "丁": 2022})
    assert not is_even({"甲": 2021, "乙": 2021, "丙": 2022, "丁": 2021})


def test_the_calendar_passed_decides_not_the_active_one():
    # An office arrangement for 2040 that gives Friday 30 March and Monday 2 April off; the active calendar
    # (no arrangements) keeps them as working days.
    off = frozenset({dt.date(FAR, 3, 30), dt.date(FAR, 4, 2)})
    working = WorkingCalendar([YearArrangement(FAR, holidays=off)])
    quarter = Period(dt.date(FAR, 1, 1), dt.date(FAR, 3, 31))
    assert due_date(quarter, "preceding", calendar=working) == dt.date(FAR, 3, 29)
    assert due_date(quarter, "following", calendar=working) == dt.date(FAR, 4, 3)
    assert due_date(quarter, "preceding") == dt.date(FAR, 3, 30)
    rule = parse_rule("FREQ=MONTHLY;INTERVAL=3")
    assert [
        s.due_on for s in schedule(rule, start=dt.date(FAR, 2, 1), until=dt.date(FAR, 3, 1), calendar=working)
    ] == [dt.date(FAR, 4, 3)]
    assert [
        s.due_on
        for s in preview_occurrences(
            rule, start=dt.date(FAR, 2, 1), until=dt.date(FAR, 3, 1), calendar=working
        )
    ] == [dt.date(FAR, 4, 3)]
    assert event_due(dt.date(FAR, 3, 29), 1, "days", calendar=working) == dt.date(FAR, 4, 3)
    assert event_due(dt.date(FAR, 3, 29), 1, "days") == dt.date(FAR, 3, 30)
