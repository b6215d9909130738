"""State changes of 两客一危 vehicles: registering, storing positions through the driving rules, offline
detection, pushing unacknowledged alarms to the 交通运输 department, acknowledging. Each atomic and audited.

Positions arrive from the JT/T 808 listener (`anze monitoring jt808`), which decodes 0x0200 reports
(adapters.jt808) into (vehicle, position) rows and answers the terminal only after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from anze.audit.services import record, snapshot
from anze.monitoring import driving, online
from anze.monitoring.choices import AlarmStatus, Tier, VehicleRule
from anze.monitoring.errors import MonitoringError
from anze.monitoring.models import VEHICLE_STATE_FIELDS, Vehicle, VehicleAlarm, VehiclePosition

logger = logging.getLogger(__name__)
PUSH_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Report:
    """One position of a known vehicle, as the adapters decode it."""

    vehicle_id: int
    at: dt.datetime
    latitude: Decimal
    longitude: Decimal
    speed_kmh: Decimal
    direction: int = 0
    road: str = ""
    acc_on: bool = True
    alarm_flags: int = 0
    status_flags: int = 0


@dataclass
class Result:
    stored: int = 0
    raised: list[VehicleAlarm] = field(default_factory=list)
    recovered: int = 0


def _state(v: Vehicle) -> driving.State:
    return driving.State(
        last_at=v.last_at,
        moving_since=v.moving_since,
        standing_since=v.standing_since,
        over_since=v.over_since,
        active=frozenset(driving.Rule(r) for r in v.active_rules.split(",") if r),
    )


def _set_state(v: Vehicle, state: driving.State) -> None:
    v.last_at, v.moving_since, v.standing_since, v.over_since = (
        state.last_at, state.moving_since, state.standing_since, state.over_since)  # fmt: skip
    v.active_rules = ",".join(sorted(r.value for r in state.active))


@transaction.atomic
def register_vehicle(*, actor: Any, enterprise: Any, **fields: Any) -> Vehicle:
    """车辆入网: a vehicle of a transport company with its terminal's phone number."""
    fields["terminal_phone"] = str(fields.get("terminal_phone", "")).strip().lstrip("0")
    if not fields["terminal_phone"].isdigit():
        raise MonitoringError("bad_phone", "终端手机号应为数字（JT/T 808 消息头中的终端手机号）。")
    vehicle = Vehicle(enterprise=enterprise, region_path=enterprise.region.path, **fields)
    vehicle.full_clean()
    vehicle.save()
    record("monitoring.register_vehicle", actor=actor, obj=vehicle, after=snapshot(vehicle))
    return vehicle


def _apply(vehicle: Vehicle, changes: Sequence[driving.Change], raised: list, recover: list) -> None:
    for change in changes:
        if change.active:
            raised.append(VehicleAlarm(vehicle=vehicle, enterprise_id=vehicle.enterprise_id,
                                       region_path=vehicle.region_path, rule=VehicleRule(change.rule.value),
                                       value=change.value, limit=change.limit, raised_at=change.at))  # fmt: skip
        else:
            pending = next((a for a in raised if a.vehicle is vehicle and a.rule == change.rule.value
                            and a.is_active), None)  # fmt: skip
            if pending is not None:
                pending.is_active, pending.recovered_at = False, change.at
            else:
                recover.append((vehicle.pk, change.rule.value, change.at))


def _recover(items: list[tuple[int, str, dt.datetime]]) -> int:
    return sum(
        VehicleAlarm.objects.filter(vehicle_id=v, rule=rule, is_active=True).update(
            is_active=False, recovered_at=at
        )
        for v, rule, at in items
    )


