"""State changes of 双重预防. Each is atomic, takes `actor=`, checks its guard and writes one audit event.

The hidden-danger loop: found → registered → rectifying → awaiting acceptance → accepted → closed (销号).
Acceptance is by someone other than the rectifier and closing needs acceptance; the database enforces both
too (CheckConstraints on HiddenDanger). A 重大 one is closed only by the supervising department: the enterprise
applies (submits the rectification), the department accepts (→ closed, with its 挂牌督办 case) or returns it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.prevention import errors
from anze.prevention.bands import band_table_for
from anze.prevention.choices import (
    OPEN_STATUSES,
    AssessmentMethod,
    HiddenDangerGrade,
    HiddenDangerStatus,
    PhotoStage,
)
from anze.prevention.images import clean_photo
from anze.prevention.models import (
    HiddenDanger,
    HiddenDangerPhoto,
    RectificationPlan,
    RiskBandTable,
    RiskPoint,
)
from anze.prevention.scoring import BandTable, lec_score, ls_score

logger = logging.getLogger(__name__)

HD_FIELDS = ["status", "grade", "deadline", "rectified_by", "accepted_by", "closed_at", "escalated_at"]


# -- band tables and risk points ------------------------------------------------------------------------------


@transaction.atomic
def create_band_table(
    *, actor: Any, method: str, effective_from: dt.date, table: BandTable, region=None, source: str = ""
) -> RiskBandTable:
    row = RiskBandTable.objects.create(
        region=region, method=method, effective_from=effective_from, bands=table.to_json(), source=source
    )
    record("prevention.create_band_table", actor=actor, obj=row, after=snapshot(row))
    return row


def _assess(point: RiskPoint) -> None:
    if point.method == AssessmentMethod.LEC:
        score = lec_score(point.lec_likelihood, point.lec_exposure, point.lec_consequence)
    else:
        score = ls_score(point.ls_likelihood, point.ls_severity)
    table, row = band_table_for(point.enterprise.region.path, point.method, point.assessed_on)
    level = table.grade(score)
    point.score = score
    point.level = int(level) if level is not None else None
    point.band_table = row


@transaction.atomic
def create_risk_point(*, actor: Any, enterprise, **fields: Any) -> RiskPoint:
    """登记风险点 and grade it with the band table in force for the enterprise's region."""
    point = RiskPoint(enterprise=enterprise, **fields)
    _assess(point)
    point.full_clean()
    point.save()
    record("prevention.create_risk_point", actor=actor, obj=point, after=snapshot(point))
    return point


@transaction.atomic
def reassess_risk_point(*, actor: Any, point: RiskPoint, **fields: Any) -> RiskPoint:
    """复评: new factors and dates, graded again."""
    point = RiskPoint.objects.select_for_update().get(pk=point.pk)
    before = snapshot(point)
    for name, value in fields.items():
        setattr(point, name, value)
    _assess(point)
    point.full_clean()
    point.save()
    record("prevention.reassess_risk_point", actor=actor, obj=point, before=before, after=snapshot(point))
    return point


# -- hidden dangers ------------------------------------------------------------------------------------------


def _notify(kind: str, hd: HiddenDanger) -> None:
    """Schedules a notification after commit (the supervision app's channels deliver them when present)."""
    transaction.on_commit(lambda: logger.info("notify %s hidden_danger=%s", kind, hd.public_id))


def _lock(hd: HiddenDanger) -> HiddenDanger:
    return HiddenDanger.objects.select_for_update().get(pk=hd.pk)


def _guard(hd: HiddenDanger, action: str) -> None:
    if not getattr(hd.status_choice, f"can_{action}")():
        raise errors.TransitionError(f"当前状态“{hd.status_choice.label}”不能{_ACTION_LABELS[action]}")


_ACTION_LABELS = {
    "register": "登记",
    "start_rectification": "开始整改",
    "submit_rectification": "提交验收",
    "accept": "验收",
    "reject": "退回整改",
    "close": "销号",
}


def _state(hd: HiddenDanger) -> dict[str, Any]:
    return {name: getattr(hd, name + "_id" if name.endswith("_by") else name) for name in HD_FIELDS}


