"""Writing a scheme and its veto rule set: the office over the scheme's region creates and edits them while
the scheme is a draft (no result published from it). Each change is atomic, takes `actor=`, checks its guard
and writes one audit event; a refused input names its field (`AssessmentError.field`) so a page shows the
message next to it. A scheme whose results were published is frozen: `revise_scheme` makes the next version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from anze.assessment import errors, facts
from anze.assessment.choices import (
    AccidentGradeFloor,
    BodyKind,
    RunStatus,
    ScoringMethod,
    VetoCondition,
    VetoOutcome,
)
from anze.assessment.guards import covers, may, require, user_or_none
from anze.assessment.models import AssessedBody, Item, Run, Scheme, VetoRule, VetoRuleSet
from anze.audit.services import record, snapshot

FROZEN = [RunStatus.PUBLISHED, RunStatus.SUPERSEDED]
ITEM_FIELDS = ("key", "title", "points", "method", "fact", "target", "floor", "bands", "per", "cap", "pass_mark",
               "kinds", "criteria", "order")  # fmt: skip
RULE_FIELDS = ("key", "title", "condition", "outcome", "kinds", "grade", "at_least")


def _bad(message: str, code: str, field: str | None = None) -> errors.AssessmentError:
    return errors.AssessmentError(message, code, field=field)


def editable(scheme: Scheme, what: str) -> None:
    """A scheme whose results were published is frozen (they reproduce from it): refuse with the reason."""
    run = scheme.runs.filter(status__in=FROZEN).order_by("-number").first()
    if run is not None:
        raise errors.TransitionError(
            f"本方案第{run.number}版考核结果已于{run.published_at:%Y-%m-%d}发布并冻结，不能再{what}；"
            "如需调整，请“修订方案”生成新版本并写明理由。",
            "scheme_published",
        )


def _rule_set_editable(rule_set: VetoRuleSet, what: str) -> None:
    if Run.objects.filter(scheme__veto_rule_set=rule_set, status__in=FROZEN).exists():
        raise errors.TransitionError(
            f"使用本规则集的考核结果已发布并冻结，不能再{what}；请新建规则集（新版本）。",
            "rule_set_published",
        )


def _decimal(value: Any, label: str, field: str, *, required: bool = False) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise _bad(f"请填写{label}。", "required", field)
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _bad(f"{label}须是数字，收到“{value}”。", "not_a_number", field) from None
    if not number.is_finite() or number < 0:
        raise _bad(f"{label}不能为负数。", "negative", field)
    return number


def _kinds(kinds: Any) -> list[str]:
    kinds = list(kinds or [])
    unknown = [k for k in kinds if k not in BodyKind.values]
    if unknown:
        raise _bad(f"适用对象“{'、'.join(map(str, unknown))}”不存在。", "unknown_kind", "kinds")
    return kinds


# -- schemes ------------------------------------------------------------------------------------------------------


def _check_scheme(values: dict[str, Any], *, year: int) -> dict[str, Any]:
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise _bad("请填写方案名称。", "name_required", "name")
    if "pass_score" in values:
        values["pass_score"] = _decimal(values["pass_score"], "合格分", "pass_score", required=True)
    if "excellent_score" in values:
        values["excellent_score"] = _decimal(values["excellent_score"], "优秀分", "excellent_score")
    if values.get("excellent_score") is not None and values.get("pass_score") is not None:
        if values["excellent_score"] < values["pass_score"]:
            raise _bad("优秀分不能低于合格分。", "excellent_below_pass", "excellent_score")
    if "basis" in values:
        values["basis"] = (values["basis"] or "").strip()
    if "appeal_days" in values:
        days = values["appeal_days"]
        if not isinstance(days, int) or not 0 < days <= 365:
            raise _bad("申诉期限须是1至365之间的天数。", "appeal_days_range", "appeal_days")
    rule_set = values.get("veto_rule_set")
    if rule_set is not None and rule_set.year != year:
        raise _bad(
            f"一票否决规则集“{rule_set}”是{rule_set.year}年度的，须与方案年度（{year}）一致。",
            "rule_set_year",
            "veto_rule_set",
        )
    return values


@transaction.atomic
def create_scheme(
    *,
    actor: Any,
    region,
    year: int,
    name: str,
    pass_score: Decimal | int = 60,
    excellent_score: Decimal | int | None = None,
    appeal_days: int = 7,
    veto_rule_set: VetoRuleSet | None = None,
    basis: str = "",
) -> Scheme:
    """考核方案: a new scheme for a region's year (version 1, or the next version when one exists)."""
    require(covers(actor, Scheme, "add", region=region))
    if not year or not 2000 <= int(year) <= 2100:
        raise _bad("考核年度须在2000至2100之间。", "year_range", "year")
    values = _check_scheme(
        {"name": name, "pass_score": pass_score, "excellent_score": excellent_score, "basis": basis,
         "appeal_days": appeal_days, "veto_rule_set": veto_rule_set},
        year=year,
    )  # fmt: skip
    latest = Scheme.objects.filter(region=region, year=year).aggregate(n=Max("version"))["n"] or 0
    scheme = Scheme(region=region, year=year, version=latest + 1, created_by=user_or_none(actor), **values)
    scheme.full_clean()
    scheme.save()
    record("assessment.create_scheme", actor=actor, obj=scheme, after=snapshot(scheme))
    return scheme


