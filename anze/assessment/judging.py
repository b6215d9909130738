"""Scoring and 一票否决, in plain Python (no Django): facts in, scores and vetoes out, each explained.

The facts of one assessed body are a JSON-shaped dict (what `anze.assessment.facts` gathers and a published
result freezes), so a published result can be recomputed from its frozen facts alone:

    {
      "metrics": {fact_key: {"value": "93.5" | None, "count": 3, "url": "...", "records": [record, ...]}},
      "accidents": [{"grade": "major", "title": ..., "url": ..., "on": "2026-03-02"}, ...],   # in the window
      "misreports": [{"kind": "concealed", "grade": "larger", "title": ..., "url": ...}, ...],
      "entries": {item_key: {"score": "8.5", "url": ...}},       # accepted hand entries (reviewed)
      "overrides": {item_key: {"score": "9", "reason": ..., "url": ...}},   # upheld appeals
    }

A record is `{"title": ..., "url": ...}`: every score and every veto names the facts that met its rule and
links each to its record. Numbers are Decimals rounded half up to two places; scores never leave
[0, points] (a bonus item's points are its cap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")

# Scoring methods (计分方法).
RATE = "rate"  # a rate in %: full points at or above `target`, none at or below `floor`, linear between
BANDS = "bands"  # a rate or count in bands: the score of the highest band whose minimum is reached
DEDUCTION = "deduction"  # points minus `per` for each occurrence, at most `cap` taken (扣完为止)
BONUS = "bonus"  # `per` for each occurrence, at most the item's points (加分)
MANUAL = "manual"  # a hand entry with evidence, reviewed and accepted by the office
METHODS = (RATE, BANDS, DEDUCTION, BONUS, MANUAL)

# Veto conditions (否决情形) and outcomes.
ACCIDENTS = "accidents"  # at least `at_least` accidents of `grade` or higher in the window
MISREPORT = "misreport"  # any 瞒报 or 谎报 of an accident of `grade` or higher in the window
FAILED_ASSESSMENT = "failed_assessment"  # the year's assessment is 不合格 (total below the pass score)
FAILED_ITEMS = "failed_items"  # at least `at_least` items below their pass mark
CONDITIONS = (ACCIDENTS, MISREPORT, FAILED_ASSESSMENT, FAILED_ITEMS)
VETO = "veto"
YELLOW = "yellow"
NONE = "none"
OUTCOMES = (VETO, YELLOW)

# 493号令 grades, lowest first.
GRADES = ("general", "larger", "major", "especially_major")
MISREPORT_KINDS = ("concealed", "false")  # 瞒报, 谎报 (迟报 and 漏报 do not veto)

EXCELLENT = "excellent"
PASSED = "passed"
FAILED = "failed"


def money(value: Any) -> Decimal:
    """A number as a Decimal with two places, rounded half up."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_at_least(grade: str, minimum: str) -> bool:
    """Whether accident grade `grade` is `minimum` or higher."""
    return GRADES.index(grade) >= GRADES.index(minimum)


@dataclass(frozen=True)
class ItemSpec:
    """An item of a scheme (考核项目) as the scoring needs it."""

    key: str
    title: str
    points: Decimal
    method: str
    fact: str = ""
    target: Decimal | None = None
    floor: Decimal | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] = ()
    per: Decimal | None = None
    cap: Decimal | None = None
    pass_mark: Decimal | None = None
    kinds: frozenset[str] = frozenset()  # the body kinds it applies to; empty = every kind

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class RuleSpec:
    """A veto rule (否决/黄牌情形) as the evaluation needs it."""

    key: str
    title: str
    outcome: str
    condition: str
    grade: str = "general"
    at_least: int = 1
    kinds: frozenset[str] = frozenset()

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass
class ItemScore:
    """One item's score for one body, with why."""

    key: str
    title: str
    points: Decimal
    score: Decimal
    value: str | None
    reason: str
    records: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False
    applicable: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "points": str(self.points),
            "score": str(self.score),
            "value": self.value,
            "reason": self.reason,
            "records": self.records,
            "failed": self.failed,
            "applicable": self.applicable,
        }


@dataclass
class VetoHit:
    """A veto rule a body met, and the facts that met it."""

    key: str
    title: str
    outcome: str
    reason: str
    records: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "outcome": self.outcome,
            "reason": self.reason,
            "records": self.records,
        }


