"""From a received message to stored readings: resolve the enterprise and its points, reject what cannot be
stored (with the reason), and hand the rest to `services.ingest_readings` in one transaction.

Both doors use it: the MQTT consumer (`mqtt.py`) and the HTTP batch upload.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.monitoring import services
from anze.monitoring.adapters import canonical
from anze.monitoring.choices import RejectReason
from anze.monitoring.models import MonitoringPoint

# Readings further ahead than this are refused (a gateway clock far off would poison the state machine).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclass
class Outcome:
    """What one message did: readings stored, readings and messages rejected, alarms raised."""

    stored: int = 0
    rejected: int = 0
    raised: int = 0
    rejected_messages: int = 0
    reasons: list[str] = field(default_factory=list)


def _enterprise(credit_code: str):
    from anze.enterprises.models import Enterprise

    return Enterprise.objects.filter(credit_code=credit_code).first()


def accept(
    payloads: list[tuple[str, bytes]], *, channel: str, actor: Any, now: dt.datetime | None = None,
    enterprise: Any = None,
) -> Outcome:  # fmt: skip
    """Store a batch of messages (topic, payload) in one transaction; returns what happened.

    `enterprise`, when given (the HTTP door, authenticated by the enterprise's token), must match the
    message's; the MQTT door resolves it from the message.
    """
    now = now or timezone.now()
    outcome = Outcome()
    rows: list[tuple[int, dt.datetime, float]] = []
    with transaction.atomic():
        point_cache: dict[tuple[int, str], int | None] = {}
        for topic, payload in payloads:
            _accept_one(topic, payload, channel, now, enterprise, rows, point_cache, outcome)
        result = services.ingest_readings(rows, actor=actor, now=now)
    outcome.stored = result.stored
    outcome.raised = len(result.raised)
    return outcome


def _reject(outcome: Outcome, *, channel, topic, reason, detail, payload, enterprise=None, readings: int = 0):
    services.reject_message(channel=channel, topic=topic, reason=reason, detail=detail, payload=payload,
                            enterprise=enterprise)  # fmt: skip
    outcome.rejected_messages += 1
    outcome.rejected += readings
    outcome.reasons.append(f"{reason}: {detail}")


def _accept_one(topic, payload, channel, now, expected_enterprise, rows, point_cache, outcome) -> None:
    try:
        message = canonical.parse(payload)
    except canonical.Malformed as exc:
        _reject(outcome, channel=channel, topic=topic, reason=RejectReason.MALFORMED, detail=str(exc),
                payload=payload)  # fmt: skip
        return
    enterprise = _enterprise(message.enterprise)
    if enterprise is None or (expected_enterprise is not None and enterprise.pk != expected_enterprise.pk):
        _reject(outcome, channel=channel, topic=topic, reason=RejectReason.UNKNOWN_GATEWAY,
                detail=f"企业“{message.enterprise}”未登记或与凭据不符", payload=payload,
                enterprise=expected_enterprise, readings=len(message.readings) + len(message.bad))  # fmt: skip
        return
    codes = {r.point for r in message.readings} - {
        code for (eid, code) in point_cache if eid == enterprise.pk
    }
    if codes:
        found = dict(
            MonitoringPoint.objects.filter(enterprise=enterprise, code__in=codes).values_list("code", "pk")
        )
        for code in codes:
            point_cache[(enterprise.pk, code)] = found.get(code)
    bad = [(b.reason, b.detail) for b in message.bad]
    for reading in message.readings:
        point_id = point_cache.get((enterprise.pk, reading.point))
        if point_id is None:
            bad.append((RejectReason.UNKNOWN_POINT, f"readings 中的点位“{reading.point}”未登记"))
        elif reading.at > now + FUTURE_TOLERANCE:
            bad.append(
                (RejectReason.BAD_TIME, f"点位“{reading.point}”时间 {reading.at.isoformat()} 晚于接收时间")
            )
        else:
            rows.append((point_id, reading.at, reading.value))
    if bad:
        reason = bad[0][0]
        detail = "；".join(sorted({d for _, d in bad}))[:480]
        _reject(outcome, channel=channel, topic=topic, reason=reason,
                detail=f"{len(bad)} 个读数未存储：{detail}", enterprise=enterprise, readings=len(bad),
                payload=json.dumps({"rejected": [d for _, d in bad], "message": _text(payload)},
                                   ensure_ascii=False))  # fmt: skip


def _text(payload: bytes | str) -> str:
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
