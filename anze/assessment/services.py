"""State changes of assessment. Each is atomic, takes `actor=`, checks its guard and writes one audit event.

The year: the office writes a scheme (bodies, items) and a veto rule set; the bodies assess themselves
item by item with evidence and the office reviews each entry like a report; `compute_results` gathers the
facts (one grouped query per fact, `anze.assessment.facts`), scores and judges every body
(`anze.assessment.judging`) and stores a draft with the facts it read; `publish_results` freezes it and opens
the appeal period; an upheld appeal may set an item's score; `correct_results` makes a new published version
with its reason. A published result is never recomputed: its facts are stored with it, so a record changed
afterwards does not change it, and `reproduce` recomputes it from those facts alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from anze.assessment import errors, facts, judging
from anze.assessment.choices import AppealStatus, EntryStatus, RunStatus, ScoringMethod
from anze.assessment.guards import (  # noqa: F401 (the services' guards are read as services.may etc.)
    SHOWN,
    covers,
    may,
    may_review,
    may_write_for,
    readable,
    regions_for,
)
from anze.assessment.guards import is_person as _is_person  # noqa: F401
from anze.assessment.guards import not_own as _not_own
from anze.assessment.guards import notify as _notify
from anze.assessment.guards import require as _require
from anze.assessment.guards import user_or_none as _user
from anze.assessment.models import (
    Appeal,
    AssessedBody,
    Award,
    BodyResult,
    Entry,
    Item,
    Run,
    Scheme,
)
from anze.assessment.services_entries import (  # noqa: F401 (self-assessment, read as services.submit_entry etc.)
    comparison,
    latest_result,
    review_entry,
    submit_entry,
    submit_self_assessment,
)
from anze.assessment.services_schemes import (  # noqa: F401 (the scheme's writes, read as services.add_item etc.)
    add_body,
    add_item,
    add_rule,
    create_rule_set,
    create_scheme,
    edit_item,
    edit_rule,
    edit_scheme,
    remove_body,
    remove_item,
    remove_rule,
    revise_scheme,
)
from anze.audit.services import record, record_standalone, snapshot

# -- the year's results ---------------------------------------------------------------------------------------


def period_of(scheme: Scheme, as_of: dt.date) -> facts.Period:
    """The counting period: the rule set's window, or the calendar year without one."""
    rule_set = scheme.veto_rule_set
    if rule_set is not None:
        return facts.Period(scheme.year, rule_set.window_start, rule_set.window_end, as_of)
    return facts.Period(scheme.year, dt.date(scheme.year, 1, 1), dt.date(scheme.year, 12, 31), as_of)


def _bodies(scheme: Scheme) -> list[AssessedBody]:
    return list(
        scheme.bodies.select_related("unit", "unit__region", "enterprise", "committee").order_by(
            "kind", "order", "id"
        )
    )


def gather(
    scheme: Scheme, *, as_of: dt.date, bodies: list[AssessedBody] | None = None
) -> dict[int, dict[str, Any]]:
    """Every body's facts, read now: one grouped query per fact the items name, plus the veto facts."""
    bodies = _bodies(scheme) if bodies is None else bodies
    period = period_of(scheme, as_of)
    gathered: dict[int, dict[str, Any]] = {
        b.pk: {"metrics": {}, "accidents": [], "misreports": [], "entries": {}, "overrides": {}}
        for b in bodies
    }
    keys = sorted({f for f in scheme.items.exclude(fact="").values_list("fact", flat=True)})
    for key in keys:
        provider = facts.PROVIDERS.get(key)
        if provider is None:
            continue
        for body_id, metric in provider.read(bodies, period).items():
            gathered[body_id]["metrics"][key] = {
                **metric,
                "label": metric.get("label") or str(provider.label),
            }
    if scheme.veto_rule_set_id:
        for body_id, rows in facts.accident_facts(bodies, period).items():
            gathered[body_id]["accidents"] = rows
        for body_id, rows in facts.misreport_facts(bodies, period).items():
            gathered[body_id]["misreports"] = rows
    accepted = Entry.objects.filter(
        body__scheme=scheme, status=EntryStatus.ACCEPTED, item__method=ScoringMethod.MANUAL
    )
    for body_id, key, score, public_id in accepted.values_list(
        "body_id", "item__key", "score", "body__public_id"
    ):
        if body_id in gathered:
            url = reverse("assessment:body_entries", args=[public_id])
            gathered[body_id]["entries"][key] = {
                "score": str(score),
                "url": url,
                "title": "审核通过的填报及佐证材料",
            }
    upheld = (
        Appeal.objects.filter(
            result__run__scheme=scheme, status=AppealStatus.UPHELD, adjusted_score__isnull=False
        )
        .order_by("decided_at", "id")
        .values_list("result__body_id", "item__key", "adjusted_score", "decision", "public_id")
    )
    for body_id, key, score, decision, public_id in upheld:
        if body_id in gathered:
            url = reverse("assessment:appeal_detail", args=[public_id])
            gathered[body_id]["overrides"][key] = {"score": str(score), "reason": decision, "url": url}
    return gathered  # fmt: skip


