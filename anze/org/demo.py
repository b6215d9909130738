"""Load the Linyi demo organization through the services, so every row it adds is audited.

`load()` is idempotent: it looks each record up by its natural key, creates what is missing, corrects
what differs, and leaves everything else alone, so a second run changes nothing and writes no event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction

from anze.org import demo_data as data
from anze.org import services
from anze.org.choices import CommitteeKind, RegionLevel, UnitGroupRule, UnitKind
from anze.org.models import Committee, Person, Post, Region, Unit, UnitGroup


class _Loader:
    """Ensures one record at a time and counts what it did."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.counts: Counter[str] = Counter()

    # regions ------------------------------------------------------------------------------------------

    def region(
        self,
        code: str,
        name: str,
        level: str,
        parent: Region | None,
        short_name: str = "",
        sort_order: int = 0,
    ) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            self.counts["region.created"] += 1
            return services.create_region(
                actor=self.actor,
                code=code,
                name=name,
                level=level,
                parent=parent,
                short_name=short_name,
                sort_order=sort_order,
            )
        changes = {
            k: v
            for k, v in {
                "name": name,
                "level": level,
                "short_name": short_name,
                "sort_order": sort_order,
            }.items()
            if getattr(region, k) != v
        }
        if changes:
            self.counts["region.updated"] += 1
            region = services.update_region(actor=self.actor, region=region, **changes)
        return region

    # units --------------------------------------------------------------------------------------------

    def unit(
        self,
        name: str,
        short_name: str,
        kind: str,
        region: Region,
        aliases: list[str] = (),  # type: ignore[assignment]
        parent: Unit | None = None,
    ) -> Unit:
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            self.counts["unit.created"] += 1
            return services.create_unit(
                actor=self.actor,
                name=name,
                short_name=short_name,
                kind=kind,
                region=region,
                parent=parent,
                aliases=aliases,
            )
        wanted = {"short_name": short_name, "kind": kind, "region": region, "parent": parent}
        changes = {k: v for k, v in wanted.items() if getattr(unit, k) != v}
        present = set(unit.aliases.values_list("name", flat=True))
        # Keep aliases people added; only add the demo's missing ones.
        new_aliases = sorted(present | set(aliases)) if not set(aliases) <= present else None
        if changes or new_aliases is not None:
            self.counts["unit.updated"] += 1
            unit = services.update_unit(actor=self.actor, unit=unit, aliases=new_aliases, **changes)
        return unit

    # people and posts ---------------------------------------------------------------------------------

    def person(self, name: str, region: Region, note: str) -> Person:
        person = Person.objects.filter(name=name, region=region).first()
        if person is None:
            self.counts["person.created"] += 1
            return services.create_person(actor=self.actor, name=name, region=region, note=note)
        return person

    def post(self, unit: Unit, title: str, portfolio: str, sort_order: int) -> Post:
        post = Post.objects.filter(unit=unit, title=title, portfolio=portfolio).first()
        if post is None:
            self.counts["post.created"] += 1
            return services.create_post(
                actor=self.actor, unit=unit, title=title, portfolio=portfolio, sort_order=sort_order
            )
        return post

    def holding(self, post: Post, person: Person, started_on: dt.date) -> None:
        if post.holdings.filter(person=person, ended_on__isnull=True).exists():
            return
        self.counts["holding.created"] += 1
        services.appoint(actor=self.actor, post=post, person=person, started_on=started_on)

    # groups and committees ----------------------------------------------------------------------------

    def group(
        self,
        name: str,
        region: Region,
        rule: str,
        aliases: list[str],
        description: str,
        committee: Committee | None = None,
        members: list[Unit] = (),  # type: ignore[assignment]
    ) -> UnitGroup:
        group = UnitGroup.objects.filter(name=name).first()
        if group is None:
            self.counts["group.created"] += 1
            return services.create_unit_group(
                actor=self.actor,
                name=name,
                region=region,
                rule=rule,
                committee=committee,
                aliases=aliases,
                description=description,
                members=members,
            )
        wanted = {
            "rule": rule,
            "committee": committee,
            "region": region,
            "description": description,
            "aliases": sorted(set(group.aliases) | set(aliases)),
        }
        changes = {
            k: v
            for k, v in wanted.items()
            if getattr(group, k) != v and not (k == "aliases" and set(v) == set(group.aliases))
        }
        if changes:
            self.counts["group.updated"] += 1
            group = services.update_unit_group(actor=self.actor, group=group, **changes)
        missing = [u for u in members if not group.memberships.filter(unit=u).exists()]
        if missing:
            self.counts["group.members_added"] += 1
            services.add_group_members(actor=self.actor, group=group, units=missing)
        return group

    def committee(
        self,
        name: str,
        short_name: str,
        kind: str,
        region: Region,
        office_unit: Unit,
        parent: Committee | None = None,
    ) -> Committee:
        committee = Committee.objects.filter(name=name).first()
        if committee is None:
            self.counts["committee.created"] += 1
            return services.create_committee(
                actor=self.actor,
                name=name,
                short_name=short_name,
                kind=kind,
                region=region,
                parent=parent,
                office_unit=office_unit,
            )
        wanted = {"short_name": short_name, "office_unit": office_unit, "parent": parent}
        changes = {k: v for k, v in wanted.items() if getattr(committee, k) != v}
        if changes:
            self.counts["committee.updated"] += 1
            committee = services.update_committee(actor=self.actor, committee=committee, **changes)
        return committee

    def leader(self, committee: Committee, person: Person, role: str, sort_order: int) -> None:
        if committee.leaders.filter(person=person, role=role).exists():
            return
        self.counts["committee.leader_set"] += 1
        services.set_committee_leader(
            actor=self.actor, committee=committee, person=person, role=role, sort_order=sort_order
        )

    def members(self, committee: Committee, units: list[Unit]) -> None:
        present = set(committee.memberships.values_list("unit_id", flat=True))
        missing = [u for u in units if u.pk not in present]
        if missing:
            self.counts["committee.members_added"] += 1
            services.add_committee_members(actor=self.actor, committee=committee, units=missing)


