"""State changes of 在线监测. Each is atomic, takes `actor=`, checks its guard and writes one audit event.

Ingest is set-based: a batch of readings is written in one statement (COPY on PostgreSQL), the points it
touches are locked in id order, each point's readings run through the alarm state machine (`alarming`) in
time order, and the points' new states and the alarms' changes are written back in bulk. One audit event
records the batch with the alarms it raised and recovered.

The alarm life cycle: raised → pushed by tier (enterprise, county, city) while not acknowledged →
acknowledged → handled with a note → closed (消警, once the point has recovered). An alarm not handled within
its time opens a 督办 case (supervision); one whose handling reveals a hazard opens a hidden danger
(prevention), linked back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from anze.audit.services import record, snapshot
from anze.monitoring import alarming, online, partitions, pointcache
from anze.monitoring.choices import AlarmKind, AlarmStatus, RejectReason, Tier
from anze.monitoring.errors import MonitoringError
from anze.monitoring.models import (
    STATE_FIELDS,
    Alarm,
    HourlyRollup,
    MonitoringPoint,
    Reading,
    RejectedMessage,
)
from anze.monitoring.services_installations import (  # noqa: F401 - the app's callers use services.<name>
    assess_major_hazard,
    assessment_of,
    create_point,
    enterprise_for_token,
    file_major_hazard,
    issue_ingest_token,
    reassess_major_hazard,
    register_major_hazard,
    revoke_ingest_token,
    token_digest,
)

logger = logging.getLogger(__name__)

# Project-defined response times (no national figure was found): an alarm not acknowledged is pushed one tier
# up after PUSH_AFTER; one not handled within HANDLE_WITHIN[level] opens a 督办 case.
PUSH_AFTER = dt.timedelta(minutes=15)
HANDLE_WITHIN = {2: dt.timedelta(hours=1), 1: dt.timedelta(hours=4), 0: dt.timedelta(hours=24)}
CASE_DEADLINE_DAYS = 3
FAULT_KIND = {
    alarming.Fault.OUT_OF_RANGE: AlarmKind.OUT_OF_RANGE,
    alarming.Fault.FROZEN: AlarmKind.FROZEN,
    alarming.Fault.OFFLINE: AlarmKind.OFFLINE,
}
ALARM_FIELDS = ["status", "level", "is_active", "tier", "acknowledged_by", "handled_by", "closed_at", "case",
                "hidden_danger"]  # fmt: skip


# -- ingest ---------------------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    """What a batch did."""

    stored: int = 0
    raised: list[Alarm] = field(default_factory=list)
    recovered: int = 0
    repeated: int = 0  # readings already stored (same point, time and value: a message delivered again)


class _Times(dict):
    """Times as COPY text, each distinct time formatted once (None as NULL)."""

    def __missing__(self, at: dt.datetime | None) -> str:
        text = self[at] = "\\N" if at is None else at.isoformat()
        return text


def _write_readings(rows: Sequence[tuple[int, dt.datetime, float]], now: dt.datetime) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        # COPY in text form, each distinct time formatted once (a gateway's readings share their time).
        text = _Times()
        partitions.ensure_for({row[1] for row in rows})
        received = now.isoformat()
        data = "".join([f"{p}\t{text[at]}\t{v!r}\t{received}\n" for p, at, v in rows])
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY monitoring_reading (point_id, at, value, received_at) FROM STDIN"
            ) as copy:
                copy.write(data)
    else:
        Reading.objects.bulk_create(
            (Reading(point_id=p, at=at, value=v, received_at=now) for p, at, v in rows), batch_size=2000
        )


_STATE_UPDATE_PG = """
UPDATE monitoring_monitoringpoint AS p
SET level = v.level, pending = v.pending, pending_count = v.pending_count, faults = v.faults,
    last_value = v.last_value, same_count = v.same_count, last_at = v.last_at
FROM unnest(%s::bigint[], %s::smallint[], %s::smallint[], %s::smallint[], %s::varchar[], %s::float8[],
            %s::integer[], %s::timestamptz[])
     AS v(id, level, pending, pending_count, faults, last_value, same_count, last_at)
