"""Band tables against an independent oracle, and the messages an editor sees for a table that cannot grade.

The oracle grades by reading each band as a set of scores and taking the highest level whose set holds the
score; the code walks the bands in order. Tables are drawn at random from valid ones.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.prevention.scoring import Band, BandError, BandTable, Level, lec_score, ls_score


def oracle_grade(spec: list[tuple[int, Decimal, bool]], floor: int | None, score: Decimal) -> int | None:
    """The highest level (smallest number) whose band holds the score; else the floor."""
    holding = [level for level, threshold, inclusive in spec if score > threshold or (inclusive and score == threshold)]
    return min(holding) if holding else floor


@st.composite
def valid_tables(draw):
    levels = sorted(draw(st.sets(st.integers(1, 4), min_size=1)))
    thresholds = sorted(draw(st.lists(st.integers(0, 400), min_size=len(levels), max_size=len(levels))), reverse=True)
    spec = []
    for i, (level, threshold) in enumerate(zip(levels, thresholds, strict=True)):
        inclusive = draw(st.booleans())
        if i and threshold == spec[-1][1]:
            # two bands may share a threshold only when the higher excludes it and the lower includes it
            spec[-1] = (spec[-1][0], spec[-1][1], False)
            inclusive = True
            if i > 1 and spec[-2][1] == threshold:
                return draw(valid_tables())
        spec.append((level, Decimal(threshold), inclusive))
    floor = draw(st.one_of(st.none(), st.integers(levels[-1], 4)))
    return spec, floor


def table_of(spec, floor) -> BandTable:
    return BandTable(tuple(Band(Level(lv), t, inc) for lv, t, inc in spec), None if floor is None else Level(floor))


@given(valid_tables(), st.decimals(min_value=-5, max_value=500, places=1, allow_nan=False))
def test_grade_matches_the_oracle(table_spec, score):
    spec, floor = table_spec
    expected = oracle_grade(spec, floor, score)
    got = table_of(spec, floor).grade(score)
    assert (None if got is None else int(got)) == expected


@given(valid_tables())
def test_every_valid_table_round_trips_through_json(table_spec):
    table = table_of(*table_spec)
    assert BandTable.from_json(table.to_json()) == table


def test_a_table_with_no_floor_keeps_it_through_json():
    table = BandTable((Band(Level.MAJOR, Decimal(10)),), floor=None)
    data = table.to_json()
    assert data["floor"] is None
    assert BandTable.from_json(data).floor is None
    assert BandTable.from_json(data).grade(3) is None


def test_from_json_defaults_inclusive_edges_and_the_lowest_floor():
    table = BandTable.from_json({"bands": [{"level": 1, "threshold": 10}]})
    assert table.bands[0].inclusive is True
    assert table.grade(10) == Level.MAJOR
    assert table.floor == Level.LOW
    assert table.grade(9) == Level.LOW


def test_to_json_names_its_fields():
    data = BandTable((Band(Level.LARGER, Decimal("7.5"), inclusive=False),), floor=Level.GENERAL).to_json()
    assert data == {"bands": [{"level": 2, "threshold": "7.5", "inclusive": False}], "floor": 3}


@pytest.mark.parametrize(
    ("bands", "floor", "message"),
    [
        ((), Level.LOW, "a band table needs at least one band"),
        (((2, 10, True), (1, 20, True)), Level.LOW, "bands must run from the highest level (重大) down, each level once"),
        (((1, 20, True), (1, 10, True)), Level.LOW, "bands must run from the highest level (重大) down, each level once"),
        (((1, 10, True), (2, 20, True)), Level.LOW, "thresholds must fall as the level falls"),
        (((1, 10, True), (2, 10, True)), Level.LOW, "thresholds must fall as the level falls"),
        (((1, 10, False), (2, 10, False)), Level.LOW, "thresholds must fall as the level falls"),
        (((1, 10, True), (2, 10, False)), Level.LOW, "thresholds must fall as the level falls"),
        (((1, 5, True), (2, -1, True)), Level.LOW, "thresholds must not be negative"),
        (((1, 30, True), (2, 20, True), (3, 10, True)), Level.LARGER, "the floor level must not be above the lowest band"),
        (((2, 30, True),), Level.MAJOR, "the floor level must not be above the lowest band"),
    ],
)
def test_inconsistent_tables_say_what_is_wrong(bands, floor, message):
    with pytest.raises(BandError) as raised:
        BandTable(tuple(Band(Level(lv), Decimal(t), inc) for lv, t, inc in bands), floor)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("bands", "floor"),
    [
        (((1, 10, False), (2, 10, True)), Level.LOW),  # 10 itself is orange, above it red
        (((1, 10, True), (2, 0, True)), Level.LOW),  # a zero threshold is allowed
        (((1, 30, True), (2, 20, True), (3, 10, True)), Level.GENERAL),  # floor equal to the lowest band
        (((1, 30, True), (2, 20, True)), None),
    ],
)
def test_consistent_edge_cases_are_accepted(bands, floor):
    table = BandTable(tuple(Band(Level(lv), Decimal(t), inc) for lv, t, inc in bands), floor)
    assert len(table.bands) == len(bands)


def test_malformed_json_says_so():
    with pytest.raises(BandError, match="^malformed band table: 9 is not a valid Level$"):
        BandTable.from_json({"bands": [{"level": 9, "threshold": 1}]})
    with pytest.raises(BandError, match="^malformed band table: 'bands'$"):
        BandTable.from_json({})


def test_factor_errors_name_the_method():
    with pytest.raises(ValueError, match="^LEC factors must be positive$"):
        lec_score(1, -1, 1)
    with pytest.raises(ValueError, match="^LS factors are integers 1–5$"):
        ls_score(2, 6)
    assert lec_score(1, 1, 1) == 1
    assert lec_score("0.1", "0.5", "1") == Decimal("0.05")
