"""State changes of inspection plans, the directories and the verifiable draw. Each is atomic, takes `actor=`,
checks its guard and writes one audit event.

commit_draw freezes the pool (enterprises of the sector in the plan's region, minus its 重点检查 enterprises;
the active inspectors of the chosen departments; their declared conflicts) into a canonical snapshot, draws a
secret seed and stores both digests, which the public page shows at once. perform_draw runs the pure draw
(`anze.enforcement.draw`) on the stored snapshot, stores the result and reveals the seed. rerun_draw never
deletes: the draw is marked superseded with the reason and a new one is committed with a fresh seed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.enforcement import draw as drawing
from anze.enforcement import errors
from anze.enforcement.choices import CreditClass, DrawStatus, PlanStatus
from anze.enforcement.models import (
    ConflictOfInterest,
    CreditRating,
    Draw,
    DrawSelection,
    InspectionItem,
    InspectionPlan,
    Inspector,
    KeyInspection,
    SectorShare,
)
from anze.enforcement.services.listings import listed_enterprise_ids

DEFAULT_CREDIT_CLASS = CreditClass.B


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# -- directories ----------------------------------------------------------------------------------------------


@transaction.atomic
def rate_enterprise(
    *, actor: Any, enterprise, credit_class: str, rated_on: dt.date, source: str = ""
) -> CreditRating:
    """信用风险分类: set an enterprise's class (A–D)."""
    if credit_class not in CreditClass.values:
        raise errors.EnforcementError("信用风险分类应为 A、B、C、D 之一。", "bad_credit_class")
    row, _ = CreditRating.objects.update_or_create(
        enterprise=enterprise, defaults={"credit_class": credit_class, "rated_on": rated_on, "source": source}
    )
    record("enforcement.rate_enterprise", actor=actor, obj=enterprise, after=snapshot(row))
    return row


@transaction.atomic
def add_inspector(*, actor: Any, name: str, certificate: str, department, region, user=None) -> Inspector:
    """执法人员名录: add a certified inspector."""
    if Inspector.objects.filter(certificate=certificate).exists():
        raise errors.EnforcementError(f"执法证号 {certificate} 已在名录中。", "certificate_exists")
    row = Inspector.objects.create(
        name=name, certificate=certificate, department=department, region=region, user=user
    )
    record("enforcement.add_inspector", actor=actor, obj=row, after=snapshot(row))
    return row


@transaction.atomic
def declare_conflict(
    *, actor: Any, inspector: Inspector, enterprise, reason: str, declared_on: dt.date, note: str = ""
) -> ConflictOfInterest:
    """回避申报: the inspector is never drawn for this enterprise."""
    try:
        with transaction.atomic():
            row = ConflictOfInterest.objects.create(
                inspector=inspector, enterprise=enterprise, reason=reason, declared_on=declared_on, note=note
            )
    except IntegrityError as exc:
        raise errors.EnforcementError("这一回避关系已申报。", "conflict_exists") from exc
    record("enforcement.declare_conflict", actor=actor, obj=row, after=snapshot(row))
    return row


# -- plans ------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: Any, department, region, year: int, title: str) -> InspectionPlan:
    """年度监督检查计划 of a department for a year."""
    if InspectionPlan.objects.filter(department=department, year=year).exists():
        raise errors.EnforcementError(f"{department} 已有 {year} 年度计划。", "plan_exists")
    plan = InspectionPlan.objects.create(
        department=department, region=region, region_path=region.path, year=year, title=title
    )
    record("enforcement.create_plan", actor=actor, obj=plan, after=snapshot(plan))
    return plan


def _editable(plan: InspectionPlan) -> InspectionPlan:
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.status_choice.can_edit():
        raise errors.TransitionError("计划已批准，不能再修改。", "plan_approved")
    return plan