WHERE p.id = v.id
"""

# The same, only where the stored state is still the one the batch started from (its last time, faults and
# level: every other writer changes one of them), from a session table filled by COPY (arrays of 50,000
# parameters cost more to send than the update itself); answers the ids whose state had changed meanwhile.
_STATE_IN_PG = """
CREATE TEMPORARY TABLE IF NOT EXISTS monitoring_state_in (
    id bigint, level smallint, pending smallint, pending_count smallint, faults varchar(64), last_value float8,
    same_count integer, last_at timestamptz, was_at timestamptz, was_faults varchar(64), was_level smallint
) ON COMMIT DELETE ROWS
"""
_STATE_SWAP_PG = """
WITH done AS (
    UPDATE monitoring_monitoringpoint AS p
    SET level = v.level, pending = v.pending, pending_count = v.pending_count, faults = v.faults,
        last_value = v.last_value, same_count = v.same_count, last_at = v.last_at
    FROM monitoring_state_in AS v
    WHERE p.id = v.id AND p.last_at IS NOT DISTINCT FROM v.was_at AND p.faults = v.was_faults
      AND p.level = v.was_level
    RETURNING p.id
)
SELECT v.id FROM monitoring_state_in AS v WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = v.id)
"""


def write_states(points: Sequence[MonitoringPoint]) -> None:
    """Write the state machine's memory of `points` back in one statement (on PostgreSQL, from arrays; Django's
    bulk_update builds a CASE per row and column, which costs more than the alarm evaluation itself)."""
    if not points:
        return
    if connection.vendor != "postgresql":
        MonitoringPoint.objects.bulk_update(points, STATE_FIELDS, batch_size=500)
        return
    columns = [[p.pk for p in points]] + [[getattr(p, name) for p in points] for name in STATE_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_STATE_UPDATE_PG, columns)


def _state_columns(entries: Sequence[pointcache.Entry]) -> list[list]:
    rows = [e.state.row() for e in entries]
    return [[e.pk for e in entries]] + [list(column) for column in zip(*rows, strict=True)]


def _swap_states(entries: Sequence[pointcache.Entry], was: dict[int, tuple]) -> set[int]:
    """Write the states of `entries` where the stored one is still `was[pk]`; the ids where it was not."""
    times = _Times()
    lines = []
    for e in entries:
        st = e.state
        was_at, was_faults, was_level = was[e.pk]
        value = "\\N" if st.last_value is None else repr(st.last_value)
        lines.append(
            f"{e.pk}\t{st.level}\t{st.pending}\t{st.pending_count}\t{st.faults}\t{value}\t"
            f"{st.same_count}\t{times[st.last_at]}\t{times[was_at]}\t{was_faults}\t{was_level}\n"
        )
    with connection.cursor() as cursor:
        cursor.execute(_STATE_IN_PG)
        with cursor.cursor.copy("COPY monitoring_state_in FROM STDIN") as copy:
            copy.write("".join(lines))
        cursor.execute(_STATE_SWAP_PG)
        lost = {row[0] for row in cursor.fetchall()}
        cursor.execute("TRUNCATE monitoring_state_in")
        return lost


def _write_entry_states(entries: Sequence[pointcache.Entry]) -> None:
    if not entries:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_STATE_UPDATE_PG, _state_columns(entries))
        return
    points = [
        MonitoringPoint(pk=e.pk, **dict(zip(STATE_FIELDS, e.state.row(), strict=True))) for e in entries
    ]
    MonitoringPoint.objects.bulk_update(points, STATE_FIELDS, batch_size=500)


def _run(entry: pointcache.Entry, readings: list[tuple[dt.datetime, float]], late: list) -> list | None:
    """Take one point's readings (in time order) into `entry.state`; the transitions (None when none).

    A reading not after the state's last one is late (or repeated): it goes to `late` and moves nothing. A quiet
    point whose value stays inside its quiet band only records the value (alarming.quiet_band says why that
    is exactly what `alarming.step` would do); any other reading goes through `alarming.step`.
    """
    st = entry.state
    low, high, frozen_after = entry.low, entry.high, entry.frozen_after
    transitions = None
    for at, value in readings:
        if st.last_at is not None and at <= st.last_at:
            late.append((entry.pk, at, value))
            continue
        same = st.same_count + 1 if value == st.last_value else 1
        if (
            low < value < high
            and same < frozen_after
            and not (st.level or st.pending or st.pending_count or st.faults)
        ):
            st.last_value, st.same_count, st.last_at = value, same, at
            continue
        machine, out = alarming.step(st.machine(), Decimal(repr(value)), at, entry.limits)
        entry.state = st = pointcache.PointState.of(machine)
        if out:
            transitions = (transitions or []) + out
    return transitions


def _repeated(late: list[tuple[int, dt.datetime, float]]) -> set[tuple[int, dt.datetime, float]]:
    """Of the late readings, those already stored (same point, time and value)."""
    if not late:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.point_id, r.at, r.value FROM monitoring_reading r "
                "JOIN unnest(%s::bigint[], %s::timestamptz[]) AS v(point_id, at) "
                "ON r.point_id = v.point_id AND r.at = v.at",
                [[r[0] for r in late], [r[1] for r in late]],
            )
            stored = set(cursor.fetchall())
    else:
        stored = set(
            Reading.objects.filter(point_id__in={r[0] for r in late}, at__in={r[1] for r in late})
            .values_list("point_id", "at", "value")
        )  # fmt: skip
    return {r for r in late if r in stored}


def ingest_readings(
    rows: Sequence[tuple[int, dt.datetime, float]],
    *,
    actor: Any,
    now: dt.datetime | None = None,
    points: pointcache.PointCache | None = None,
) -> IngestResult:
    """存储实时数据 and evaluate alarms: rows are (point id, measured at, value) of known points."""
    cache = points or pointcache.PointCache()
    entries = cache.by_ids(row[0] for row in rows)
    grouped: dict[pointcache.Entry, list[tuple[dt.datetime, float]]] = defaultdict(list)
    strays = []
    for point_id, at, value in rows:
        entry = entries.get(point_id)
        if entry is None:
            strays.append((point_id, at, float(value)))
        else:
            grouped[entry].append((at, float(value)))
    return ingest_grouped(grouped, actor=actor, now=now, points=cache, strays=strays)


@transaction.atomic
def ingest_grouped(
    grouped: dict[pointcache.Entry, list[tuple[dt.datetime, float]]],
    *,
    actor: Any,
    now: dt.datetime | None = None,
    points: pointcache.PointCache,
    strays: Sequence[tuple[int, dt.datetime, float]] = (),
) -> IngestResult:
    """A batch of readings by point (entries of `points`): evaluated, stored, states and alarms written.

    Each point's readings run through the state machine from the state `points` holds; the states are then
    written in one statement which, on PostgreSQL, only takes where the stored state is still the one started
    from. The points where it was not (another writer came between) are read again under lock and run again.
    Readings already stored (a message delivered a second time) are not stored twice; alarms are raised and
    recovered only on the transitions.
    """
    now = now or timezone.now()
    result = IngestResult()
    if not grouped and not strays:
        return result
    entries = sorted(grouped, key=lambda e: e.pk)
    for entry in entries:
        readings = grouped[entry]
        if len(readings) > 1:  # in time order, each (time, value) once: a message may come twice in a batch
            readings.sort()
            unique = [r for i, r in enumerate(readings) if not i or r != readings[i - 1]]
            result.repeated += len(readings) - len(unique)
            grouped[entry] = unique
    points.load_states(entries)
    was = {e.pk: (e.state.last_at, e.state.faults, e.state.level) for e in entries}
    late: list[tuple[int, dt.datetime, float]] = []
    transitions = {}
    for entry in entries:
        if out := _run(entry, grouped[entry], late):
            transitions[entry.pk] = out
    if connection.vendor == "postgresql":
        lost = _swap_states(entries, was) if entries else set()
        if lost:
            again = [e for e in entries if e.pk in lost]
            points.load_states(again, lock=True)
            late = [r for r in late if r[0] not in lost]
            for entry in again:
                transitions.pop(entry.pk, None)
                if out := _run(entry, grouped[entry], late):
                    transitions[entry.pk] = out
            _write_entry_states(again)
    else:  # SQLite: the transaction holds the write lock from its start, and the states were read in it
        _write_entry_states(entries)

    repeated = _repeated(late)
    rows = [
        (e.pk, at, v)
        for e in entries
        for at, v in grouped[e]
        if not repeated or (e.pk, at, v) not in repeated
    ]
    rows.extend(strays)
    _write_readings(rows, now)
    result.stored = len(rows)
    result.repeated += len(repeated)

    changes = _Changes()
    for entry in entries:
        if entry.pk in transitions:
            _apply_transitions(entry, transitions[entry.pk], changes)
    result.recovered = _recover(changes.recover)
    result.raised = Alarm.objects.bulk_create(changes.raise_)
    if result.raised:
        located = MonitoringPoint.objects.in_bulk({a.point_id for a in result.raised})
        for alarm in result.raised:
            alarm.point = located[alarm.point_id]
    record(
        "monitoring.ingest_readings",
        actor=actor,
        after={
            "stored": result.stored,
            "repeated": result.repeated,
            "points": len(entries),
            "raised": [str(a.public_id) for a in result.raised],
            "recovered": result.recovered,
        },
    )
    if result.raised:
        announce_alarms(result.raised, tier=Tier.ENTERPRISE, now=now)
    return result


def _new_alarm(point: Any, kind: str, level: int, value: Any, at: dt.datetime) -> Alarm:
    return Alarm(
        point_id=point.pk,
        enterprise_id=point.enterprise_id,
        region_path=point.region_path,
        kind=kind,
        level=level,
        value=float(value) if value is not None else None,
        raised_at=at,
    )


class _Changes:
    """The alarm changes of one batch, in order: alarms raised in the batch are changed in memory, alarms
    already stored are changed by `_recover` (so a point that raises, recovers and raises again within one
    batch leaves one recovered and one active alarm)."""

    def __init__(self) -> None:
        self.raise_: list[Alarm] = []
        self.pending: dict[tuple[int, str], Alarm] = {}
        self.recover: list[tuple] = []

    def raise_alarm(self, point: Any, kind: str, level: int, value: Any, at: dt.datetime) -> None:
        alarm = _new_alarm(point, kind, level, value, at)
        self.raise_.append(alarm)
        self.pending[(point.pk, kind)] = alarm

    def recover_alarm(self, point: Any, kind: str, at: dt.datetime) -> None:
        alarm = self.pending.pop((point.pk, kind), None)
        if alarm is not None:
            alarm.is_active, alarm.recovered_at = False, at
        else:
            self.recover.append((point.pk, kind, at, None))

    def raise_level(self, point: Any, kind: str, level: int) -> None:
        alarm = self.pending.get((point.pk, kind))
        if alarm is not None:
            alarm.level = level
        else:
            self.recover.append((point.pk, kind, None, level))


def _apply_transitions(point: Any, transitions: Iterable[alarming.Transition], changes: _Changes) -> None:
    """Turn the machine's transitions into alarms raised, recovered, or raised in level (`point` has pk,
    enterprise_id and region_path: a MonitoringPoint or a cached entry)."""
    for change in transitions:
        if isinstance(change, alarming.FaultChange):
            kind = FAULT_KIND[change.fault]
            if change.active:
                changes.raise_alarm(point, kind, 0, change.value, change.at)
            else:
                changes.recover_alarm(point, kind, change.at)
            continue
        previous, current = int(change.previous), int(change.current)
        if previous and (not current or previous * current < 0):
            changes.recover_alarm(point, AlarmKind.LIMIT, change.at)
        if current and (not previous or previous * current < 0):
            changes.raise_alarm(point, AlarmKind.LIMIT, current, change.value, change.at)
        elif current and abs(current) > abs(previous):
            # 一级 → 二级: the same alarm, now at its peak level.
            changes.raise_level(point, AlarmKind.LIMIT, current)


def _recover(items: list[tuple]) -> int:
    """Recover active alarms (at a time) or raise their level (a new peak), one statement per change."""
    count = 0
    for point_id, kind, at, level in items:
        active = Alarm.objects.filter(point_id=point_id, kind=kind, is_active=True)
        if at is not None:
            count += active.update(is_active=False, recovered_at=at)
        else:
            active.update(level=level)
    return count


def reject_message(
    *, channel: str, topic: str, reason: str, detail: str, payload: bytes | str, enterprise: Any = None
) -> RejectedMessage:
    """Keep a message that could not be stored, with the reason (counted on the monitoring page).
    `enterprise` is the enterprise or its id."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    return RejectedMessage.objects.create(
        received_at=timezone.now(),
        channel=channel,
        topic=topic[:200],
        enterprise_id=getattr(enterprise, "pk", enterprise),
        reason=RejectReason(reason),
        detail=detail[:500],
        payload=text[:65536],
    )