@transaction.atomic
def report_hidden_danger(
    *,
    actor: Any,
    enterprise,
    source: str,
    grade: str,
    title: str,
    description: str,
    place: str,
    responsible_person: str,
    found_on: dt.date,
    deadline: dt.date,
    risk_point: RiskPoint | None = None,
    register: bool = False,
) -> HiddenDanger:
    """发现隐患: a new record (optionally registered at once, as an enterprise's own 台账 entry)."""
    now = timezone.now()
    hd = HiddenDanger(
        enterprise=enterprise,
        region_path=enterprise.region.path,
        county_id=enterprise.county_id,
        supervising_unit_id=enterprise.supervising_unit_id,
        industry_code=getattr(enterprise.industry, "code", "")[:5],
        risk_point=risk_point,
        source=source,
        grade=grade,
        title=title,
        description=description,
        place=place,
        responsible_person=responsible_person,
        found_on=found_on,
        deadline=deadline,
        found_by=actor if getattr(actor, "pk", None) else None,
    )
    if register:
        hd.status = HiddenDangerStatus.REGISTERED
        hd.registered_at = now
    hd.full_clean()
    hd.save()
    record("prevention.report_hidden_danger", actor=actor, obj=hd, after=snapshot(hd))
    if register and hd.is_major:
        _report_major(hd, actor=actor)
    return hd


@transaction.atomic
def register_hidden_danger(
    *, actor: Any, hd: HiddenDanger, grade: str | None = None, deadline: dt.date | None = None
) -> HiddenDanger:
    """登记: confirm grade and deadline; a 重大 one is reported to its supervising department at once."""
    hd = _lock(hd)
    _guard(hd, "register")
    before = _state(hd)
    if grade:
        hd.grade = grade
    if deadline:
        hd.deadline = deadline
    hd.status = HiddenDangerStatus.REGISTERED
    hd.registered_at = timezone.now()
    hd.full_clean()
    hd.save()
    record("prevention.register_hidden_danger", actor=actor, obj=hd, before=before, after=_state(hd))
    if hd.is_major:
        _report_major(hd, actor=actor)
    return hd


def _report_major(hd: HiddenDanger, *, actor: Any) -> None:
    """A 重大 hidden danger goes to the supervising department and becomes a 督办 case (挂牌督办)."""
    HiddenDanger.objects.filter(pk=hd.pk).update(reported_at=timezone.now())
    escalate_major_hidden_danger(hd, actor=actor)


def escalate_major_hidden_danger(hd: HiddenDanger, *, actor: Any) -> None:
    """挂牌督办 of a 重大 hidden danger: a 督办 case against its supervising department (supervision.open_case).

    Without a supervising department there is no one to open the case against: the need is kept as an
    audit event and a notification, for the office to assign one.
    """
    from anze.supervision.choices import CaseSource  # noqa: PLC0415
    from anze.supervision.errors import SupervisionError  # noqa: PLC0415
    from anze.supervision.services import open_case  # noqa: PLC0415

    if hd.supervising_unit_id is None:
        record(
            "prevention.escalate_major_hidden_danger",
            actor=actor,
            obj=hd,
            after={"grade": hd.grade, "deadline": hd.deadline},
            reason="重大隐患挂牌督办：企业未确定行业主管部门",
        )
        _notify("major_hidden_danger", hd)
        return
    try:
        open_case(
            actor=actor,
            unit=hd.supervising_unit,
            title=f"重大隐患挂牌督办：{hd.enterprise.name} {hd.title}",
            body=f"{hd.place}：{hd.description}",
            deadline=hd.deadline,
            source=CaseSource.HIDDEN_DANGER,
            source_object=hd,
            urgent=True,
        )
    except SupervisionError as exc:
        if exc.code != "case_exists":  # registered twice (e.g. re-graded): the open case stands
            raise


@transaction.atomic
def save_rectification_plan(*, actor: Any, hd: HiddenDanger, **elements: str) -> RectificationPlan:
    """治理方案 of a 重大 hidden danger (six elements)."""
    hd = _lock(hd)
    if not hd.status_choice.is_open:
        raise errors.TransitionError("已验收或已销号的隐患不能修改治理方案")
    plan, _created = RectificationPlan.objects.get_or_create(hidden_danger=hd, defaults=elements)
    before = snapshot(plan)
    for name in RectificationPlan.ELEMENTS:
        if name in elements:
            setattr(plan, name, elements[name])
    plan.save()
    record("prevention.save_rectification_plan", actor=actor, obj=plan, before=before, after=snapshot(plan))
    return plan


