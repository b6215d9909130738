"""Safety committees and specialized committees (安委会, 专业委员会)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.org.choices import CommitteeKind, CommitteeLeaderRole
from anze.org.models import (
    Committee,
    CommitteeLeader,
    CommitteeMembership,
    Person,
    Region,
    Unit,
)
from anze.org.services._common import _apply, _ensure_allowed, _fail, _save

# ---------------------------------------------------------------------------------------------- committees


def _committee_snapshot(committee: Committee) -> dict[str, Any]:
    data = snapshot(
        committee, fields=["name", "short_name", "kind", "region", "parent", "office_unit", "is_active"]
    )
    data["leaders"] = [
        f"{leader.get_role_display()}:{leader.person.name}"
        for leader in committee.leaders.select_related("person").order_by("sort_order", "id")
    ]
    data["member_units"] = sorted(committee.member_units.values_list("name", flat=True))
    return data


def _check_committee(committee: Committee) -> None:
    if committee.kind == CommitteeKind.SAFETY_COMMITTEE:
        if committee.parent_id is not None:
            raise _fail(_("安全生产委员会没有上级委员会。"), "committee_parent_unexpected", "parent")
    else:
        parent = committee.parent
        if parent is None or parent.kind != CommitteeKind.SAFETY_COMMITTEE:
            raise _fail(_("专业委员会须隶属于一个安全生产委员会。"), "committee_parent_required", "parent")
        if parent.region_id != committee.region_id:
            raise _fail(_("专业委员会须与所属安委会在同一区划。"), "committee_parent_region", "parent")
    if committee.office_unit is not None and not committee.office_unit.is_active:
        raise _fail(_("办公室所在单位已停用。"), "committee_office_inactive", "office_unit")


@transaction.atomic
def create_committee(
    *,
    actor: Any,
    name: str,
    kind: str,
    region: Region,
    parent: Committee | None = None,
    office_unit: Unit | None = None,
    short_name: str = "",
) -> Committee:
    """Add a safety committee (安委会) or one of its specialized committees (专业委员会)."""
    committee = Committee(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        region=region,
        parent=parent,
        office_unit=office_unit,
    )
    _check_committee(committee)
    _save(committee)
    _ensure_allowed(actor, "add", committee)
    record("org.committee.create", actor=actor, obj=committee, after=_committee_snapshot(committee))
    return committee


@transaction.atomic
def update_committee(*, actor: Any, committee: Committee, **changes: Any) -> Committee:
    """Change a committee's names, office unit or parent."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    before = _committee_snapshot(committee)
    if not _apply(committee, changes, ("name", "short_name", "office_unit", "parent")):
        return committee
    _check_committee(committee)
    _save(committee)
    record(
        "org.committee.update",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
    )
    return committee


@transaction.atomic
def deactivate_committee(*, actor: Any, committee: Committee, reason: str = "") -> Committee:
    """Dissolve a committee; a safety committee's specialized committees must be dissolved first."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    if not committee.is_active:
        raise _fail(_("该委员会已撤销。"), "committee_inactive")
    if committee.specialized_committees.filter(is_active=True).exists():
        raise _fail(_("请先撤销其下的专业委员会。"), "committee_has_active_children")
    before = _committee_snapshot(committee)
    committee.is_active = False
    committee.save(update_fields=["is_active", "updated_at"])
    record(
        "org.committee.deactivate",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
        reason=reason,
    )
    return committee


@transaction.atomic
def set_committee_leader(
    *, actor: Any, committee: Committee, person: Person, role: str, sort_order: int = 0
) -> CommitteeLeader:
    """Name a person 第一主任, 主任 or 副主任 of a committee."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    CommitteeLeaderRole(role)
    if not person.is_active:
        raise _fail(_("该人员已停用。"), "person_inactive", "person")
    if committee.leaders.filter(person=person, role=role).exists():
        raise _fail(
            _("%(person)s 已是该委员会的%(role)s。")
            % {"person": person.name, "role": CommitteeLeaderRole(role).label},
            "committee_leader_exists",
            "person",
        )
    before = _committee_snapshot(committee)
    leader = CommitteeLeader.objects.create(
        committee=committee, person=person, role=role, sort_order=sort_order
    )
    record(
        "org.committee.set_leader",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
    )
    return leader


@transaction.atomic
def remove_committee_leader(*, actor: Any, committee: Committee, person: Person, role: str) -> Committee:
    """Take a person off a committee's leadership."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    before = _committee_snapshot(committee)
    deleted, _count = committee.leaders.filter(person=person, role=role).delete()
    if not deleted:
        raise _fail(_("该人员不是该委员会的这一领导职务。"), "committee_leader_missing", "person")
    record(
        "org.committee.remove_leader",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
    )
    return committee


@transaction.atomic
def add_committee_members(
    *, actor: Any, committee: Committee, units: Iterable[Unit], responsibilities: str = ""
) -> Committee:
    """Make units members of a committee (成员单位); units already in it are left as they are."""
    committee = Committee.objects.select_for_update().select_related("region").get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    units = list(units)
    for unit in units:
        if not unit.is_active:
            raise _fail(_("单位“%(unit)s”已停用。") % {"unit": unit.name}, "committee_member_inactive")
        if not unit.region.path.startswith(committee.region.path):
            raise _fail(
                _("单位“%(unit)s”不在委员会所在区划内。") % {"unit": unit.name},
                "committee_member_outside_region",
            )
    present = set(committee.memberships.values_list("unit_id", flat=True))
    new = {u.pk: u for u in units if u.pk not in present}
    if not new:
        return committee
    before = _committee_snapshot(committee)
    CommitteeMembership.objects.bulk_create(
        [
            CommitteeMembership(committee=committee, unit=u, responsibilities=responsibilities)
            for u in new.values()
        ]
    )
    record(
        "org.committee.add_members",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
    )
    return committee


@transaction.atomic
def remove_committee_members(*, actor: Any, committee: Committee, units: Iterable[Unit]) -> Committee:
    """Take units off a committee's member list."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _ensure_allowed(actor, "change", committee)
    before = _committee_snapshot(committee)
    deleted, _count = committee.memberships.filter(unit__in=[u.pk for u in units]).delete()
    if not deleted:
        return committee
    record(
        "org.committee.remove_members",
        actor=actor,
        obj=committee,
        before=before,
        after=_committee_snapshot(committee),
    )
    return committee