# -- notices --------------------------------------------------------------------------------------------------

NOTICE_LISTS_AT_MOST = 5


def alarm_recipients(enterprise: Any, tier: int) -> dict[str, list[int]]:
    """Who is told at each tier: the enterprise's users; the county's supervising department; the city's
    department that supervises the enterprise's industry (行业主管部门), else the city's emergency office."""
    from anze.enterprises.models import EnterpriseMembership, IndustrySupervisor

    if tier == Tier.ENTERPRISE:
        users = EnterpriseMembership.objects.filter(enterprise_id=enterprise.pk).values_list(
            "user_id", flat=True
        )
        return {"user_ids": list(users), "unit_ids": []}
    if tier == Tier.COUNTY:
        return {
            "user_ids": [],
            "unit_ids": [enterprise.supervising_unit_id] if enterprise.supervising_unit_id else [],
        }
    city_id = enterprise.county.parent_id if enterprise.county_id else None
    unit = (
        IndustrySupervisor.objects.filter(region_id=city_id, industry_id=enterprise.industry_id)
        .values_list("unit_id", flat=True)
        .first()
    )
    return {"user_ids": [], "unit_ids": [unit] if unit else []}


def announce_alarms(alarms: Sequence[Alarm], *, tier: int, now: dt.datetime) -> int:
    """Tell the tier's people about new or unacknowledged alarms, one notice per enterprise (after the commit,
    through the notice handlers: supervision's inbox and channels). Returns the notices announced."""
    from anze.core import notices
    from anze.enterprises.models import Enterprise

    by_enterprise: dict[int, list[Alarm]] = defaultdict(list)
    for alarm in alarms:
        by_enterprise[alarm.enterprise_id].append(alarm)
    if not by_enterprise:
        return 0
    enterprises = Enterprise.objects.select_related("county").in_bulk(list(by_enterprise))
    announced = 0
    for enterprise_id, group in by_enterprise.items():
        enterprise = enterprises[enterprise_id]
        recipients = alarm_recipients(enterprise, tier)
        if not recipients["user_ids"] and not recipients["unit_ids"]:
            logger.info("no one to tell at tier %s about alarms of %s", tier, enterprise.name)
            continue
        lines = [
            f"{timezone.localtime(a.raised_at):%m-%d %H:%M} {a.point.code} {a.point.name} {a.get_kind_display()}"
            + (f" {a.get_level_display()}" if a.level else "")
            + (f" {a.value:g}{a.point.unit}" if a.value is not None else "")
            for a in group[:NOTICE_LISTS_AT_MOST]
        ]
        if len(group) > NOTICE_LISTS_AT_MOST:
            lines.append(gettext("……共 %(n)s 个") % {"n": len(group)})
        if tier == Tier.ENTERPRISE:
            title = gettext("监测报警：%(name)s %(n)s 个，请确认并处置") % {
                "name": enterprise.name,
                "n": len(group),
            }
        else:
            title = gettext("监测报警未确认（已推送至%(tier)s）：%(name)s %(n)s 个") % {
                "tier": Tier(tier).label, "name": enterprise.name, "n": len(group)}  # fmt: skip
        notices.announce(
            notices.MONITORING_ALARM,
            obj=f"alarm{min(a.pk for a in group)}:n{len(group)}:tier{tier}",
            title=title[:200],
            body="\n".join(lines),
            urgent=any(abs(a.level) == 2 for a in group),
            now=now,
            **recipients,
        )
        announced += 1
    return announced


