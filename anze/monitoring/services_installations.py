"""State changes of 在线监测's installations: major hazards (登记, 备案, 重新评估) with their GB 18218 grading, the
monitoring points, and the HTTP door's ingest tokens. Each is atomic, takes `actor=`, checks who may and writes
one audit event. (Readings, alarms and their life cycle are in services.py, which re-exports these names.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.monitoring import hazards
from anze.monitoring.choices import PointKind, detector_defaults
from anze.monitoring.errors import MonitoringError
from anze.monitoring.models import HazardSubstance, IngestToken, MajorHazard, MonitoringPoint

# -- major hazard installations ------------------------------------------------------------------------------


def _apply_assessment(hazard: MajorHazard, substances: Sequence[hazards.Substance]) -> hazards.Assessment:
    try:
        result = hazards.assess(substances, people_exposed=hazard.people_exposed)
    except (hazards.UnknownSubstance, ValueError) as exc:
        raise MonitoringError("bad_substance", str(exc)) from exc
    hazard.s_value = hazards.shown(result.s, 4)
    hazard.r_value = hazards.shown(result.r, 3)
    hazard.alpha = result.alpha
    hazard.is_major = result.is_major
    hazard.level = int(result.level) if result.level else None
    return result


@transaction.atomic
def assess_major_hazard(
    *, actor: Any, enterprise: Any, substances: Sequence[hazards.Substance], **fields: Any
) -> MajorHazard:
    """辨识评估: record a unit with its substances, identified (S) and graded (R) by GB 18218."""
    if not substances:
        raise MonitoringError("no_substance", "请至少填写一种危险化学品及其设计最大量。")
    hazard = MajorHazard(enterprise=enterprise, **fields)
    _apply_assessment(hazard, substances)
    hazard.full_clean()
    hazard.save()
    HazardSubstance.objects.bulk_create(
        HazardSubstance(hazard=hazard, name=s.name, hazard_class=s.hazard_class, quantity_t=s.quantity_t)
        for s in substances
    )
    record("monitoring.assess_major_hazard", actor=actor, obj=hazard, after=snapshot(hazard))
    _after_hazard_change(hazard)
    return hazard


def _ensure_may(actor: Any, model: Any, action: str, obj: Any = None, *, enterprise: Any = None) -> None:
    """Refuse what the actor's scope does not cover (None or a name is the system: demo loader, jobs)."""
    if actor is None or isinstance(actor, str):
        return
    if obj is not None:
        allowed = model.objects.restrict(actor, action).filter(pk=obj.pk).exists()
    else:
        from anze.enterprises.services import may_keep_records

        allowed = enterprise is not None and may_keep_records(actor, enterprise, action)
    if not allowed:
        raise MonitoringError("forbidden", "您无权为该企业登记或修改重大危险源。")


def _after_hazard_change(hazard: MajorHazard) -> None:
    """An enterprise holding a major hazard is marked so (the rules on major hazards apply to it), then
    re-evaluated against its rules."""
    from anze.enterprises import engine
    from anze.enterprises.models import Enterprise

    enterprise = hazard.enterprise
    if hazard.is_major and Enterprise.objects.filter(pk=enterprise.pk, has_major_hazard=False).update(
        has_major_hazard=True
    ):
        enterprise.has_major_hazard = True
        record(
            "enterprises.enterprise.update", actor="monitoring", obj=enterprise,
            before={"has_major_hazard": False}, after={"has_major_hazard": True, "because": str(hazard.public_id)},
        )  # fmt: skip
    engine.reevaluate(enterprise)


@transaction.atomic
def register_major_hazard(
    *, actor: Any, enterprise: Any, substances: Sequence[hazards.Substance], **fields: Any
) -> MajorHazard:
    """登记 a unit from a page or the API: the actor must keep the enterprise's records."""
    _ensure_may(actor, MajorHazard, "add", enterprise=enterprise)
    if MajorHazard.objects.filter(enterprise=enterprise, name=fields.get("name", "")).exists():
        raise MonitoringError(
            "duplicate", f"该企业已登记名为“{fields.get('name')}”的单元，请换一个名称或修改原单元。"
        )
    return assess_major_hazard(actor=actor, enterprise=enterprise, substances=substances, **fields)


@transaction.atomic
def file_major_hazard(
    hazard: MajorHazard, *, actor: Any, filed_on: dt.date, authority: str, today: dt.date | None = None
) -> MajorHazard:
    """备案: record the filing of the unit's current evaluation with the county department (40号令 art. 23)."""
    hazard = MajorHazard.objects.select_for_update().select_related("enterprise").get(pk=hazard.pk)
    _ensure_may(actor, MajorHazard, "change", hazard)
    today = today or timezone.localdate()
    if not hazard.is_major:
        raise MonitoringError("not_major", "该单元未构成重大危险源，无需备案。")
    if filed_on < hazard.assessed_on:
        raise MonitoringError(
            "filed_before_assessed",
            f"备案日期 {filed_on:%Y-%m-%d} 早于本次安全评估日期 {hazard.assessed_on:%Y-%m-%d}，请核对备案日期。",
        )
    if filed_on > today:
        raise MonitoringError(
            "filed_in_future", f"备案日期 {filed_on:%Y-%m-%d} 晚于今天，请填写实际备案日期。"
        )
    if not authority.strip():
        raise MonitoringError("no_authority", "请填写备案机关（所在地县级应急管理部门）。")
    before = snapshot(hazard, ["filed_on", "filing_authority"])
    hazard.filed_on, hazard.filing_authority = filed_on, authority.strip()
    hazard.save(update_fields=["filed_on", "filing_authority", "updated_at"])
    record(
        "monitoring.file_major_hazard", actor=actor, obj=hazard, before=before,
        after=snapshot(hazard, ["filed_on", "filing_authority"]),
    )  # fmt: skip
    _after_hazard_change(hazard)
    return hazard