@transaction.atomic
def ingest_positions(reports: Sequence[Report], *, actor: Any, now: dt.datetime | None = None) -> Result:
    """存储定位数据 and run the driving rules over each vehicle's new positions in time order."""
    now = now or timezone.now()
    result = Result()
    if not reports:
        return result
    VehiclePosition.objects.bulk_create(
        VehiclePosition(
            vehicle_id=r.vehicle_id,
            at=r.at,
            latitude=r.latitude,
            longitude=r.longitude,
            speed_kmh=r.speed_kmh,
            direction=r.direction,
            road=r.road,
            alarm_flags=r.alarm_flags,
            status_flags=r.status_flags,
            received_at=now,
        )  # fmt: skip
        for r in reports
    )
    result.stored = len(reports)
    by_vehicle: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        by_vehicle[r.vehicle_id].append(r)
    vehicles = list(Vehicle.objects.select_for_update().filter(pk__in=by_vehicle).order_by("pk"))
    raised: list[VehicleAlarm] = []
    recover: list = []
    for vehicle in vehicles:
        state, cls = _state(vehicle), driving.VehicleClass(vehicle.vehicle_class)
        for r in sorted(by_vehicle[vehicle.pk], key=lambda r: r.at):
            before = state.last_at
            state, changes = driving.step(
                state, driving.Position(r.at, r.speed_kmh, driving.Road(r.road), r.acc_on), cls
            )
            if state.last_at != before:
                vehicle.latitude, vehicle.longitude, vehicle.speed_kmh = r.latitude, r.longitude, r.speed_kmh
            _apply(vehicle, changes, raised, recover)
        _set_state(vehicle, state)
    Vehicle.objects.bulk_update(vehicles, VEHICLE_STATE_FIELDS, batch_size=500)
    result.recovered = _recover(recover)
    result.raised = VehicleAlarm.objects.bulk_create(raised)
    record("monitoring.ingest_positions", actor=actor,
           after={"stored": result.stored, "raised": [str(a.public_id) for a in result.raised],
                  "recovered": result.recovered})  # fmt: skip
    _announce([a for a in result.raised if a.is_active], tier=Tier.ENTERPRISE, now=now)
    return result


@transaction.atomic
def detect_vehicle_offline(*, now: dt.datetime) -> int:
    """车辆离线: vehicles in service silent for driving.OFFLINE_AFTER (safe to run twice)."""
    vehicles = list(
        Vehicle.objects.select_for_update()
        .filter(in_service_from__lte=now)
        .exclude(in_service_until__lte=now)
        .exclude(active_rules__contains=driving.Rule.OFFLINE.value)
        .order_by("pk")
    )
    raised: list[VehicleAlarm] = []
    changed = []
    for vehicle in vehicles:
        state, changes = driving.check_offline(_state(vehicle), now, since=vehicle.in_service_from)
        if changes:
            _set_state(vehicle, state)
            changed.append(vehicle)
            _apply(vehicle, changes, raised, [])
    if not changed:
        return 0
    Vehicle.objects.bulk_update(changed, ["active_rules"])
    alarms = VehicleAlarm.objects.bulk_create(raised)
    record("monitoring.detect_vehicle_offline", actor="monitoring.vehicles",
           after={"raised": [str(a.public_id) for a in alarms]})  # fmt: skip
    _announce(alarms, tier=Tier.ENTERPRISE, now=now)
    return len(alarms)


@transaction.atomic
def acknowledge_vehicle_alarm(
    alarm: VehicleAlarm, *, actor: Any, now: dt.datetime | None = None
) -> VehicleAlarm:
    """确认车辆报警 (the company's monitoring staff have reminded the driver); pushing stops."""
    alarm = VehicleAlarm.objects.select_for_update().get(pk=alarm.pk)
    if not VehicleAlarm.objects.restrict(actor, "change").filter(pk=alarm.pk).exists():
        raise MonitoringError("forbidden", "无权处理该报警。")
    if not alarm.status_choice.can_acknowledge():
        raise MonitoringError("bad_transition", f"报警当前状态“{alarm.status_choice.label}”，不能确认。")
    alarm.status, alarm.acknowledged_at, alarm.acknowledged_by = (
        AlarmStatus.ACKNOWLEDGED,
        now or timezone.now(),
        actor,
    )
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    record("monitoring.acknowledge_vehicle_alarm", actor=actor, obj=alarm, after={"status": alarm.status})
    return alarm