# -- offline --------------------------------------------------------------------------------------------------


def detect_offline(*, now: dt.datetime, batch_size: int = 2000) -> int:
    """离线判定: raise an offline alarm for points silent past their expected period (safe to run twice).

    Walks all points in service by id, one transaction per batch of `batch_size`.
    """
    raised, after = 0, 0
    while True:
        count, after = _detect_offline_batch(now=now, after=after, batch_size=batch_size)
        raised += count
        if after is None:
            return raised


@transaction.atomic
def _detect_offline_batch(*, now: dt.datetime, after: int, batch_size: int) -> tuple[int, int | None]:
    candidates = list(
        MonitoringPoint.objects.select_for_update()
        .filter(pk__gt=after, in_service_from__lte=now)
        .exclude(in_service_until__lte=now)
        .exclude(faults__contains=alarming.Fault.OFFLINE.value)
        .order_by("pk")[:batch_size]
    )
    if not candidates:
        return 0, None
    changed, changes = [], _Changes()
    for point in candidates:
        state, transitions = alarming.check_offline(
            point.state(), now, point.limits(), since=point.in_service_from
        )
        if transitions:
            point.set_state(state)
            changed.append(point)
            _apply_transitions(point, transitions, changes)
    last = candidates[-1].pk if len(candidates) == batch_size else None
    if not changed:
        return 0, last
    write_states(changed)
    alarms = Alarm.objects.bulk_create(changes.raise_)
    announce_alarms(alarms, tier=Tier.ENTERPRISE, now=now)
    record("monitoring.detect_offline", actor="monitoring.offline",
           after={"raised": [str(a.public_id) for a in alarms]})  # fmt: skip
    return len(alarms), last


