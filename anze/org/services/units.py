"""Regions and units (行政区划, 单位) with their aliases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.org.choices import RegionLevel
from anze.org.models import (
    UNIT_CONTACT_FIELDS,
    Region,
    Unit,
    UnitAlias,
)
from anze.org.services._common import _apply, _ensure_allowed, _fail, _refuse, _region_grant, _save

_LEVEL_RANK = {
    RegionLevel.PROVINCE: 0,
    RegionLevel.CITY: 1,
    RegionLevel.COUNTY: 2,
    RegionLevel.ZONE: 2,
    RegionLevel.TOWN: 3,
}


# ---------------------------------------------------------------------------------------------- regions


def _significant_code(code: str) -> str:
    """The part of a GB/T 2260 code that identifies the region (371300 → 3713, 370000 → 37)."""
    while len(code) > 2 and code.endswith("00") and len(code) <= 6:
        code = code[:-2]
    return code


def _check_region_placement(code: str, level: str, parent: Region | None) -> None:
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise _fail(_("区划代码应为 6、9 或 12 位数字。"), "region_code_format", "code")
    if level == RegionLevel.PROVINCE:
        if parent is not None:
            raise _fail(_("省级区划没有上级。"), "region_province_parent", "parent")
        return
    if parent is None:
        raise _fail(_("请选择上级区划。"), "region_parent_required", "parent")
    if not parent.is_active:
        raise _fail(_("上级区划已停用。"), "region_parent_inactive", "parent")
    if _LEVEL_RANK[RegionLevel(parent.level)] >= _LEVEL_RANK[RegionLevel(level)]:
        raise _fail(_("上级区划的级别须高于本区划。"), "region_level_order", "level")
    if not code.startswith(_significant_code(parent.code)) or code == parent.code:
        raise _fail(
            _("区划代码 %(code)s 不在上级 %(parent)s（%(parent_code)s）之下。")
            % {"code": code, "parent": parent.name, "parent_code": parent.code},
            "region_code_outside_parent",
            "code",
        )


@transaction.atomic
def create_region(
    *,
    actor: Any,
    code: str,
    name: str,
    level: str,
    parent: Region | None = None,
    short_name: str = "",
    sort_order: int = 0,
) -> Region:
    """Add a region (行政区划) or a development zone under its parent."""
    code = code.strip()
    _check_region_placement(code, level, parent)
    region = Region(
        code=code, name=name.strip(), level=level, parent=parent, short_name=short_name, sort_order=sort_order
    )
    region.path = (parent.path if parent else "/") + f"{code}/"
    _save(region)
    _ensure_allowed(actor, "add", region)
    record("org.region.create", actor=actor, obj=region, after=snapshot(region))
    return region


@transaction.atomic
def update_region(*, actor: Any, region: Region, **changes: Any) -> Region:
    """Change a region's name, short name, order, or (while it has no sub-regions) its code and level."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    _ensure_allowed(actor, "change", region)
    before = snapshot(region)
    changed = _apply(region, changes, ("name", "short_name", "sort_order", "code", "level"))
    if not changed:
        return region
    if {"code", "level"} & set(changed):
        if region.children.exists():
            raise _fail(_("该区划下已有下级区划，不能修改代码或级别。"), "region_has_children", "code")
        _check_region_placement(region.code, region.level, region.parent)
        region.path = (region.parent.path if region.parent_id else "/") + f"{region.code}/"
    _save(region)
    _ensure_allowed(actor, "change", region)
    record("org.region.update", actor=actor, obj=region, before=before, after=snapshot(region))
    return region