def specs(scheme: Scheme) -> tuple[list[judging.ItemSpec], list[judging.RuleSpec]]:
    items = [i.spec() for i in scheme.items.order_by("order")]
    rules = (
        [r.spec() for r in scheme.veto_rule_set.rules.order_by("order")] if scheme.veto_rule_set_id else []
    )
    return items, rules


def judge_body(
    scheme: Scheme, kind: str, body_facts: dict[str, Any], items=None, rules=None
) -> judging.BodyJudgement:
    if items is None or rules is None:
        items, rules = specs(scheme)
    return judging.judge(
        kind, body_facts, items, rules, pass_score=scheme.pass_score, excellent_score=scheme.excellent_score
    )


def ranks(totals: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4): equal totals share a rank."""
    ordered = sorted(totals, key=lambda t: t[1], reverse=True)
    found: dict[int, int] = {}
    for position, (body_id, total) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        found[body_id] = found[previous[0]] if previous and previous[1] == total else position
    return found


def leaders_of(bodies: list[AssessedBody], on: dt.date) -> dict[int, list[dict[str, Any]]]:
    """Each body's named leaders: the people holding its unit's posts on `on` (one query)."""
    from anze.org.models import PostHolding

    by_unit: dict[int, list[AssessedBody]] = defaultdict(list)
    for body in bodies:
        by_unit[body.unit_id].append(body)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        PostHolding.objects.filter(post__unit_id__in=list(by_unit), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("post__sort_order", "post__title", "id")
        .values_list("post__unit_id", "person_id", "person__public_id", "person__name", "post__title")
    )
    for unit_id, person_id, public_id, name, title in rows:
        for body in by_unit[unit_id]:
            found[body.pk].append({"id": person_id, "public_id": str(public_id), "name": name, "post": title})
    return found


def leader_rollup(
    scheme: Scheme, totals: dict[int, tuple[AssessedBody, Decimal, str]]
) -> list[dict[str, Any]]:
    """Per leader (the plan's 牵头领导 and 分工负责领导): the bodies of the clauses they lead, and their average."""
    from anze.plans.choices import LEADER_ROLES, UNIT_ROLES
    from anze.plans.models import ClauseAssignment

    by_unit: dict[int, list[int]] = defaultdict(list)
    for body_id, (body, _total, _outcome) in totals.items():
        by_unit[body.unit_id].append(body_id)
    units = ClauseAssignment.objects.filter(
        role__in=list(UNIT_ROLES), unit_id__in=list(by_unit), clause__version__current_of__isnull=False
    )
    pairs = (
        ClauseAssignment.objects.filter(
            role__in=list(LEADER_ROLES), person__isnull=False, clause_id__in=units.values("clause_id")
        )
        .filter(
            clause__assignments__unit_id__in=list(by_unit), clause__assignments__role__in=list(UNIT_ROLES)
        )
        .values_list("person_id", "person__public_id", "person__name", "clause__assignments__unit_id")
        .distinct()
    )
    people: dict[int, dict[str, Any]] = {}
    for person_id, public_id, name, unit_id in pairs:
        row = people.setdefault(person_id, {"public_id": str(public_id), "name": name, "bodies": set()})
        row["bodies"].update(by_unit[unit_id])
    rollup = []
    for row in people.values():
        led = sorted(row["bodies"])
        scores = [totals[b][1] for b in led]
        rollup.append(
            {
                "public_id": row["public_id"],
                "name": row["name"],
                "bodies": len(led),
                "average": str(judging.money(sum(scores, Decimal(0)) / len(scores))),
                "vetoed": sum(1 for b in led if totals[b][2] == judging.VETO),
                "yellow": sum(1 for b in led if totals[b][2] == judging.YELLOW),
                "names": [str(totals[b][0]) for b in led],
            }
        )
    return sorted(rollup, key=lambda r: (-Decimal(r["average"]), r["name"]))


def _last_year(scheme: Scheme) -> dict[int, tuple[Decimal, int]]:
    """Last year's published totals and ranks by unit (and kind)."""
    run = (
        Run.objects.filter(
            scheme__region=scheme.region, scheme__year=scheme.year - 1, status=RunStatus.PUBLISHED
        )
        .order_by("-number")
        .first()
    )
    if run is None:
        return {}
    return {
        (kind, unit): (total, rank)
        for kind, unit, total, rank in run.results.values_list("body__kind", "body__unit_id", "total", "rank")
    }  # type: ignore[misc]


def _fill(run: Run, scheme: Scheme, as_of: dt.date) -> None:
    """Gather, judge and store every body's result for `run` (bulk), with the leaders' roll-up."""
    bodies = _bodies(scheme)
    gathered = gather(scheme, as_of=as_of, bodies=bodies)
    items, rules = specs(scheme)
    judged = {b.pk: (b, judge_body(scheme, b.kind, gathered[b.pk], items, rules)) for b in bodies}
    rank = ranks([(pk, j.total) for pk, (b, j) in judged.items()])
    leaders = leaders_of(bodies, as_of)
    last = _last_year(scheme)
    rows = []
    for pk, (body, judgement) in judged.items():
        previous = last.get((body.kind, body.unit_id))
        rows.append(
            BodyResult(
                run=run,
                body=body,
                total=judgement.total,
                rank=rank[pk],
                grade=judgement.grade,
                outcome=judgement.outcome,
                facts=gathered[pk],
                items=[s.as_dict() for s in judgement.items],
                hits=[h.as_dict() for h in judgement.hits],
                leaders=leaders.get(pk, []),
                last_total=previous[0] if previous else None,
                last_rank=previous[1] if previous else None,
            )
        )
    BodyResult.objects.bulk_create(rows, batch_size=500)
    run.rollup = leader_rollup(scheme, {pk: (b, j.total, j.outcome) for pk, (b, j) in judged.items()})
    run.save(update_fields=["rollup", "updated_at"])


def _summary(run: Run) -> dict[str, Any]:
    results = run.results.all()
    return {
        "number": run.number,
        "status": run.status,
        "bodies": results.count(),
        "vetoed": [str(r.body) for r in results.filter(outcome=judging.VETO).select_related("body__unit")],
        "yellow": [str(r.body) for r in results.filter(outcome=judging.YELLOW).select_related("body__unit")],
    }


@transaction.atomic
def compute_results(*, actor: Any, scheme: Scheme, as_of: dt.date | None = None) -> Run:
    """计算考核结果: a draft from the facts on record now (an existing draft is recomputed in place)."""
    _require(may(actor, Scheme, "change", scheme))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    as_of = as_of or timezone.localdate()
    if scheme.runs.filter(status=RunStatus.PUBLISHED).exists():
        raise errors.TransitionError(
            "本方案的考核结果已发布；如需更正，请以更正方式生成新版本并写明理由。", "published"
        )
    now = timezone.now()
    run = scheme.runs.filter(status=RunStatus.DRAFT).first()
    if run is None:
        number = (scheme.runs.aggregate(n=Max("number"))["n"] or 0) + 1
        run = Run.objects.create(
            scheme=scheme, number=number, as_of=as_of, computed_at=now, computed_by=_user(actor)
        )
    else:
        run.results.all().delete()
        run.as_of, run.computed_at, run.computed_by = as_of, now, _user(actor)
        run.save(update_fields=["as_of", "computed_at", "computed_by", "updated_at"])
    _fill(run, scheme, as_of)
    record("assessment.compute_results", actor=actor, obj=run, after=_summary(run))
    return run  # fmt: skip


@transaction.atomic
def publish_results(*, actor: Any, run: Run, today: dt.date | None = None) -> Run:
    """发布: the draft is frozen (its facts kept with it) and the appeal period opens."""
    _require(may(actor, Run, "change", run))
    today = today or timezone.localdate()
    claimed = Run.objects.filter(pk=run.pk, status=RunStatus.DRAFT).update(
        status=RunStatus.PUBLISHED,
        published_at=timezone.now(),
        published_by=_user(actor),
        appeal_until=today + dt.timedelta(days=run.scheme.appeal_days),
    )
    if claimed != 1:
        raise errors.TransitionError("只有草稿状态的考核结果可以发布。", "not_draft")
    run.refresh_from_db()
    record("assessment.publish_results", actor=actor, obj=run, after=_summary(run))
    _notify("results_published", run)
    return run


@transaction.atomic
def correct_results(*, actor: Any, run: Run, reason: str, as_of: dt.date | None = None) -> Run:
    """更正: a new published version, computed from the facts on record now and the upheld appeals, with its
    reason; the version it corrects stays readable as 已更正."""
    _require(may(actor, Run, "change", run))
    if not reason.strip():
        raise errors.AssessmentError("更正须写明理由。", "reason_required")
    claimed = Run.objects.filter(pk=run.pk, status=RunStatus.PUBLISHED).update(status=RunStatus.SUPERSEDED)
    if claimed != 1:
        raise errors.TransitionError("只有已发布的考核结果可以更正。", "not_published")
    scheme = run.scheme
    now = timezone.now()
    new = Run.objects.create(
        scheme=scheme,
        number=(scheme.runs.aggregate(n=Max("number"))["n"] or 0) + 1,
        status=RunStatus.PUBLISHED,
        reason=reason.strip(),
        as_of=as_of or timezone.localdate(),
        computed_at=now,
        computed_by=_user(actor),
        published_at=now,
        published_by=_user(actor),
        appeal_until=run.appeal_until,
        previous=run,
    )
    _fill(new, scheme, new.as_of)
    record(
        "assessment.correct_results",
        actor=actor,
        obj=new,
        before={"number": run.number},
        after={**_summary(new), "reason": reason},
    )
    _notify("results_corrected", new)
    return new  # fmt: skip


def reproduce(result: BodyResult) -> judging.BodyJudgement:
    """A published result recomputed from its frozen facts alone (the scheme's items and rules as they are)."""
    scheme = result.run.scheme
    return judge_body(scheme, result.body.kind, result.facts)


# -- appeals ------------------------------------------------------------------------------------------------------


@transaction.atomic
def file_appeal(
    *, actor: Any, result: BodyResult, reason: str, item: Item | None = None, now: dt.datetime | None = None
) -> Appeal:  # fmt: skip
    """申诉: against a published result or one of its items, before the appeal deadline."""
    _require(may_write_for(actor, result.body), "只有被考核单位本身或其上级安委办可以申诉。")
    now = now or timezone.now()
    run = result.run
    if not run.status_choice.can_appeal():
        raise errors.TransitionError("只能对已发布的考核结果申诉。", "not_published")
    if run.appeal_until is not None and timezone.localtime(now).date() > run.appeal_until:
        raise errors.TransitionError(f"申诉期限已过（截至{run.appeal_until:%Y-%m-%d}）。", "appeal_closed")
    if not reason.strip():
        raise errors.AssessmentError("请写明申诉理由和依据。", "reason_required")
    if item is not None and item.scheme_id != run.scheme_id:
        raise errors.AssessmentError("该项目不属于本考核方案。", "item_scheme")
    # The result's row is locked first, so two appeals filed at once cannot both find none pending.
    BodyResult.objects.select_for_update().filter(pk=result.pk).first()
    if Appeal.objects.filter(result=result, item=item, status=AppealStatus.FILED).exists():
        raise errors.AssessmentError("该事项已有待裁定的申诉。", "appeal_pending")
    appeal = Appeal.objects.create(
        result=result, item=item, reason=reason.strip(), filed_by=_user(actor), filed_at=now
    )
    record(
        "assessment.file_appeal",
        actor=actor,
        obj=appeal,
        after=snapshot(appeal, ["reason", "item", "status"]),
    )
    _notify("appeal_filed", appeal)
    return appeal  # fmt: skip


@transaction.atomic
def decide_appeal(
    *, actor: Any, appeal: Appeal, upheld: bool, decision: str, adjusted_score=None, now: dt.datetime | None = None
) -> Appeal:  # fmt: skip
    """裁定申诉: upheld (optionally with the item's new score, applied by the next correction) or rejected."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("item", "result__run__scheme")
        .get(pk=appeal.pk)
    )
    _require(may_review(actor, appeal.result.run.scheme), "只有组织考核的安委办可以裁定申诉。")
    _not_own(actor, appeal.filed_by_id, "不能裁定自己提出的申诉，请由另一名工作人员裁定。")
    if not appeal.status_choice.can_decide():
        raise errors.TransitionError("该申诉已裁定。", "decided")
    if not decision.strip():
        raise errors.AssessmentError("请写明裁定意见。", "decision_required")
    if adjusted_score is not None:
        if not upheld or appeal.item is None:
            raise errors.AssessmentError("只有针对某一项目且成立的申诉可以改定分数。", "adjust_needs_item")
        adjusted_score = Decimal(str(adjusted_score))
        if adjusted_score < 0 or adjusted_score > appeal.item.points:
            raise errors.AssessmentError(f"裁定分数须在0到{appeal.item.points}之间。", "score_range")
    before = snapshot(appeal, ["status"])
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.decision, appeal.adjusted_score = decision.strip(), adjusted_score
    appeal.decided_by, appeal.decided_at = _user(actor), now or timezone.now()
    appeal.save()
    record(
        "assessment.decide_appeal",
        actor=actor,
        obj=appeal,
        before=before,
        after=snapshot(appeal, ["status", "decision", "adjusted_score"]),
    )
    _notify("appeal_decided", appeal)
    return appeal  # fmt: skip


# -- 评先树优 ------------------------------------------------------------------------------------------------------


def ineligibility(*, region, year: int, unit=None, person=None) -> str | None:
    """Why a unit or person may not receive an award for `year`, or None: a 一票否决 in that year's published
    results of the region's schemes (a vetoed body, or one of its named leaders)."""
    codes = [c for c in region.path.split("/") if c]
    ancestors = ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]
    vetoed = BodyResult.objects.filter(
        Q(run__scheme__region__path__in=ancestors) | Q(run__scheme__region__path__startswith=region.path),
        run__status=RunStatus.PUBLISHED,
        run__scheme__year=year,
        outcome=judging.VETO,
    )
    for result in vetoed.select_related("body__unit", "run__scheme"):
        reasons = "；".join(h["reason"] for h in result.hits if h["outcome"] == judging.VETO)
        if unit is not None and result.body.unit_id == unit.pk:
            return f"{result.body}在{year}年度安全生产考核中被一票否决（{reasons}），当年不得评先树优。"
        if person is not None and any(leader["id"] == person.pk for leader in result.leaders):
            return f"{person}为{result.body}的负责人，该单位{year}年度被一票否决（{reasons}），当年不得评先树优。"
    return None


