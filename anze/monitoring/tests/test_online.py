"""The on-line rate: counts of reporting points over expected points, checked against a brute-force count,
and summed (never averaged) from enterprises up to the city."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.monitoring.online import Count, ExpectedPoint, Window, combine, count_online

T0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
WINDOW = Window(T0 + dt.timedelta(hours=10), T0 + dt.timedelta(hours=20))
hours = st.integers(0, 30).map(lambda h: T0 + dt.timedelta(hours=h))


@st.composite
def fleet(draw):
    n = draw(st.integers(0, 25))
    points = []
    for i in range(n):
        start = draw(hours)
        length = draw(st.one_of(st.none(), st.integers(1, 30)))
        until = None if length is None else start + dt.timedelta(hours=length)
        points.append(ExpectedPoint(i, draw(st.sampled_from("ABC")), start, until))
    readings = draw(st.lists(st.tuples(st.integers(0, n + 2), hours), max_size=60))
    return points, readings


@settings(max_examples=100, deadline=None)
@given(case=fleet())
def test_counts_match_a_brute_force_count(case):
    points, readings = case
    counts = count_online(points, readings, WINDOW)

    for group in "ABC":
        expected = [p for p in points if p.group == group and p.in_service_from < WINDOW.end
                    and (p.in_service_until is None or p.in_service_until > WINDOW.start)]  # fmt: skip
        reporting = [
            p for p in expected if any(r == p.point and WINDOW.start <= at < WINDOW.end for r, at in readings)
        ]
        got = counts.get(group, Count())
        assert (got.reporting, got.expected) == (len(reporting), len(expected))


@settings(max_examples=100, deadline=None)
@given(case=fleet())
def test_the_city_count_is_the_sum_of_its_parts(case):
    points, readings = case
    by_group = count_online(points, readings, WINDOW)
    whole = count_online([ExpectedPoint(p.point, "city", p.in_service_from, p.in_service_until) for p in points],
                         readings, WINDOW)  # fmt: skip
    assert combine(by_group.values()) == whole.get("city", Count())


def test_rates_are_combined_as_counts_not_averaged():
    small, large = Count(1, 1), Count(1, 10)
    assert combine([small, large]).rate == Fraction(2, 11)
    assert combine([small, large]).percent() == Decimal("18.2")


def test_nothing_expected_has_no_rate():
    assert Count().rate is None
    assert Count().percent() is None


def test_a_window_must_end_after_it_starts():
    with pytest.raises(ValueError, match="结束时间"):
        Window(T0, T0)
