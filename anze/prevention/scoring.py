"""Risk scoring, pure Python (no ORM): LEC (D = L × E × C) and LS (R = L × S), graded into four levels.

Sources disagree on the band edges and on whether an edge value belongs to the band above or below
(DOMAIN.md §1), so a band table is data: each level has a threshold and says whether the threshold itself
is included. Tables are stored per region with an effective date (prevention.models.RiskBandTable); the
defaults below are the common ones.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

# LEC factor values (Graham–Kinney, DOMAIN.md §1). Enterprise tables sometimes add values, so forms take
# their choices from here but the score accepts any positive number.
LEC_LIKELIHOOD = (
    Decimal("10"),
    Decimal("6"),
    Decimal("3"),
    Decimal("1"),
    Decimal("0.5"),
    Decimal("0.2"),
    Decimal("0.1"),
)
LEC_EXPOSURE = (Decimal("10"), Decimal("6"), Decimal("3"), Decimal("2"), Decimal("1"), Decimal("0.5"))
LEC_CONSEQUENCE = (Decimal("100"), Decimal("40"), Decimal("15"), Decimal("7"), Decimal("3"), Decimal("1"))
LS_VALUES = (1, 2, 3, 4, 5)


class Level(enum.IntEnum):
    """风险等级: 1 is the highest (重大, red), 4 the lowest (低, blue)."""

    MAJOR = 1  # 重大风险, red
    LARGER = 2  # 较大风险, orange
    GENERAL = 3  # 一般风险, yellow
    LOW = 4  # 低风险, blue


class BandError(ValueError):
    """A band table that cannot grade consistently."""


@dataclass(frozen=True)
class Band:
    """A score at or above (`inclusive`) or strictly above `threshold` is at least `level`."""

    level: Level
    threshold: Decimal
    inclusive: bool = True

    def contains(self, score: Decimal) -> bool:
        return score >= self.threshold if self.inclusive else score > self.threshold


@dataclass(frozen=True)
class BandTable:
    """Bands from the highest level down; a score below every band gets `floor` (None = 不定级)."""

    bands: tuple[Band, ...]
    floor: Level | None = Level.LOW

    def __post_init__(self) -> None:
        levels = [b.level for b in self.bands]
        if not levels:
            raise BandError("a band table needs at least one band")
        if levels != sorted(levels) or len(set(levels)) != len(levels):
            raise BandError("bands must run from the highest level (重大) down, each level once")
        thresholds = [b.threshold for b in self.bands]
        for higher, lower in pairwise(self.bands):
            if higher.threshold < lower.threshold or (
                higher.threshold == lower.threshold and not (lower.inclusive and not higher.inclusive)
            ):
                raise BandError("thresholds must fall as the level falls")
        if any(t < 0 for t in thresholds):
            raise BandError("thresholds must not be negative")
        if self.floor is not None and self.floor < levels[-1]:
            raise BandError("the floor level must not be above the lowest band")

    def grade(self, score: Decimal | int | float) -> Level | None:
        value = Decimal(str(score))
        for band in self.bands:
            if band.contains(value):
                return band.level
        return self.floor

    def to_json(self) -> dict:
        return {
            "bands": [
                {"level": int(b.level), "threshold": str(b.threshold), "inclusive": b.inclusive}
                for b in self.bands
            ],
            "floor": int(self.floor) if self.floor is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> BandTable:
        try:
            bands = tuple(
                Band(Level(int(b["level"])), Decimal(str(b["threshold"])), bool(b.get("inclusive", True)))
                for b in data["bands"]
            )
            floor = data.get("floor", int(Level.LOW))
            return cls(bands, Level(int(floor)) if floor is not None else None)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            if isinstance(exc, BandError):
                raise
            raise BandError(f"malformed band table: {exc}") from exc


# >320 red; 160–320 orange; 70–159 yellow; 20–69 blue (lower bounds inclusive, m.001doc.com); <20 blue.
DEFAULT_LEC_BANDS = BandTable(
    (
        Band(Level.MAJOR, Decimal("320"), inclusive=False),
        Band(Level.LARGER, Decimal("160")),
        Band(Level.GENERAL, Decimal("70")),
        Band(Level.LOW, Decimal("20")),
    ),
    floor=Level.LOW,
)
# Shandong-style scheme (a): 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue.
DEFAULT_LS_BANDS = BandTable(
    (
        Band(Level.MAJOR, Decimal("20")),
        Band(Level.LARGER, Decimal("15")),
        Band(Level.GENERAL, Decimal("9")),
        Band(Level.LOW, Decimal("1")),
    ),
    floor=Level.LOW,
)


def lec_score(
    likelihood: Decimal | float, exposure: Decimal | float, consequence: Decimal | float
) -> Decimal:
    """D = L × E × C; every factor must be positive."""
    factors = [Decimal(str(f)) for f in (likelihood, exposure, consequence)]
    if any(f <= 0 for f in factors):
        raise ValueError("LEC factors must be positive")
    return (factors[0] * factors[1] * factors[2]).normalize()


def ls_score(likelihood: int, severity: int) -> int:
    """R = L × S with L and S integers 1–5."""
    if likelihood not in LS_VALUES or severity not in LS_VALUES:
        raise ValueError("LS factors are integers 1–5")
    return likelihood * severity


# Common practice (DOMAIN.md §1, [未核]): who controls a risk of each level.
DEFAULT_CONTROL_LEVEL = {
    Level.MAJOR: "company",
    Level.LARGER: "department",
    Level.GENERAL: "workshop",
    Level.LOW: "post",
}


def distribution(levels: Sequence[Level | int | None]) -> dict[Level, int]:
    """How many of each level, every level present (zeros included)."""
    counts = dict.fromkeys(Level, 0)
    for level in levels:
        if level is not None:
            counts[Level(level)] += 1
    return counts
