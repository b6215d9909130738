"""The allocation suggestion and the distance estimate, against plainer readings of the rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.emergency.geo import road_km, straight_km
from anze.emergency.suggest import Candidate, suggest


def test_one_degree_of_latitude_is_about_111_km():
    assert straight_km(35.0, 118.0, 36.0, 118.0) == pytest.approx(111.2, abs=0.1)


def test_linyi_to_yishui_is_about_80_km_straight_and_the_factor_multiplies_it():
    straight = straight_km(35.1046, 118.3564, 35.79, 118.628)
    assert 75 < straight < 85
    assert road_km(35.1046, 118.3564, 35.79, 118.628, Decimal("1.3")) == Decimal(
        str(round(straight * 1.3, 1))
    )
    with pytest.raises(ValueError):
        road_km(35, 118, 36, 118, Decimal("0.9"))


def test_within_a_depot_the_batch_expiring_first_goes_first():
    d = Decimal("5.0")
    found = suggest(5, [
        Candidate(1, 10, d, None),
        Candidate(2, 3, d, dt.date(2027, 1, 1)),
        Candidate(3, 3, d, dt.date(2026, 12, 31)),
    ])  # fmt: skip
    assert [(line.batch_id, line.quantity) for line in found.lines] == [(3, 3), (2, 2)]


candidates = st.lists(
    st.builds(
        Candidate,
        batch_id=st.integers(1, 10_000),
        available=st.integers(-3, 50),
        distance_km=st.decimals(0, 500, places=1),
        expires_on=st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2028, 1, 1)),
    ),
    max_size=12,
    unique_by=lambda c: c.batch_id,
)


@settings(max_examples=200, deadline=None)  # pure and fast, but the machine may be busy
@given(quantity=st.integers(1, 200), offered=candidates)
def test_a_suggestion_covers_what_it_can_without_overdrawing_any_batch(quantity, offered):
    today = dt.date(2027, 1, 1)
    found = suggest(quantity, offered, usable_from=today)
    usable = {
        c.batch_id: c for c in offered if c.available > 0 and (c.expires_on is None or c.expires_on >= today)
    }
    total_usable = sum(c.available for c in usable.values())
    assert found.total == min(quantity, total_usable)
    assert found.shortfall == quantity - found.total
    for line in found.lines:
        assert line.batch_id in usable and 0 < line.quantity <= usable[line.batch_id].available
    # nearest first: no batch left untouched is nearer than one that was used
    used = {line.batch_id for line in found.lines}
    if found.shortfall == 0 and used:
        farthest_used = max(usable[b].distance_km for b in used)
        partly = [line for line in found.lines if line.quantity < usable[line.batch_id].available]
        for c in usable.values():
            if c.batch_id not in used:
                assert c.distance_km >= farthest_used or partly
