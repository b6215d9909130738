"""重大危险源 identification and grading (GB 18218-2018), pure Python (no ORM).

Identification: a unit is a major hazard when S = Σ qᵢ/Qᵢ ≥ 1, q being the design maximum quantity of a
substance in the unit and Q its critical quantity (表1 for named substances, else 表2 by hazard class).
Grading: R = α · Σ βᵢ·qᵢ/Qᵢ, β from 表3 for the named toxic gases and from 表4 by hazard class otherwise,
α from 表5 by the people exposed within 500 m; R ≥ 100 一级, 50–100 二级, 10–50 三级, below 10 四级.

The tables are data (`data/gb18218.json`, with its source); the arithmetic is exact (Decimal quotients are
kept as Fractions until the result is shown), so a sum that is exactly 1 identifies the unit.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "gb18218.json"


class HazardLevel(enum.IntEnum):
    """重大危险源等级: 1 (一级) is the highest."""

    FIRST = 1
    SECOND = 2
    THIRD = 3
    FOURTH = 4

    @property
    def label(self) -> str:
        return {1: "一级", 2: "二级", 3: "三级", 4: "四级"}[self.value]


class UnknownSubstance(ValueError):
    """A substance that is neither in 表1 nor given a 表2 hazard class."""


@dataclass(frozen=True)
class NamedSubstance:
    """A row of 表1: a named hazardous chemical with its critical quantity in tonnes."""

    no: int
    name: str
    cas: str
    critical_t: Decimal


@dataclass(frozen=True)
class HazardClass:
    """A row of 表2 with its β of 表4: a hazard class (J1…W11) with its critical quantity in tonnes."""

    code: str
    name: str
    critical_t: Decimal
    beta: Decimal


@dataclass(frozen=True)
class Tables:
    """GB 18218-2018 as loaded from the data file."""

    source: str
    named: dict[str, NamedSubstance]
    classes: dict[str, HazardClass]
    toxic_gas_beta: dict[str, Decimal]
    alpha: tuple[tuple[int, Decimal], ...]  # (minimum people, α), highest minimum first
    bands: tuple[tuple[HazardLevel, Decimal], ...]  # (level, minimum R), highest minimum first


@cache
def tables() -> Tables:
    """The standard's tables, read once from `data/gb18218.json`."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Tables(
        source=raw["_source"],
        named={
            r["name"]: NamedSubstance(r["no"], r["name"], r["cas"], Decimal(r["critical_t"]))
            for r in raw["named"]
        },
        classes={
            r["code"]: HazardClass(r["code"], r["name"], Decimal(r["critical_t"]), Decimal(r["beta"]))
            for r in raw["classes"]
        },
        toxic_gas_beta={r["name"]: Decimal(r["beta"]) for r in raw["toxic_gas_beta"]},
        alpha=tuple(
            sorted(((r["min_people"], Decimal(r["alpha"])) for r in raw["alpha"]), key=lambda p: -p[0])
        ),
        bands=tuple(
            sorted(
                ((HazardLevel(r["level"]), Decimal(r["min_r"])) for r in raw["bands"]), key=lambda b: -b[1]
            )
        ),
    )


@dataclass(frozen=True)
class Substance:
    """A substance held in a unit: its name, design maximum quantity q (t), and its hazard class.

    `hazard_class` is required when the name is not in 表1 (Q then comes from 表2) and for every substance
    whose β is not in 表3 (β then comes from 表4).
    """

    name: str
    quantity_t: Decimal
    hazard_class: str = ""


@dataclass(frozen=True)
class Term:
    """One line of the calculation shown on the page."""

    name: str
    quantity_t: Decimal
    critical_t: Decimal
    critical_from: str  # "表1" or "表2 <class>"
    beta: Decimal
    beta_from: str  # "表3" or "表4 <class>"
    ratio: Fraction  # q/Q
    weighted: Fraction  # β·q/Q


@dataclass(frozen=True)
class Assessment:
    """The identification and grading of one unit, with every term of the sums."""

    terms: tuple[Term, ...]
    s: Fraction
    alpha: Decimal
    people_exposed: int
    r: Fraction

    @property
    def is_major(self) -> bool:
        return self.s >= 1

    @property
    def level(self) -> HazardLevel | None:
        return grade(self.r) if self.is_major else None


def critical_quantity(substance: Substance) -> tuple[Decimal, str]:
    """Q for a substance and where it came from: 表1 by name, else 表2 by its hazard class."""
    t = tables()
    if substance.name in t.named:
        return t.named[substance.name].critical_t, "表1"
    if substance.hazard_class in t.classes:
        return t.classes[substance.hazard_class].critical_t, f"表2 {substance.hazard_class}"
    raise UnknownSubstance(
        f"“{substance.name}”不在 GB 18218 表1 中，且未给出表2危险性类别（如 W5.3）；请选择其危险性类别。"
    )


def correction_beta(substance: Substance) -> tuple[Decimal, str]:
    """β for a substance and where it came from: 表3 for the named toxic gases, else 表4 by hazard class."""
    t = tables()
    if substance.name in t.toxic_gas_beta:
        return t.toxic_gas_beta[substance.name], "表3"
    if substance.hazard_class in t.classes:
        return t.classes[substance.hazard_class].beta, f"表4 {substance.hazard_class}"
    raise UnknownSubstance(
        f"“{substance.name}”不在 GB 18218 表3 中，且未给出危险性类别，无法确定校正系数 β；请选择其危险性类别。"
    )


def correction_alpha(people_exposed: int) -> Decimal:
    """α from the number of people exposed within 500 m of the unit's boundary (表5)."""
    if people_exposed < 0:
        raise ValueError("暴露人数不能为负数。")
    # 表5's last row is for 0 people, so a count that is not negative always finds its row.
    return next(alpha for minimum, alpha in tables().alpha if people_exposed >= minimum)


def grade(r: Fraction | Decimal) -> HazardLevel:
    """The level for a grading index R (§4.3.3): the first band whose lower edge R reaches."""
    t = tables()
    for level, minimum in t.bands:
        if r >= Fraction(minimum):
            return level
    return HazardLevel.FOURTH


def assess(substances: Sequence[Substance] | Iterable[Substance], *, people_exposed: int) -> Assessment:
    """Identify and grade a unit from the substances it holds.

    The same substance named twice is summed first (a unit's quantity is the total it can hold).
    """
    merged: dict[tuple[str, str], Decimal] = {}
    for s in substances:
        if s.quantity_t < 0:
            raise ValueError(f"“{s.name}”的设计最大量不能为负数。")
        key = (s.name, s.hazard_class)
        merged[key] = merged.get(key, Decimal(0)) + s.quantity_t
    terms = []
    for (name, hazard_class), quantity in merged.items():
        substance = Substance(name, quantity, hazard_class)
        critical, critical_from = critical_quantity(substance)
        beta, beta_from = correction_beta(substance)
        ratio = Fraction(quantity) / Fraction(critical)
        terms.append(
            Term(name, quantity, critical, critical_from, beta, beta_from, ratio, Fraction(beta) * ratio)
        )
    alpha = correction_alpha(people_exposed)
    s_sum = sum((term.ratio for term in terms), Fraction(0))
    r = Fraction(alpha) * sum((term.weighted for term in terms), Fraction(0))
    return Assessment(tuple(terms), s_sum, alpha, people_exposed, r)


def shown(value: Fraction, places: int = 3) -> Decimal:
    """A quotient rounded for display (the decision itself uses the exact value)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places))
