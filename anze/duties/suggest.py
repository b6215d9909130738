"""Turning the parser's suggestions (ClauseDuty, clause deadlines) into draft duties for the office to confirm."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anze.audit.services import record
from anze.duties.choices import DutyKind, DutyStatus, EventUnit, SubjectKind
from anze.duties.models import Duty, DutyRevision, DutyRule
from anze.duties.recurrence import RuleError, parse_rule

_COVERAGE_WORDS = ("一遍", "全覆盖", "全部覆盖", "轮一遍")
_EVENT = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(个工作日|日|天|个月)内")
_CN_NUMBERS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + _CN_NUMBERS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_NUMBERS.get(tens, 1) * 10 + _CN_NUMBERS.get(ones, 0)
    return _CN_NUMBERS.get(text, 1)


def resolve_subject(text: str | None, region: Any) -> dict[str, Any]:
    """A subject named in the plan → subject fields: committees, a unit group, a unit, or the clause's units."""
    from anze.org.models import Unit, UnitAlias, UnitGroup

    name = (text or "").strip()
    fields: dict[str, Any] = {"subject_text": name[:200], "subject_kind": SubjectKind.CLAUSE_UNITS}
    if not name:
        return fields
    if "专业委员会" in name:
        return fields | {"subject_kind": SubjectKind.COMMITTEES, "needs_sign_off": "第一主任" in name}
    groups = UnitGroup.objects.filter(is_active=True, region__path__in=_ancestor_paths(region)).order_by("pk")
    group = next((g for g in groups if name == g.name or name in (g.aliases or [])), None)
    if group is not None:
        return fields | {"subject_kind": SubjectKind.GROUP, "subject_group": group}
    unit = Unit.objects.filter(Q(name=name) | Q(short_name=name), is_active=True).first()
    if unit is None:
        alias = UnitAlias.objects.filter(name=name).select_related("unit").first()
        unit = alias.unit if alias else None
    if unit is not None:
        return fields | {"subject_kind": SubjectKind.UNIT, "subject_unit": unit}
    return fields


def _ancestor_paths(region: Any) -> list[str]:
    parts = [p for p in region.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def coverage_groups_in(text: str, region: Any) -> list[Any]:
    """Unit groups a coverage duty's text names (各县区 → every county government, 市直有关部门 → …)."""
    from anze.org.choices import UnitGroupRule
    from anze.org.models import UnitGroup

    found = []
    for group in UnitGroup.objects.filter(is_active=True, region__path__in=_ancestor_paths(region)):
        names = [group.name, *(group.aliases or [])]
        if group.rule == UnitGroupRule.COUNTY_GOVERNMENTS:
            names.append("各县区")
        if any(n and n in text for n in names):
            found.append(group)
    return found


def _draft_from_suggestion(
    suggestion: Any, start_on: dt.date, region: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    text = suggestion.text
    try:
        rule = parse_rule(suggestion.rrule)
    except RuleError:
        rule = None
    kind = DutyKind.RECURRING
    rule_fields: dict[str, Any] = {"rrule": suggestion.rrule, "times_per_period": suggestion.count or 1}
    if (
        rule is not None
        and rule.freq == "YEARLY"
        and rule.interval > 1
        and any(w in text for w in _COVERAGE_WORDS)
    ):
        kind = DutyKind.COVERAGE
        rule_fields = {"rrule": "FREQ=YEARLY", "times_per_period": 1, "cycle_years": rule.interval}
    duty_fields = {"title": text[:500], "kind": kind, **resolve_subject(suggestion.subject, region)}
    return duty_fields, rule_fields


@transaction.atomic
def suggest_duties(version: Any, *, actor: Any, start_on: dt.date | None = None) -> list[Duty]:
    """Draft duties for a plan version from its clauses' suggestions and deadlines; existing drafts are kept.

    For a revised plan the duties of the earlier version are carried over first (revision.carry_over):
    unchanged clauses keep their duties, changed ones are flagged 方案已修订 for the office, and only what
    no existing duty covers becomes a draft. Drafts start today unless a date is chosen — never silently on
    the plan's issue date.
    """
    from anze.duties.revision import carry_over_rows
    from anze.plans.models import Clause

    region = version.plan.region
    start = start_on or timezone.localdate()
    carried = carry_over_rows(version)
    created: list[Duty] = []
    clauses = (
        Clause.objects.filter(version=version).prefetch_related("duties").order_by("task__order", "order")
    )
    # Whatever a duty (in any state) or a revision decision already covers is never suggested again.
    covered = Duty.objects.filter(clause__version=version)
    revised = DutyRevision.objects.filter(version=version, new_clause__isnull=False)
    existing_suggestions = set(covered.exclude(suggestion=None).values_list("suggestion_id", flat=True))
    existing_suggestions |= set(
        revised.exclude(new_suggestion=None).values_list("new_suggestion_id", flat=True)
    )
    covered_kinds = set(covered.values_list("clause_id", "kind"))
    covered_kinds |= set(revised.values_list("new_clause_id", "duty__kind"))
    for clause in clauses:
        for suggestion in clause.duties.all():
            if suggestion.pk in existing_suggestions:
                continue
            duty_fields, rule_fields = _draft_from_suggestion(suggestion, start, region)
            created.append(
                _create_draft(clause, region, start, duty_fields, rule_fields, suggestion=suggestion)
            )
        if clause.deadline_date and (clause.pk, DutyKind.DEADLINE) not in covered_kinds:
            duty_fields = {
                "title": f"{clause.text[:120]}（{clause.deadline_text}）"[:500],
                "kind": DutyKind.DEADLINE,
            }
            rule_fields = {"deadline": clause.deadline_date}
            created.append(_create_draft(clause, region, start, duty_fields, rule_fields))
        match = _EVENT.search(clause.text)
        if match and (clause.pk, DutyKind.EVENT) not in covered_kinds:
            if any(word in clause.text for word in ("事故", "发生", "结案", "之日起")):
                unit = {"个工作日": EventUnit.WORKDAYS, "个月": EventUnit.MONTHS}.get(
                    match.group(2), EventUnit.DAYS
                )
                duty_fields = {"title": clause.text[:500], "kind": DutyKind.EVENT}
                rule_fields = {"event_within": _number(match.group(1)), "event_unit": unit}
                created.append(_create_draft(clause, region, start, duty_fields, rule_fields))
    record(
        "duties.duty.suggest",
        actor=actor,
        obj=version,
        after={
            "created": len(created),
            "start_on": start,
            "duties": [str(d.public_id) for d in created][:200],
            **carried.as_dict(),
        },
    )
    return created


def _create_draft(
    clause: Any,
    region: Any,
    start: dt.date,
    duty_fields: dict[str, Any],
    rule_fields: dict[str, Any],
    suggestion: Any = None,
) -> Duty:
    duty = Duty.objects.create(
        clause=clause,
        suggestion=suggestion,
        region=region,
        start_on=start,
        status=DutyStatus.DRAFT,
        **duty_fields,
    )
    DutyRule.objects.create(duty=duty, effective_from=start, **rule_fields)
    if duty.kind == DutyKind.COVERAGE:
        duty.coverage_groups.set(coverage_groups_in(duty.title, region))
    return duty
