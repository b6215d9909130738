"""Reviewing a pending import before it is confirmed (导入核对): names not in the directory, unsure clauses.

Every change is atomic, takes `actor=` and writes one audit event. An alias the office confirms is kept (单位别称,
单位集合别称 or 人员别称) so the next plan resolves the name by itself; a corrected clause is changed in the
pending import's parsed plan, so what is confirmed is what the office saw.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anze.audit.services import record
from anze.org.models import Person, Unit, UnitGroup
from anze.plans import services
from anze.plans.choices import ImportStatus
from anze.plans.importing import iter_clauses
from anze.plans.models import PersonAlias, PlanImport
from anze.plans.parsing import provenance

ROLE_FIELDS = ("lead_leaders", "co_leaders", "lead_units", "responsible_units", "supporting_units")
DOUBT_LABELS = {
    provenance.NO_ASSIGNMENT: gettext_lazy("未识别到任何领导或单位"),
    provenance.FROM_WORDING: gettext_lazy("从无标签的括号或句子推断"),
    provenance.INHERITED: gettext_lazy("沿用上级标题的分工"),
    provenance.FIRST_LISTED: gettext_lazy("按“列第一位者为牵头单位”推定牵头"),
    provenance.CANNOT_PLACE: gettext_lazy("未能在原文中定位"),
}
_NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")


def _pending(staged: PlanImport, actor: Any) -> PlanImport:
    staged = PlanImport.objects.select_for_update().select_related("region").get(pk=staged.pk)
    if not ImportStatus(staged.status).can_confirm():
        raise ValidationError(_("该导入已处理，不能再修改。"), code="not_pending")
    if not services.can_import(actor, staged.region):
        raise PermissionDenied(_("只有安委会办公室可以导入责任方案。"))
    return staged


def review_items(staged: PlanImport) -> list[dict[str, Any]]:
    """The clauses the office should check, with what the parser guessed and where it read it."""
    items = []
    for ref in iter_clauses(staged.parsed or {}):
        source = ref.clause.get("source") or {}
        doubts = source.get("doubts") or []
        if not doubts:
            continue
        items.append(
            {
                "key": ref.key,
                "text": ref.clause.get("text") or "",
                "lines": source.get("lines"),
                "page": source.get("page"),
                "doubts": [DOUBT_LABELS.get(code, code) for code in doubts],
                "values": {role: "、".join(ref.clause.get(role) or []) for role in ROLE_FIELDS},
            }
        )
    return items


@transaction.atomic
def confirm_alias(staged: PlanImport, *, raw_name: str, kind: str, target: str, actor: Any) -> str:
    """Record a name of the document as another name of a unit, unit group or person (确认别称)."""
    staged = _pending(staged, actor)
    open_names = {(n["kind"], n["name"]) for n in (staged.names or {}).get("unresolved", [])}
    wanted = "person" if kind == "person" else "unit"
    if (wanted, raw_name) not in open_names:
        raise ValidationError(
            _("“%(name)s”不是本次导入中未对应的名称。") % {"name": raw_name}, code="not_unresolved"
        )
    if kind == "unit":
        found = Unit.objects.restrict(actor, "view").filter(public_id=target, is_active=True).first()
        if found is None:
            raise ValidationError(_("找不到该单位。"), code="no_target")
        services._record_unit_alias(raw_name, found)
    elif kind == "group":
        found = UnitGroup.objects.restrict(actor, "view").filter(public_id=target, is_active=True).first()
        if found is None:
            raise ValidationError(_("找不到该单位集合。"), code="no_target")
        if raw_name != found.name and raw_name not in (found.aliases or []):
            found.aliases = [*(found.aliases or []), raw_name]
            found.save(update_fields=["aliases", "updated_at"])
    elif kind == "person":
        found = Person.objects.restrict(actor, "view").filter(public_id=target, is_active=True).first()
        if found is None:
            raise ValidationError(_("找不到该人员。"), code="no_target")
        if PersonAlias.objects.filter(region=staged.region, name=raw_name).exists():
            raise ValidationError(
                _("别称“%(name)s”已对应其他人员。") % {"name": raw_name}, code="alias_taken"
            )
        PersonAlias.objects.create(region=staged.region, name=raw_name, person=found, created_by=actor)
    else:
        raise ValidationError(_("请选择单位、单位集合或人员。"), code="one_target")
    staged.names = services.name_report(staged.parsed, staged.region)
    staged.save(update_fields=["names", "updated_at"])
    record(
        "plans.planimport.alias",
        actor=actor,
        obj=staged,
        after={
            "raw_name": raw_name,
            "target_type": kind,
            "target": str(found.public_id),
            "target_name": str(found),
        },
        scope_path=staged.region.path,
    )
    return str(found)


def split_names(text: str) -> list[str]:
    """The names typed into one field of the correction form, in order, without repeats."""
    return list(dict.fromkeys(n for n in _NAME_SEPARATORS.split(text or "") if n))


@transaction.atomic
def correct_clause(
    staged: PlanImport, *, key: str, values: dict[str, list[str]], actor: Any
) -> dict[str, Any]:
    """Fix who is assigned to one clause of a pending import (更正分工); the clause counts as checked."""
    staged = _pending(staged, actor)
    parsed = staged.parsed
    ref = next((r for r in iter_clauses(parsed) if r.key == key), None)
    if ref is None:
        raise ValidationError(_("找不到条款 %(key)s。") % {"key": key}, code="no_clause")
    clause = parsed["sections"][ref.section_index]["tasks"][ref.task_index]["clauses"][ref.clause_index]
    before = {role: list(clause.get(role) or []) for role in ROLE_FIELDS}
    after = {role: list(values.get(role) or []) for role in ROLE_FIELDS}
    if not any(after.values()):
        raise ValidationError(_("请至少填写一个领导或单位。"), code="nobody")
    clause.update(after)
    source = clause.setdefault("source", {}) or {}
    clause["source"] = {**source, "doubts": [], "checked_by_office": True}
    staged.parsed = parsed
    staged.names = services.name_report(parsed, staged.region)
    staged.save(update_fields=["parsed", "names", "updated_at"])
    record(
        "plans.planimport.correct",
        actor=actor,
        obj=staged,
        before={"clause": key, **before},
        after={"clause": key, **after},
        scope_path=staged.region.path,
    )
    return clause
