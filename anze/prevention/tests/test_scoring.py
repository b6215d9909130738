from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.prevention.scoring import (
    DEFAULT_LEC_BANDS,
    DEFAULT_LS_BANDS,
    LEC_CONSEQUENCE,
    LEC_EXPOSURE,
    LEC_LIKELIHOOD,
    Band,
    BandError,
    BandTable,
    Level,
    distribution,
    lec_score,
    ls_score,
)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (321, Level.MAJOR),
        (320, Level.LARGER),  # >320 is red: 320 itself stays orange
        (160, Level.LARGER),  # lower bound inclusive
        (159.9, Level.GENERAL),
        (70, Level.GENERAL),
        (69, Level.LOW),
        (20, Level.LOW),
        (19, Level.LOW),
        (0.001, Level.LOW),
    ],
)
def test_lec_default_bands_at_their_edges(score, level):
    assert DEFAULT_LEC_BANDS.grade(score) == level


def test_lec_edge_inclusivity_is_configurable():
    table = BandTable(
        (
            Band(Level.MAJOR, Decimal(320)),
            Band(Level.LARGER, Decimal(160), inclusive=False),
            Band(Level.GENERAL, Decimal(70), inclusive=False),
            Band(Level.LOW, Decimal(20), inclusive=False),
        ),
        floor=None,
    )
    assert table.grade(320) == Level.MAJOR
    assert table.grade(160) == Level.GENERAL
    assert table.grade(70) == Level.LOW
    assert table.grade(20) is None  # 不定级


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (25, Level.MAJOR),
        (20, Level.MAJOR),
        (16, Level.LARGER),
        (15, Level.LARGER),
        (12, Level.GENERAL),
        (9, Level.GENERAL),
        (8, Level.LOW),
        (1, Level.LOW),
    ],
)
def test_ls_default_bands_at_their_edges(score, level):
    assert DEFAULT_LS_BANDS.grade(score) == level


def test_lec_score_multiplies():
    assert lec_score(Decimal("6"), Decimal("6"), Decimal("15")) == Decimal("540")
    assert lec_score(0.5, 1, 1) == Decimal("0.5")
    with pytest.raises(ValueError):
        lec_score(0, 1, 1)


def test_ls_score_rejects_out_of_range_factors():
    assert ls_score(4, 5) == 20
    for bad in ((0, 3), (6, 1), (3, 0)):
        with pytest.raises(ValueError):
            ls_score(*bad)


@given(st.sampled_from(LEC_LIKELIHOOD), st.sampled_from(LEC_EXPOSURE), st.sampled_from(LEC_CONSEQUENCE))
def test_every_lec_combination_gets_the_published_level(likelihood, exposure, consequence):
    d = likelihood * exposure * consequence
    # >320 重大, 160–320 较大, 70–159 一般, below 70 低 (DOMAIN.md §1), written out independently of the table
    expected = Level.MAJOR if d > 320 else Level.LARGER if d >= 160 else Level.GENERAL if d >= 70 else Level.LOW
    assert DEFAULT_LEC_BANDS.grade(lec_score(likelihood, exposure, consequence)) == expected


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_ls_grade_is_monotone(likelihood, severity, more):
    low = DEFAULT_LS_BANDS.grade(ls_score(likelihood, severity))
    high = DEFAULT_LS_BANDS.grade(ls_score(max(likelihood, more), severity))
    assert high <= low  # a larger score never gets a lower level (1 is the highest)


@given(
    st.decimals(min_value=0, max_value=10000, allow_nan=False, places=2),
    st.decimals(min_value=0, max_value=10000, allow_nan=False, places=2),
)
def test_lec_grade_is_monotone(a, b):
    lo, hi = sorted((a, b))
    assert DEFAULT_LEC_BANDS.grade(hi) <= DEFAULT_LEC_BANDS.grade(lo)


def test_band_table_round_trips_through_json():
    for table in (DEFAULT_LEC_BANDS, DEFAULT_LS_BANDS):
        assert BandTable.from_json(table.to_json()) == table


@pytest.mark.parametrize(
    "data",
    [
        {"bands": []},
        {"bands": [{"level": 2, "threshold": 10}, {"level": 1, "threshold": 20}]},
        {"bands": [{"level": 1, "threshold": 10}, {"level": 2, "threshold": 20}]},
        {"bands": [{"level": 1, "threshold": "x"}]},
        {"nothing": 1},
    ],
)
def test_inconsistent_band_tables_are_refused(data):
    with pytest.raises(BandError):
        BandTable.from_json(data)


def test_distribution_counts_every_level():
    assert distribution([1, 1, 4, None]) == {Level.MAJOR: 2, Level.LARGER: 0, Level.GENERAL: 0, Level.LOW: 1}