@dataclass
class BodyJudgement:
    """A body's year: item scores, total, grade, vetoes met and the outcome."""

    items: list[ItemScore]
    total: Decimal
    grade: str
    hits: list[VetoHit]
    outcome: str

    @property
    def failed_items(self) -> list[ItemScore]:
        return [s for s in self.items if s.failed]


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def rate_score(value: Decimal, points: Decimal, target: Decimal, floor: Decimal) -> Decimal:
    """Linear between `floor` (nothing) and `target` (full points)."""
    if value >= target:
        return money(points)
    if value <= floor:
        return money(0)
    return money(points * (value - floor) / (target - floor))


def band_score(value: Decimal, points: Decimal, bands: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The score of the highest band whose minimum `value` reaches; nothing below every band."""
    reached = [score for minimum, score in bands if value >= minimum]
    return money(_clamp(max(reached), Decimal(0), points)) if reached else money(0)


def deduction_score(count: int, points: Decimal, per: Decimal, cap: Decimal | None) -> Decimal:
    """Points less `per` for each occurrence, at most `cap` (or all the points) taken."""
    limit = points if cap is None else min(cap, points)
    return money(points - min(limit, per * count))


def bonus_score(count: int, points: Decimal, per: Decimal) -> Decimal:
    """`per` for each occurrence, at most the item's points."""
    return money(min(points, per * count))


def score_item(item: ItemSpec, facts: Mapping[str, Any]) -> ItemScore:
    """Score one item from a body's facts; an upheld appeal's score replaces the computed one."""
    override = (facts.get("overrides") or {}).get(item.key)
    metric = (facts.get("metrics") or {}).get(item.fact) or {}
    records = list(metric.get("records") or [])
    if metric.get("url"):
        records = [{"title": metric.get("label") or item.title, "url": metric["url"]}, *records]
    value = metric.get("value")
    if item.method == MANUAL:
        entry = (facts.get("entries") or {}).get(item.key)
        if entry is None:
            score, reason, value = money(0), "未填报或填报未通过审核，按0分计", None
        else:
            score = money(_clamp(Decimal(entry["score"]), Decimal(0), item.points))
            reason = "按审核通过的填报计分"
            value = entry["score"]
            records = [{"title": entry.get("title") or "填报及佐证材料", "url": entry.get("url", "")}]
    elif item.method in (DEDUCTION, BONUS):
        count = int(metric.get("count") or 0)
        value = str(count)
        per = item.per if item.per is not None else Decimal(1)
        if item.method == DEDUCTION:
            score = deduction_score(count, item.points, per, item.cap)
            reason = f"{count}次，每次扣{money(per)}分" + (f"，最多扣{money(item.cap)}分" if item.cap else "")
        else:
            score = bonus_score(count, item.points, per)
            reason = f"{count}次，每次加{money(per)}分，最多加{money(item.points)}分"
    elif value is None:
        score, reason = money(item.points), "统计期内无应统计事项，按满分计"
    elif item.method == RATE:
        target = item.target if item.target is not None else Decimal(100)
        floor = item.floor if item.floor is not None else Decimal(0)
        score = rate_score(Decimal(value), item.points, target, floor)
        reason = f"{value}%（达到{target}%得满分，不高于{floor}%不得分，其间按比例）"
    elif item.method == BANDS:
        score = band_score(Decimal(value), item.points, item.bands)
        reason = f"{value}，按分档计分"
    else:
        raise ValueError(f"unknown scoring method {item.method!r}")
    if override is not None:
        score = money(_clamp(Decimal(override["score"]), Decimal(0), item.points))
        reason = f"申诉裁定改为{score}分：{override.get('reason', '')}"
        records = [*records, {"title": "申诉裁定", "url": override.get("url", "")}]
    failed = item.pass_mark is not None and score < item.pass_mark
    if failed:
        reason += f"；低于及格分{money(item.pass_mark)}"
    return ItemScore(item.key, item.title, item.points, score, value, reason, records, failed)


def grade_of(total: Decimal, pass_score: Decimal, excellent_score: Decimal | None) -> str:
    """优秀 at or above the excellent score, 合格 at or above the pass score, else 不合格."""
    if excellent_score is not None and total >= excellent_score:
        return EXCELLENT
    return PASSED if total >= pass_score else FAILED


def _accidents_at_least(facts: Mapping[str, Any], grade: str) -> list[dict[str, Any]]:
    return [a for a in facts.get("accidents") or [] if grade_at_least(a["grade"], grade)]


def _misreports_at_least(facts: Mapping[str, Any], grade: str) -> list[dict[str, Any]]:
    return [
        m
        for m in facts.get("misreports") or []
        if m["kind"] in MISREPORT_KINDS and grade_at_least(m["grade"], grade)
    ]


GRADE_LABELS = {"general": "一般", "larger": "较大", "major": "重大", "especially_major": "特别重大"}


def check_rule(
    rule: RuleSpec, facts: Mapping[str, Any], grade: str, failed: list[ItemScore]
) -> VetoHit | None:
    """The hit when a body's facts meet `rule`, else None."""
    label = GRADE_LABELS[rule.grade]
    if rule.condition == ACCIDENTS:
        met = _accidents_at_least(facts, rule.grade)
        if len(met) < rule.at_least:
            return None
        reason = f"统计期内{label}及以上事故{len(met)}起（达到{rule.at_least}起）"
        records = [{"title": a["title"], "url": a.get("url", "")} for a in met]
    elif rule.condition == MISREPORT:
        met = _misreports_at_least(facts, rule.grade)
        if not met:
            return None
        reason = f"统计期内{label}及以上事故瞒报、谎报{len(met)}起"
        records = [{"title": m["title"], "url": m.get("url", "")} for m in met]
    elif rule.condition == FAILED_ASSESSMENT:
        if grade != FAILED:
            return None
        reason = "年度考核不合格"
        records = [{"title": s.title, "url": ""} for s in failed]
    elif rule.condition == FAILED_ITEMS:
        if len(failed) < rule.at_least:
            return None
        reason = f"{len(failed)}个考核项目不及格（达到{rule.at_least}个）"
        records = [{"title": s.title, "url": ""} for s in failed]
    else:
        raise ValueError(f"unknown veto condition {rule.condition!r}")
    return VetoHit(rule.key, rule.title, rule.outcome, reason, records)


def outcome_of(hits: Iterable[VetoHit]) -> str:
    """否决 over 黄牌 over nothing."""
    outcomes = {h.outcome for h in hits}
    if VETO in outcomes:
        return VETO
    return YELLOW if YELLOW in outcomes else NONE


def judge(
    kind: str,
    facts: Mapping[str, Any],
    items: Sequence[ItemSpec],
    rules: Sequence[RuleSpec],
    *,
    pass_score: Decimal,
    excellent_score: Decimal | None = None,
) -> BodyJudgement:
    """A body's year from its facts: every applicable item scored, the total graded, every rule checked."""
    scores = [score_item(item, facts) for item in items if item.applies_to(kind)]
    total = money(sum((s.score for s in scores), Decimal(0)))
    grade = grade_of(total, pass_score, excellent_score)
    failed = [s for s in scores if s.failed]
    hits = [
        hit for rule in rules if rule.applies_to(kind) and (hit := check_rule(rule, facts, grade, failed))
    ]
    return BodyJudgement(scores, total, grade, hits, outcome_of(hits))


@dataclass(frozen=True)
class NearMiss:
    """A veto rule a body has not met yet but would with one more accident or one more failed item."""

    key: str
    title: str
    outcome: str
    trigger: str  # "accident" or "item"
    reason: str


def near_misses(
    kind: str, judgement: BodyJudgement, facts: Mapping[str, Any], rules: Sequence[RuleSpec],
    *, pass_score: Decimal,
) -> list[NearMiss]:  # fmt: skip
    """The rules one more accident (of the rule's grade) or one more failed item away from being met."""
    met = {h.key for h in judgement.hits}
    found = []
    for rule in rules:
        if rule.key in met or not rule.applies_to(kind):
            continue
        label = GRADE_LABELS[rule.grade]
        if rule.condition == ACCIDENTS:
            count = len(_accidents_at_least(facts, rule.grade))
            if count + 1 >= rule.at_least:
                found.append(
                    NearMiss(
                        rule.key,
                        rule.title,
                        rule.outcome,
                        "accident",
                        f"已有{label}及以上事故{count}起，再发生1起即达到{rule.at_least}起",
                    )  # fmt: skip
                )
        elif rule.condition == FAILED_ITEMS:
            if len(judgement.failed_items) + 1 >= rule.at_least and any(
                not s.failed for s in judgement.items
            ):
                found.append(
                    NearMiss(
                        rule.key,
                        rule.title,
                        rule.outcome,
                        "item",
                        f"已有{len(judgement.failed_items)}个项目不及格，再有1个即达到{rule.at_least}个",
                    )  # fmt: skip
                )
        elif rule.condition == FAILED_ASSESSMENT:
            losable = [s for s in judgement.items if s.score > 0]
            if losable and judgement.total - max(s.score for s in losable) < pass_score:
                worst = max(losable, key=lambda s: s.score)
                found.append(
                    NearMiss(
                        rule.key,
                        rule.title,
                        rule.outcome,
                        "item",
                        f"总分{judgement.total}，“{worst.title}”失分即低于合格分{money(pass_score)}",
                    )  # fmt: skip
                )
    return found
