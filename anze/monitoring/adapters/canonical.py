"""The canonical JSON message, version 1 (docs/monitoring.md), parsed without Django.

One message per gateway carries many readings:

    {"v": 1, "enterprise": "<统一社会信用代码>", "gateway": "GW-01", "sent_at": "2026-12-01T08:00:05+08:00",
     "readings": [{"point": "LT-0001", "at": "2026-12-01T08:00:00+08:00", "value": 52.3}, ...]}

Times are ISO 8601 with an offset (a time without one is refused: the gateway's clock zone is not guessed).
A message that cannot be read at all raises `Malformed`; a reading that is wrong on its own is returned in
`bad` with the reason, so the good readings of the same message are still stored.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson

MAX_READINGS = 10_000


class Malformed(ValueError):
    """The message as a whole is unreadable; `detail` says what to fix."""


class RawReading(NamedTuple):
    point: str
    at: dt.datetime
    value: float


@dataclass(frozen=True)
class BadReading:
    index: int
    reason: str  # a RejectReason value
    detail: str


@dataclass
class Message:
    enterprise: str
    gateway: str
    readings: list[RawReading] = field(default_factory=list)
    bad: list[BadReading] = field(default_factory=list)


def parse_time(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError("时间须为 ISO 8601 字符串")
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"时间“{text}”缺少时区（如 +08:00）")
    return value


def parse(payload: bytes | str) -> Message:
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        # orjson refuses what the standard reader takes (NaN, 1e999, integers past 64 bits): those readings
        # are then refused one by one with their reason rather than the whole message.
        try:
            data = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Malformed(f"不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict):
        raise Malformed("报文须为 JSON 对象。")
    if data.get("v") != 1:
        raise Malformed(f"不支持的版本 v={data.get('v')!r}；当前版本为 1。")
    enterprise, gateway, readings = data.get("enterprise"), data.get("gateway", ""), data.get("readings")
    if not isinstance(enterprise, str) or not enterprise:
        raise Malformed("缺少 enterprise（企业统一社会信用代码）。")
    if not isinstance(gateway, str):
        raise Malformed("gateway 须为字符串。")
    if not isinstance(readings, list) or not readings:
        raise Malformed("readings 须为非空数组。")
    if len(readings) > MAX_READINGS:
        raise Malformed(f"一条报文最多 {MAX_READINGS} 个读数，收到 {len(readings)} 个；请分批发送。")
    message = Message(enterprise=enterprise, gateway=gateway)
    good, times = message.readings, {}  # a gateway's readings mostly share their time: each text parsed once
    for i, item in enumerate(readings):
        if type(item) is not dict or type(point := item.get("point")) is not str or not point:
            message.bad.append(BadReading(i, "malformed", f"readings[{i}] 缺少 point"))
            continue
        text = item.get("at")
        at = times.get(text) if type(text) is str else None
        if at is None:
            try:
                at = times[text] = parse_time(text)
            except ValueError as exc:
                message.bad.append(BadReading(i, "bad_time", f"readings[{i}] {exc}"))
                continue
        value = item.get("value")
        kind = type(value)
        if kind is not float and (kind is not int or isinstance(value, bool)) or not math.isfinite(value):
            message.bad.append(
                BadReading(i, "bad_value", f"readings[{i}] value 须为有限数值，收到 {value!r}")
            )
            continue
        good.append(RawReading(point, at, float(value)))
    return message


def encode(
    enterprise: str, gateway: str, readings: list[tuple[str, dt.datetime, float]], *, sent_at=None
) -> bytes:
    """The canonical message for a batch of (point code, time, value); used by the simulator and tests."""
    body = {
        "v": 1,
        "enterprise": enterprise,
        "gateway": gateway,
        "sent_at": (sent_at or dt.datetime.now(dt.UTC)).isoformat(),
        "readings": [{"point": p, "at": at.isoformat(), "value": v} for p, at, v in readings],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
