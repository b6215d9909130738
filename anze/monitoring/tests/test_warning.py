"""风险预警: the colour is the most severe rule that holds, and every reason that holds is listed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from anze.monitoring.online import Count
from anze.monitoring.warning import Facts, assess

counts = st.integers(0, 3)


@st.composite
def facts(draw):
    expected = draw(st.integers(0, 40))
    return Facts(
        second_level_active=draw(counts), first_level_active=draw(counts), escalated_open=draw(counts),
        open_alarms=draw(counts), major_dangers_open=draw(counts), general_dangers_open=draw(counts),
        online=Count(draw(st.integers(0, expected)), expected),
    )  # fmt: skip


def brute_colour(f: Facts) -> int:
    rate = f.online.rate
    if f.second_level_active or f.escalated_open or f.major_dangers_open:
        return 1
    if f.first_level_active or (rate is not None and rate * 10 < 9):
        return 2
    if f.open_alarms or f.general_dangers_open or (rate is not None and rate < 1):
        return 3
    return 4


@given(facts())
def test_the_colour_is_the_most_severe_rule_that_holds(f):
    warning = assess(f)
    assert warning.colour == brute_colour(f)
    assert (warning.colour == 4) == (not warning.reasons)
    assert warning.colour == min(c for c, _ in warning.reasons) if warning.reasons else True


def test_a_quiet_enterprise_fully_online_is_blue():
    assert assess(Facts(online=Count(10, 10))).colour == 4


def test_an_enterprise_without_expected_points_is_not_judged_on_its_rate():
    assert assess(Facts(online=Count(0, 0))).colour == 4


def test_a_rate_just_below_ninety_percent_is_orange_and_says_why():
    warning = assess(Facts(online=Count(89, 100)))
    assert warning.colour == 2 and "89.0%" in warning.reasons[0][1]


def test_an_open_alarm_and_a_major_danger_list_both_reasons_red_first():
    warning = assess(Facts(open_alarms=1, major_dangers_open=2, online=Count(5, 5)))
    assert warning.colour == 1
    assert [c for c, _ in warning.reasons] == [1, 3]
