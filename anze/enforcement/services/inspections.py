"""State changes of inspections and penalties. Each is atomic, takes `actor=`, checks its guard and writes one
audit event.

An inspection comes from a draw's selection (双随机), a plan's 重点检查 or a complaint, always with at least two
inspectors. Its findings become hidden dangers through prevention's own service (the existing loop) or
violations; 责令限期整改 carries a deadline flagged by the deadlines job when passed. A penalty decision gets its
disclosure deadline (7 working days, Safety Law art. 78) from the duties calendar; publishing after it is
shown as late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.enforcement import disclosure, errors
from anze.enforcement.choices import (
    CheckResult,
    FindingKind,
    InspectionKind,
    InspectionStatus,
    PartyKind,
    PenaltyType,
)
from anze.enforcement.models import (
    DrawSelection,
    Finding,
    Inspection,
    InspectionCheck,
    InspectionPhoto,
    Inspector,
    Penalty,
)

MIN_INSPECTORS = 2
MAX_PHOTOS = 6
PHOTOS_PER_HOUR = 60


def _lock(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


@transaction.atomic
def schedule_inspection(
    *,
    actor: Any,
    enterprise,
    department,
    inspectors: list[Inspector],
    scheduled_on: dt.date,
    kind: str = InspectionKind.OTHER,
    plan=None,
    selection: DrawSelection | None = None,
) -> Inspection:
    """安排检查: at least two inspectors (行政处罚法 art. 42), none with a declared conflict (art. 43)."""
    if len({i.pk for i in inspectors}) < MIN_INSPECTORS:
        raise errors.EnforcementError(
            "每次检查至少两名执法人员（行政处罚法第四十二条）。", "too_few_inspectors"
        )
    conflicted = [i for i in inspectors if i.conflicts.filter(enterprise=enterprise).exists()]
    if conflicted:
        names = "、".join(str(i) for i in conflicted)
        raise errors.EnforcementError(
            f"{names} 已申报与该企业的回避关系，不能参加检查。", "conflict_of_interest"
        )
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        region_path=enterprise.region.path,
        supervising_unit_id=enterprise.supervising_unit_id,
        department=department,
        plan=plan,
        selection=selection,
        kind=kind,
        scheduled_on=scheduled_on,
    )
    inspection.inspectors.set(inspectors)
    items = plan.items.all() if plan is not None else []
    InspectionCheck.objects.bulk_create(
        [
            InspectionCheck(inspection=inspection, item=item, title=f"{item.code} {item.title}")
            for item in items
        ]
    )
    record("enforcement.schedule_inspection", actor=actor, obj=inspection, after=snapshot(inspection))
    return inspection


@transaction.atomic
def schedule_from_draw(*, actor: Any, draw, scheduled_on: dt.date) -> int:
    """Inspections for every selection of a drawn draw that has none yet (safe to run twice)."""
    from anze.enforcement.choices import DrawStatus

    if draw.status != DrawStatus.DRAWN:
        raise errors.TransitionError("只能为已抽取且未作废的抽取安排检查。", "not_drawn")
    made = 0
    for selection in draw.selections.filter(inspection__isnull=True).select_related("enterprise__region"):
        inspection = Inspection.objects.create(
            enterprise=selection.enterprise,
            region_path=selection.enterprise.region.path,
            supervising_unit_id=selection.enterprise.supervising_unit_id,
            department=draw.plan.department,
            plan=draw.plan,
            selection=selection,
            kind=InspectionKind.RANDOM,
            scheduled_on=scheduled_on,
        )
        inspection.inspectors.set(selection.inspectors.all())
        InspectionCheck.objects.bulk_create(
            [
                InspectionCheck(inspection=inspection, item=item, title=f"{item.code} {item.title}")
                for item in draw.plan.items.all()
            ]
        )
        made += 1
    record("enforcement.schedule_from_draw", actor=actor, obj=draw, after={"inspections": made})
    return made


@transaction.atomic
def record_check(*, actor: Any, check: InspectionCheck, result: str, note: str = "") -> InspectionCheck:
    """One checklist item's result."""
    inspection = _lock(check.inspection)
    if not inspection.status_choice.can_record():
        raise errors.TransitionError("检查已完成，不能再修改检查记录。", "inspection_completed")
    if result not in CheckResult.values:
        raise errors.EnforcementError("未知的检查结果。", "bad_result")
    before = snapshot(check)
    check.result = result
    check.note = note[:300]
    check.save(update_fields=["result", "note", "updated_at"])
    record("enforcement.record_check", actor=actor, obj=inspection, before=before, after=snapshot(check))
    return check


