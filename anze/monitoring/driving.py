"""两客一危 driving rules over a vehicle's positions: overspeed, fatigue (continuous driving), night driving,
offline. Pure Python (no ORM); the services run it over each vehicle's new positions in time order.

Sources and what is project-defined:
- Fatigue (《道路交通安全法实施条例》第62条): driving more than **4 hours** without a stop of at least **20
  minutes**. For passenger vehicles at night (22:00–06:00) the limit is **2 hours** (交运发〔2012〕33号, the
  notice on passenger-transport safety). A stop is speed 0 (or ACC off) for 20 minutes; a gap in the reports
  longer than that counts as a stop only when the vehicle was standing before it.
- Overspeed limits in km/h, by class and road: 危货 80 on expressways, 60 elsewhere (《危险货物道路运输安全管理
  办法》); 客运 and 旅游包车 100 on expressways, 80 elsewhere (project default under the 实施条例第78条 ceilings),
  and at night 80 % of the day limit (交运发〔2012〕33号). The road class comes with the report when the source
  knows it; unknown roads get the expressway limit, so a missing map never raises a false alarm.
- Overspeed counts after **30 seconds** above the limit (project-defined debounce, like the sensors').
- Passenger vehicles on 800 km+ routes stop 02:00–05:00 (33号文); the route length is not known here, so it is
  not checked.
- Offline: no position for **20 minutes** while in service (project-defined; terminals report every 30 s while
  moving by common configuration, the national default interval not confirmed).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace
from decimal import Decimal

BEIJING = dt.timezone(dt.timedelta(hours=8))
REST = dt.timedelta(minutes=20)
CONTINUOUS_LIMIT = dt.timedelta(hours=4)
NIGHT_CONTINUOUS_LIMIT = dt.timedelta(hours=2)
OVERSPEED_AFTER = dt.timedelta(seconds=30)
OFFLINE_AFTER = dt.timedelta(minutes=20)
NIGHT_FACTOR = Decimal("0.8")


class VehicleClass(enum.StrEnum):
    PASSENGER = "passenger"  # 班线客运
    CHARTER = "charter"  # 旅游包车
    DANGEROUS = "dangerous"  # 危险货物运输


class Road(enum.StrEnum):
    EXPRESSWAY = "expressway"
    OTHER = "other"
    UNKNOWN = ""


DAY_LIMITS = {
    VehicleClass.PASSENGER: {Road.EXPRESSWAY: Decimal(100), Road.OTHER: Decimal(80)},
    VehicleClass.CHARTER: {Road.EXPRESSWAY: Decimal(100), Road.OTHER: Decimal(80)},
    VehicleClass.DANGEROUS: {Road.EXPRESSWAY: Decimal(80), Road.OTHER: Decimal(60)},
}


class Rule(enum.StrEnum):
    OVERSPEED = "overspeed"
    FATIGUE = "fatigue"
    OFFLINE = "offline"


def is_night(at: dt.datetime) -> bool:
    """22:00–06:00 Beijing time."""
    hour = at.astimezone(BEIJING).hour
    return hour >= 22 or hour < 6


def speed_limit(vehicle_class: VehicleClass, road: Road, at: dt.datetime) -> Decimal:
    """The limit at that moment: the day limit of the class and road, 80 % of it at night for passenger vehicles."""
    limits = DAY_LIMITS[vehicle_class]
    limit = limits.get(road) or limits[Road.EXPRESSWAY]
    if vehicle_class != VehicleClass.DANGEROUS and is_night(at):
        limit = (limit * NIGHT_FACTOR).quantize(Decimal(1))
    return limit


@dataclass(frozen=True)
class Position:
    at: dt.datetime
    speed_kmh: Decimal
    road: Road = Road.UNKNOWN
    acc_on: bool = True


@dataclass(frozen=True)
class State:
    """What the rules remember of a vehicle between reports."""

    last_at: dt.datetime | None = None
    moving_since: dt.datetime | None = None  # start of the present continuous driving
    standing_since: dt.datetime | None = None  # start of the present stop
    over_since: dt.datetime | None = None  # start of the present excursion above the limit
    active: frozenset[Rule] = frozenset()


@dataclass(frozen=True)
class Change:
    """A rule that started (active) or ended holding, at a time, with the value behind it."""

    rule: Rule
    active: bool
    at: dt.datetime
    value: Decimal | None = None
    limit: Decimal | None = None


def _set(state: State, rule: Rule, on: bool, at: dt.datetime, changes: list, value=None, limit=None) -> State:
    if on == (rule in state.active):
        return state
    changes.append(Change(rule, on, at, value, limit))
    active = state.active | {rule} if on else state.active - {rule}
    return replace(state, active=frozenset(active))


def step(state: State, position: Position, vehicle_class: VehicleClass) -> tuple[State, list[Change]]:
    """Apply one position (newer than the last); returns the new state and the rules that changed."""
    changes: list[Change] = []
    at = position.at
    if state.last_at is not None and at <= state.last_at:
        return state, changes
    if Rule.OFFLINE in state.active:
        state = _set(state, Rule.OFFLINE, False, at, changes)
    moving = position.acc_on and position.speed_kmh > 0
    if moving:
        resting_long = state.standing_since is not None and at - state.standing_since >= REST
        if state.moving_since is None or resting_long:
            state = replace(state, moving_since=at)
            state = _set(state, Rule.FATIGUE, False, at, changes)
        state = replace(state, standing_since=None)
    else:
        if state.standing_since is None:
            state = replace(state, standing_since=at)
        if at - state.standing_since >= REST:
            state = replace(state, moving_since=None)
            state = _set(state, Rule.FATIGUE, False, at, changes)
    if state.moving_since is not None:
        limit = NIGHT_CONTINUOUS_LIMIT if (vehicle_class != VehicleClass.DANGEROUS and is_night(at)) else CONTINUOUS_LIMIT
        driven = at - state.moving_since
        if driven > limit:
            hours = Decimal(int(driven.total_seconds())) / 3600
            state = _set(state, Rule.FATIGUE, True, at, changes, hours.quantize(Decimal("0.1")),
                         Decimal(int(limit.total_seconds())) / 3600)  # fmt: skip
    limit = speed_limit(vehicle_class, position.road, at)
    if position.speed_kmh > limit:
        over_since = state.over_since or at
        state = replace(state, over_since=over_since)
        if at - over_since >= OVERSPEED_AFTER:
            state = _set(state, Rule.OVERSPEED, True, at, changes, position.speed_kmh, limit)
    else:
        state = replace(state, over_since=None)
        state = _set(state, Rule.OVERSPEED, False, at, changes)
    return replace(state, last_at=at), changes


def check_offline(state: State, now: dt.datetime, *, since: dt.datetime) -> tuple[State, list[Change]]:
    """离线: no position for OFFLINE_AFTER (counted from `since`, the vehicle's entry into service, if none yet)."""
    changes: list[Change] = []
    last = state.last_at or since
    if now - last >= OFFLINE_AFTER:
        state = _set(state, Rule.OFFLINE, True, now, changes)
    return state, changes