# -- the alarm life cycle -------------------------------------------------------------------------------------


def _lock(alarm: Alarm) -> Alarm:
    return Alarm.objects.select_for_update().get(pk=alarm.pk)


def _guard(alarm: Alarm, action: str, label: str) -> None:
    if not getattr(alarm.status_choice, f"can_{action}")():
        raise MonitoringError("bad_transition", f"报警当前状态“{alarm.status_choice.label}”，不能{label}。")


def _ensure_allowed(actor: Any, alarm: Alarm) -> None:
    if actor is None or isinstance(actor, str):
        return  # the system (a job)
    if not Alarm.objects.restrict(actor, "change").filter(pk=alarm.pk).exists():
        raise MonitoringError("forbidden", "无权处理该报警。")


@transaction.atomic
def acknowledge_alarm(alarm: Alarm, *, actor: Any, now: dt.datetime | None = None) -> Alarm:
    """确认报警: someone has seen it; pushing up the tiers stops."""
    alarm = _lock(alarm)
    _ensure_allowed(actor, alarm)
    _guard(alarm, "acknowledge", "确认")
    before = snapshot(alarm, ALARM_FIELDS)
    alarm.status = AlarmStatus.ACKNOWLEDGED
    alarm.acknowledged_at = now or timezone.now()
    alarm.acknowledged_by = actor
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    record("monitoring.acknowledge_alarm", actor=actor, obj=alarm, before=before,
           after=snapshot(alarm, ALARM_FIELDS))  # fmt: skip
    return alarm


