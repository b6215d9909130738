"""The pure ladder rules: thresholds agree with counting working days; backoff; quiet hours; numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.supervision import ladder
from anze.supervision.services import is_workday

days = st.dates(min_value=dt.date(2021, 1, 10), max_value=dt.date(2026, 12, 1))


@settings(deadline=None)
@given(today=days, due=days, m=st.integers(min_value=0, max_value=20))
def test_case_cut_matches_counting_working_days(today, due, m):
    cut = ladder.thresholds(today, ladder.Rungs(3, m, 10), is_workday)
    assert (due < cut.case_due_before) == (ladder.workdays_after(due, today, is_workday) > m)


@settings(deadline=None)
@given(today=days, n=st.integers(min_value=0, max_value=15))
def test_remind_window_spans_n_working_days(today, n):
    cut = ladder.thresholds(today, ladder.Rungs(n, 5, 10), is_workday)
    assert cut.remind_until >= today
    if n:
        assert ladder.workdays_after(today, cut.remind_until, is_workday) == n
        assert is_workday(cut.remind_until)


@given(attempts=st.integers(min_value=1, max_value=100))
def test_backoff_doubles_up_to_the_cap(attempts):
    wait = ladder.backoff_seconds(attempts)
    assert 60 <= wait <= 6 * 3600
    assert ladder.backoff_seconds(attempts + 1) in (min(2 * wait, 6 * 3600), 6 * 3600)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("03:00", True), ("06:59", True), ("07:00", False)],
)
def test_quiet_hours_wrap_midnight(moment, quiet):
    assert ladder.QuietHours.parse("22:00-07:00").contains(dt.time.fromisoformat(moment)) is quiet


def test_quiet_hours_end_is_the_next_morning():
    window = ladder.QuietHours.parse("22:00-07:00")
    assert window.end_after(dt.datetime(2026, 4, 1, 23, 0)) == dt.datetime(2026, 4, 2, 7, 0)
    assert window.end_after(dt.datetime(2026, 4, 2, 3, 0)) == dt.datetime(2026, 4, 2, 7, 0)
    assert window.end_after(dt.datetime(2026, 4, 2, 12, 0)) == dt.datetime(2026, 4, 2, 12, 0)
    assert ladder.QuietHours.parse("") is None
    with pytest.raises(ValueError):
        ladder.QuietHours.parse("late")


def test_document_number_and_lights():
    assert ladder.document_number("临安委办督", 2026, 3) == "临安委办督〔2026〕3号"
    assert ladder.light(open_cases=1, overdue=0) == "red"
    assert ladder.light(open_cases=0, overdue=2) == "yellow"
    assert ladder.light(open_cases=0, overdue=0) == "green"