@transaction.atomic
def edit_scheme(*, actor: Any, scheme: Scheme, **fields: Any) -> Scheme:
    """方案基本信息: name, basis, pass and excellent scores, appeal days and the veto rule set, while a draft."""
    require(may(actor, Scheme, "change", scheme))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    editable(scheme, "修改方案")
    allowed = {"name", "basis", "pass_score", "excellent_score", "appeal_days", "veto_rule_set"}
    unknown = set(fields) - allowed
    if unknown:
        raise _bad(f"不能修改：{'、'.join(sorted(unknown))}。", "unknown_field")
    values = _check_scheme(dict(fields), year=scheme.year)
    if values.get("pass_score") is not None and "excellent_score" not in values and scheme.excellent_score:
        if scheme.excellent_score < values["pass_score"]:
            raise _bad("合格分不能高于优秀分。", "excellent_below_pass", "pass_score")
    before = snapshot(scheme, sorted(values))
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    record(
        "assessment.edit_scheme",
        actor=actor,
        obj=scheme,
        before=before,
        after=snapshot(scheme, sorted(values)),
    )
    return scheme


@transaction.atomic
def revise_scheme(*, actor: Any, scheme: Scheme, reason: str) -> Scheme:
    """A new version of a scheme with the same bodies and items, to change after results were published."""
    require(may(actor, Scheme, "change", scheme))
    if not reason.strip():
        raise _bad("请说明修订理由。", "reason_required", "reason")
    latest = Scheme.objects.filter(region=scheme.region, year=scheme.year).aggregate(n=Max("version"))["n"]
    new = Scheme.objects.get(pk=scheme.pk)
    new.pk = new.id = None
    new.public_id = uuid.uuid4()
    new.version = latest + 1
    new.reason = reason.strip()
    new.created_by = user_or_none(actor)
    new.save()
    for body in scheme.bodies.all():
        body.pk = body.id = None
        body.public_id = uuid.uuid4()
        body.scheme = new
        body.save()
    for item in scheme.items.all():
        item.pk = item.id = None
        item.public_id = uuid.uuid4()
        item.scheme = new
        item.save()
    record(
        "assessment.revise_scheme",
        actor=actor,
        obj=new,
        after={"from": str(scheme.public_id), "reason": reason},
    )
    return new  # fmt: skip


# -- bodies -------------------------------------------------------------------------------------------------------