@transaction.atomic
def add_finding(
    *,
    actor: Any,
    inspection: Inspection,
    kind: str,
    description: str,
    rectify_by: dt.date | None = None,
    grade: str = "general",
    place: str = "",
    responsible_person: str = "",
) -> Finding:
    """发现问题: a hidden danger goes into prevention's loop (its own service); a violation may be ordered
    rectified by a date (责令限期整改)."""
    inspection = _lock(inspection)
    if not inspection.status_choice.can_record():
        raise errors.TransitionError("检查已完成，不能再添加问题。", "inspection_completed")
    if not description.strip():
        raise errors.EnforcementError("请描述发现的问题。", "description_required")
    day = inspection.inspected_on or timezone.localdate()
    if rectify_by is not None and rectify_by < day:
        raise errors.EnforcementError("整改期限不能早于检查日期。", "deadline_before_inspection")
    hidden_danger = None
    if kind == FindingKind.HIDDEN_DANGER:
        from anze.prevention.services import report_hidden_danger

        if rectify_by is None:
            raise errors.EnforcementError("事故隐患须写明整改期限。", "deadline_required")
        hidden_danger = report_hidden_danger(
            actor=actor,
            enterprise=inspection.enterprise,
            source="government_inspection",
            grade=grade,
            title=description[:200],
            description=description,
            place=place or "—",
            responsible_person=responsible_person or inspection.enterprise.principal or "—",
            found_on=day,
            deadline=rectify_by,
            register=True,
        )
    elif kind != FindingKind.VIOLATION:
        raise errors.EnforcementError("问题类别应为事故隐患或违法行为。", "bad_kind")
    finding = Finding.objects.create(
        inspection=inspection,
        kind=kind,
        description=description,
        hidden_danger=hidden_danger,
        rectify_by=rectify_by,
    )
    record("enforcement.add_finding", actor=actor, obj=inspection, after=snapshot(finding))
    return finding


def photos_per_hour() -> int:
    """How many inspection photos one user may upload in an hour (a phone on site takes a few dozen)."""
    return int(getattr(settings, "ANZE_INSPECTION_PHOTOS_PER_HOUR", PHOTOS_PER_HOUR))


@transaction.atomic
def add_inspection_photos(
    *,
    actor: Any,
    inspection: Inspection,
    photos: Sequence[bytes | UploadedFile],
    finding: Finding | None = None,
    caption: str = "",
    now: dt.datetime | None = None,
) -> list[InspectionPhoto]:
    """检查照片: evidence of the inspection, or of one of its findings, while it is being recorded.

    The cheap checks come first, as for a public tip: the number of photos, then the uploader's hourly
    limit, then every photo's declared size, bytes and header and the pixels of all of them (PhotoError),
    before the first is decoded; nothing is saved until all of them passed.
    """
    from anze.prevention.images import PhotoError, clean_photos

    now = now or timezone.now()
    if not photos:
        raise errors.EnforcementError("请选择照片。", "photos_required")
    if len(photos) > MAX_PHOTOS:
        raise errors.EnforcementError(f"一次最多上传 {MAX_PHOTOS} 张照片。", "too_many_photos")
    inspection = _lock(inspection)
    if not inspection.status_choice.can_record():
        raise errors.TransitionError("检查已完成，不能再添加照片。", "inspection_completed")
    if finding is not None and finding.inspection_id != inspection.pk:
        raise errors.EnforcementError("该问题不属于这次检查。", "finding_elsewhere")
    uploader = actor if getattr(actor, "pk", None) else None
    if uploader is not None:
        recent = InspectionPhoto.objects.filter(
            uploaded_by=uploader, created_at__gt=now - dt.timedelta(hours=1)
        ).count()
        if recent + len(photos) > photos_per_hour():
            raise errors.EnforcementError(
                f"一小时内最多上传 {photos_per_hour()} 张照片（已上传 {recent} 张），请稍后再传。",
                "rate_limited",
            )
    try:
        cleaned = clean_photos(photos)
    except PhotoError as exc:
        raise errors.EnforcementError(exc.message_zh, exc.code) from None
    rows = []
    for clean in cleaned:
        photo = InspectionPhoto(
            inspection=inspection, finding=finding, sm3=clean.sm3, caption=caption[:200], uploaded_by=uploader
        )
        photo.file.save(clean.storage_name.rsplit("/", 1)[-1], ContentFile(clean.content), save=False)
        photo.save()
        rows.append(photo)
    record(
        "enforcement.add_inspection_photos",
        actor=actor,
        obj=inspection,
        after={
            "photos": [p.sm3 for p in rows],
            "finding": finding.pk if finding else None,
            "caption": caption[:200],
        },
    )
    return rows


