"""Realistic sensor values for the demo and the benchmark, pure Python (no ORM).

Each simulated sensor wanders around a set point between its low and high thresholds with noise and a slow
drift. Some are given a behaviour: `stuck` repeats one value (a frozen sensor), `excursion` climbs past its
高高 limit for a few minutes every so often, and a gateway marked `offline` sends nothing at all.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

NORMAL, STUCK, EXCURSION = "normal", "stuck", "excursion"


@dataclass
class Sensor:
    code: str
    low: float
    high: float
    range_min: float
    range_max: float
    behaviour: str = NORMAL
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _stuck_value: float | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @classmethod
    def for_point(cls, code: str, limits: dict[str, Decimal | None], behaviour: str = NORMAL, seed: int = 0):
        lo = limits.get("low") or limits.get("low_low") or limits["range_min"]
        hi = limits.get("high") or limits.get("high_high") or limits["range_max"]
        return cls(code, float(lo), float(hi), float(limits["range_min"]), float(limits["range_max"]), behaviour,
                   seed)  # fmt: skip

    def value(self, t: float) -> float:
        """The reading at `t` seconds since the simulation began."""
        span = self.high - self.low
        centre = self.low + span * 0.45
        if self.behaviour == STUCK:
            if self._stuck_value is None:
                self._stuck_value = round(centre, 2)
            return self._stuck_value
        drift = 0.15 * span * math.sin(2 * math.pi * t / 3600)
        noise = self._rng.gauss(0, 0.02 * span)
        value = centre + drift + noise
        if self.behaviour == EXCURSION and (t % 900) >= 600:
            # Five minutes in every fifteen: a climb to well past the high limit and back.
            phase = ((t % 900) - 600) / 300
            value = self.high + (self.range_max - self.high) * 0.6 * math.sin(math.pi * phase)
        return round(min(max(value, self.range_min), self.range_max), 2)