@transaction.atomic
def add_key_inspection(
    *, actor: Any, plan: InspectionPlan, enterprise, times: int = 1, reason: str = ""
) -> KeyInspection:
    """重点检查: a named enterprise, inspected outside the draw."""
    plan = _editable(plan)
    if not enterprise.region.path.startswith(plan.region_path):
        raise errors.EnforcementError("该企业不在计划的检查区域内。", "outside_region")
    row, _ = KeyInspection.objects.update_or_create(
        plan=plan, enterprise=enterprise, defaults={"times": times, "reason": reason}
    )
    record("enforcement.add_key_inspection", actor=actor, obj=plan, after=snapshot(row))
    return row


def _ratios(ratios: dict[str, Any]) -> dict[str, str]:
    try:
        params = drawing.Parameters(ratios={k: Decimal(str(v)) for k, v in ratios.items()})
    except (ArithmeticError, ValueError) as exc:
        raise errors.EnforcementError(
            str(exc) if isinstance(exc, drawing.DrawError) else "抽查比例应为 0 到 1 之间的小数。",
            "bad_ratio",
        ) from exc
    return {k: str(v) for k, v in params.ratios.items()}


@transaction.atomic
def set_sector_share(
    *,
    actor: Any,
    plan: InspectionPlan,
    name: str,
    ratios: dict[str, Any],
    industry_prefix: str = "",
    frequency: dict[str, int] | None = None,
    listed_ratio: Decimal | None = None,
    inspectors_per_inspection: int = 2,
) -> SectorShare:
    """双随机 share of a sector: ratio and frequency per credit-risk class."""
    plan = _editable(plan)
    if inspectors_per_inspection < drawing.MIN_INSPECTORS:
        raise errors.EnforcementError(
            "每次检查至少两名执法人员（行政处罚法第四十二条）。", "too_few_inspectors"
        )
    if listed_ratio is not None and not Decimal(0) <= Decimal(listed_ratio) <= Decimal(1):
        raise errors.EnforcementError("严重失信主体抽查比例须在 0 到 1 之间。", "bad_ratio")
    row, _ = SectorShare.objects.update_or_create(
        plan=plan,
        name=name,
        defaults={
            "ratios": _ratios(ratios),
            "industry_prefix": industry_prefix,
            "frequency": frequency or {},
            "listed_ratio": listed_ratio,
            "inspectors_per_inspection": inspectors_per_inspection,
        },
    )
    record("enforcement.set_sector_share", actor=actor, obj=plan, after=snapshot(row))
    return row


@transaction.atomic
def add_item(
    *, actor: Any, plan: InspectionPlan, code: str, title: str, basis: str, method: str = ""
) -> InspectionItem:
    """事项清单: one inspection item with its legal basis."""
    plan = _editable(plan)
    row, _ = InspectionItem.objects.update_or_create(
        plan=plan, code=code, defaults={"title": title, "basis": basis, "method": method}
    )
    record("enforcement.add_item", actor=actor, obj=plan, after=snapshot(row))
    return row