@transaction.atomic
def add_body(*, actor: Any, scheme: Scheme, kind: str, unit, enterprise=None, committee=None, order: int = 0):
    """被考核对象: a body the scheme assesses, a unit in the scheme's region."""
    require(may(actor, Scheme, "change", scheme))
    editable(scheme, "调整考核对象")
    if kind not in BodyKind.values:
        raise _bad(f"对象类型“{kind}”不存在。", "unknown_kind", "kind")
    if unit is None:
        raise _bad("请选择被考核单位。", "unit_required", "unit")
    if not unit.region.path.startswith(scheme.region.path):
        raise _bad(f"{unit}不在本方案的区划（{scheme.region}）内。", "unit_outside", "unit")
    if kind == BodyKind.STATE_ENTERPRISE and enterprise is None:
        raise _bad("市属国有企业须选择其企业档案（用于统计其事故）。", "enterprise_required", "enterprise")
    if kind == BodyKind.COMMITTEE and committee is None:
        raise _bad("专业委员会须选择委员会。", "committee_required", "committee")
    if AssessedBody.objects.filter(scheme=scheme, kind=kind, unit=unit).exists():
        raise _bad(f"{unit}已是本方案的考核对象。", "body_exists", "unit")
    body = AssessedBody(
        scheme=scheme, kind=kind, unit=unit, order=order,
        enterprise=enterprise if kind == BodyKind.STATE_ENTERPRISE else None,
        committee=committee if kind == BodyKind.COMMITTEE else None,
    )  # fmt: skip
    body.full_clean()
    body.save()
    record("assessment.add_body", actor=actor, obj=scheme, after=snapshot(body))
    return body  # fmt: skip


@transaction.atomic
def remove_body(*, actor: Any, body: AssessedBody) -> None:
    """移出考核对象 — while the scheme is a draft and the body has not assessed itself; its draft result goes
    with it (the draft is recomputed)."""
    scheme = body.scheme
    require(may(actor, Scheme, "change", scheme))
    editable(scheme, "调整考核对象")
    if body.entries.exists():
        raise errors.TransitionError(
            f"{body}已报送自评，不能移出；如确需调整，请先与该单位核实。", "body_has_entries"
        )
    before = snapshot(body)
    body.results.filter(run__status=RunStatus.DRAFT).delete()
    body.delete()
    record("assessment.remove_body", actor=actor, obj=scheme, before=before)


# -- items ----------------------------------------------------------------------------------------------------------


def _check_item(scheme: Scheme, values: dict[str, Any], *, item: Item | None = None) -> dict[str, Any]:
    """The item's fields as they will be saved, or the first wrong one named."""
    values["key"] = (values.get("key") or "").strip()
    if not values["key"]:
        raise _bad("请填写项目编号。", "key_required", "key")
    taken = scheme.items.filter(key=values["key"]).exclude(pk=getattr(item, "pk", None))
    if taken.exists():
        raise _bad(f"编号“{values['key']}”已在本方案中使用。", "key_taken", "key")
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        raise _bad("请填写考核内容。", "title_required", "title")
    points = _decimal(values.get("points"), "分值", "points", required=True)
    if points <= 0:
        raise _bad("分值须大于0。", "points_positive", "points")
    values["points"] = points
    method = values.get("method")
    if method not in ScoringMethod.values:
        raise _bad(f"计分方法“{method}”不存在。", "unknown_method", "method")
    fact = values.get("fact") or ""
    if method == ScoringMethod.MANUAL:
        fact = ""
    elif fact not in facts.PROVIDERS:
        raise _bad(
            f"数据来源“{fact}”不存在；可选：{'、'.join(facts.PROVIDERS)}。" if fact else "请选择数据来源。",
            "unknown_fact",
            "fact",
        )
    values["fact"] = fact
    for name, label in (("target", "满分线"), ("floor", "零分线"), ("per", "每次分值"), ("cap", "扣分上限"),
                        ("pass_mark", "及格分")):  # fmt: skip
        values[name] = _decimal(values.get(name), label, name)
    if method == ScoringMethod.RATE and values["target"] is not None and values["floor"] is not None:
        if values["floor"] >= values["target"]:
            raise _bad("零分线须低于满分线。", "floor_above_target", "floor")
    if method in (ScoringMethod.DEDUCTION, ScoringMethod.BONUS) and not values["per"]:
        raise _bad("按次计分须填写每次分值（大于0）。", "per_required", "per")
    if values["cap"] is not None and values["cap"] > points:
        raise _bad(f"扣分上限不能超过分值{points}。", "cap_above_points", "cap")
    if values["pass_mark"] is not None and values["pass_mark"] > points:
        raise _bad(f"及格分不能超过分值{points}。", "pass_mark_above_points", "pass_mark")
    values["bands"] = _bands(values.get("bands"), points) if method == ScoringMethod.BANDS else []
    values["kinds"] = _kinds(values.get("kinds"))
    values["criteria"] = (values.get("criteria") or "").strip()
    return values