@transaction.atomic
def reassess_major_hazard(
    hazard: MajorHazard,
    *,
    actor: Any,
    assessed_on: dt.date,
    substances: Sequence[hazards.Substance],
    people_exposed: int,
    today: dt.date | None = None,
) -> MajorHazard:
    """重新评估 (at least every three years, 40号令 art. 11): new quantities and exposure, graded again; the new
    evaluation must be filed again, so the filing is cleared."""
    hazard = MajorHazard.objects.select_for_update().select_related("enterprise").get(pk=hazard.pk)
    _ensure_may(actor, MajorHazard, "change", hazard)
    today = today or timezone.localdate()
    if not substances:
        raise MonitoringError("no_substance", "请至少填写一种危险化学品及其设计最大量。")
    if assessed_on <= hazard.assessed_on:
        raise MonitoringError(
            "not_newer",
            f"重新评估日期 {assessed_on:%Y-%m-%d} 须晚于上次评估日期 {hazard.assessed_on:%Y-%m-%d}。",
        )
    if assessed_on > today:
        raise MonitoringError(
            "assessed_in_future", f"评估日期 {assessed_on:%Y-%m-%d} 晚于今天，请填写评估报告完成日期。"
        )
    fields = ["assessed_on", "people_exposed", "s_value", "r_value", "alpha", "is_major", "level", "filed_on",
              "filing_authority"]  # fmt: skip
    before = {**snapshot(hazard, fields), "substances": _substances_of(hazard)}
    hazard.assessed_on, hazard.people_exposed = assessed_on, people_exposed
    _apply_assessment(hazard, substances)
    hazard.filed_on, hazard.filing_authority = None, ""
    hazard.full_clean()
    hazard.save()
    hazard.substances.all().delete()
    HazardSubstance.objects.bulk_create(
        HazardSubstance(hazard=hazard, name=s.name, hazard_class=s.hazard_class, quantity_t=s.quantity_t)
        for s in substances
    )
    record(
        "monitoring.reassess_major_hazard", actor=actor, obj=hazard, before=before,
        after={**snapshot(hazard, fields), "substances": _substances_of(hazard)},
    )  # fmt: skip
    _after_hazard_change(hazard)
    return hazard


def _substances_of(hazard: MajorHazard) -> list[list[str]]:
    return [[s.name, s.hazard_class, str(s.quantity_t)] for s in hazard.substances.order_by("name", "pk")]


def assessment_of(hazard: MajorHazard) -> hazards.Assessment:
    """The calculation behind a stored unit, term by term, for the page."""
    return hazards.assess(
        [hazards.Substance(s.name, s.quantity_t, s.hazard_class) for s in hazard.substances.all()],
        people_exposed=hazard.people_exposed,
    )


# -- points ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_point(*, actor: Any, enterprise: Any, kind: str, oel_ppm: Decimal | None = None, **fields: Any):
    """登记监测点. A detector left without set-points gets the GB/T 50493 defaults."""
    threshold_names = ("low_low", "low", "high", "high_high")
    if not any(fields.get(name) is not None for name in threshold_names):
        fields.update(detector_defaults(kind, oel_ppm=oel_ppm))
    fields.setdefault("unit", PointKind(kind).default_unit)
    point = MonitoringPoint(enterprise=enterprise, kind=kind, region_path=enterprise.region.path, **fields)
    try:
        point.limits()
    except ValueError as exc:
        raise MonitoringError("bad_limits", str(exc)) from exc
    point.full_clean()
    point.save()
    record("monitoring.create_point", actor=actor, obj=point, after=snapshot(point))
    return point


# -- the HTTP door's tokens -----------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_ingest_token(*, actor: Any, enterprise: Any, label: str) -> tuple[IngestToken, str]:
    """签发上传凭据: the token is shown once; only its digest is kept."""
    import secrets

    token = f"anze_{secrets.token_urlsafe(32)}"
    row = IngestToken.objects.create(
        enterprise=enterprise, label=label.strip() or "HTTP", digest=token_digest(token)
    )
    record("monitoring.issue_ingest_token", actor=actor, obj=row, after={"label": row.label})
    return row, token


@transaction.atomic
def revoke_ingest_token(row: IngestToken, *, actor: Any, now: dt.datetime | None = None) -> IngestToken:
    """吊销上传凭据."""
    row = IngestToken.objects.select_for_update().get(pk=row.pk)
    if row.revoked_at is not None:
        raise MonitoringError("already_revoked", "该凭据已吊销。")
    row.revoked_at = now or timezone.now()
    row.save(update_fields=["revoked_at", "updated_at"])
    record(
        "monitoring.revoke_ingest_token",
        actor=actor,
        obj=row,
        after={"revoked_at": row.revoked_at.isoformat()},
    )
    return row


def enterprise_for_token(token: str) -> Any:
    """The enterprise a live token belongs to, or None."""
    row = (
        IngestToken.objects.select_related("enterprise")
        .filter(digest=token_digest(token), revoked_at=None)
        .first()
    )
    return row.enterprise if row else None