def push_vehicle_alarms(*, now: dt.datetime) -> int:
    """An alarm the company has not acknowledged within PUSH_AFTER goes to the 交通运输 department (once)."""
    due = list(
        VehicleAlarm.objects.filter(
            status=AlarmStatus.RAISED, tier=Tier.ENTERPRISE, raised_at__lte=now - PUSH_AFTER
        )
        .order_by("raised_at")
        .values_list("pk", flat=True)[:500]
    )
    pushed = 0
    for pk in due:
        with transaction.atomic():
            if VehicleAlarm.objects.filter(pk=pk, tier=Tier.ENTERPRISE, status=AlarmStatus.RAISED).update(
                tier=Tier.COUNTY, pushed_at=now
            ):
                alarm = VehicleAlarm.objects.select_related("vehicle").get(pk=pk)
                record("monitoring.push_vehicle_alarm", actor="monitoring.vehicles", obj=alarm,
                       before={"tier": 1}, after={"tier": 2})  # fmt: skip
                _announce([alarm], tier=Tier.COUNTY, now=now)
                pushed += 1
    return pushed


def transport_department(enterprise: Any) -> int | None:
    """The 交通运输 department over a transport company: the county's supervisor of its industry, else the
    city's, else the company's supervising unit."""
    from anze.enterprises.models import IndustrySupervisor

    regions = [
        r for r in (enterprise.county_id, enterprise.county.parent_id if enterprise.county_id else None) if r
    ]
    for region_id in regions:
        unit = (IndustrySupervisor.objects.filter(region_id=region_id, industry_id=enterprise.industry_id)
                .values_list("unit_id", flat=True).first())  # fmt: skip
        if unit:
            return unit
    return enterprise.supervising_unit_id


def _announce(alarms: Sequence[VehicleAlarm], *, tier: int, now: dt.datetime) -> None:
    from anze.core import notices
    from anze.enterprises.models import Enterprise, EnterpriseMembership

    groups: dict[int, list[VehicleAlarm]] = defaultdict(list)
    for alarm in alarms:
        groups[alarm.enterprise_id].append(alarm)
    enterprises = Enterprise.objects.select_related("county").in_bulk(list(groups))
    for enterprise_id, group in groups.items():
        enterprise = enterprises[enterprise_id]
        if tier == Tier.ENTERPRISE:
            users = list(
                EnterpriseMembership.objects.filter(enterprise_id=enterprise_id).values_list(
                    "user_id", flat=True
                )
            )
            recipients = {"user_ids": users, "unit_ids": []}
            title = gettext("车辆报警：%(name)s %(n)s 起，请提醒驾驶员并确认") % {
                "name": enterprise.name,
                "n": len(group),
            }
        else:
            unit = transport_department(enterprise)
            recipients = {"user_ids": [], "unit_ids": [unit] if unit else []}
            title = gettext("车辆报警企业未确认：%(name)s %(n)s 起") % {
                "name": enterprise.name,
                "n": len(group),
            }
        lines = [f"{timezone.localtime(a.raised_at):%m-%d %H:%M} {a.vehicle.plate} {a.get_rule_display()}"
                 + (f" {a.value}/{a.limit}" if a.value is not None else "") for a in group[:5]]  # fmt: skip
        notices.announce(notices.MONITORING_ALARM, obj=f"valarm{min(a.pk for a in group)}:n{len(group)}:tier{tier}",
                         title=title[:200], body="\n".join(lines), urgent=False, now=now, **recipients)  # fmt: skip