@transaction.atomic
def approve_plan(*, actor: Any, plan: InspectionPlan) -> InspectionPlan:
    """批准: a plan needs at least one sector share and one item; draws may then be committed."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.status_choice.can_approve():
        raise errors.TransitionError("计划已批准。", "plan_approved")
    if not plan.sectors.exists() or not plan.items.exists():
        raise errors.EnforcementError("批准前请设置至少一个双随机抽查领域和一项检查事项。", "plan_incomplete")
    plan.status = PlanStatus.APPROVED
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_at", "updated_at"])
    record("enforcement.approve_plan", actor=actor, obj=plan, after={"status": plan.status})
    return plan


# -- the draw ---------------------------------------------------------------------------------------------------


def build_pool(
    plan: InspectionPlan, sector: SectorShare, departments: list, *, joint: bool, remote: bool, label: str
):
    """The pool as the pure draw wants it, read set-based: values lists, no model instances."""
    from anze.enterprises.choices import EnterpriseStatus
    from anze.enterprises.models import Enterprise

    enterprises = Enterprise.objects.filter(
        region__path__startswith=plan.region_path, status=EnterpriseStatus.OPERATING
    )
    if sector.industry_prefix:
        enterprises = enterprises.filter(industry__code__startswith=sector.industry_prefix)
    enterprises = enterprises.exclude(pk__in=plan.key_inspections.values("enterprise_id"))
    rows = list(enterprises.values_list("pk", "credit_code", "county__code"))
    classes = dict(
        CreditRating.objects.filter(enterprise__in=enterprises).values_list("enterprise_id", "credit_class")
    )
    listed = set(listed_enterprise_ids(enterprises))
    inspectors = list(
        Inspector.objects.filter(department__in=departments, is_active=True).values_list(
            "pk", "certificate", "department__public_id", "region__code"
        )
    )
    inspector_ids = {pk: certificate for pk, certificate, _d, _r in inspectors}
    codes = {pk: code for pk, code, _c in rows}
    conflicts = [
        (inspector_ids[i], codes[e])
        for i, e in ConflictOfInterest.objects.filter(inspector_id__in=inspector_ids).values_list(
            "inspector_id", "enterprise_id"
        )
        if e in codes
    ]
    parameters = drawing.Parameters(
        ratios={k: Decimal(v) for k, v in sector.ratios.items()},
        inspectors_per_inspection=sector.inspectors_per_inspection,
        listed_ratio=sector.listed_ratio,
        joint_departments=tuple(sorted(str(u.public_id) for u in departments)) if joint else (),
        remote=remote,
    )
    return drawing.Pool(
        parameters=parameters,
        enterprises=[
            drawing.PoolEnterprise(code, classes.get(pk, DEFAULT_CREDIT_CLASS), county, pk in listed)
            for pk, code, county in rows
        ],
        inspectors=[drawing.PoolInspector(c, str(d), r) for _pk, c, d, r in inspectors],
        conflicts=conflicts,
        label=label,
    )


@transaction.atomic
def commit_draw(
    *,
    actor: Any,
    plan: InspectionPlan,
    sector: SectorShare,
    round: int,
    departments: list | None = None,
    joint: bool = False,
    remote: bool = False,
    supersedes: Draw | None = None,
    reason: str = "",
) -> Draw:
    """公布承诺: freeze the pool, draw a secret seed, store and show both SHA-256 digests."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.status_choice.can_commit_draw():
        raise errors.TransitionError("计划批准后才能抽取。", "plan_not_approved")
    if sector.plan_id != plan.pk:
        raise errors.EnforcementError("该抽查领域不属于这个计划。", "sector_not_in_plan")
    departments = list(departments or [plan.department])
    if joint and len(departments) < 2:
        raise errors.EnforcementError("联合执法至少需要两个部门。", "joint_needs_departments")
    label = f"{plan.title} · {sector.name} · 第{round}轮"
    pool = build_pool(plan, sector, departments, joint=joint, remote=remote, label=label)
    if not pool.enterprises:
        raise errors.EnforcementError(
            "企业名录中没有可抽取的企业，请检查行业代码前缀和检查区域。", "empty_pool"
        )
    if len(pool.inspectors) < sector.inspectors_per_inspection:
        raise errors.EnforcementError("执法人员名录人数不足，无法组成检查组。", "too_few_inspectors")
    snapshot_bytes = pool.snapshot()
    seed = secrets.token_hex(32)
    try:
        with transaction.atomic():
            row = Draw.objects.create(
                plan=plan,
                sector=sector,
                round=round,
                label=label,
                joint=joint,
                remote=remote,
                snapshot=snapshot_bytes.decode("utf-8"),
                pool_digest=drawing.sha256_hex(snapshot_bytes),
                seed_digest=drawing.seed_digest(seed),
                seed=seed,
                enterprise_count=len(pool.enterprises),
                inspector_count=len(pool.inspectors),
                committed_at=timezone.now(),
                committed_by=_person(actor),
                supersedes=supersedes,
                rerun_reason=reason,
            )
    except IntegrityError as exc:
        raise errors.EnforcementError(
            f"{sector.name} 第{round}轮已有抽取；如需重抽请使用“重抽”并写明理由。", "round_exists"
        ) from exc
    row.departments.set(departments)
    record(
        "enforcement.commit_draw",
        actor=actor,
        obj=row,
        after={
            "pool_digest": row.pool_digest,
            "seed_digest": row.seed_digest,
            "enterprises": row.enterprise_count,
            "inspectors": row.inspector_count,
            "supersedes": str(supersedes.public_id) if supersedes else None,
        },
        reason=reason,
    )
    return row


