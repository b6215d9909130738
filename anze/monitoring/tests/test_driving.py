"""两客一危 driving rules: overspeed by class, road and night; fatigue by continuous driving; offline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from anze.monitoring import driving
from anze.monitoring.driving import BEIJING, Position, Road, Rule, State, VehicleClass

DAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)


def drive(positions, vehicle_class=VehicleClass.PASSENGER, state=None):
    state, changes = state or State(), []
    for p in positions:
        state, more = driving.step(state, p, vehicle_class)
        changes += more
    return state, changes


def every(minutes, start, count, speed, **kw):
    return [Position(start + dt.timedelta(minutes=minutes * i), Decimal(speed), **kw) for i in range(count)]


def test_limits_by_class_road_and_night():
    night = DAY.replace(hour=23)
    assert driving.speed_limit(VehicleClass.DANGEROUS, Road.OTHER, DAY) == 60
    assert driving.speed_limit(VehicleClass.DANGEROUS, Road.EXPRESSWAY, night) == 80
    assert driving.speed_limit(VehicleClass.PASSENGER, Road.EXPRESSWAY, night) == 80
    assert driving.speed_limit(VehicleClass.CHARTER, Road.UNKNOWN, DAY) == 100


def test_overspeed_counts_after_thirty_seconds_and_ends_below_the_limit():
    start = DAY
    positions = [Position(start + dt.timedelta(seconds=s), Decimal(v), Road.OTHER)
                 for s, v in ((0, 70), (10, 65), (20, 66), (40, 67), (50, 66), (60, 50))]  # fmt: skip
    _state, changes = drive(positions, VehicleClass.DANGEROUS)
    assert [(c.rule, c.active, (c.at - start).seconds) for c in changes] == [
        (Rule.OVERSPEED, True, 40), (Rule.OVERSPEED, False, 60)]  # fmt: skip
    assert changes[0].limit == 60 and changes[0].value == 67


def test_four_hours_without_a_twenty_minute_stop_is_fatigue():
    positions = every(10, DAY, 26, 60)  # 09:00 … 13:10 moving
    _state, changes = drive(positions)
    assert [(c.rule, c.active) for c in changes] == [(Rule.FATIGUE, True)]
    assert changes[0].at == DAY + dt.timedelta(hours=4, minutes=10)


def test_a_twenty_minute_stop_resets_the_clock():
    positions = every(10, DAY, 13, 60) + every(10, DAY + dt.timedelta(hours=2, minutes=10), 3, 0) + every(
        10, DAY + dt.timedelta(hours=2, minutes=40), 13, 60)  # fmt: skip
    _state, changes = drive(positions)
    assert changes == []


def test_a_passenger_vehicle_at_night_may_drive_two_hours_a_dangerous_goods_one_four():
    night = DAY.replace(hour=22)
    positions = every(10, night, 14, 60, road=Road.EXPRESSWAY)  # 22:00 … 00:10
    assert [c.rule for c in drive(positions, VehicleClass.PASSENGER)[1]] == [Rule.FATIGUE]
    assert drive(positions, VehicleClass.DANGEROUS)[1] == []


def test_offline_after_twenty_minutes_and_back_with_the_next_report():
    state, _ = drive([Position(DAY, Decimal(0))])
    state, changes = driving.check_offline(state, DAY + dt.timedelta(minutes=19), since=DAY)
    assert changes == []
    state, changes = driving.check_offline(state, DAY + dt.timedelta(minutes=20), since=DAY)
    assert [(c.rule, c.active) for c in changes] == [(Rule.OFFLINE, True)]
    _state, changes = driving.step(state, Position(DAY + dt.timedelta(minutes=25), Decimal(0)), VehicleClass.CHARTER)
    assert [(c.rule, c.active) for c in changes] == [(Rule.OFFLINE, False)]


@given(st.lists(st.tuples(st.integers(1, 900), st.integers(0, 140)), max_size=60),
       st.sampled_from(list(VehicleClass)))  # fmt: skip
def test_changes_alternate_per_rule_and_match_the_state(steps, vehicle_class):
    at, positions = DAY, []
    for gap, speed in steps:
        at += dt.timedelta(seconds=gap)
        positions.append(Position(at, Decimal(speed)))
    state, changes = drive(positions, vehicle_class)
    for rule in Rule:
        flips = [c.active for c in changes if c.rule == rule]
        assert all(a != b for a, b in zip(flips, flips[1:], strict=False))
        assert (rule in state.active) == (bool(flips) and flips[-1])