@transaction.atomic
def add_photo(*, actor: Any, hd: HiddenDanger, stage: str, data: bytes) -> HiddenDangerPhoto:
    """Attach a photo (checked and re-encoded without metadata)."""
    clean = clean_photo(data)
    photo = HiddenDangerPhoto(
        hidden_danger=hd,
        stage=stage,
        sm3=clean.sm3,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    photo.file.save(clean.storage_name.rsplit("/", 1)[-1], ContentFile(clean.content), save=False)
    photo.save()
    record("prevention.add_photo", actor=actor, obj=photo, after={"stage": stage, "sm3": clean.sm3})
    return photo


@transaction.atomic
def start_rectification(*, actor: Any, hd: HiddenDanger) -> HiddenDanger:
    """开始整改; a 重大 one needs its complete six-element plan first."""
    hd = _lock(hd)
    _guard(hd, "start_rectification")
    if hd.grade == HiddenDangerGrade.MAJOR:
        plan = RectificationPlan.objects.filter(hidden_danger=hd).first()
        missing = plan.missing_elements() if plan else list(RectificationPlan.ELEMENTS)
        if missing:
            raise errors.PreventionError("重大隐患须先制定完整的治理方案（六落实）", errors.PLAN_INCOMPLETE)
    before = _state(hd)
    hd.status = HiddenDangerStatus.RECTIFYING
    hd.save(update_fields=["status", "updated_at"])
    record("prevention.start_rectification", actor=actor, obj=hd, before=before, after=_state(hd))
    return hd


@transaction.atomic
def submit_rectification(*, actor: Any, hd: HiddenDanger, note: str) -> HiddenDanger:
    """整改完成，申请验收: needs an after photo; the actor is recorded as the rectifier."""
    hd = _lock(hd)
    _guard(hd, "submit_rectification")
    if not hd.photos.filter(stage=PhotoStage.AFTER).exists():
        raise errors.PreventionError("请上传整改后照片", errors.AFTER_PHOTO_MISSING)
    before = _state(hd)
    hd.status = HiddenDangerStatus.AWAITING_ACCEPTANCE
    hd.rectified_by = actor
    hd.rectified_at = timezone.now()
    hd.rectification_note = note
    hd.save(update_fields=["status", "rectified_by", "rectified_at", "rectification_note", "updated_at"])
    record("prevention.submit_rectification", actor=actor, obj=hd, before=before, after=_state(hd))
    return hd


def may_review_major(user: Any, hd: HiddenDanger) -> bool:
    """The supervising department's side of a 重大 hidden danger: a government user who may change it (the
    department, or an office over it), never a user of the enterprise itself."""
    from anze.accounts.roles import Role  # noqa: PLC0415
    from anze.enterprises.models import EnterpriseMembership  # noqa: PLC0415

    if not getattr(user, "is_authenticated", False) or user.has_role(Role.ENTERPRISE):
        return False
    if EnterpriseMembership.objects.filter(user=user, enterprise_id=hd.enterprise_id).exists():
        return False
    return HiddenDanger.objects.restrict(user, "change").filter(pk=hd.pk).exists()


def _require_department(actor: Any, hd: HiddenDanger) -> None:
    if hd.is_major and not may_review_major(actor, hd):
        raise errors.NotAllowedError(
            "重大隐患由企业申请销号，须经行业主管部门审核：企业不能自行验收或销号", errors.DEPARTMENT_REVIEW_REQUIRED
        )


def _close_case_of(hd: HiddenDanger, *, actor: Any) -> None:
    """The 挂牌督办 case of a 重大 hidden danger ends with it."""
    from anze.supervision.services import resolve_cases_of  # noqa: PLC0415

    resolve_cases_of(hd, actor=actor, resolution=f"重大隐患经行业主管部门审核销号：{hd.title}")


@transaction.atomic
def accept_rectification(*, actor: Any, hd: HiddenDanger, note: str = "") -> HiddenDanger:
    """验收: by someone other than the rectifier.

    A 重大 one is reviewed by the supervising department (`may_review_major`): the enterprise applied for 销号 by
    submitting the rectification; the department's acceptance closes it (销号) and its 挂牌督办 case.
    """
    hd = _lock(hd)
    _guard(hd, "accept")
    if hd.rectified_by_id == getattr(actor, "pk", None):
        raise errors.NotAllowedError("验收人不能是整改人", errors.ACCEPTOR_IS_RECTIFIER)
    _require_department(actor, hd)
    before = _state(hd)
    now = timezone.now()
    hd.status = HiddenDangerStatus.CLOSED if hd.is_major else HiddenDangerStatus.ACCEPTED
    hd.accepted_by = actor
    hd.accepted_at = now
    hd.acceptance_note = note
    hd.closed_at = now if hd.is_major else hd.closed_at
    hd.save(update_fields=["status", "accepted_by", "accepted_at", "acceptance_note", "closed_at", "updated_at"])
    record(
        "prevention.accept_rectification",
        actor=actor,
        obj=hd,
        before=before,
        after=_state(hd),
        reason="重大隐患：行业主管部门审核通过，销号" if hd.is_major else "",
    )
    if hd.is_major:
        _close_case_of(hd, actor=actor)
    return hd


@transaction.atomic
def reject_rectification(*, actor: Any, hd: HiddenDanger, note: str) -> HiddenDanger:
    """验收不通过，退回整改 (for a 重大 one: the department returns the application for 销号)."""
    hd = _lock(hd)
    _guard(hd, "reject")
    if hd.rectified_by_id == getattr(actor, "pk", None):
        raise errors.NotAllowedError("验收人不能是整改人", errors.ACCEPTOR_IS_RECTIFIER)
    _require_department(actor, hd)
    before = _state(hd)
    hd.status = HiddenDangerStatus.RECTIFYING
    hd.acceptance_note = note
    hd.save(update_fields=["status", "acceptance_note", "updated_at"])
    record(
        "prevention.reject_rectification", actor=actor, obj=hd, before=before, after=_state(hd), reason=note
    )
    return hd


@transaction.atomic
def close_hidden_danger(*, actor: Any, hd: HiddenDanger) -> HiddenDanger:
    """销号: only after acceptance; a 重大 one only by the supervising department, and its case closes with it."""
    hd = _lock(hd)
    if hd.status != HiddenDangerStatus.ACCEPTED or hd.accepted_at is None:
        raise errors.TransitionError("未经验收的隐患不能销号", errors.NOT_ACCEPTED)
    _require_department(actor, hd)
    before = _state(hd)
    hd.status = HiddenDangerStatus.CLOSED
    hd.closed_at = timezone.now()
    hd.save(update_fields=["status", "closed_at", "updated_at"])
    record("prevention.close_hidden_danger", actor=actor, obj=hd, before=before, after=_state(hd))
    if hd.is_major:
        _close_case_of(hd, actor=actor)
    return hd


# -- overdue escalation (a job) -------------------------------------------------------------------------------


def escalate_overdue_hidden_dangers(*, today: dt.date, batch_size: int = 500) -> int:
    """Escalate open hidden dangers past their deadline, once each; safe to run twice. Returns the count."""
    ids = list(
        HiddenDanger.objects.filter(status__in=OPEN_STATUSES, deadline__lt=today, escalated_at__isnull=True)
        .order_by("deadline", "id")
        .values_list("pk", flat=True)[:batch_size]
    )
    done = 0
    for pk in ids:
        done += _escalate_one(pk, today=today)
    return done


@transaction.atomic
def _escalate_one(pk: int, *, today: dt.date) -> int:
    now = timezone.now()
    claimed = HiddenDanger.objects.filter(pk=pk, escalated_at__isnull=True, status__in=OPEN_STATUSES).update(
        escalated_at=now
    )
    if claimed != 1:
        return 0
    hd = HiddenDanger.objects.get(pk=pk)
    record(
        "prevention.escalate_overdue",
        actor="job:escalate_overdue_hidden_dangers",
        obj=hd,
        after={"deadline": hd.deadline, "days_overdue": (today - hd.deadline).days},
        reason="隐患逾期未整改",
    )
    _notify("overdue_hidden_danger", hd)
    return 1


@transaction.atomic
def refresh_statistics(*, actor: Any, today: dt.date) -> int:
    """Rebuild the statistics summary (HiddenDangerTally) as of `today`; one audit event."""
    from anze.prevention.stats import refresh_tally  # noqa: PLC0415

    rows = refresh_tally(today=today)
    record("prevention.refresh_statistics", actor=actor, obj=None, after={"as_of": today, "rows": rows})
    return rows