@transaction.atomic
def deactivate_region(*, actor: Any, region: Region, reason: str = "") -> Region:
    """Stop using a region (撤并); it must have no active sub-regions or units left."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    _ensure_allowed(actor, "change", region)
    if not region.is_active:
        raise _fail(_("该区划已停用。"), "region_inactive")
    if region.children.filter(is_active=True).exists():
        raise _fail(_("该区划下还有在用的下级区划。"), "region_has_active_children")
    if region.units.filter(is_active=True).exists():
        raise _fail(_("该区划下还有在用的单位，请先停用或迁移。"), "region_has_active_units")
    before = snapshot(region)
    region.is_active = False
    region.save(update_fields=["is_active", "updated_at"])
    record(
        "org.region.deactivate", actor=actor, obj=region, before=before, after=snapshot(region), reason=reason
    )
    return region


# ---------------------------------------------------------------------------------------------- units


def _unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {**snapshot(unit), "aliases": sorted(unit.aliases.values_list("name", flat=True))}


def _check_unit_parent(unit: Unit) -> None:
    parent = unit.parent
    if parent is None:
        return
    if not parent.is_active:
        raise _fail(_("上级单位已停用。"), "unit_parent_inactive", "parent")
    if not unit.region.path.startswith(parent.region.path):
        raise _fail(_("上级单位须在本单位所属区划或其上级区划。"), "unit_parent_region", "parent")
    seen = {unit.pk}
    while parent is not None:
        if parent.pk in seen:
            raise _fail(_("上级单位不能是本单位或其下级。"), "unit_parent_cycle", "parent")
        seen.add(parent.pk)
        parent = parent.parent


def _clean_aliases(unit: Unit, aliases: Iterable[str]) -> list[str]:
    wanted: list[str] = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias not in wanted and alias != unit.name:
            wanted.append(alias)
    return wanted


def _set_aliases(unit: Unit, aliases: Iterable[str]) -> None:
    wanted = _clean_aliases(unit, aliases)
    clash = Unit.objects.filter(name__in=wanted).exclude(pk=unit.pk).first()
    if clash is not None:
        raise _fail(
            _("别称“%(alias)s”是另一单位的全称。") % {"alias": clash.name}, "unit_alias_clash", "aliases"
        )
    taken = UnitAlias.objects.filter(name__in=wanted).exclude(unit=unit).select_related("unit").first()
    if taken is not None:
        raise _fail(
            _("别称“%(alias)s”已属于“%(unit)s”。") % {"alias": taken.name, "unit": taken.unit.name},
            "unit_alias_taken",
            "aliases",
        )
    unit.aliases.exclude(name__in=wanted).delete()
    existing = set(unit.aliases.values_list("name", flat=True))
    UnitAlias.objects.bulk_create([UnitAlias(unit=unit, name=a) for a in wanted if a not in existing])


@transaction.atomic
def create_unit(
    *,
    actor: Any,
    name: str,
    kind: str,
    region: Region,
    short_name: str = "",
    parent: Unit | None = None,
    aliases: Iterable[str] = (),
    phone: str = "",
    address: str = "",
    sort_order: int = 0,
) -> Unit:
    """Add a responsible unit (责任单位) with its short name and the aliases documents use."""
    if not region.is_active:
        raise _fail(_("所属区划已停用。"), "unit_region_inactive", "region")
    unit = Unit(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        region=region,
        parent=parent,
        phone=phone,
        address=address,
        sort_order=sort_order,
    )
    _check_unit_parent(unit)
    _save(unit)
    _ensure_allowed(actor, "add", unit)
    _set_aliases(unit, aliases)
    record("org.unit.create", actor=actor, obj=unit, after=_unit_snapshot(unit))
    return unit


@transaction.atomic
def update_unit(*, actor: Any, unit: Unit, aliases: Iterable[str] | None = None, **changes: Any) -> Unit:
    """Change a unit's names, kind, place or contacts; `aliases` replaces the alias list when given."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _ensure_allowed(actor, "change", unit)
    old_path = unit.region.path
    before = _unit_snapshot(unit)
    wide = _region_grant(actor, "change", Unit, old_path)
    changed = _apply(
        unit, changes, ("name", "short_name", "kind", "region", "parent", "phone", "address", "sort_order")
    )
    if not wide:
        # A grant over the unit itself (the unit user): its contact fields only, never its place or names.
        alias_change = aliases is not None and sorted(_clean_aliases(unit, aliases)) != before["aliases"]
        if set(changed) - UNIT_CONTACT_FIELDS or alias_change:
            raise _refuse(unit)
    if {"region", "parent"} & set(changed):
        # A move needs change rights over both the old and the new region.
        if not (wide and _region_grant(actor, "change", Unit, unit.region.path)):
            raise _refuse(unit)
        _check_unit_parent(unit)
    if changed:
        _save(unit)
        _ensure_allowed(actor, "change", unit)
    if aliases is not None:
        _set_aliases(unit, aliases)
    after = _unit_snapshot(unit)
    if after == before:
        return unit
    record("org.unit.update", actor=actor, obj=unit, before=before, after=after)
    return unit


@transaction.atomic
def deactivate_unit(*, actor: Any, unit: Unit, reason: str = "") -> Unit:
    """Stop using a unit (撤销, 合并); its history stays. Units under it must be moved or stopped first."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _ensure_allowed(actor, "change", unit)
    if not _region_grant(actor, "change", Unit, unit.region.path):
        raise _refuse(unit)
    if not unit.is_active:
        raise _fail(_("该单位已停用。"), "unit_inactive")
    if unit.children.filter(is_active=True).exists():
        raise _fail(_("该单位还有在用的下级单位。"), "unit_has_active_children")
    before = _unit_snapshot(unit)
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])
    record(
        "org.unit.deactivate", actor=actor, obj=unit, before=before, after=_unit_snapshot(unit), reason=reason
    )
    return unit