@transaction.atomic
def handle_alarm(
    alarm: Alarm,
    *,
    actor: Any,
    note: str,
    reveals_hazard: bool = False,
    hazard_grade: str = "general",
    now: dt.datetime | None = None,
) -> Alarm:
    """处置报警 with a note; when the cause is a hazard, a hidden danger is opened and linked."""
    from anze.prevention import services as prevention
    from anze.prevention.choices import HiddenDangerSource

    note = note.strip()
    if not note:
        raise MonitoringError("note_required", "请填写处置说明（原因及采取的措施）。")
    alarm = _lock(alarm)
    _ensure_allowed(actor, alarm)
    _guard(alarm, "handle", "处置")
    now = now or timezone.now()
    before = snapshot(alarm, ALARM_FIELDS)
    if reveals_hazard:
        point = alarm.point
        alarm.hidden_danger = prevention.report_hidden_danger(
            actor=actor,
            enterprise=alarm.enterprise,
            source=HiddenDangerSource.MONITORING_ALARM,
            grade=hazard_grade,
            title=f"{point.name}{alarm.get_kind_display()}：{alarm.get_level_display()}"[:200],
            description=note,
            place=point.name,
            responsible_person=(point.hazard.operating_responsible if point.hazard else "")[:50] or "—",
            found_on=timezone.localdate(now),
            deadline=timezone.localdate(now) + dt.timedelta(days=30),
        )
    alarm.status = AlarmStatus.HANDLED
    alarm.handled_at = now
    alarm.handled_by = actor
    alarm.handling_note = note
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by = now, actor
    alarm.save()
    record(
        "monitoring.handle_alarm", actor=actor, obj=alarm, before=before, after=snapshot(alarm, ALARM_FIELDS)
    )
    return alarm


