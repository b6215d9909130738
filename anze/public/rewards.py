"""Reward formulas for public reports (有奖举报), pure Python (DOMAIN.md §11, 安监总财〔2018〕19号).

Hidden dangers and violations: 15% of the administrative fine, at least 3,000 and at most 300,000 yuan.
Concealed accidents (瞒报/谎报): per verified concealed death by the final accident grade, capped at
300,000. The numbers live in a versioned, region-scoped RewardRule (public.models); the defaults are here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

YUAN = Decimal("0.01")


@dataclass(frozen=True)
class RewardTerms:
    """The amounts of one rule version."""

    rate: Decimal = Decimal("0.15")
    minimum: Decimal = Decimal("3000")
    maximum: Decimal = Decimal("300000")
    per_death: dict[str, Decimal] = field(
        default_factory=lambda: {
            "general": Decimal("30000"),
            "larger": Decimal("40000"),
            "major": Decimal("50000"),
            "especially_major": Decimal("60000"),
        }
    )
    accident_cap: Decimal = Decimal("300000")

    def __post_init__(self) -> None:
        if not (Decimal(0) <= self.minimum <= self.maximum):
            raise ValueError("reward minimum must be between 0 and the maximum")
        if not (Decimal(0) < self.rate <= Decimal(1)):
            raise ValueError("reward rate must be in (0, 1]")


DEFAULT_TERMS = RewardTerms()


def violation_reward(fine: Decimal | int, terms: RewardTerms = DEFAULT_TERMS) -> Decimal:
    """clamp(rate × fine, minimum, maximum), in yuan to the fen. A verified report earns at least the minimum."""
    fine = Decimal(fine)
    if fine < 0:
        raise ValueError("a fine cannot be negative")
    raw = (fine * terms.rate).quantize(YUAN, rounding=ROUND_HALF_UP)
    return min(max(raw, terms.minimum), terms.maximum)


def concealed_accident_reward(
    grade: str, concealed_deaths: int, terms: RewardTerms = DEFAULT_TERMS
) -> Decimal:
    """min(deaths × amount for the grade, cap); no verified concealed death, no reward."""
    if concealed_deaths < 0:
        raise ValueError("concealed deaths cannot be negative")
    try:
        amount = terms.per_death[grade]
    except KeyError:
        raise ValueError(f"unknown accident grade {grade!r}") from None
    return min(Decimal(concealed_deaths) * amount, terms.accident_cap).quantize(YUAN)
