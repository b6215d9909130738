"""Ingest's evaluation loop against the pure state machine: the shortcut for quiet points in their normal band
must leave exactly the state and transitions that folding `alarming.step` over the same readings leaves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from anze.monitoring import alarming, services
from anze.monitoring.pointcache import Entry, PointState

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
# Values on and around the thresholds below, so the band's edges are met exactly and from both sides.
EDGES = [-0.5, 0.0, 9.9999, 10.0, 10.0001, 19.5, 20.0, 20.5, 50.0, 79.5, 80.0, 80.1, 89.9, 90.0, 99.99, 100.0,
         100.01, 55.5]  # fmt: skip


def entry(frozen_after, debounce, deadband, low_low) -> Entry:
    return Entry({
        "id": 1, "enterprise_id": 1, "region_path": "/", "code": "P",
        "low_low": low_low, "low": Decimal(20), "high": Decimal(80), "high_high": Decimal(90),
        "range_min": Decimal(0), "range_max": Decimal(100), "deadband": deadband, "debounce": debounce,
        "frozen_after": frozen_after, "expected_period_s": 60,
    })  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    runs=st.lists(  # runs of one value, so that frozen counts are reached
        st.tuples(st.one_of(st.sampled_from(EDGES), st.floats(-5, 105, allow_nan=False)), st.integers(1, 5)),
        max_size=15,
    ),
    frozen_after=st.one_of(st.none(), st.integers(2, 4)),
    debounce=st.integers(1, 3),
    deadband=st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(2)]),
    low_low=st.sampled_from([None, Decimal(10)]),
    offline=st.booleans(),
)
def test_the_loop_leaves_what_the_pure_machine_leaves(runs, frozen_after, debounce, deadband, low_low, offline):
    values = [v for v, n in runs for _ in range(n)]
    point = entry(frozen_after, debounce, deadband, low_low)
    start = alarming.State(faults=frozenset({alarming.Fault.OFFLINE}) if offline else frozenset())
    readings = [(T0 + dt.timedelta(minutes=i), v) for i, v in enumerate(values)]
    # a repeated time is late: it must move nothing
    readings += [(T0, 42.0)] if readings else []

    point.state = PointState.of(start)
    late: list = []
    transitions = services._run(point, readings, late) or []

    state, expected = start, []
    for at, value in readings:
        if state.last_at is not None and at <= state.last_at:
            continue
        state, out = alarming.step(state, Decimal(repr(value)), at, point.limits)
        expected += out
    assert point.state.row() == PointState.of(state).row()
    assert transitions == expected
    assert [(at, v) for _, at, v in late] == ([(T0, 42.0)] if values else [])
