from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.public.rewards import RewardTerms, concealed_accident_reward, violation_reward


@pytest.mark.parametrize(
    ("fine", "reward"),
    [
        (0, Decimal("3000")),
        (20000, Decimal("3000")),  # 15% = 3,000 exactly
        (19999, Decimal("3000")),  # 2,999.85 → minimum
        (20001, Decimal("3000.15")),
        (100000, Decimal("15000")),
        (2000000, Decimal("300000")),  # 15% = 300,000 exactly
        (2000001, Decimal("300000")),
        (50000000, Decimal("300000")),
    ],
)
def test_violation_reward_at_its_limits(fine, reward):
    assert violation_reward(fine) == reward


@given(st.integers(min_value=0, max_value=10**9))
def test_violation_reward_stays_within_bounds(fine):
    assert Decimal(3000) <= violation_reward(fine) <= Decimal(300000)


@pytest.mark.parametrize(
    ("grade", "deaths", "reward"),
    [
        ("general", 0, Decimal("0")),
        ("general", 1, Decimal("30000")),
        ("larger", 3, Decimal("120000")),
        ("major", 6, Decimal("300000")),  # exactly the cap
        ("major", 7, Decimal("300000")),
        ("especially_major", 5, Decimal("300000")),
        ("especially_major", 4, Decimal("240000")),
        ("general", 10, Decimal("300000")),
        ("general", 11, Decimal("300000")),
    ],
)
def test_concealed_accident_reward_by_grade_and_cap(grade, deaths, reward):
    assert concealed_accident_reward(grade, deaths) == reward


def test_reward_terms_are_configurable_and_checked():
    terms = RewardTerms(rate=Decimal("0.2"), minimum=Decimal("500"), maximum=Decimal("1000"))
    assert violation_reward(1000, terms) == Decimal("500")
    assert violation_reward(10000, terms) == Decimal("1000")
    with pytest.raises(ValueError):
        RewardTerms(minimum=Decimal("10"), maximum=Decimal("5"))
    with pytest.raises(ValueError):
        concealed_accident_reward("unknown", 1)
    with pytest.raises(ValueError):
        violation_reward(-1)