def vehicle_online_counts(
    vehicles, window: online.Window, *, group_by: str = "enterprise_id"
) -> dict[Any, online.Count]:
    """车辆上线率 counts per group: vehicles in service during the window that sent a position within it."""
    from django.db.models import Count, Exists, OuterRef, Q

    expected = vehicles.filter(in_service_from__lt=window.end).exclude(in_service_until__lte=window.start)
    seen = VehiclePosition.objects.filter(vehicle_id=OuterRef("pk"), at__gte=window.start, at__lt=window.end)
    rows = (expected.annotate(seen=Exists(seen)).values(group_by)
            .annotate(expected=Count("pk"), reporting=Count("pk", filter=Q(seen=True))).order_by())  # fmt: skip
    return {r[group_by]: online.Count(r["reporting"], r["expected"]) for r in rows}


# -- the canonical JSON door (HTTP batch upload and MQTT) ------------------------------------------------------

FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclass
class Accepted:
    """What a batch of canonical position messages did."""

    stored: int = 0
    rejected: int = 0
    rejected_messages: int = 0
    raised: int = 0
    reasons: list[str] = field(default_factory=list)


def accept_positions(
    payloads: Sequence[tuple[str, bytes]], *, channel: str, actor: Any, enterprise: Any = None,
    now: dt.datetime | None = None,
) -> Accepted:  # fmt: skip
    """Store canonical position messages (topic, payload) in one transaction through the driving rules.

    A message that cannot be read, of another enterprise than the token's (`enterprise`), or naming a plate
    the enterprise has not registered is kept in the rejected messages with the reason; its good positions
    are stored all the same.
    """
    from anze.enterprises.models import Enterprise
    from anze.monitoring import services
    from anze.monitoring.adapters import canonical_vehicles
    from anze.monitoring.choices import RejectReason

    now = now or timezone.now()
    outcome = Accepted()
    reports: list[Report] = []

    def reject(topic, reason, detail, payload, owner=None, count=0):
        services.reject_message(channel=channel, topic=topic, reason=reason, detail=detail[:500],
                                payload=payload, enterprise=owner)  # fmt: skip
        outcome.rejected_messages += 1
        outcome.rejected += count
        outcome.reasons.append(f"{reason}: {detail}")

    with transaction.atomic():
        for topic, payload in payloads:
            try:
                message = canonical_vehicles.parse(payload)
            except canonical_vehicles.Malformed as exc:
                reject(topic, RejectReason.MALFORMED, str(exc), payload)
                continue
            owner = Enterprise.objects.filter(credit_code=message.enterprise).first()
            count = len(message.positions) + len(message.bad)
            if owner is None or (enterprise is not None and owner.pk != enterprise.pk):
                reject(topic, RejectReason.UNKNOWN_GATEWAY, f"企业“{message.enterprise}”未登记或与凭据不符",
                       payload, enterprise, count)  # fmt: skip
                continue
            fleet = dict(
                Vehicle.objects.filter(enterprise=owner, plate__in={p.plate for p in message.positions})
                .values_list("plate", "pk")
            )  # fmt: skip
            bad = [(b.reason, b.detail) for b in message.bad]
            for p in message.positions:
                if p.plate not in fleet:
                    bad.append((RejectReason.UNKNOWN_VEHICLE, f"车辆“{p.plate}”未在本企业登记"))
                elif p.at > now + FUTURE_TOLERANCE:
                    bad.append((RejectReason.BAD_TIME, f"{p.plate}：时间 {p.at.isoformat()} 晚于接收时间"))
                else:
                    reports.append(Report(
                        vehicle_id=fleet[p.plate], at=p.at, latitude=p.latitude, longitude=p.longitude,
                        speed_kmh=p.speed_kmh, direction=p.direction, road=p.road, acc_on=p.acc_on,
                    ))  # fmt: skip
            if bad:
                detail = "；".join(sorted({d for _, d in bad}))
                reject(topic, bad[0][0], f"{len(bad)} 个定位未存储：{detail}", payload, owner, len(bad))
        result = ingest_positions(reports, actor=actor, now=now)
    outcome.stored, outcome.raised = result.stored, len(result.raised)
    return outcome