@transaction.atomic
def confirm_rectified(*, actor: Any, finding: Finding, rectified_on: dt.date) -> Finding:
    """复查: a violation ordered rectified is done (a hidden danger closes through prevention's loop)."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.kind != FindingKind.VIOLATION or finding.rectify_by is None:
        raise errors.EnforcementError(
            "只有责令限期整改的违法行为在这里复查；隐患请在隐患台账中验收销号。", "not_ordered"
        )
    if finding.rectified_on is not None:
        raise errors.TransitionError("已复查。", "already_rectified")
    finding.rectified_on = rectified_on
    finding.save(update_fields=["rectified_on", "updated_at"])
    record("enforcement.confirm_rectified", actor=actor, obj=finding.inspection, after=snapshot(finding))
    return finding


@transaction.atomic
def complete_inspection(
    *, actor: Any, inspection: Inspection, inspected_on: dt.date, summary: str
) -> Inspection:
    """检查完成: every checklist item has a result."""
    inspection = _lock(inspection)
    if not inspection.status_choice.can_complete():
        raise errors.TransitionError("检查已完成。", "inspection_completed")
    pending = inspection.checks.filter(result=CheckResult.PENDING).count()
    if pending:
        raise errors.EnforcementError(f"还有 {pending} 项检查事项没有结果。", "checks_pending")
    if inspected_on > timezone.localdate():
        raise errors.EnforcementError("检查日期不能晚于今天。", "date_in_future")
    before = snapshot(inspection)
    inspection.inspected_on = inspected_on
    inspection.summary = summary
    inspection.status = InspectionStatus.COMPLETED
    inspection.save()
    record(
        "enforcement.complete_inspection",
        actor=actor,
        obj=inspection,
        before=before,
        after=snapshot(inspection),
    )
    return inspection


def _encrypt_id(number: str, decision_number: str) -> bytes:
    from anze.public.crypto import encrypt_identity

    return encrypt_identity({"id_number": number}, associated=decision_number.encode())


def _search_text(penalty: Penalty) -> str:
    return " ".join(
        [penalty.decision_number, penalty.public_party, penalty.credit_code, penalty.facts[:200]]
    )[:400]


@transaction.atomic
def decide_penalty(
    *,
    actor: Any,
    decision_number: str,
    department,
    party_kind: str,
    party_name: str,
    facts: str,
    legal_basis: str,
    penalty_type: str,
    decided_on: dt.date,
    amount: Decimal | int = 0,
    enterprise=None,
    county=None,
    inspection: Inspection | None = None,
    party_id_number: str = "",
    without_permit: bool = False,
    aggravated_fine: bool = False,
    agency_misconduct: bool = False,
    refused_enforcement: bool = False,
) -> Penalty:
    """行政处罚决定: with its disclosure deadline (7 working days), and the blacklist grounds it records."""
    from anze.duties.holidays import refresh_calendar

    grounds = without_permit or aggravated_fine or agency_misconduct or refused_enforcement
    if grounds and (party_kind != PartyKind.UNIT or (enterprise is None and inspection is None)):
        raise errors.EnforcementError(
            "失信名单的列入情形只适用于登记在册的单位：请选择企业。", "listing_ground_needs_enterprise"
        )
    if aggravated_fine and penalty_type != PenaltyType.FINE:
        raise errors.EnforcementError("2至5倍罚款须为罚款决定，并写明金额。", "aggravated_fine_not_a_fine")

    if penalty_type == PenaltyType.FINE and Decimal(amount) <= 0:
        raise errors.EnforcementError("罚款须写明金额。", "amount_required")
    if party_kind not in PartyKind.values or penalty_type not in PenaltyType.values:
        raise errors.EnforcementError("当事人类型或处罚种类无效。", "bad_choice")
    if enterprise is None and inspection is not None:
        enterprise = inspection.enterprise
    county = county or getattr(enterprise, "county", None)
    if county is None:
        raise errors.EnforcementError("请选择企业或县区。", "county_required")
    # The office's holiday arrangements (节假日安排) as the duties app keeps them, then 7 working days.
    refresh_calendar()
    due = disclosure.disclosure_due(decided_on)
    penalty = Penalty(
        decision_number=decision_number,
        inspection=inspection,
        enterprise=enterprise,
        party_kind=party_kind,
        party_name=party_name,
        party_id_ciphertext=_encrypt_id(party_id_number, decision_number) if party_id_number else None,
        credit_code=getattr(enterprise, "credit_code", "") if party_kind == PartyKind.UNIT else "",
        department=department,
        county=county,
        region_path=county.path if enterprise is None else enterprise.region.path,
        supervising_unit_id=getattr(enterprise, "supervising_unit_id", None),
        facts=facts,
        legal_basis=legal_basis,
        penalty_type=penalty_type,
        amount=Decimal(amount),
        decided_on=decided_on,
        without_permit=without_permit,
        aggravated_fine=aggravated_fine,
        agency_misconduct=agency_misconduct,
        refused_enforcement=refused_enforcement,
        disclosure_due=due,
    )
    penalty.search_text = _search_text(penalty)
    try:
        with transaction.atomic():
            penalty.save()
    except IntegrityError as exc:
        raise errors.EnforcementError(
            f"决定书文号 {decision_number} 已存在。", "decision_number_exists"
        ) from exc
    record("enforcement.decide_penalty", actor=actor, obj=penalty, after=snapshot(penalty, PENALTY_FIELDS))
    return penalty


# The identity number never goes into the audit snapshot either.
PENALTY_FIELDS = [
    "decision_number",
    "party_kind",
    "party_name",
    "facts",
    "legal_basis",
    "penalty_type",
    "amount",
    "decided_on",
    "disclosure_due",
    "published_on",
    "without_permit",
    "aggravated_fine",
    "agency_misconduct",
    "refused_enforcement",
]


@transaction.atomic
def publish_penalty(*, actor: Any, penalty: Penalty, published_on: dt.date) -> Penalty:
    """公开: on the public page from `published_on`; after the due day it is shown as late."""
    penalty = Penalty.objects.select_for_update().get(pk=penalty.pk)
    if penalty.published_on is not None:
        raise errors.TransitionError("该决定已公开。", "already_published")
    if published_on < penalty.decided_on:
        raise errors.EnforcementError("公开日期不能早于决定日期。", "published_before_decision")
    penalty.published_on = published_on
    penalty.save(update_fields=["published_on", "updated_at"])
    record(
        "enforcement.publish_penalty",
        actor=actor,
        obj=penalty,
        after={"published_on": published_on, "late": penalty.published_late},
    )
    return penalty


def mark_overdue_findings(*, now: dt.datetime, batch_size: int = 500) -> int:
    """Flag 责令限期整改 orders past their date (set-based, in batches, safe to run twice)."""
    today = timezone.localtime(now).date()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Finding.objects.filter(
                    rectified_on__isnull=True,
                    overdue_at__isnull=True,
                    rectify_by__lt=today,
                    kind=FindingKind.VIOLATION,
                )
                .order_by("rectify_by")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            n = Finding.objects.filter(pk__in=ids, overdue_at__isnull=True).update(overdue_at=now)
            record(
                "enforcement.mark_overdue_findings",
                actor="job:enforcement.deadlines",
                obj=None,
                after={"findings": n, "now": now},
            )
            total += n