def _bands(bands: Any, points: Decimal) -> list[list[float]]:
    example = "如 [[95, 10], [90, 8]]（达到95得10分，达到90得8分）"
    if not bands:
        raise _bad(f"分档计分须填写分档，{example}。", "bands_required", "bands")
    try:
        pairs = [(Decimal(str(low)), Decimal(str(score))) for low, score in bands]
    except (InvalidOperation, TypeError, ValueError):
        raise _bad(f"分档须是[下限, 得分]的列表，{example}。", "bands_format", "bands") from None
    for _low, score in pairs:
        if score < 0 or score > points:
            raise _bad(f"分档得分{score}须在0到分值{points}之间。", "band_score_range", "bands")
    return [[float(low), float(score)] for low, score in pairs]


@transaction.atomic
def add_item(*, actor: Any, scheme: Scheme, key: str, title: str, points, method: str, **fields: Any) -> Item:
    """考核项目: points and how they are scored; a fact-based item names a registered fact."""
    require(may(actor, Scheme, "change", scheme))
    editable(scheme, "调整考核项目")
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise _bad(f"考核项目没有字段：{'、'.join(sorted(unknown))}。", "unknown_field")
    values = _check_item(scheme, {**fields, "key": key, "title": title, "points": points, "method": method})
    values["order"] = values.get("order") or (scheme.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = Item(scheme=scheme, **values)
    item.full_clean()
    item.save()
    record("assessment.add_item", actor=actor, obj=scheme, after=snapshot(item))
    return item  # fmt: skip


@transaction.atomic
def edit_item(*, actor: Any, item: Item, **fields: Any) -> Item:
    """修改考核项目 — any of its fields, checked as when added, while the scheme is a draft."""
    scheme = item.scheme
    require(may(actor, Scheme, "change", scheme))
    editable(scheme, "调整考核项目")
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise _bad(f"考核项目没有字段：{'、'.join(sorted(unknown))}。", "unknown_field")
    item = Item.objects.select_for_update().get(pk=item.pk)
    current = {name: getattr(item, name) for name in ITEM_FIELDS}
    values = _check_item(scheme, {**current, **fields}, item=item)
    before = snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    record("assessment.edit_item", actor=actor, obj=scheme, before=before, after=snapshot(item))
    return item


@transaction.atomic
def remove_item(*, actor: Any, item: Item) -> None:
    """删除考核项目 — while the scheme is a draft and no body has assessed itself on it."""
    scheme = item.scheme
    require(may(actor, Scheme, "change", scheme))
    editable(scheme, "调整考核项目")
    if item.entries.exists():
        raise errors.TransitionError(f"已有对象就“{item}”报送自评，不能删除该项目。", "item_has_entries")
    before = snapshot(item)
    item.delete()
    record("assessment.remove_item", actor=actor, obj=scheme, before=before)


# -- veto rule sets --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_rule_set(
    *, actor: Any, region, year: int, name: str, window_start: dt.date, window_end: dt.date, basis: str = "",
    scheme: Scheme | None = None,
) -> VetoRuleSet:  # fmt: skip
    """一票否决规则集 for a region's year, with its counting window; given a draft `scheme` of that region and
    year, the scheme uses it."""
    require(covers(actor, VetoRuleSet, "add", region=region))
    if not (name or "").strip():
        raise _bad("请填写规则集名称。", "name_required", "name")
    if window_start is None:
        raise _bad("请填写统计期起。", "required", "window_start")
    if window_end is None:
        raise _bad("请填写统计期止。", "required", "window_end")
    if window_end <= window_start:
        raise _bad("统计期止须晚于统计期起。", "window_order", "window_end")
    if scheme is not None:
        require(may(actor, Scheme, "change", scheme))
        editable(scheme, "更换一票否决规则集")
        if scheme.year != year or scheme.region_id != region.pk:
            raise _bad("规则集的区划和年度须与方案一致。", "rule_set_year", "year")
    latest = VetoRuleSet.objects.filter(region=region, year=year).aggregate(n=Max("version"))["n"] or 0
    rule_set = VetoRuleSet.objects.create(
        region=region, year=year, version=latest + 1, name=name.strip(), window_start=window_start,
        window_end=window_end, basis=basis or "",
    )  # fmt: skip
    after = snapshot(rule_set)
    if scheme is not None:
        Scheme.objects.filter(pk=scheme.pk).update(veto_rule_set=rule_set)
        scheme.veto_rule_set = rule_set
        after["scheme"] = str(scheme.public_id)
    record("assessment.create_rule_set", actor=actor, obj=rule_set, after=after)
    return rule_set


