"""数据在线率 (on-line rate), pure Python (no ORM).

Project-defined formula (the provincial data-access specification was not available, DOMAIN.md §3):

    on-line rate = points that reported at least once within the window ÷ points expected to report in it

A point is expected in a window when it was in service for any part of it (commissioned before the window
ends, not retired before it starts). Rates are combined as counts: the rate of a county is the sum of its
enterprises' reporting points over the sum of their expected points, never the average of their rates, so a
large enterprise weighs as many points as it has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FORMULA = "在线率 = 统计时段内至少上报一次数据的监测点数 ÷ 统计时段内应上报的监测点数（本平台定义）"


@dataclass(frozen=True)
class Window:
    """A half-open time window [start, end)."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("统计时段的结束时间须晚于开始时间。")

    def contains(self, at: dt.datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class ExpectedPoint:
    """A monitoring point, the group it is counted in, and when it was in service."""

    point: Hashable
    group: Hashable
    in_service_from: dt.datetime
    in_service_until: dt.datetime | None = None

    def expected_in(self, window: Window) -> bool:
        return self.in_service_from < window.end and (
            self.in_service_until is None or self.in_service_until > window.start
        )


@dataclass(frozen=True)
class Count:
    """Reporting and expected points; the rate is their quotient."""

    reporting: int = 0
    expected: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.reporting + other.reporting, self.expected + other.expected)

    @property
    def offline(self) -> int:
        return self.expected - self.reporting

    @property
    def rate(self) -> Fraction | None:
        """None when nothing was expected (no rate, rather than 0% or 100%)."""
        return Fraction(self.reporting, self.expected) if self.expected else None

    def percent(self, places: int = 1) -> Decimal | None:
        rate = self.rate
        if rate is None:
            return None
        value = Decimal(rate.numerator * 100) / Decimal(rate.denominator)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def count_online(
    points: Iterable[ExpectedPoint], readings: Iterable[tuple[Hashable, dt.datetime]], window: Window
) -> dict[Hashable, Count]:
    """Per group, the points expected in `window` and how many of them reported within it.

    A reading of a point that was not expected (retired, not yet commissioned, unknown) counts for nothing.
    """
    expected = {p.point: p.group for p in points if p.expected_in(window)}
    reported = {point for point, at in readings if point in expected and window.contains(at)}
    counts: dict[Hashable, Count] = {}
    for point, group in expected.items():
        counts[group] = counts.get(group, Count()) + Count(int(point in reported), 1)
    return counts


def combine(counts: Iterable[Count]) -> Count:
    """The count of a larger area from the counts of its parts (sums, never averages)."""
    total = Count()
    for count in counts:
        total = total + count
    return total
