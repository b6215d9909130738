"""The clerk's schedule choices → rule text → due dates, checked against dateutil's RFC 5545 expansion."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

import pytest
from dateutil import rrule as rfc
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.duties.calendar import is_workday
from anze.duties.recurrence import parse_rule, preview_occurrences
from anze.duties.schedule_choices import (
    ChoiceError,
    DueOn,
    Frequency,
    ScheduleChoice,
    from_rule,
    to_rule,
)

MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}


@st.composite
def choices(draw, dues=(DueOn.PERIOD_END, DueOn.DAY)):
    frequency = draw(st.sampled_from(list(MONTHS) + [Frequency.YEARLY, Frequency.YEARS]))
    due = draw(st.sampled_from(dues))
    yearly = frequency in (Frequency.YEARLY, Frequency.YEARS)
    month = draw(st.integers(1, 12)) if due == DueOn.DAY and yearly else None
    top = month_calendar.monthrange(2001, month)[1] if month else 28
    day = draw(st.one_of(st.integers(1, top), st.just(-1))) if due == DueOn.DAY else None
    return ScheduleChoice(
        frequency,
        years=draw(st.integers(2, 10)) if frequency == Frequency.YEARS else None,
        due=due,
        day=day,
        month=month,
        roll=draw(st.sampled_from(["following", "none"])),
    )


def oracle(choice: ScheduleChoice, start: dt.date, until: dt.date) -> list[dt.date]:
    """The due days dateutil's RFC 5545 engine gives for the choice, for the periods meeting [start, until].

    Calendar periods end in the months divisible by their length (quarters in 3, 6, 9, 12); N-year periods
    run from the start's year, so they end in the years start.year + kN - 1.
    """
    day = choice.day if choice.due == DueOn.DAY else -1
    if choice.frequency in MONTHS:
        months = MONTHS[choice.frequency]
        dates = rfc.rrule(
            rfc.MONTHLY,
            bymonth=[m for m in range(1, 13) if m % months == 0],
            bymonthday=day,
            dtstart=dt.datetime(start.year - 1, 1, 1),
            until=dt.datetime(until.year + 1, 12, 31),
        )

        def period(d: dt.date) -> tuple[dt.date, dt.date]:
            first = dt.date(d.year, d.month - months + 1, 1)
            return first, dt.date(d.year, d.month, month_calendar.monthrange(d.year, d.month)[1])

    else:
        years = choice.years or 1
        dates = rfc.rrule(
            rfc.YEARLY,
            interval=years,
            bymonth=choice.month if choice.due == DueOn.DAY else 12,
            bymonthday=day,
            dtstart=dt.datetime(start.year + years - 1, 1, 1),
            until=dt.datetime(until.year + years, 12, 31),
        )

        def period(d: dt.date) -> tuple[dt.date, dt.date]:
            return dt.date(d.year - years + 1, 1, 1), dt.date(d.year, 12, 31)

    result = []
    for moment in dates:
        first, last = period(moment.date())
        if first <= until and last >= start:
            result.append(moment.date())
    return result


@settings(max_examples=300, deadline=None)
@given(
    choices(),
    st.dates(dt.date(2021, 1, 1), dt.date(2030, 12, 31)),
    st.integers(0, 2000),
)
def test_due_days_agree_with_the_rfc_5545_expansion(choice, start, span):
    until = start + dt.timedelta(days=span)
    fields = to_rule(choice)
    rows = preview_occurrences(
        parse_rule(fields.rrule), start=start, until=until, roll_rule="none", anchor_year=start.year
    )
    assert [row.due_on for row in rows] == oracle(choice, start, until)
    for row in rows:
        assert row.period_start <= row.due_on <= row.period_end


@settings(max_examples=150, deadline=None)
@given(choices(dues=(DueOn.LAST_WORKDAY,)), st.dates(dt.date(2021, 1, 1), dt.date(2025, 6, 30)))
def test_the_last_working_day_of_the_period_is_a_working_day_with_only_rest_days_after_it(choice, start):
    fields = to_rule(choice)
    rows = preview_occurrences(
        parse_rule(fields.rrule),
        start=start,
        until=dt.date(2025, 12, 31),
        roll_rule=fields.roll,
        anchor_year=start.year,
    )
    assert rows or choice.frequency == Frequency.YEARS  # an N-year period may end past the holiday data
    for row in rows:
        assert is_workday(row.due_on) and row.period_start <= row.due_on <= row.period_end
        later = row.due_on + dt.timedelta(days=1)
        while later <= row.period_end:
            assert not is_workday(later)
            later += dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(choices(dues=tuple(DueOn)))
def test_a_choice_reads_back_from_its_rule(choice):
    fields = to_rule(choice)
    back = from_rule(fields.rrule, fields.roll)
    assert back.frequency == choice.frequency
    assert to_rule(back) == fields


@given(st.integers(1, 60), st.sampled_from(["days", "workdays", "months"]))
def test_an_event_choice_is_the_event_fields(within, unit):
    fields = to_rule(ScheduleChoice(Frequency.EVENT, event_within=within, event_unit=unit))
    assert (fields.rrule, fields.event_within, fields.event_unit) == ("", within, unit)
    assert from_rule(fields.rrule, fields.roll, within, unit).frequency == Frequency.EVENT


def test_the_usual_choices_read_as_expected():
    assert to_rule(ScheduleChoice(Frequency.QUARTERLY)).rrule == "FREQ=MONTHLY;INTERVAL=3"
    assert (
        to_rule(ScheduleChoice(Frequency.MONTHLY, due=DueOn.DAY, day=25)).rrule
        == "FREQ=MONTHLY;BYMONTHDAY=25"
    )
    yearly = to_rule(ScheduleChoice(Frequency.YEARS, years=3, due=DueOn.DAY, day=30, month=6))
    assert yearly.rrule == "FREQ=YEARLY;INTERVAL=3;BYMONTH=6;BYMONTHDAY=30"
    assert to_rule(ScheduleChoice(Frequency.HALF_YEARLY, due=DueOn.LAST_WORKDAY)).roll == "preceding"


@pytest.mark.parametrize(
    "rrule",
    ["FREQ=WEEKLY", "FREQ=MONTHLY;INTERVAL=3;COUNT=4", "FREQ=MONTHLY;INTERVAL=2", "NOT A RULE"],
)
def test_rules_no_choice_expresses_stay_custom_text(rrule):
    choice = from_rule(rrule, "following")
    assert choice.frequency == Frequency.CUSTOM and choice.rrule == rrule


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        (ScheduleChoice(Frequency.YEARS, years=1), "every_years"),
        (ScheduleChoice(Frequency.YEARS, years=None), "every_years"),
        (ScheduleChoice(Frequency.MONTHLY, due=DueOn.DAY, day=29), "due_day"),
        (ScheduleChoice(Frequency.YEARLY, due=DueOn.DAY, day=31, month=6), "due_day"),
        (ScheduleChoice(Frequency.MONTHLY, due=DueOn.DAY), "due_day"),
        (ScheduleChoice(Frequency.YEARLY, due=DueOn.DAY, day=20), "due_month"),
        (ScheduleChoice(Frequency.EVENT), "event_within"),
        (ScheduleChoice(Frequency.EVENT, event_within=5, event_unit="weeks"), "event_unit"),
        (ScheduleChoice(Frequency.CUSTOM, rrule="EVERY QUARTER"), "rrule"),
    ],
)
def test_a_choice_that_does_not_hold_together_names_its_field(choice, field):
    with pytest.raises(ChoiceError) as info:
        to_rule(choice)
    assert info.value.field == field and info.value.message_zh
