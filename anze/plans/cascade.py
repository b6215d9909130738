"""Plan cascade (上下贯通): which clause of an upper-level plan each clause of a lower-level plan implements.

A city plan implements its province's plan, a county plan its city's. Links are suggested by text
similarity and confirmed by the office; every change is atomic, takes `actor=` and writes one audit event.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.plans.models import Clause, ClauseLink, Plan

# Below this a suggestion is noise: two clauses of the genre share words like 安全生产 and 加强.
SUGGEST_MIN_SIMILARITY = 0.2
SUGGESTIONS_PER_CLAUSE = 3
_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
# Words every plan of the genre uses; they say nothing about which clause implements which.
_COMMON = frozenset(
    ["安全", "全生", "生产", "加强", "强化", "推进", "开展", "落实", "工作", "建立", "完善", "健全", "全面", "进一",
     "一步", "责任", "各级", "有关", "部门", "单位", "企业", "管理", "监管", "制度", "机制", "深入", "持续"]
)  # fmt: skip


def _bigrams(text: str) -> Counter[str]:
    clean = _NOT_TEXT.sub("", text or "")
    return Counter(b for i in range(len(clean) - 1) if (b := clean[i : i + 2]) not in _COMMON)


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams, without the genre's stock words (0 … 1)."""
    left, right = _bigrams(a), _bigrams(b)
    total = sum(left.values()) + sum(right.values())
    if not total:
        return 0.0
    return 2 * sum((left & right).values()) / total


@dataclass(frozen=True)
class Suggestion:
    """An upper clause that a lower clause may implement, with how alike their texts are."""

    upper: Clause
    score: float


def suggest_links(lower_clauses: list[Clause], upper_clauses: list[Clause]) -> dict[int, list[Suggestion]]:
    """For each lower clause id, the most similar upper clauses (best first, above the noise floor)."""
    upper_grams = [(clause, _bigrams(clause.text)) for clause in upper_clauses]
    out: dict[int, list[Suggestion]] = {}
    for lower in lower_clauses:
        grams = _bigrams(lower.text)
        size = sum(grams.values())
        scored = []
        for upper, other in upper_grams:
            total = size + sum(other.values())
            if total:
                score = 2 * sum((grams & other).values()) / total
                if score >= SUGGEST_MIN_SIMILARITY:
                    scored.append(Suggestion(upper, round(score, 3)))
        scored.sort(key=lambda s: -s.score)
        out[lower.pk] = scored[:SUGGESTIONS_PER_CLAUSE]
    return out


def current_clauses(plan: Plan) -> list[Clause]:
    """The clauses of a plan's current version, in document order."""
    if plan.current_version_id is None:
        return []
    return list(
        Clause.objects.filter(version_id=plan.current_version_id).select_related("task").order_by("pk")
    )


def cascade_report(lower: Plan, upper: Plan) -> dict[str, Any]:
    """Confirmed links, suggestions for unlinked lower clauses, and the gaps both ways (贯通情况)."""
    lower_clauses = current_clauses(lower)
    upper_clauses = current_clauses(upper)
    links = list(
        ClauseLink.objects.filter(lower__in=lower_clauses, upper__in=upper_clauses).select_related(
            "lower__task", "upper__task", "created_by"
        )
    )
    linked_lower = {link.lower_id for link in links}
    linked_upper = {link.upper_id for link in links}
    unlinked = [c for c in lower_clauses if c.pk not in linked_lower]
    suggestions = suggest_links(unlinked, upper_clauses)
    return {
        "links": links,
        "rows": [{"clause": c, "suggestions": suggestions.get(c.pk, [])} for c in unlinked],
        "upper_without_lower": [c for c in upper_clauses if c.pk not in linked_upper],
        "lower_without_upper": unlinked,
        "counts": {
            "lower": len(lower_clauses),
            "upper": len(upper_clauses),
            "links": len(links),
            "upper_without_lower": len(upper_clauses) - len(linked_upper),
            "lower_without_upper": len(unlinked),
        },
    }


def _require_change(actor: Any, plan: Plan) -> None:
    if not Plan.objects.restrict(actor, "change").filter(pk=plan.pk).exists():
        raise PermissionDenied(_("您无权修改该方案。"))


@transaction.atomic
def link_clauses(*, lower: Clause, upper: Clause, actor: Any) -> ClauseLink:
    """Confirm that a lower plan's clause implements an upper plan's clause (确认贯通)."""
    lower_plan = lower.version.plan
    upper_plan = upper.version.plan
    _require_change(actor, lower_plan)
    if lower_plan.pk == upper_plan.pk:
        raise ValidationError(_("上级条款须来自另一个方案。"), code="same_plan")
    if lower.version_id != lower_plan.current_version_id or upper.version_id != upper_plan.current_version_id:
        raise ValidationError(_("只能关联现行版本的条款。"), code="not_current")
    try:
        with transaction.atomic():
            link = ClauseLink.objects.create(
                lower=lower,
                upper=upper,
                similarity=round(similarity(lower.text, upper.text), 3),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(_("这两条条款已经关联。"), code="already_linked") from exc
    record(
        "plans.clauselink.create",
        actor=actor,
        obj=lower_plan,
        after={
            "lower": f"{lower_plan.title} {lower.key}",
            "upper": f"{upper_plan.title} {upper.key}",
            "upper_plan": str(upper_plan.public_id),
            "similarity": link.similarity,
        },
    )
    return link


@transaction.atomic
def unlink_clauses(link: ClauseLink, *, actor: Any) -> None:
    """Remove a confirmed link (撤销贯通)."""
    link = ClauseLink.objects.select_related("lower__version__plan", "upper__version__plan").get(pk=link.pk)
    lower_plan = link.lower.version.plan
    _require_change(actor, lower_plan)
    before = {
        "lower": f"{lower_plan.title} {link.lower.key}",
        "upper": f"{link.upper.version.plan.title} {link.upper.key}",
    }
    link.delete()
    record("plans.clauselink.delete", actor=actor, obj=lower_plan, before=before)
