"""Matching the names a plan uses to people, units and unit groups (名称对应).

Units go through the org app's name helpers (全称, 简称, 别称; then unit groups). Leaders are matched by
name, then by post (职务: "常务副市长", "市政府分管领导同志" when a post goes by that title), then by
an earlier mapping the office made for the same name. Anything else stays unresolved with fuzzy
suggestions, so the office can map it; nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from anze.org.models import Person, Post, Region, Unit, UnitGroup
from anze.org.names import find_group, resolve_unit_name, suggest_units
from anze.plans.choices import AssignmentStatus

_COMRADE = re.compile(r"(?:等)?同志$")
SUGGESTION_LIMIT = 5
_SUGGESTION_MIN_SCORE = 60


@dataclass
class Resolution:
    """What a name matched: a person, a unit, or a group with its member units; or nothing."""

    status: str
    person: Person | None = None
    unit: Unit | None = None
    group: UnitGroup | None = None
    members: list[Unit] = field(default_factory=list)
    how: str = ""  # name, alias, post, mapping, group

    @property
    def target(self):
        return self.person or self.unit or self.group


UNRESOLVED = Resolution(AssignmentStatus.UNRESOLVED)


class NameResolver:
    """Resolves names for one import, remembering answers so a name repeated in 16 clauses costs one lookup."""

    def __init__(self, region: Region | None = None) -> None:
        self.region = region
        self._units: dict[str, Resolution] = {}
        self._leaders: dict[str, Resolution] = {}

    def unit(self, name: str) -> Resolution:
        if name not in self._units:
            self._units[name] = self._resolve_unit(name)
        return self._units[name]

    def leader(self, name: str) -> Resolution:
        if name not in self._leaders:
            self._leaders[name] = self._resolve_leader(name)
        return self._leaders[name]

    def _resolve_unit(self, name: str) -> Resolution:
        unit = resolve_unit_name(name, self.region)
        if unit is not None:
            return Resolution(AssignmentStatus.RESOLVED, unit=unit, how="name")
        group = find_group(name)
        if group is not None:
            members = sorted(group.members().select_related("region"), key=lambda u: (u.sort_order, u.name))
            return Resolution(AssignmentStatus.GROUP, group=group, members=members, how="group")
        return UNRESOLVED

    def _resolve_leader(self, name: str) -> Resolution:
        for candidate in dict.fromkeys([name, _COMRADE.sub("", name)]):
            if not candidate:
                continue
            person = self._person_named(candidate)
            if person is not None:
                return Resolution(AssignmentStatus.RESOLVED, person=person, how="name")
            person = self._person_by_post(candidate)
            if person is not None:
                return Resolution(AssignmentStatus.RESOLVED, person=person, how="post")
        person = self._person_aliased(name) or self._person_mapped_before(name)
        if person is not None:
            return Resolution(AssignmentStatus.RESOLVED, person=person, how="mapping")
        return UNRESOLVED

    def _person_aliased(self, name: str) -> Person | None:
        from anze.plans.models import PersonAlias

        aliases = PersonAlias.objects.filter(name=name, person__is_active=True).select_related("person")
        if self.region is not None:
            aliases = aliases.filter(region=self.region)
        found = list(aliases[:2])
        return found[0].person if len(found) == 1 else None

    def _person_named(self, name: str) -> Person | None:
        people = list(Person.objects.filter(name=name, is_active=True).select_related("region")[:10])
        if len(people) == 1:
            return people[0]
        if self.region is not None:
            # Namesakes: the one working in the plan's own region, if exactly one does.
            local = [p for p in people if p.region_id == self.region.pk]
            if len(local) == 1:
                return local[0]
        return None

    def _person_by_post(self, name: str) -> Person | None:
        # Posts are few (a city has about a hundred); compare in Python against every way a plan writes one.
        matches = [
            post
            for post in Post.objects.filter(is_active=True).select_related("unit")
            if name in {post.title, f"{post.unit.short_name}{post.title}", f"{post.unit.name}{post.title}"}
        ]
        holders = {holder.pk: holder for post in matches if (holder := post.current_holder()) is not None}
        return next(iter(holders.values())) if len(holders) == 1 else None

    def _person_mapped_before(self, name: str) -> Person | None:
        from anze.plans.models import ClauseAssignment

        mapped = (
            ClauseAssignment.objects.filter(raw_name=name, person__isnull=False, person__is_active=True)
            .exclude(person__name=name)
            .order_by("-created_at")
            .select_related("person")
            .first()
        )
        return mapped.person if mapped else None


@dataclass(frozen=True)
class Suggestion:
    """A candidate the office may pick for an unresolved name."""

    kind: str  # "unit" or "person"
    public_id: str
    label: str
    score: float


def suggest(
    name: str, *, leader: bool, region: Region | None = None, limit: int = SUGGESTION_LIMIT
) -> list[Suggestion]:
    """Fuzzy candidates for a name nothing matched (typos, old names), best first."""
    if leader:
        people = list(Person.objects.filter(is_active=True).values_list("public_id", "name"))
        ranked = process.extract(
            _COMRADE.sub("", name),
            [n for _, n in people],
            scorer=fuzz.ratio,
            limit=limit,
            score_cutoff=_SUGGESTION_MIN_SCORE,
        )
        return [Suggestion("person", str(people[i][0]), text, score) for text, score, i in ranked]
    found = suggest_units(name, limit=limit)
    return [
        Suggestion("unit", str(s.unit.public_id), s.unit.name, s.score)
        for s in found
        if s.score >= _SUGGESTION_MIN_SCORE
    ]
