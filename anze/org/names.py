"""Finding units and unit groups by the names documents use (全称, 简称, 别称, 集合名称).

The plan importer calls these: `resolve_unit_name` for an exact hit, `suggest_units` for fuzzy
candidates a person confirms, `expand_group` for collective designations such as 各县区政府.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from rapidfuzz import fuzz, process

from anze.org.models import Region, Unit, UnitGroup

_SPACES = re.compile(r"\s+")
_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，"})
_TO_HALF = str.maketrans({"（": "(", "）": ")", "，": ","})


def name_variants(name: str) -> list[str]:
    """The spellings of a name worth trying: as written, without spaces, with full- and half-width brackets."""
    stripped = _SPACES.sub("", name or "")
    variants = [name.strip(), stripped, stripped.translate(_TO_FULL), stripped.translate(_TO_HALF)]
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]


def _best(matches: list[Unit], region: Region | None) -> Unit | None:
    """The one match that fits, or None when there is none or the name is ambiguous."""
    if not matches:
        return None
    if region is not None:
        tiers = (
            [u for u in matches if u.region_id == region.pk],
            [u for u in matches if u.region.path.startswith(region.path)],
            [u for u in matches if region.path.startswith(u.region.path)],
        )
        for tier in tiers:
            if tier:
                return tier[0] if len(tier) == 1 else None
        return None
    return matches[0] if len(matches) == 1 else None


def resolve_unit_name(name: str, region: Region | None = None) -> Unit | None:
    """The active unit a document means by `name`: its full name, then short name, then an alias.

    With `region`, a unit in that region wins over one below it, which wins over one above it (a county
    plan's 县应急局 is the county's own). An ambiguous name resolves to None, never to a guess.
    """
    variants = name_variants(name)
    if not variants:
        return None
    units = Unit.objects.filter(is_active=True).select_related("region")
    for condition in (Q(name__in=variants), Q(short_name__in=variants), Q(aliases__name__in=variants)):
        matches = list(units.filter(condition).distinct()[:50])
        if matches:
            return _best(matches, region)
    return None


@dataclass(frozen=True)
class UnitSuggestion:
    """A fuzzy candidate for a name: the unit, how close (0–100) and which of its names matched."""

    unit: Unit
    score: float
    matched_name: str


def suggest_units(name: str, limit: int = 5, region: Region | None = None) -> list[UnitSuggestion]:
    """The units whose full name, short name or alias is closest to `name`, best first."""
    query = (name_variants(name) or [""])[-1]
    if not query:
        return []
    units = Unit.objects.filter(is_active=True)
    if region is not None:
        units = units.filter(region__path__startswith=region.path)
    names: list[tuple[int, str]] = []
    for pk, full, short in units.values_list("pk", "name", "short_name"):
        names.append((pk, full))
        if short:
            names.append((pk, short))
    names.extend(units.filter(aliases__isnull=False).values_list("pk", "aliases__name"))
    ranked = process.extract(query, [text for _, text in names], scorer=fuzz.WRatio, limit=max(limit * 4, 20))
    best: dict[int, tuple[float, str]] = {}
    for matched, score, index in ranked:
        pk = names[index][0]
        if pk not in best or score > best[pk][0]:
            best[pk] = (score, matched)
    order = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
    by_pk = Unit.objects.select_related("region").in_bulk([pk for pk, _ in order])
    return [UnitSuggestion(by_pk[pk], score, matched) for pk, (score, matched) in order if pk in by_pk]


def find_group(name: str) -> UnitGroup | None:
    """The active unit group called `name`, by its name or one of its aliases."""
    variants = name_variants(name)
    if not variants:
        return None
    group = UnitGroup.objects.filter(is_active=True, name__in=variants).first()
    if group is not None:
        return group
    # Aliases live in a JSON list; groups are few, so match them in Python (portable to SQLite).
    for group in UnitGroup.objects.filter(is_active=True).exclude(aliases=[]):
        if set(variants) & set(group.aliases or []):
            return group
    return None


def expand_group(name: str) -> list[Unit]:
    """The member units of the group a document names; [] when no group goes by that name.

    A combined designation such as 各县区党委、政府 is split on 、 and each later part borrows the
    first part's prefix when it is not a group by itself (政府 → 各县区政府).
    """
    group = find_group(name)
    if group is not None:
        return list(group.members().select_related("region"))
    parts = [p for p in re.split(r"[、，,]", name or "") if p.strip()]
    if len(parts) < 2:
        return []
    groups = [find_group(parts[0])]
    for part in parts[1:]:
        found = find_group(part)
        for cut in range(len(parts[0]) - 1, 0, -1):
            if found is not None:
                break
            found = find_group(parts[0][:cut] + part)
        groups.append(found)
    if any(g is None for g in groups):
        return []
    units: dict[int, Unit] = {}
    for g in groups:
        for unit in g.members().select_related("region"):
            units.setdefault(unit.pk, unit)
    return list(units.values())