@transaction.atomic
def close_alarm(alarm: Alarm, *, actor: Any, now: dt.datetime | None = None) -> Alarm:
    """消警: the alarm was handled and the point has recovered."""
    alarm = _lock(alarm)
    _ensure_allowed(actor, alarm)
    _guard(alarm, "close", "消警")
    if alarm.is_active:
        raise MonitoringError("still_active", "监测点尚未恢复正常，不能消警。")
    before = snapshot(alarm, ALARM_FIELDS)
    alarm.status = AlarmStatus.CLOSED
    alarm.closed_at = now or timezone.now()
    alarm.save(update_fields=["status", "closed_at", "updated_at"])
    record(
        "monitoring.close_alarm", actor=actor, obj=alarm, before=before, after=snapshot(alarm, ALARM_FIELDS)
    )
    return alarm


def push_alarms(*, now: dt.datetime, batch_size: int = 500) -> int:
    """Push alarms not acknowledged in time one tier up (enterprise → county → city); safe to run twice."""
    due = list(
        Alarm.objects.filter(status=AlarmStatus.RAISED, tier__lt=Tier.CITY, raised_at__lte=now - PUSH_AFTER)
        .order_by("raised_at")
        .values_list("pk", "tier", "raised_at")[:batch_size]
    )
    pushed = 0
    for pk, tier, raised_at in due:
        # Tier n+1 is due PUSH_AFTER·n after the alarm was raised.
        if now - raised_at >= PUSH_AFTER * tier:
            pushed += _push_one(pk, tier, now=now)
    return pushed


@transaction.atomic
def _push_one(pk: int, tier: int, *, now: dt.datetime) -> int:
    # Claim the step atomically: a second runner finds the tier already raised.
    if (
        Alarm.objects.filter(pk=pk, tier=tier, status=AlarmStatus.RAISED).update(tier=tier + 1, pushed_at=now)
        != 1
    ):
        return 0
    alarm = Alarm.objects.select_related("point").get(pk=pk)
    record("monitoring.push_alarm", actor="monitoring.push", obj=alarm,
           before={"tier": tier}, after={"tier": tier + 1})  # fmt: skip
    announce_alarms([alarm], tier=tier + 1, now=now)
    return 1


