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


def _reference_violation_reward(fen: int) -> Decimal:
    """DOMAIN.md §11 in whole fen: 15% of the fine rounded half up to the fen, then clamped to 3,000–300,000 yuan."""
    reward_fen, rest = divmod(fen * 15, 100)
    if 2 * rest >= 100:
        reward_fen += 1
    reward_fen = min(max(reward_fen, 300_000), 30_000_000)
    return Decimal(reward_fen) / 100


@given(st.integers(min_value=0, max_value=3 * 10**9))
def test_violation_reward_matches_the_rule_counted_in_fen(fen):
    assert violation_reward(Decimal(fen) / 100) == _reference_violation_reward(fen)


@pytest.mark.parametrize(
    ("fine", "reward"),
    [
        ("20000.30", Decimal("3000.05")),  # 3,000.045: the half fen goes up
        ("20000.10", Decimal("3000.02")),  # 3,000.015
        ("1999999.90", Decimal("299999.99")),  # 299,999.985
    ],
)
def test_violation_reward_rounds_a_half_fen_up(fine, reward):
    assert violation_reward(Decimal(fine)) == reward


@given(
    grade=st.sampled_from(["general", "larger", "major", "especially_major"]),
    deaths=st.integers(min_value=0, max_value=20),
)
def test_concealed_accident_reward_is_per_death_by_grade_up_to_300000(grade, deaths):
    per_person = {"general": 30_000, "larger": 40_000, "major": 50_000, "especially_major": 60_000}[grade]
    assert concealed_accident_reward(grade, deaths) == Decimal(min(deaths * per_person, 300_000))


def test_rule_versions_with_their_own_amounts():
    terms = RewardTerms(
        rate=Decimal("1"),
        minimum=Decimal("0"),
        maximum=Decimal("0"),
        per_death={"general": Decimal("100")},
        accident_cap=Decimal("250"),
    )
    assert violation_reward(5000, terms) == Decimal("0")
    assert concealed_accident_reward("general", 2, terms) == Decimal("200")
    assert concealed_accident_reward("general", 3, terms) == Decimal("250")
    same = RewardTerms(minimum=Decimal("500"), maximum=Decimal("500"))
    assert violation_reward(100, same) == violation_reward(10**6, same) == Decimal("500")


MINIMUM = r"^reward minimum must be between 0 and the maximum$"
RATE = r"^reward rate must be in \(0, 1\]$"


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"minimum": Decimal("-1")}, MINIMUM),
        ({"minimum": Decimal("10"), "maximum": Decimal("5")}, MINIMUM),
        ({"rate": Decimal("0")}, RATE),
        ({"rate": Decimal("-0.1")}, RATE),
        ({"rate": Decimal("1.01")}, RATE),
    ],
)
def test_reward_terms_out_of_bounds_are_refused_with_the_reason(terms, message):
    with pytest.raises(ValueError, match=message):
        RewardTerms(**terms)


def test_impossible_counts_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="^a fine cannot be negative$"):
        violation_reward(Decimal("-0.01"))
    with pytest.raises(ValueError, match="^concealed deaths cannot be negative$"):
        concealed_accident_reward("general", -1)
    with pytest.raises(ValueError, match="^unknown accident grade 'tiny'$"):
        concealed_accident_reward("tiny", 1)
