"""The per-point alarm state machine, checked against a reference written another way: thresholds relaxed by
the dead band for the levels held, and a change accepted when the last `debounce` readings since the previous
change all saw it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.monitoring.alarming import (
    Fault,
    FaultChange,
    Level,
    LevelChange,
    Limits,
    State,
    check_offline,
    classify,
    quiet_band,
    step,
)

# Three times the profile's examples: 300 in the suite, 90 under `make mutate` (its profile: 30 a property,
# derandomized), where every mutant of this module re-runs the properties.
MORE_EXAMPLES = 3 * settings.default.max_examples

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
LIMITS = Limits(low_low=Decimal(10), low=Decimal(20), high=Decimal(80), high_high=Decimal(90),
                range_min=Decimal(0), range_max=Decimal(100))  # fmt: skip


def run(values, limits, state=None):
    state = state or State()
    changes = []
    for i, v in enumerate(values):
        state, out = step(state, Decimal(v), T0 + dt.timedelta(minutes=i), limits)
        changes.extend(out)
    return state, changes


def levels(changes):
    return [(c.previous, c.current) for c in changes if isinstance(c, LevelChange)]


# ---- reference -------------------------------------------------------------------------------------------


def ref_seen(value: Decimal, limits: Limits, current: int) -> int:
    """Classify with the thresholds of the held side relaxed by the dead band (for levels no more severe)."""
    th = {-2: limits.low_low, -1: limits.low, 1: limits.high, 2: limits.high_high}
    met = []
    for level, edge in th.items():
        if edge is None:
            continue
        relaxed = current != 0 and level * current > 0 and abs(level) <= abs(current)
        shift = limits.deadband if relaxed else 0
        if level > 0 and value >= edge - shift:
            met.append(level)
        if level < 0 and value <= edge + shift:
            met.append(level)
    return max(met, key=abs) if met else 0


def reference(values: list[Decimal], limits: Limits) -> list[int]:
    """The accepted level after each reading."""
    current, since_change, result = 0, [], []
    for v in values:
        in_range = not (
            (limits.range_min is not None and v < limits.range_min)
            or (limits.range_max is not None and v > limits.range_max)
        )
        since_change.append(ref_seen(v, limits, current) if in_range else None)
        tail = since_change[-limits.debounce :]
        if (
            len(tail) == limits.debounce
            and len(set(tail)) == 1
            and tail[0] is not None
            and tail[0] != current
        ):
            current, since_change = tail[0], []
        result.append(current)
    return result


@st.composite
def limits_and_values(draw):
    edges = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4, unique=True)))
    low_low, low, high, high_high = (Decimal(e) for e in edges)
    gap = int(high - low)
    deadband = Decimal(draw(st.integers(0, max(0, (gap - 1) // 2))))
    keep = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    chosen = [e if k else None for e, k in zip((low_low, low, high, high_high), keep, strict=True)]
    limits = Limits(*chosen, range_min=Decimal(-5), range_max=Decimal(105), deadband=deadband,
                    debounce=draw(st.integers(1, 4)))  # fmt: skip
    values = draw(st.lists(st.integers(-10, 110).map(Decimal), max_size=40))
    return limits, values


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(case=limits_and_values())
def test_accepted_level_matches_the_reference(case):
    limits, values = case
    state = State()
    for i, (v, expected) in enumerate(zip(values, reference(values, limits), strict=True)):
        state, _ = step(state, v, T0 + dt.timedelta(minutes=i), limits)
        assert state.level == expected


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(values=st.lists(st.integers(0, 100).map(Decimal), max_size=30))
def test_without_debounce_or_dead_band_the_level_is_the_plain_classification(values):
    state = State()
    for i, v in enumerate(values):
        state, _ = step(state, v, T0 + dt.timedelta(minutes=i), LIMITS)
        assert state.level == classify(v, LIMITS)


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(
    values=st.lists(st.sampled_from([Decimal(1), Decimal(2), Decimal(3)]), max_size=30), n=st.integers(2, 5)
)
def test_frozen_is_active_exactly_when_the_last_n_readings_are_equal(values, n):
    limits = Limits(frozen_after=n)
    state = State()
    for i, v in enumerate(values):
        state, _ = step(state, v, T0 + dt.timedelta(minutes=i), limits)
        last = values[max(0, i - n + 1) : i + 1]
        assert (Fault.FROZEN in state.faults) is (len(last) == n and len(set(last)) == 1)


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(case=limits_and_values())
def test_level_changes_chain_and_each_is_reported_once(case):
    limits, values = case
    state, changes = run(values, limits)
    chain = levels(changes)
    assert all(prev != cur for prev, cur in chain)
    assert all(a[1] == b[0] for a, b in zip(chain, chain[1:], strict=False))
    assert (chain[-1][1] if chain else Level.NORMAL) == state.level


# ---- examples --------------------------------------------------------------------------------------------


def test_normal_to_high_to_high_high_to_recovered():
    _, changes = run([50, 85, 95, 50], LIMITS)
    assert levels(changes) == [(0, 1), (1, 2), (2, 0)]


def test_a_single_spike_is_debounced():
    limits = Limits(high=Decimal(80), debounce=3)
    _, changes = run([50, 95, 50, 95, 95, 50], limits)
    assert levels(changes) == []

    _, changes = run([50, 95, 95, 95], limits)
    assert levels(changes) == [(0, 1)]


def test_hysteresis_keeps_a_hovering_value_in_alarm():
    limits = Limits(high=Decimal(80), deadband=Decimal(3))
    _, changes = run([81, 79, 81, 78, 80, 76.9], limits)
    assert levels(changes) == [(0, 1), (1, 0)]


def test_high_high_steps_down_to_high_within_the_dead_band_of_high():
    limits = Limits(high=Decimal(80), high_high=Decimal(90), deadband=Decimal(2))
    _, changes = run([91, 89, 87, 79, 77], limits)
    assert levels(changes) == [(0, 2), (2, 1), (1, 0)]


def test_out_of_range_is_its_own_alarm_and_does_not_move_the_level():
    state, changes = run([50, 120, 130, 50], LIMITS)
    faults = [(c.fault, c.active) for c in changes if isinstance(c, FaultChange)]
    assert faults == [(Fault.OUT_OF_RANGE, True), (Fault.OUT_OF_RANGE, False)]
    assert levels(changes) == []
    assert state.level == Level.NORMAL


def test_offline_after_the_grace_periods_and_back_on_the_next_reading():
    limits = Limits(expected_period=dt.timedelta(minutes=1), offline_grace=3)
    state, _ = step(State(), Decimal(5), T0, limits)

    same, out = check_offline(state, T0 + dt.timedelta(minutes=3), limits)
    assert out == [] and same == state

    state, out = check_offline(state, T0 + dt.timedelta(minutes=3, seconds=1), limits)
    assert [(c.fault, c.active) for c in out] == [(Fault.OFFLINE, True)]
    _, again = check_offline(state, T0 + dt.timedelta(minutes=9), limits)
    assert again == []

    state, out = step(state, Decimal(5), T0 + dt.timedelta(minutes=10), limits)
    assert [(c.fault, c.active) for c in out] == [(Fault.OFFLINE, False)]


def test_a_point_that_never_reported_is_offline_from_its_commissioning():
    limits = Limits(expected_period=dt.timedelta(minutes=1))
    _, out = check_offline(State(), T0 + dt.timedelta(minutes=5), limits, since=T0)
    assert [(c.fault, c.active) for c in out] == [(Fault.OFFLINE, True)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low": Decimal(50), "high": Decimal(40)}, "阈值"),
        ({"low": Decimal(40), "high": Decimal(50), "deadband": Decimal(5)}, "回差"),
        ({"debounce": 0}, "消抖"),
        ({"range_min": Decimal(10), "range_max": Decimal(10)}, "量程"),
    ],
)
def test_inconsistent_settings_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Limits(**kwargs)


# ---- what each transition carries, and the edges of the settings ----------------------------------------


def at(minute):
    return T0 + dt.timedelta(minutes=minute)


def test_a_level_change_carries_the_reading_that_confirmed_it():
    limits = Limits(high=Decimal(80), debounce=2)
    _, changes = run([50, 85, 86, 40, 41], limits)
    assert changes == [
        LevelChange(Level.NORMAL, Level.HIGH, Decimal(86), at(2)),
        LevelChange(Level.HIGH, Level.NORMAL, Decimal(41), at(4)),
    ]


def test_a_debounce_count_restarts_when_the_pending_level_changes():
    limits = Limits(high=Decimal(80), high_high=Decimal(90), debounce=2)
    state, changes = run([85, 95, 85, 85], limits)
    assert changes == [LevelChange(Level.NORMAL, Level.HIGH, Decimal(85), at(3))]
    assert (state.pending, state.pending_count) == (Level.HIGH, 0)


def test_faults_carry_the_reading_and_the_range_edges_are_in_range():
    limits = Limits(range_min=Decimal(0), range_max=Decimal(100), frozen_after=2)
    state, changes = run([0, 100, -1, 7, 7, 8], limits)
    assert changes == [
        FaultChange(Fault.OUT_OF_RANGE, True, at(2), Decimal(-1)),
        FaultChange(Fault.OUT_OF_RANGE, False, at(3), Decimal(7)),
        FaultChange(Fault.FROZEN, True, at(4), Decimal(7)),
        FaultChange(Fault.FROZEN, False, at(5), Decimal(8)),
    ]
    assert (state.last_value, state.same_count, state.last_at, state.faults) == (
        Decimal(8),
        1,
        at(5),
        frozenset(),
    )


def test_an_out_of_range_reading_drops_a_pending_change():
    limits = Limits(high=Decimal(80), range_max=Decimal(100), debounce=2)
    state, changes = run([85, 120, 85], limits)
    assert levels(changes) == []
    assert (state.level, state.pending, state.pending_count) == (Level.NORMAL, Level.HIGH, 1)


def test_offline_carries_the_time_it_was_noticed_and_no_value():
    limits = Limits(expected_period=dt.timedelta(seconds=30), offline_grace=4)
    state, _ = step(State(), Decimal(5), T0, limits)
    assert check_offline(state, T0 + dt.timedelta(minutes=2), limits)[1] == []
    new, out = check_offline(state, T0 + dt.timedelta(minutes=2, seconds=1), limits)
    assert out == [FaultChange(Fault.OFFLINE, True, T0 + dt.timedelta(minutes=2, seconds=1), None)]
    assert new.faults == frozenset({Fault.OFFLINE})
    _, back = step(new, Decimal(6), at(3), limits)
    assert back == [FaultChange(Fault.OFFLINE, False, at(3), Decimal(6))]


def test_a_point_never_reported_nor_commissioned_is_not_offline():
    assert check_offline(State(), at(600), Limits()) == (State(), [])


def test_a_reading_since_commissioning_counts_over_the_commissioning():
    limits = Limits(expected_period=dt.timedelta(minutes=1), offline_grace=3)
    state, _ = step(State(), Decimal(5), at(10), limits)
    assert check_offline(state, at(12), limits, since=T0)[1] == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"low_low": Decimal(10), "low": Decimal(10), "high": Decimal(20), "high_high": Decimal(20)},
        {"low": Decimal(40), "high": Decimal(50), "deadband": Decimal("4.99")},
        {"debounce": 1, "frozen_after": 2, "deadband": Decimal(0)},
        {"range_min": Decimal(10)},
        {"range_max": Decimal(10)},
        {"low": Decimal(40), "high_high": Decimal(50)},
        {"low_low": Decimal(40), "high": Decimal(50)},
    ],
)
def test_consistent_settings_at_their_edges_are_accepted(kwargs):
    Limits(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low_low": Decimal(30), "low": Decimal(20)}, "^阈值须满足 低低 ≤ 低 ≤ 高 ≤ 高高。$"),
        ({"high": Decimal(90), "high_high": Decimal(80)}, "^阈值须满足 低低 ≤ 低 ≤ 高 ≤ 高高。$"),
        ({"low": Decimal(40), "high": Decimal(40)}, "^回差过大：低限加回差须小于高限减回差。$"),
        (
            {"low_low": Decimal(40), "high_high": Decimal(50), "deadband": Decimal(5)},
            "^回差过大：低限加回差须小于高限减回差。$",
        ),
        ({"deadband": Decimal("-0.1")}, "^回差不能为负数。$"),
        ({"frozen_after": 1}, "^冻结判定次数至少为 2。$"),
        ({"debounce": 0}, "^消抖次数至少为 1。$"),
        ({"range_min": Decimal(11), "range_max": Decimal(10)}, "^量程下限须小于量程上限。$"),
    ],
)
def test_inconsistent_settings_are_refused_with_their_own_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Limits(**kwargs)


def test_thresholds_list_only_those_set():
    assert Limits(low=Decimal(1), high_high=Decimal(9)).thresholds() == {
        Level.LOW: Decimal(1),
        Level.HIGH_HIGH: Decimal(9),
    }


def test_classification_at_each_threshold():
    table = [(90, Level.HIGH_HIGH), (89, Level.HIGH), (80, Level.HIGH), (79, Level.NORMAL), (21, Level.NORMAL),
             (20, Level.LOW), (11, Level.LOW), (10, Level.LOW_LOW), (0, Level.LOW_LOW)]  # fmt: skip
    assert [classify(Decimal(v), LIMITS) for v, _ in table] == [level for _, level in table]


def test_hysteresis_holds_on_the_low_side_and_at_the_dead_band_edge():
    limits = Limits(
        low_low=Decimal(10), low=Decimal(20), high=Decimal(80), high_high=Decimal(90), deadband=Decimal(2)
    )
    _, changes = run([9, 12, 12.01], limits)
    assert levels(changes) == [(0, -2), (-2, -1)]
    _, changes = run([81, 78, 77.99], limits)
    assert levels(changes) == [(0, 1), (1, 0)]
    _, changes = run([91, 79], limits)
    assert levels(changes) == [(0, 2), (2, 1)]


def test_a_reading_after_offline_leaves_the_point_online():
    state, _ = check_offline(State(), at(10), Limits(), since=T0)
    state, _ = step(state, Decimal(5), at(11), Limits())
    assert state.faults == frozenset()


# -- the quiet band (the ingest's shortcut for readings that change nothing) -------------------------------


@pytest.mark.parametrize(
    ("limits", "band"),
    [
        (LIMITS, (20.0, 80.0)),  # the inner thresholds
        (
            Limits(low_low=Decimal(10), high_high=Decimal(90), range_min=Decimal(0), range_max=Decimal(100)),
            (10.0, 90.0),
        ),
        (
            Limits(range_min=Decimal(-5), range_max=Decimal("105.5")),
            (-5.0, 105.5),
        ),  # the instrument's range only
        (Limits(low=Decimal(-3), range_min=Decimal(-10)), (-3.0, float("inf"))),  # nothing watched above
        (Limits(high=Decimal(8), range_max=Decimal(50)), (float("-inf"), 8.0)),  # nothing watched below
        (Limits(low=Decimal(1), range_min=Decimal(2), high=Decimal(7), range_max=Decimal(6)), (2.0, 6.0)),
        (Limits(), (float("-inf"), float("inf"))),
    ],
)
def test_the_quiet_band_is_the_tightest_of_the_thresholds_and_the_range(limits, band):
    assert quiet_band(limits) == band


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(case=limits_and_values(), value=st.integers(-200, 2000).map(lambda n: Decimal(n) / 10))
def test_a_quiet_point_reading_inside_its_band_changes_no_level_and_raises_nothing(case, value):
    limits, _values = case
    low, high = quiet_band(limits)
    state = State(last_value=Decimal(-999), last_at=T0)
    after, transitions = step(state, value, T0 + dt.timedelta(minutes=1), limits)
    if low < float(value) < high:
        assert transitions == [] and after.level == Level.NORMAL and after.pending_count == 0
        assert after.faults == frozenset()
    else:  # outside (or on an edge of) the band the machine has something to decide: the shortcut must not apply
        assert classify(value, limits) != Level.NORMAL or (
            (limits.range_min is not None and value <= limits.range_min)
            or (limits.range_max is not None and value >= limits.range_max)
        )