def record_award(*, actor: Any, region, year: int, title: str, unit=None, person=None) -> Award:
    """评先树优: records a nomination, refused for a body vetoed that year and for its named leaders. A refusal
    is kept in the audit log in a transaction of its own (the nomination's is rolled back)."""
    try:
        return _record_award(actor=actor, region=region, year=year, title=title, unit=unit, person=person)
    except errors.IneligibleError as exc:
        record_standalone("assessment.record_award", actor=actor, obj=region, success=False,
                          reason=exc.message_zh,
                          after={"title": title, "unit": str(unit or ""), "person": str(person or "")})  # fmt: skip
        raise


@transaction.atomic
def _record_award(*, actor: Any, region, year: int, title: str, unit=None, person=None) -> Award:
    _require(covers(actor, Award, "add", region=region), "只有本区划的安委办可以记录评先树优。")
    if (unit is None) == (person is None):
        raise errors.AssessmentError("请选择一个单位或一名个人。", "nominee_required")
    if not title.strip():
        raise errors.AssessmentError("请填写荣誉名称。", "title_required")
    reason = ineligibility(region=region, year=year, unit=unit, person=person)
    if reason:
        raise errors.IneligibleError(reason)
    award = Award.objects.create(
        region=region, year=year, title=title.strip(), unit=unit, person=person, recorded_by=_user(actor)
    )
    record("assessment.record_award", actor=actor, obj=award, after=snapshot(award))
    return award  # fmt: skip


# -- what-if ------------------------------------------------------------------------------------------------------


def what_if(scheme: Scheme, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """During the year: the bodies one accident or one failed item away from a veto or a 黄牌 (live facts)."""
    as_of = as_of or timezone.localdate()
    bodies = _bodies(scheme)
    gathered = gather(scheme, as_of=as_of, bodies=bodies)
    items, rules = specs(scheme)
    found = []
    for body in bodies:
        judgement = judge_body(scheme, body.kind, gathered[body.pk], items, rules)
        misses = judging.near_misses(
            body.kind, judgement, gathered[body.pk], rules, pass_score=scheme.pass_score
        )
        if misses or judgement.outcome != judging.NONE:
            found.append({"body": body, "judgement": judgement, "misses": misses})
    order = {judging.VETO: 0, judging.YELLOW: 1, judging.NONE: 2}
    return sorted(found, key=lambda r: (order[r["judgement"].outcome], -len(r["misses"]), str(r["body"])))
