"""From a received message to stored readings: resolve the enterprise and its points, reject what cannot be
stored (with the reason), and hand the rest to `services.ingest_readings` in one transaction.

Both doors use it: the MQTT consumer (`mqtt.py`) and the HTTP batch upload.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.monitoring import pointcache, services
from anze.monitoring.adapters import canonical
from anze.monitoring.choices import RejectReason

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


def accept(
    payloads: list[tuple[str, bytes]], *, channel: str, actor: Any, now: dt.datetime | None = None,
    enterprise: Any = None, points: pointcache.PointCache | None = None,
) -> Outcome:  # fmt: skip
    """Store a batch of messages (topic, payload) in one transaction; returns what happened.

    `enterprise`, when given (the HTTP door, authenticated by the enterprise's token), must match the
    message's; the MQTT door resolves it from the message. Points are resolved from `points` (the consumer's
    cache, kept between its batches; a fresh one by default), checked once per batch for changes; after a
    failure the cache is forgotten.
    """
    now = now or timezone.now()
    cache = points or pointcache.PointCache()
    outcome = Outcome()
    grouped: dict[pointcache.Entry, list[tuple[dt.datetime, float]]] = defaultdict(list)
    try:
        with transaction.atomic():
            cache.validate()
            for topic, payload in payloads:
                _accept_one(topic, payload, channel, now, enterprise, grouped, cache, outcome)
            result = services.ingest_grouped(grouped, actor=actor, now=now, points=cache)
    except BaseException:
        cache.forget()
        raise
    outcome.stored = result.stored
    outcome.raised = len(result.raised)
    return outcome


def _reject(outcome: Outcome, *, channel, topic, reason, detail, payload, enterprise=None, readings: int = 0):
    services.reject_message(channel=channel, topic=topic, reason=reason, detail=detail, payload=payload,
                            enterprise=enterprise)  # fmt: skip
    outcome.rejected_messages += 1
    outcome.rejected += readings
    outcome.reasons.append(f"{reason}: {detail}")


def _accept_one(topic, payload, channel, now, expected_enterprise, grouped, cache, outcome) -> None:
    try:
        message = canonical.parse(payload)
    except canonical.Malformed as exc:
        _reject(outcome, channel=channel, topic=topic, reason=RejectReason.MALFORMED, detail=str(exc),
                payload=payload)  # fmt: skip
        return
    enterprise_id = cache.enterprise_id(message.enterprise)
    if enterprise_id is None or (expected_enterprise is not None and enterprise_id != expected_enterprise.pk):
        _reject(outcome, channel=channel, topic=topic, reason=RejectReason.UNKNOWN_GATEWAY,
                detail=f"企业“{message.enterprise}”未登记或与凭据不符", payload=payload,
                enterprise=expected_enterprise, readings=len(message.readings) + len(message.bad))  # fmt: skip
        return
    points = cache.points_of(enterprise_id)
    latest = now + FUTURE_TOLERANCE
    bad = [(b.reason, b.detail) for b in message.bad]
    timely: dict[dt.datetime, bool] = {}
    for code, at, value in message.readings:
        entry = points.get(code)
        if entry is None:
            bad.append((RejectReason.UNKNOWN_POINT, f"readings 中的点位“{code}”未登记"))
            continue
        ok = timely.get(at)
        if ok is None:
            ok = timely[at] = at <= latest
        if ok:
            grouped[entry].append((at, value))
        else:
            bad.append((RejectReason.BAD_TIME, f"点位“{code}”时间 {at.isoformat()} 晚于接收时间"))
    if bad:
        reason = bad[0][0]
        detail = "；".join(sorted({d for _, d in bad}))[:480]
        _reject(outcome, channel=channel, topic=topic, reason=reason,
                detail=f"{len(bad)} 个读数未存储：{detail}", enterprise=enterprise_id, readings=len(bad),
                payload=json.dumps({"rejected": [d for _, d in bad], "message": _text(payload)},
                                   ensure_ascii=False))  # fmt: skip


def _text(payload: bytes | str) -> str:
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
