"""Reference data from the files in data/: GB/T 4754 industries, the industry → department map of a
city, and the initial rule set. Every loader is idempotent (run it twice, nothing changes)."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F

from anze.audit.services import record, snapshot
from anze.enterprises.choices import RuleSetStatus
from anze.enterprises.models import Industry, IndustrySupervisor, Rule, RuleSet
from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit

DATA = Path(__file__).resolve().parent / "data"

# GB/T 4754-2017: which divisions (two digits) belong to which section (letter).
SECTION_RANGES = [
    ("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60),
    ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79),
    ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97),
]  # fmt: skip


def section_of(code: str) -> str:
    if code[:1].isalpha():
        return code[:1]
    division = int(code[:2])
    for letter, first, last in SECTION_RANGES:
        if first <= division <= last:
            return letter
    raise ValueError(f"no GB/T 4754 section holds division {code[:2]}")


@lru_cache(maxsize=1)
def industry_rows() -> list[tuple[str, str, str, str]]:
    """(code, name, default category, department short name) from data/industries.json."""
    return [tuple(row) for row in json.loads((DATA / "industries.json").read_text("utf-8"))["industries"]]


def rule_set_data() -> dict[str, Any]:
    return json.loads((DATA / "rules.json").read_text("utf-8"))


@transaction.atomic
def load_industries() -> int:
    """Create the industries missing from the table; returns how many were added."""
    existing = {i.code: i for i in Industry.objects.all()}
    added = 0
    for code, name, category, _department in industry_rows():  # sections first, then divisions, classes
        if code in existing:
            continue
        section = section_of(code)
        parent_code = None if len(code) == 1 else (section if len(code) == 2 else code[:2])
        industry = Industry.objects.create(
            code=code, name=name, section=section, category=category, parent=existing.get(parent_code)
        )
        existing[code] = industry
        added += 1
    return added


@transaction.atomic
def seed_supervisors(city: Region, *, actor: Any = None) -> int:
    """Map each industry to its department in `city` (by the short names in the data file), and in each
    county map the emergency-management industries to the county's 应急局. Returns mappings added."""
    industries = {i.code: i for i in Industry.objects.all()}
    units = {u.short_name: u for u in Unit.objects.filter(region=city)}
    present = set(IndustrySupervisor.objects.values_list("region_id", "industry_id"))
    new = []
    for code, _name, _category, department in industry_rows():
        unit = units.get(department)
        if unit and (city.pk, industries[code].pk) not in present:
            new.append(IndustrySupervisor(region=city, industry=industries[code], unit=unit))
    for county in Region.objects.filter(parent=city, level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]):
        emergency = Unit.objects.filter(region=county, short_name=f"{county.name}应急局").first()
        if emergency is None:
            continue
        for code, _name, _category, department in industry_rows():
            if department == "市应急局" and (county.pk, industries[code].pk) not in present:
                new.append(IndustrySupervisor(region=county, industry=industries[code], unit=emergency))
    with transaction.atomic():
        for mapping in new:
            mapping.save()
    if new:
        record(
            "enterprises.industrysupervisor.update",
            actor=actor,
            obj=("enterprises.industrysupervisor", "", str(city)),
            after={"added": len(new), "region": city.code},
            scope_path=city.path,
        )
    return len(new)


def _clause_for(region: Region, task_number: str, keyword: str) -> Any:
    """The clause of the region's current plan that a rule comes from, when the plans app holds one."""
    try:
        from anze.plans.models import Clause
    except ImportError:  # pragma: no cover - the plans app is installed in this project
        return None
    if not task_number:
        return None
    candidates = Clause.objects.filter(
        version__plan__current_version=F("version"),
        version__plan__region__in=list(region_ancestors(region)),
        task__number=task_number,
    )
    return (
        candidates.filter(text__contains=keyword).order_by("order").first()
        or candidates.order_by("order").first()
    )


def region_ancestors(region: Region) -> list[Region]:
    codes = [c for c in region.path.split("/") if c]
    return list(Region.objects.filter(code__in=codes))


@transaction.atomic
def link_clauses(rule_set: RuleSet) -> int:
    """Attach each rule without a clause to the plan clause its task number and keyword point at."""
    keywords = {r["code"]: r.get("clause_keyword", "") for r in rule_set_data()["rules"]}
    linked = 0
    for rule in rule_set.rules.filter(clause__isnull=True):
        clause = _clause_for(rule_set.region, rule.task_number, keywords.get(rule.code, ""))
        if clause is not None:
            rule.clause = clause
            rule.save(update_fields=["clause", "updated_at"])
            linked += 1
    return linked


@transaction.atomic
def load_rule_set(region: Region, *, actor: Any = None, data: dict[str, Any] | None = None) -> RuleSet | None:
    """Create and publish the initial rule set for `region` unless it already has one; returns it."""
    if RuleSet.objects.filter(region=region).exists():
        return None
    data = data or rule_set_data()
    rule_set = RuleSet.objects.create(
        region=region,
        name=data["name"],
        version=1,
        status=RuleSetStatus.ACTIVE,
        effective_from=dt.date.fromisoformat(data["effective_from"]),
        source=data.get("source", ""),
    )
    for order, item in enumerate(data["rules"]):
        Rule.objects.create(
            rule_set=rule_set,
            code=item["code"],
            title=item["title"],
            requirement=item["requirement"],
            condition=item.get("condition") or {},
            params=item.get("params") or {},
            severity=item.get("severity", "medium"),
            clause_ref=item.get("clause_ref", ""),
            task_number=item.get("task_number", ""),
            order=order,
        )
    link_clauses(rule_set)
    record("enterprises.ruleset.create", actor=actor, obj=rule_set, after=snapshot(rule_set), reason="seed")
    return rule_set
