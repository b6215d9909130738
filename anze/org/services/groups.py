"""Unit groups (单位集合): hand-listed or derived by a rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.org.choices import UnitGroupRule
from anze.org.models import (
    Committee,
    Region,
    Unit,
    UnitGroup,
    UnitGroupMembership,
)
from anze.org.services._common import _apply, _ensure_allowed, _fail, _save

# ---------------------------------------------------------------------------------------------- groups


def _group_snapshot(group: UnitGroup) -> dict[str, Any]:
    data = snapshot(
        group, fields=["name", "aliases", "description", "rule", "region", "committee", "is_active"]
    )
    data["explicit_members"] = sorted(group.explicit_members.values_list("name", flat=True))
    return data


def _check_group_rule(group: UnitGroup) -> None:
    rule = UnitGroupRule(group.rule)
    if rule.needs_committee and group.committee_id is None:
        raise _fail(_("请选择所依据的委员会。"), "group_committee_required", "committee")
    if not rule.needs_committee and group.committee_id is not None:
        raise _fail(
            _("只有按委员会成员单位确定的集合才关联委员会。"), "group_committee_unexpected", "committee"
        )
    if rule.is_derived and group.pk and group.explicit_members.exists():
        raise _fail(_("按规则确定成员的集合不能再逐一指定成员。"), "group_rule_has_members", "rule")


def _check_group_members(group: UnitGroup, units: Iterable[Unit]) -> list[Unit]:
    if UnitGroupRule(group.rule).is_derived:
        raise _fail(_("该集合的成员由规则确定，不能逐一增减。"), "group_members_derived")
    units = list(units)
    for unit in units:
        if not unit.is_active:
            raise _fail(_("单位“%(unit)s”已停用。") % {"unit": unit.name}, "group_member_inactive")
        if not unit.region.path.startswith(group.region.path):
            raise _fail(
                _("单位“%(unit)s”不在集合适用区划内。") % {"unit": unit.name}, "group_member_outside_region"
            )
    return units


@transaction.atomic
def create_unit_group(
    *,
    actor: Any,
    name: str,
    region: Region,
    rule: str = UnitGroupRule.EXPLICIT,
    committee: Committee | None = None,
    aliases: Iterable[str] = (),
    description: str = "",
    members: Iterable[Unit] = (),
) -> UnitGroup:
    """Add a unit group (单位集合): listed by hand, or derived by a rule."""
    group = UnitGroup(
        name=name.strip(),
        region=region,
        rule=rule,
        committee=committee,
        aliases=[a.strip() for a in aliases if a.strip()],
        description=description,
    )
    _check_group_rule(group)
    _save(group)
    _ensure_allowed(actor, "add", group)
    units = _check_group_members(group, members) if members else []
    UnitGroupMembership.objects.bulk_create([UnitGroupMembership(group=group, unit=u) for u in units])
    record("org.unitgroup.create", actor=actor, obj=group, after=_group_snapshot(group))
    return group


@transaction.atomic
def update_unit_group(*, actor: Any, group: UnitGroup, **changes: Any) -> UnitGroup:
    """Change a group's name, aliases, description, rule or committee."""
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    _ensure_allowed(actor, "change", group)
    before = _group_snapshot(group)
    if "aliases" in changes:
        changes["aliases"] = [a.strip() for a in changes["aliases"] if a.strip()]
    changed = _apply(group, changes, ("name", "aliases", "description", "rule", "committee", "region"))
    if not changed:
        return group
    _check_group_rule(group)
    _save(group)
    _ensure_allowed(actor, "change", group)
    record("org.unitgroup.update", actor=actor, obj=group, before=before, after=_group_snapshot(group))
    return group


@transaction.atomic
def add_group_members(*, actor: Any, group: UnitGroup, units: Iterable[Unit]) -> UnitGroup:
    """List more units in a hand-listed group; units already in it are left as they are."""
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    _ensure_allowed(actor, "change", group)
    units = _check_group_members(group, units)
    before = _group_snapshot(group)
    present = set(group.memberships.values_list("unit_id", flat=True))
    new = {u.pk: u for u in units if u.pk not in present}
    if not new:
        return group
    UnitGroupMembership.objects.bulk_create([UnitGroupMembership(group=group, unit=u) for u in new.values()])
    record("org.unitgroup.add_members", actor=actor, obj=group, before=before, after=_group_snapshot(group))
    return group


@transaction.atomic
def remove_group_members(*, actor: Any, group: UnitGroup, units: Iterable[Unit]) -> UnitGroup:
    """Take units out of a hand-listed group."""
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    _ensure_allowed(actor, "change", group)
    if UnitGroupRule(group.rule).is_derived:
        raise _fail(_("该集合的成员由规则确定，不能逐一增减。"), "group_members_derived")
    before = _group_snapshot(group)
    removed, _count = group.memberships.filter(unit__in=[u.pk for u in units]).delete()
    if not removed:
        return group
    record(
        "org.unitgroup.remove_members", actor=actor, obj=group, before=before, after=_group_snapshot(group)
    )
    return group


@transaction.atomic
def deactivate_unit_group(*, actor: Any, group: UnitGroup, reason: str = "") -> UnitGroup:
    """Stop using a group name; plans that already expanded it keep their units."""
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    _ensure_allowed(actor, "change", group)
    if not group.is_active:
        raise _fail(_("该集合已停用。"), "group_inactive")
    before = _group_snapshot(group)
    group.is_active = False
    group.save(update_fields=["is_active", "updated_at"])
    record(
        "org.unitgroup.deactivate",
        actor=actor,
        obj=group,
        before=before,
        after=_group_snapshot(group),
        reason=reason,
    )
    return group
