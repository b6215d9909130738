"""Applicability conditions of rules: a small JSON language compiled to one Q over Enterprise.

    {}                                              every enterprise
    {"attr": "employee_count", "op": "gte", "value": 300}
    {"attr": "category", "op": "any_of", "value": ["mining", "fireworks"]}
    {"all": [cond, …]}   {"any": [cond, …]}   {"not": cond}

Only the attributes below can be named, so a rule edited by the office can neither reach another table
nor inject a lookup; validate() turns a bad condition into messages for the form.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from anze.enterprises.choices import HighRiskCategory

NUMBER_OPS = {"eq": "exact", "ne": None, "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
BOOLEAN_ATTRS = {
    "is_high_risk": "is_high_risk",
    "is_crowded_place": "is_crowded_place",
    "in_chemical_park": "in_chemical_park",
    "has_major_hazard": "has_major_hazard",
}
NUMBER_ATTRS = {"employee_count": "employee_count"}
ATTRS = {*BOOLEAN_ATTRS, *NUMBER_ATTRS, "category", "industry"}


class ConditionError(ValueError):
    """A condition that cannot be compiled; the message is shown to the editor."""


def _check_list(value: Any, key: str) -> list:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"“{key}” 需要一个非空列表")
    return value


def compile_condition(condition: dict[str, Any] | None) -> Q:
    """The Q that selects the enterprises `condition` applies to; raises ConditionError."""
    if not condition:
        return Q()
    if not isinstance(condition, dict):
        raise ConditionError("条件须为 JSON 对象")
    if "all" in condition:
        q = Q()
        for part in _check_list(condition["all"], "all"):
            q &= compile_condition(part)
        return q
    if "any" in condition:
        parts = [compile_condition(part) for part in _check_list(condition["any"], "any")]
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return q
    if "not" in condition:
        return ~compile_condition(condition["not"])
    return _leaf(condition)


def _leaf(condition: dict[str, Any]) -> Q:
    attr, op, value = condition.get("attr"), condition.get("op"), condition.get("value")
    if attr not in ATTRS:
        raise ConditionError(f"未知属性“{attr}”，可用：{'、'.join(sorted(ATTRS))}")
    if attr in BOOLEAN_ATTRS:
        if op not in ("eq", "ne") or not isinstance(value, bool):
            raise ConditionError(f"“{attr}”只能用 eq/ne 比较 true 或 false")
        field = BOOLEAN_ATTRS[attr]
        return Q(**{field: value}) if op == "eq" else ~Q(**{field: value})
    if attr in NUMBER_ATTRS:
        if op not in NUMBER_OPS or isinstance(value, bool) or not isinstance(value, int):
            raise ConditionError(f"“{attr}”须用 {'/'.join(NUMBER_OPS)} 比较一个整数")
        field = NUMBER_ATTRS[attr]
        if op == "ne":
            return ~Q(**{field: value})
        return Q(**{f"{field}__{NUMBER_OPS[op]}": value})
    if attr == "category":
        values = [value] if isinstance(value, str) and op == "eq" else value
        if op not in ("eq", "any_of") or not isinstance(values, list) or not values:
            raise ConditionError("“category”须用 eq 比较一个类别，或用 any_of 比较类别列表")
        unknown = [v for v in values if v not in HighRiskCategory.values]
        if unknown:
            raise ConditionError(f"未知高危类别：{'、'.join(map(str, unknown))}")
        q = Q()
        for category in values:
            q |= Q(categories__contains=f",{category},")
        return q
    # industry: GB/T 4754 code prefixes ("26", "2671") or section letters ("B").
    values = [value] if isinstance(value, str) else value
    if op not in ("startswith", "any_of") or not isinstance(values, list) or not values:
        raise ConditionError("“industry”须用 startswith/any_of 比较行业代码")
    q = Q()
    for code in values:
        if not isinstance(code, str) or not code.isalnum():
            raise ConditionError(f"行业代码无效：{code}")
        q |= Q(industry__code__startswith=code) | Q(industry__section=code)
    return q


def validate(condition: Any) -> list[str]:
    """Messages for a condition that cannot be compiled; empty when it is fine."""
    try:
        compile_condition(condition)
    except ConditionError as error:
        return [str(error)]
    return []