def escalate_unhandled_alarms(*, now: dt.datetime, batch_size: int = 200) -> int:
    """督办: an alarm not handled within HANDLE_WITHIN of its level opens a case against the supervising unit."""
    oldest = now - min(HANDLE_WITHIN.values())
    candidates = (
        Alarm.objects.filter(
            status__in=(AlarmStatus.RAISED, AlarmStatus.ACKNOWLEDGED),
            case__isnull=True,
            raised_at__lte=oldest,
            enterprise__supervising_unit__isnull=False,
        )  # fmt: skip
        .order_by("raised_at")
        .values_list("pk", "level", "raised_at")[:batch_size]
    )
    opened = 0
    for pk, level, raised_at in candidates:
        if now - raised_at >= HANDLE_WITHIN[abs(level)]:
            opened += _escalate_one(pk, now=now)
    return opened


@transaction.atomic
def _escalate_one(pk: int, *, now: dt.datetime) -> int:
    from anze.supervision import services as supervision
    from anze.supervision.choices import CaseSource

    alarm = Alarm.objects.select_for_update().select_related("point", "enterprise").get(pk=pk)
    if alarm.case_id is not None or not alarm.status_choice.can_escalate():
        return 0
    before = snapshot(alarm, ALARM_FIELDS)
    alarm.case = supervision.open_case(
        actor="monitoring.escalate",
        unit=alarm.enterprise.supervising_unit,
        title=f"{alarm.enterprise.name}{alarm.point.name}{alarm.get_kind_display()}未按时处置"[:200],
        body=f"报警时间 {timezone.localtime(alarm.raised_at):%Y-%m-%d %H:%M}，级别 {alarm.get_level_display()}，"
        f"报警值 {alarm.value if alarm.value is not None else '—'}。",
        deadline=timezone.localdate(now) + dt.timedelta(days=CASE_DEADLINE_DAYS),
        source=CaseSource.ALARM,
        source_object=alarm,
        now=now,
        urgent=abs(alarm.level) == 2,
    )
    alarm.save(update_fields=["case", "updated_at"])
    record("monitoring.escalate_alarm", actor="monitoring.escalate", obj=alarm, before=before,
           after=snapshot(alarm, ALARM_FIELDS))  # fmt: skip
    return 1


# -- roll-up and retention ------------------------------------------------------------------------------------


@transaction.atomic
def roll_up_hours(*, start: dt.datetime, end: dt.datetime) -> int:
    """小时统计 of the whole hours in [start, end): recomputed from the raw readings, so safe to run twice."""
    from django.db.models import Count, Max, Min, Sum
    from django.db.models.functions import TruncHour

    rows = (
        Reading.objects.filter(at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at", tzinfo=dt.UTC))
        .values("point_id", "hour")
        .annotate(n=Count("id"), low=Min("value"), high=Max("value"), total=Sum("value"))
        .order_by()
    )
    rollups = [
        HourlyRollup(
            point_id=r["point_id"],
            hour=r["hour"],
            count=r["n"],
            minimum=r["low"],
            maximum=r["high"],
            total=r["total"],
        )  # fmt: skip
        for r in rows
    ]
    HourlyRollup.objects.bulk_create(
        rollups,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["point", "hour"],
        update_fields=["count", "minimum", "maximum", "total"],
    )
    record("monitoring.roll_up_hours", actor="monitoring.rollup",
           after={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rollups)})  # fmt: skip
    return len(rollups)


# -- on-line rate ---------------------------------------------------------------------------------------------


def online_counts(
    points, window: online.Window, *, group_by: str = "enterprise_id"
) -> dict[Any, online.Count]:
    """The on-line rate's counts per group over a queryset of points (already restricted): two aggregates.

    A point is expected when in service during the window; it reported when a reading of it lies in the window.
    """
    from django.db.models import Count, Exists, OuterRef, Q

    expected = points.filter(in_service_from__lt=window.end).exclude(in_service_until__lte=window.start)
    reported = Reading.objects.filter(point_id=OuterRef("pk"), at__gte=window.start, at__lt=window.end)
    rows = (
        expected.annotate(reported=Exists(reported))
        .values(group_by)
        .annotate(expected=Count("pk"), reporting=Count("pk", filter=Q(reported=True)))
        .order_by()
    )
    return {r[group_by]: online.Count(r["reporting"], r["expected"]) for r in rows}
