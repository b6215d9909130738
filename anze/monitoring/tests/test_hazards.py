"""GB 18218 identification and grading, checked against an independent integer reading of the standard.

The oracle's tables are copied from DOMAIN.md §3, not from the data file, so a wrong row in either shows."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.monitoring.hazards import (
    HazardLevel,
    Substance,
    Term,
    UnknownSubstance,
    assess,
    correction_alpha,
    grade,
    shown,
    tables,
)

# Three times the profile's examples: 300 in the suite, 90 under `make mutate` (its profile: 30 a property,
# derandomized), where every mutant of this module re-runs the properties.
MORE_EXAMPLES = 3 * settings.default.max_examples

# DOMAIN.md §3, in kilograms and tenths so that the oracle stays in integers.
ORACLE_NAMED_KG = {"氨": 10_000, "碳酰氯": 300, "环氧乙烷": 10_000, "二氧化硫": 20_000, "甲醇": 500_000,
                   "乙醇": 500_000, "汽油(乙醇汽油、甲醇汽油)": 200_000, "氯": 5_000, "硫化氢": 5_000}  # fmt: skip
ORACLE_TOXIC_BETA_TENTHS = {"一氧化碳": 20, "二氧化硫": 20, "氨": 20, "环氧乙烷": 20, "氯化氢(无水)": 30,
                            "溴甲烷": 30, "氯": 40, "硫化氢": 50, "氟化氢": 50, "二氧化氮": 100, "氰化氢": 100,
                            "碳酰氯": 200, "磷化氢": 200, "异氰酸甲酯": 200}  # fmt: skip
ORACLE_CLASSES = {  # code: (Q kg, β tenths)
    "J1": (5_000, 40), "J2": (50_000, 10), "J3": (50_000, 20), "J4": (50_000, 20), "J5": (500_000, 10),
    "W1.1": (1_000, 20), "W1.2": (10_000, 20), "W1.3": (50_000, 20), "W2": (10_000, 15), "W3": (150_000, 10),
    "W4": (50_000, 10), "W5.1": (10_000, 15), "W5.2": (50_000, 10), "W5.3": (1_000_000, 10),
    "W5.4": (5_000_000, 10), "W6.1": (10_000, 15), "W6.2": (50_000, 10), "W7.1": (10_000, 15),
    "W7.2": (50_000, 10), "W8": (50_000, 10), "W9.1": (50_000, 10), "W9.2": (200_000, 10), "W10": (200_000, 10),
    "W11": (200_000, 10),
}  # fmt: skip


def oracle_alpha_tenths(people: int) -> int:
    if people >= 100:
        return 20
    if people >= 50:
        return 15
    if people >= 30:
        return 12
    if people >= 1:
        return 10
    return 5


def oracle(items: list[tuple[str, str, int]], people: int) -> tuple[bool, int | None]:
    """(major?, level) in integer arithmetic: items are (name, class, q in kg)."""
    critical = [ORACLE_NAMED_KG.get(name) or ORACLE_CLASSES[cls][0] for name, cls, _ in items]
    beta = [ORACLE_TOXIC_BETA_TENTHS.get(name) or ORACLE_CLASSES[cls][1] for name, cls, _ in items]
    common = math.lcm(*critical)
    s_times_common = sum(q * (common // c) for (_, _, q), c in zip(items, critical, strict=True))
    if s_times_common < common:
        return False, None
    # R·common·100 = α(tenths) · Σ β(tenths)·q·common/Q
    r_scaled = oracle_alpha_tenths(people) * sum(
        b * q * (common // c) for (_, _, q), c, b in zip(items, critical, beta, strict=True)
    )
    for level, edge in ((1, 100), (2, 50), (3, 10)):
        if r_scaled >= edge * common * 100:
            return True, level
    return True, 4


named = st.sampled_from(sorted(ORACLE_NAMED_KG))
classes = st.sampled_from(sorted(ORACLE_CLASSES))
quantity_kg = st.integers(min_value=0, max_value=2_000_000)
# Named substances (class given only for β when not in 表3) and unnamed ones known by class alone.
item = st.one_of(
    st.tuples(named, classes, quantity_kg),
    st.tuples(st.sampled_from(["某溶剂", "某中间体", "某废液"]), classes, quantity_kg),
)


@settings(max_examples=MORE_EXAMPLES, deadline=None)
@given(
    items=st.lists(item, min_size=1, max_size=6, unique_by=lambda i: (i[0], i[1])), people=st.integers(0, 500)
)
def test_identification_and_grade_match_integer_oracle(items, people):
    # given substances with their quantities in kilograms
    substances = [Substance(name, Decimal(q) / 1000, cls) for name, cls, q in items]

    # when the unit is assessed
    result = assess(substances, people_exposed=people)

    # then S ≥ 1 and the level agree with the oracle
    major, level = oracle(items, people)
    assert result.is_major is major
    assert (result.level.value if result.level else None) == level


def test_data_file_holds_the_85_named_substances_and_says_where_they_come_from():
    t = tables()
    assert len(t.named) == 85
    assert "GB 18218-2018" in t.source
    assert {n: int(t.named[n].critical_t * 1000) for n in ORACLE_NAMED_KG} == ORACLE_NAMED_KG
    assert {c: (int(v.critical_t * 1000), int(v.beta * 10)) for c, v in t.classes.items()} == ORACLE_CLASSES
    assert {n: int(b * 10) for n, b in t.toxic_gas_beta.items()} == ORACLE_TOXIC_BETA_TENTHS


def test_a_sum_of_exactly_one_identifies_the_unit():
    # given half the critical quantity of two substances: S = 0.5 + 0.5 = 1 exactly
    result = assess([Substance("甲醇", Decimal("250"), "W5.3"), Substance("乙醇", Decimal("250"), "W5.3")],
                    people_exposed=10)  # fmt: skip

    assert result.s == 1
    assert result.is_major


def test_the_calculation_shows_where_each_factor_came_from():
    # given ammonia (表1, β from 表3) and a class-only solvent (表2, β from 表4)
    result = assess(
        [Substance("氨", Decimal("40")), Substance("某溶剂", Decimal("20"), "W5.1")], people_exposed=60
    )

    ammonia, solvent = result.terms
    assert (ammonia.critical_from, ammonia.beta_from) == ("表1", "表3")
    assert (solvent.critical_from, solvent.beta_from) == ("表2 W5.1", "表4 W5.1")
    # S = 40/10 + 20/10 = 6; R = 1.5 · (2·4 + 1.5·2) = 16.5 → 三级
    assert result.s == 6
    assert result.r == pytest.approx(16.5)
    assert result.level is HazardLevel.THIRD


def test_a_substance_neither_named_nor_classed_is_refused_with_what_to_do():
    with pytest.raises(UnknownSubstance, match="危险性类别"):
        assess([Substance("某溶剂", Decimal("1"))], people_exposed=0)


def test_a_named_substance_outside_table_3_needs_its_class_for_beta():
    with pytest.raises(UnknownSubstance, match="β"):
        assess([Substance("甲醇", Decimal("600"))], people_exposed=0)


@pytest.mark.parametrize(
    ("r", "level"), [(100, 1), (99.99, 2), (50, 2), (49.9, 3), (10, 3), (9.99, 4), (0, 4)]
)
def test_band_edges_belong_to_the_higher_level(r, level):
    assert grade(Decimal(str(r))) == HazardLevel(level)


@pytest.mark.parametrize(("people", "alpha"), [(0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (50, "1.5"),
                                              (99, "1.5"), (100, "2.0")])  # fmt: skip
def test_alpha_follows_the_people_exposed(people, alpha):
    assert correction_alpha(people) == Decimal(alpha)


def test_every_term_of_the_calculation_by_hand():
    # 氨 40 t: Q 10 t (表1), β 2 (表3); 某溶剂 20 t of W5.1: Q 10 t (表2), β 1.5 (表4); 60 people → α 1.5.
    result = assess(
        [Substance("氨", Decimal(40)), Substance("某溶剂", Decimal(20), "W5.1")], people_exposed=60
    )
    assert result.terms == (
        Term("氨", Decimal(40), Decimal(10), "表1", Decimal(2), "表3", Fraction(4), Fraction(8)),
        Term(
            "某溶剂",
            Decimal(20),
            Decimal(10),
            "表2 W5.1",
            Decimal("1.5"),
            "表4 W5.1",
            Fraction(2),
            Fraction(3),
        ),
    )
    assert (result.s, result.alpha, result.people_exposed, result.r) == (
        6,
        Decimal("1.5"),
        60,
        Fraction(33, 2),
    )


def test_the_same_substance_twice_is_summed_before_its_ratio():
    # 氨 4 t + 6 t = 10 t = Q: S = 1 exactly, R = 1.0 · 2 · 1 = 2 → 四级.
    result = assess([Substance("氨", Decimal(4)), Substance("氨", Decimal(6))], people_exposed=1)
    assert [(t.name, t.quantity_t) for t in result.terms] == [("氨", Decimal(10))]
    assert (result.s, result.r, result.level) == (1, 2, HazardLevel.FOURTH)


def test_below_the_threshold_a_unit_has_no_level():
    result = assess([Substance("氨", Decimal("9.999"))], people_exposed=500)
    assert (result.is_major, result.level) == (False, None)


def test_a_class_gives_q_for_an_unnamed_substance_and_a_named_one_keeps_its_table_1_q():
    # 甲醇 with class W6.1 (Q 10 t in 表2) still takes 表1's 500 t; β comes from the class (表4: 1.5).
    (methanol,) = assess([Substance("甲醇", Decimal(500), "W6.1")], people_exposed=0).terms
    assert (methanol.critical_t, methanol.critical_from, methanol.beta, methanol.beta_from) == (
        Decimal(500), "表1", Decimal("1.5"), "表4 W6.1"
    )  # fmt: skip


def test_impossible_inputs_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="^“氨”的设计最大量不能为负数。$"):
        assess([Substance("氨", Decimal("-1"))], people_exposed=0)
    with pytest.raises(ValueError, match="^暴露人数不能为负数。$"):
        correction_alpha(-1)
    with pytest.raises(
        UnknownSubstance,
        match="^“某溶剂”不在 GB 18218 表1 中，且未给出表2危险性类别（如 W5.3）；请选择其危险性类别。$",
    ):
        assess([Substance("某溶剂", Decimal(1))], people_exposed=0)
    with pytest.raises(
        UnknownSubstance,
        match="^“甲醇”不在 GB 18218 表3 中，且未给出危险性类别，无法确定校正系数 β；请选择其危险性类别。$",
    ):
        assess([Substance("甲醇", Decimal(1))], people_exposed=0)


def test_levels_are_named_as_the_standard_names_them():
    assert [level.label for level in HazardLevel] == ["一级", "二级", "三级", "四级"]


def test_grading_is_exact_at_the_band_edges():
    assert grade(Fraction(50)) is HazardLevel.SECOND
    assert grade(Fraction(4999, 100)) is HazardLevel.THIRD
    assert grade(Fraction(1000001, 10000)) is HazardLevel.FIRST


def test_quotients_are_shown_to_three_places_by_default():
    assert shown(Fraction(2, 3)) == Decimal("0.667")
    assert str(shown(Fraction(33, 2))) == "16.500"
    assert str(shown(Fraction(5, 3), places=1)) == "1.7"