def _check_rule(
    rule_set: VetoRuleSet, values: dict[str, Any], *, rule: VetoRule | None = None
) -> dict[str, Any]:
    values["key"] = (values.get("key") or "").strip()
    if not values["key"]:
        raise _bad("请填写情形编号。", "key_required", "key")
    if rule_set.rules.filter(key=values["key"]).exclude(pk=getattr(rule, "pk", None)).exists():
        raise _bad(f"编号“{values['key']}”已在本规则集中使用。", "key_taken", "key")
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        raise _bad("请写明否决情形。", "title_required", "title")
    if values.get("condition") not in VetoCondition.values:
        raise _bad(f"条件“{values.get('condition')}”不存在。", "unknown_condition", "condition")
    if values.get("outcome") not in (VetoOutcome.VETO, VetoOutcome.YELLOW):
        raise _bad("结果须是一票否决或黄牌警告。", "unknown_outcome", "outcome")
    values["grade"] = values.get("grade") or AccidentGradeFloor.GENERAL
    if values["grade"] not in AccidentGradeFloor.values:
        raise _bad(f"事故等级“{values['grade']}”不存在。", "unknown_grade", "grade")
    try:
        values["at_least"] = int(values.get("at_least") or 1)
    except (TypeError, ValueError):
        raise _bad("达到数量须是整数。", "not_a_number", "at_least") from None
    if values["at_least"] < 1:
        raise _bad("达到数量至少为1。", "at_least_one", "at_least")
    values["kinds"] = _kinds(values.get("kinds"))
    return values


@transaction.atomic
def add_rule(
    *, actor: Any, rule_set: VetoRuleSet, key: str, title: str, condition: str, outcome: str,
    kinds: list[str] | None = None, grade: str = "general", at_least: int = 1,
) -> VetoRule:  # fmt: skip
    """否决情形: a condition, the body kinds it applies to and its outcome (否决 or 黄牌)."""
    require(may(actor, VetoRuleSet, "change", rule_set))
    _rule_set_editable(rule_set, "增加否决情形")
    values = _check_rule(rule_set, {"key": key, "title": title, "condition": condition, "outcome": outcome,
                                    "kinds": kinds, "grade": grade, "at_least": at_least})  # fmt: skip
    order = (rule_set.rules.aggregate(n=Max("order"))["n"] or 0) + 1
    rule = VetoRule(rule_set=rule_set, order=order, **values)
    rule.full_clean()
    rule.save()
    record("assessment.add_rule", actor=actor, obj=rule_set, after=snapshot(rule))
    return rule


@transaction.atomic
def edit_rule(*, actor: Any, rule: VetoRule, **fields: Any) -> VetoRule:
    """修改否决情形 — while no result computed with its rule set was published."""
    rule_set = rule.rule_set
    require(may(actor, VetoRuleSet, "change", rule_set))
    _rule_set_editable(rule_set, "修改否决情形")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise _bad(f"否决情形没有字段：{'、'.join(sorted(unknown))}。", "unknown_field")
    rule = VetoRule.objects.select_for_update().get(pk=rule.pk)
    values = _check_rule(rule_set, {**{n: getattr(rule, n) for n in RULE_FIELDS}, **fields}, rule=rule)
    before = snapshot(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    record("assessment.edit_rule", actor=actor, obj=rule_set, before=before, after=snapshot(rule))
    return rule


@transaction.atomic
def remove_rule(*, actor: Any, rule: VetoRule) -> None:
    """删除否决情形 — while no result computed with its rule set was published."""
    rule_set = rule.rule_set
    require(may(actor, VetoRuleSet, "change", rule_set))
    _rule_set_editable(rule_set, "删除否决情形")
    before = snapshot(rule)
    rule.delete()
    record("assessment.remove_rule", actor=actor, obj=rule_set, before=before)