@transaction.atomic
def perform_draw(*, actor: Any, draw: Draw) -> Draw:
    """抽取: run the draw on the frozen snapshot, store the selections, reveal the seed."""
    from anze.enterprises.models import Enterprise

    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if not draw.status_choice.can_draw():
        raise errors.TransitionError(
            f"抽取当前状态“{draw.status_choice.label}”，不能再抽取。", "not_committed"
        )
    pool = drawing.parse_snapshot(draw.snapshot.encode("utf-8"))
    result = drawing.select(pool, draw.seed, pool_digest=draw.pool_digest)
    draw.result = result.to_json()
    draw.result_digest = result.digest()
    draw.status = DrawStatus.DRAWN
    draw.drawn_at = timezone.now()
    draw.drawn_by = _person(actor)
    draw.save()
    enterprise_ids = dict(
        Enterprise.objects.filter(credit_code__in=[s.enterprise for s in result.selections]).values_list(
            "credit_code", "pk"
        )
    )
    inspector_ids = dict(
        Inspector.objects.filter(
            certificate__in={i for s in result.selections for i in s.inspectors}
        ).values_list("certificate", "pk")
    )
    rows = DrawSelection.objects.bulk_create(
        [
            DrawSelection(draw=draw, order=n, enterprise_id=enterprise_ids[s.enterprise])
            for n, s in enumerate(result.selections, start=1)
        ],
        batch_size=2000,
    )
    through = DrawSelection.inspectors.through
    through.objects.bulk_create(
        [
            through(drawselection_id=row.pk, inspector_id=inspector_ids[i])
            for row, s in zip(rows, result.selections, strict=True)
            for i in s.inspectors
        ],
        batch_size=5000,
    )
    record(
        "enforcement.perform_draw",
        actor=actor,
        obj=draw,
        after={
            "result_digest": draw.result_digest,
            "selections": len(rows),
            "unstaffed": len(result.unstaffed),
        },
    )
    return draw


@transaction.atomic
def rerun_draw(*, actor: Any, draw: Draw, reason: str) -> Draw:
    """重抽: the draw is kept and marked superseded with the reason; a new pool and seed are committed."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if not draw.status_choice.can_rerun():
        raise errors.TransitionError("该抽取已被重抽。", "already_superseded")
    if not reason.strip():
        raise errors.EnforcementError("重抽必须写明理由，理由会公开。", "reason_required")
    draw.status = DrawStatus.SUPERSEDED
    draw.save(update_fields=["status", "updated_at"])
    record("enforcement.rerun_draw", actor=actor, obj=draw, after={"status": draw.status}, reason=reason)
    return commit_draw(
        actor=actor,
        plan=draw.plan,
        sector=draw.sector,
        round=draw.round,
        departments=list(draw.departments.all()),
        joint=draw.joint,
        remote=draw.remote,
        supersedes=draw,
        reason=reason,
    )


def verify_draw(draw: Draw) -> drawing.Verification:
    """Reproduce a drawn draw from its published snapshot and revealed seed (read-only)."""
    if not draw.drawn_at:
        return drawing.Verification(False, ("尚未抽取，种子未公开。",))
    return drawing.verify(
        draw.snapshot.encode("utf-8"),
        draw.seed,
        pool_digest=draw.pool_digest,
        seed_digest_published=draw.seed_digest,
        result=draw.result,
    )
