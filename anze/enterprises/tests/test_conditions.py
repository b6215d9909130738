"""Rule conditions against an independent oracle: a random condition selects exactly the enterprises a
plain Python reading of the condition selects, over enterprises with varied attributes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.enterprises.choices import HighRiskCategory
from anze.enterprises.conditions import ConditionError, compile_condition, validate
from anze.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

BOOLEANS = ("is_high_risk", "is_crowded_place", "in_chemical_park", "has_major_hazard")
CATEGORIES = ("mining", "hazardous_chemicals", "fireworks", "dust_explosion", "transport")
INDUSTRY_CODES = ("26", "2671", "06", "20", "B", "C", "54")

# (industry, employees, extra categories or None for the industry's own, flags)
UNKNOWN = "未知属性“{}”，可用：category、employee_count、has_major_hazard、in_chemical_park、industry、is_crowded_place、is_high_risk"

POPULATION = [
    ("26", 100, None, {}),
    ("2671", 300, None, {"has_major_hazard": True}),
    ("06", 30, None, {"in_chemical_park": True}),
    ("20", 299, None, {"is_crowded_place": True}),
    ("13", 301, ["fireworks", "transport"], {}),
    ("54", 0, None, {"is_crowded_place": True, "has_major_hazard": True}),
    ("17", 1000, [], {"in_chemical_park": True}),
]


def oracle(condition: dict[str, Any], e: dict[str, Any]) -> bool:
    """What the condition language means, read directly (module docstring of conditions.py)."""
    if not condition:
        return True
    if "all" in condition:
        return all(oracle(part, e) for part in condition["all"])
    if "any" in condition:
        return any(oracle(part, e) for part in condition["any"])
    if "not" in condition:
        return not oracle(condition["not"], e)
    attr, op, value = condition["attr"], condition["op"], condition["value"]
    if attr == "category":
        wanted = [value] if isinstance(value, str) else value
        return bool(set(wanted) & e["categories"])
    if attr == "industry":
        wanted = [value] if isinstance(value, str) else value
        return any(e["industry"].startswith(code) or e["section"] == code for code in wanted)
    actual = e[attr]
    return {
        "eq": actual == value,
        "ne": actual != value,
        "gt": actual > value,
        "gte": actual >= value,
        "lt": actual < value,
        "lte": actual <= value,
    }[op]


leaves = st.one_of(
    st.builds(lambda a, op, v: {"attr": a, "op": op, "value": v},
              st.sampled_from(BOOLEANS), st.sampled_from(["eq", "ne"]), st.booleans()),
    st.builds(lambda op, v: {"attr": "employee_count", "op": op, "value": v},
              st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), st.sampled_from([0, 30, 299, 300, 301, 1000])),
    st.builds(lambda v: {"attr": "category", "op": "eq", "value": v}, st.sampled_from(CATEGORIES)),
    st.builds(lambda v: {"attr": "category", "op": "any_of", "value": v},
              st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True)),
    st.builds(lambda v: {"attr": "industry", "op": "startswith", "value": v}, st.sampled_from(INDUSTRY_CODES)),
    st.builds(lambda v: {"attr": "industry", "op": "any_of", "value": v},
              st.lists(st.sampled_from(INDUSTRY_CODES), min_size=1, max_size=3, unique=True)),
)  # fmt: skip
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=6,
)


@pytest.fixture
def population(make_enterprise):
    for industry, employees, categories, flags in POPULATION:
        extra = {} if categories is None else {"categories": categories}
        make_enterprise(industry=industry, employees=employees, **extra, **flags)
    rows = Enterprise.objects.select_related("industry")
    people = {
        e.pk: {
            "is_high_risk": e.is_high_risk,
            "is_crowded_place": e.is_crowded_place,
            "in_chemical_park": e.in_chemical_park,
            "has_major_hazard": e.has_major_hazard,
            "employee_count": e.employee_count,
            "categories": {c for c in e.categories.split(",") if c},
            "industry": e.industry.code,
            "section": e.industry.section,
        }
        for e in rows
    }
    # the population really varies along every attribute the language can name
    assert {p["is_high_risk"] for p in people.values()} == {True, False}
    assert len({p["section"] for p in people.values()}) >= 3
    return people


def selected(condition) -> set[int]:
    return set(Enterprise.objects.filter(compile_condition(condition)).values_list("pk", flat=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(condition=conditions)
def test_a_condition_selects_what_the_oracle_selects(population, condition):
    expected = {pk for pk, attrs in population.items() if oracle(condition, attrs)}
    assert selected(condition) == expected


@pytest.mark.parametrize(
    ("condition", "count"),
    [
        ({}, 7),
        (None, 7),
        ({"attr": "employee_count", "op": "ne", "value": 300}, 6),
        ({"not": {"attr": "has_major_hazard", "op": "eq", "value": True}}, 5),
        ({"attr": "is_crowded_place", "op": "ne", "value": True}, 5),
        ({"attr": "industry", "op": "startswith", "value": "26"}, 2),
        ({"attr": "industry", "op": "any_of", "value": ["B", "54"]}, 2),
        ({"attr": "category", "op": "any_of", "value": ["fireworks", "mining"]}, 2),
        ({"any": [{"attr": "employee_count", "op": "gt", "value": 300},
                  {"attr": "in_chemical_park", "op": "eq", "value": True}]}, 3),
        ({"all": [{"attr": "employee_count", "op": "gte", "value": 300},
                  {"attr": "in_chemical_park", "op": "eq", "value": True}]}, 1),
    ],
)  # fmt: skip
def test_hand_counted_examples(population, condition, count):
    assert len(selected(condition)) == count


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("employee_count >= 3", "条件须为 JSON 对象"),
        ({"all": []}, "“all” 需要一个非空列表"),
        ({"any": "x"}, "“any” 需要一个非空列表"),
        ({"attr": "salary", "op": "eq", "value": 1}, UNKNOWN.format("salary")),
        ({"attr": "is_high_risk", "op": "gt", "value": True}, "“is_high_risk”只能用 eq/ne 比较 true 或 false"),
        ({"attr": "is_high_risk", "op": "eq", "value": 1}, "“is_high_risk”只能用 eq/ne 比较 true 或 false"),
        ({"attr": "employee_count", "op": "between", "value": 3}, "“employee_count”须用 eq/ne/gt/gte/lt/lte 比较一个整数"),
        ({"attr": "employee_count", "op": "eq", "value": True}, "“employee_count”须用 eq/ne/gt/gte/lt/lte 比较一个整数"),
        ({"attr": "employee_count", "op": "eq", "value": "300"}, "“employee_count”须用 eq/ne/gt/gte/lt/lte 比较一个整数"),
        ({"attr": "category", "op": "startswith", "value": "mining"}, "“category”须用 eq 比较一个类别，或用 any_of 比较类别列表"),
        ({"attr": "category", "op": "any_of", "value": []}, "“category”须用 eq 比较一个类别，或用 any_of 比较类别列表"),
        ({"attr": "category", "op": "any_of", "value": "mining"}, "“category”须用 eq 比较一个类别，或用 any_of 比较类别列表"),
        ({"attr": "category", "op": "eq", "value": "lumber"}, "未知高危类别：lumber"),
        ({"attr": "category", "op": "any_of", "value": ["mining", "x", "y"]}, "未知高危类别：x、y"),
        ({"attr": "industry", "op": "eq", "value": "26"}, "“industry”须用 startswith/any_of 比较行业代码"),
        ({"attr": "industry", "op": "any_of", "value": []}, "“industry”须用 startswith/any_of 比较行业代码"),
        ({"attr": "industry", "op": "any_of", "value": ["26", "2'6"]}, "行业代码无效：2'6"),
        ({"attr": "industry", "op": "any_of", "value": [26]}, "行业代码无效：26"),
        ({"not": {"attr": "nope", "op": "eq", "value": 1}}, UNKNOWN.format("nope")),
    ],
)
def test_bad_conditions_say_what_is_wrong(condition, message):
    with pytest.raises(ConditionError) as raised:
        compile_condition(condition)
    assert str(raised.value) == message
    assert validate(condition) == [str(raised.value)]


def test_the_error_for_an_unknown_attribute_lists_the_names_that_work():
    (message,) = validate({"attr": "salary", "op": "eq", "value": 1})
    assert message.endswith("、".join(sorted(
        ["category", "employee_count", "has_major_hazard", "in_chemical_park", "industry", "is_crowded_place",
         "is_high_risk"])))  # fmt: skip


def test_a_good_condition_validates_clean():
    assert validate({"all": [{"attr": "category", "op": "eq", "value": HighRiskCategory.MINING.value}]}) == []
    assert validate({}) == []