def _county_units(name: str, is_district: bool) -> list[tuple[str, str, str, list[str]]]:
    """A county's party committee, government and emergency bureau: (full name, short name, kind, aliases)."""
    prefix = f"临沂市{name}" if is_district else name
    party_short = f"{name}县委" if len(name) == 2 else f"{name}委"
    party = (f"中共{prefix}委员会", party_short, UnitKind.COUNTY_PARTY_COMMITTEE, [f"{name}党委"])
    government = (f"{prefix}人民政府", f"{name}政府", UnitKind.COUNTY_GOVERNMENT, [])
    emergency = (f"{prefix}应急管理局", f"{name}应急局", UnitKind.GOVERNMENT_DEPARTMENT, [])
    if is_district:
        party[3].append(f"中共{name}委员会")
        government[3].append(f"{name}人民政府")
        emergency[3].append(f"{name}应急管理局")
    return [party, government, emergency]


@transaction.atomic
def load(actor: Any = None) -> Counter[str]:
    """Create or complete the Linyi demo organization; return counts of what changed (empty: nothing)."""
    loader = _Loader(actor)
    province = loader.region(data.PROVINCE[0], data.PROVINCE[1], RegionLevel.PROVINCE, None, data.PROVINCE[2])
    city = loader.region(data.CITY[0], data.CITY[1], RegionLevel.CITY, province, data.CITY[2])

    by_short: dict[str, Unit] = {}
    for full, short, kind, aliases in data.CITY_UNITS:
        by_short[short] = loader.unit(full, short, kind, city, aliases)
    full, short, kind, aliases, parent_name = data.COMMITTEE_OFFICE
    by_short[short] = loader.unit(full, short, kind, city, aliases, parent=Unit.objects.get(name=parent_name))

    for order, (code, name, is_district) in enumerate(data.COUNTIES):
        county = loader.region(code, name, RegionLevel.COUNTY, city, sort_order=order)
        for full, short, kind, aliases in _county_units(name, is_district):
            loader.unit(full, short, kind, county, aliases)
    for order, (code, name, short) in enumerate(data.ZONES, start=len(data.COUNTIES)):
        zone = loader.region(code, name, RegionLevel.ZONE, city, short, sort_order=order)
        loader.unit(f"中共{name}工作委员会", f"{short}党工委", UnitKind.ZONE_COMMITTEE, zone)
        loader.unit(f"{name}管理委员会", f"{short}管委会", UnitKind.ZONE_COMMITTEE, zone)

    people: dict[str, Person] = {}
    since = dt.date.fromisoformat(data.LEADERS_SINCE)
    for name, unit_name, title, portfolio, order in data.LEADERS:
        people[name] = loader.person(name, city, data.DEMO_NOTE)
        post = loader.post(Unit.objects.get(name=unit_name), title, portfolio, order)
        loader.holding(post, people[name], since)

    committee_name, committee_short, office_name = data.SAFETY_COMMITTEE
    safety = loader.committee(
        committee_name,
        committee_short,
        CommitteeKind.SAFETY_COMMITTEE,
        city,
        Unit.objects.get(name=office_name),
    )
    for order, (name, role) in enumerate(data.SAFETY_COMMITTEE_LEADERS):
        loader.leader(safety, people[name], role, order)
    loader.members(safety, [by_short[s] for s in data.SAFETY_COMMITTEE_MEMBERS])
    for name, short, office, first_director, members in data.SPECIALIZED_COMMITTEES:
        committee = loader.committee(
            name, short, CommitteeKind.SPECIALIZED, city, by_short[office], parent=safety
        )
        loader.leader(committee, people[first_director], "first_director", 0)
        loader.members(committee, [by_short[s] for s in members])

    for name, aliases, description, members in data.EXPLICIT_GROUPS:
        loader.group(
            name, city, UnitGroupRule.EXPLICIT, aliases, description, members=[by_short[s] for s in members]
        )
    for name, aliases, rule, description in data.RULE_GROUPS:
        loader.group(name, city, rule, aliases, description)
    for name, aliases, rule, description in data.COMMITTEE_GROUPS:
        loader.group(name, city, rule, aliases, description, committee=safety)
    return loader.counts


def demo_step(*, stdout: Any, now: Any) -> None:
    """`anze demo`: the Linyi regions, units, groups, leaders and committees."""
    from django.core.management.color import color_style

    counts = load(actor=None)
    if counts:
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        stdout.write(color_style().SUCCESS(f"临沂演示组织机构已载入：{summary}"))
    else:
        stdout.write("临沂演示组织机构已是最新，未作改动。")
