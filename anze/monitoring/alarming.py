"""The per-point alarm state machine, pure Python (no ORM).

A point's limit level is one of 低低, 低, normal, 高, 高高 (for a gas detector 一级 and 二级 are its 高 and
高高). Each reading is classified against the thresholds, with hysteresis: a level already held is kept
until the value comes back past its threshold by the dead band, so a value hovering on a threshold does not
raise and clear an alarm on every reading. A change of level (up or down, recovery included) is accepted
only after `debounce` consecutive readings agree on it, so one spike raises nothing.

Three faults are alarms of their own kinds, independent of the limit level:
- out of range: the value lies outside the instrument's range (the value is then not used for the level);
- frozen: the same value for `frozen_after` consecutive readings (a stuck sensor);
- offline: no reading within the expected period times the grace factor (checked by `check_offline`).

`step()` and `check_offline()` return the new state and the transitions to act on; the state is plain data
the caller stores between readings.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal


class Level(enum.IntEnum):
    """A limit level: negative below normal, positive above, 2 the more severe."""

    LOW_LOW = -2
    LOW = -1
    NORMAL = 0
    HIGH = 1
    HIGH_HIGH = 2


class Fault(enum.StrEnum):
    """A fault of the measurement itself."""

    OUT_OF_RANGE = "out_of_range"
    FROZEN = "frozen"
    OFFLINE = "offline"


@dataclass(frozen=True)
class Limits:
    """A point's thresholds and alarm settings; a threshold left None is not watched.

    Thresholds must be ordered low_low ≤ low < high ≤ high_high (those that are set), and the dead band must
    be smaller than the gap between low and high so that hysteresis never jumps from one side to the other.
    """

    low_low: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    high_high: Decimal | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    deadband: Decimal = Decimal(0)
    debounce: int = 1
    frozen_after: int | None = None
    expected_period: dt.timedelta = dt.timedelta(minutes=1)
    offline_grace: int = 3

    def __post_init__(self) -> None:
        if self.debounce < 1:
            raise ValueError("消抖次数至少为 1。")
        if self.deadband < 0:
            raise ValueError("回差不能为负数。")
        if self.frozen_after is not None and self.frozen_after < 2:
            raise ValueError("冻结判定次数至少为 2。")
        ordered = [v for v in (self.low_low, self.low, self.high, self.high_high) if v is not None]
        if any(a > b for a, b in zip(ordered, ordered[1:], strict=False)):
            raise ValueError("阈值须满足 低低 ≤ 低 ≤ 高 ≤ 高高。")
        lows = [v for v in (self.low_low, self.low) if v is not None]
        highs = [v for v in (self.high, self.high_high) if v is not None]
        if lows and highs and max(lows) + self.deadband >= min(highs) - self.deadband:
            raise ValueError("回差过大：低限加回差须小于高限减回差。")
        if self.range_min is not None and self.range_max is not None and self.range_min >= self.range_max:
            raise ValueError("量程下限须小于量程上限。")

    def thresholds(self) -> dict[Level, Decimal]:
        pairs = {
            Level.LOW_LOW: self.low_low,
            Level.LOW: self.low,
            Level.HIGH: self.high,
            Level.HIGH_HIGH: self.high_high,
        }
        return {level: value for level, value in pairs.items() if value is not None}


@dataclass(frozen=True)
class State:
    """What the machine remembers of a point between readings."""

    level: Level = Level.NORMAL
    pending: Level = Level.NORMAL
    pending_count: int = 0
    faults: frozenset[Fault] = field(default_factory=frozenset)
    last_value: Decimal | None = None
    same_count: int = 0
    last_at: dt.datetime | None = None


@dataclass(frozen=True)
class LevelChange:
    """The accepted limit level changed: from NORMAL it is raised, to NORMAL it recovered."""

    previous: Level
    current: Level
    value: Decimal
    at: dt.datetime


@dataclass(frozen=True)
class FaultChange:
    """A fault began (`active`) or ended."""

    fault: Fault
    active: bool
    at: dt.datetime
    value: Decimal | None = None


Transition = LevelChange | FaultChange


def classify(value: Decimal, limits: Limits) -> Level:
    """The level a value reaches with no history: the most severe threshold it meets or passes."""
    th = limits.thresholds()
    if Level.HIGH_HIGH in th and value >= th[Level.HIGH_HIGH]:
        return Level.HIGH_HIGH
    if Level.HIGH in th and value >= th[Level.HIGH]:
        return Level.HIGH
    if Level.LOW_LOW in th and value <= th[Level.LOW_LOW]:
        return Level.LOW_LOW
    if Level.LOW in th and value <= th[Level.LOW]:
        return Level.LOW
    return Level.NORMAL


def held_level(value: Decimal, limits: Limits, current: Level) -> Level:
    """The level a value reaches given the level currently held (hysteresis).

    A more severe level, or one on the other side, is entered at its threshold; a level on the same side as
    `current` and no more severe than it is kept while the value stays within the dead band of its threshold.
    """
    entered = classify(value, limits)
    if current == Level.NORMAL or entered * current < 0 or abs(entered) >= abs(current):
        return entered
    th = limits.thresholds()
    sign = 1 if current > 0 else -1
    for magnitude in range(abs(current), abs(entered), -1):
        level = Level(sign * magnitude)
        if level not in th:
            continue
        edge = th[level] - sign * limits.deadband
        if (value >= edge) if sign > 0 else (value <= edge):
            return level
    return entered


def out_of_range(value: Decimal, limits: Limits) -> bool:
    return (limits.range_min is not None and value < limits.range_min) or (
        limits.range_max is not None and value > limits.range_max
    )


def _fault(state: State, fault: Fault, active: bool, at: dt.datetime, value, out: list) -> frozenset[Fault]:
    if active and fault not in state.faults:
        out.append(FaultChange(fault, True, at, value))
        return state.faults | {fault}
    if not active and fault in state.faults:
        out.append(FaultChange(fault, False, at, value))
        return state.faults - {fault}
    return state.faults


def step(state: State, value: Decimal, at: dt.datetime, limits: Limits) -> tuple[State, list[Transition]]:
    """Take one reading: the new state and what changed (faults first, then the level)."""
    out: list[Transition] = []
    faults = _fault(state, Fault.OFFLINE, False, at, value, out)
    state = replace(state, faults=faults)

    same = state.same_count + 1 if state.last_value is not None and value == state.last_value else 1
    frozen = limits.frozen_after is not None and same >= limits.frozen_after
    state = replace(state, faults=_fault(state, Fault.FROZEN, frozen, at, value, out))

    bad = out_of_range(value, limits)
    state = replace(state, faults=_fault(state, Fault.OUT_OF_RANGE, bad, at, value, out))
    state = replace(state, last_value=value, same_count=same, last_at=at)
    if bad:
        # A value outside the instrument's range says nothing about the process: keep the level.
        return replace(state, pending=state.level, pending_count=0), out

    seen = held_level(value, limits, state.level)
    if seen == state.level:
        return replace(state, pending=state.level, pending_count=0), out
    count = state.pending_count + 1 if seen == state.pending else 1
    if count < limits.debounce:
        return replace(state, pending=seen, pending_count=count), out
    out.append(LevelChange(state.level, seen, value, at))
    return replace(state, level=seen, pending=seen, pending_count=0), out


def quiet_band(limits: Limits) -> tuple[float, float]:
    """The open interval (low, high), in floats, of values that leave a quiet point quiet.

    A point is quiet when its level and pending level are normal, nothing is pending and no fault is active.
    For a value v with low < v < high, `step` then changes nothing but the last value, its repeat count and the
    time (the caller still checks the frozen count): v is inside the instrument's range and classifies as
    normal. The comparison is exact for the Decimal thresholds: rounding to the nearest float is monotonic,
    so a float strictly below float(t) is the float of a decimal strictly below t, and likewise above.
    """
    lows = [v for v in (limits.low_low, limits.low, limits.range_min) if v is not None]
    highs = [v for v in (limits.high, limits.high_high, limits.range_max) if v is not None]
    return (float(max(lows)) if lows else -math.inf, float(min(highs)) if highs else math.inf)


def offline_after(limits: Limits) -> dt.timedelta:
    """How long a point may stay silent before it is offline."""
    return limits.expected_period * limits.offline_grace


def check_offline(state: State, now: dt.datetime, limits: Limits, *, since: dt.datetime | None = None):
    """Mark the point offline when it has not reported for `offline_after(limits)`.

    `since` is when the point was expected to start reporting (its commissioning), used when it never has.
    """
    last = state.last_at or since
    if last is None or Fault.OFFLINE in state.faults:
        return state, []
    if now - last <= offline_after(limits):
        return state, []
    out: list[Transition] = []
    return replace(state, faults=_fault(state, Fault.OFFLINE, True, now, None, out)), out
