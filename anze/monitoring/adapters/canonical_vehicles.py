"""The canonical JSON message of vehicle positions, version 1 (docs/monitoring.md), parsed without Django.

One message per transport company (or per platform relaying it) carries many positions:

    {"v": 1, "enterprise": "<统一社会信用代码>", "sent_at": "2026-12-01T08:00:05+08:00",
     "positions": [{"plate": "鲁Q12345", "at": "2026-12-01T08:00:00+08:00", "lat": 35.05, "lon": 118.34,
                    "speed": 62.5, "direction": 90, "acc": true, "road": "expressway"}, ...]}

`speed` in km/h, `direction` in degrees (0–359, optional), `acc` whether the ignition is on (optional,
default true), `road` the road class when the source knows it (expressway / other; optional: an unknown road
gets the expressway limit, so a missing map never raises a false alarm). A message that cannot be read at all raises
`Malformed`; a position wrong on its own is returned in `bad` with the reason, so the good positions of the
same message are still stored.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

MAX_POSITIONS = 10_000
ROADS = ("expressway", "other", "")


class Malformed(ValueError):
    """The message as a whole is unreadable; the text says what to fix."""


@dataclass(frozen=True)
class RawPosition:
    plate: str
    at: dt.datetime
    latitude: Decimal
    longitude: Decimal
    speed_kmh: Decimal
    direction: int = 0
    acc_on: bool = True
    road: str = ""


@dataclass(frozen=True)
class BadPosition:
    index: int
    reason: str  # a RejectReason value
    detail: str


@dataclass
class Message:
    enterprise: str
    positions: list[RawPosition] = field(default_factory=list)
    bad: list[BadPosition] = field(default_factory=list)


def _time(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError("时间须为 ISO 8601 字符串")
    at = dt.datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError(f"时间“{text}”缺少时区偏移（如 +08:00）")
    return at


def _number(value: object, name: str, low: float, high: float) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name}须为有限数字")
    if not low <= value <= high:
        raise ValueError(f"{name} {value} 超出范围 {low}～{high}")
    return Decimal(str(value))


def parse(payload: bytes | str) -> Message:
    """The message's enterprise and its positions; `Malformed` when it cannot be read as a whole."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise Malformed("报文须为 JSON 对象")
    if data.get("v") != 1:
        raise Malformed(f"不支持的版本 v={data.get('v')!r}，应为 1")
    enterprise = data.get("enterprise")
    if not isinstance(enterprise, str) or not enterprise.strip():
        raise Malformed("缺少 enterprise（统一社会信用代码）")
    positions = data.get("positions")
    if not isinstance(positions, list) or not positions:
        raise Malformed("缺少 positions（定位数组）")
    if len(positions) > MAX_POSITIONS:
        raise Malformed(f"一条报文最多 {MAX_POSITIONS} 个定位，收到 {len(positions)} 个，请分批发送")
    message = Message(enterprise=enterprise.strip().upper())
    for index, item in enumerate(positions):
        try:
            message.positions.append(_position(item))
        except _Bad as bad:
            message.bad.append(BadPosition(index, bad.reason, bad.detail))
    return message


class _Bad(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        self.reason, self.detail = reason, detail


def _position(item: object) -> RawPosition:
    if not isinstance(item, dict):
        raise _Bad("malformed", "定位须为 JSON 对象")
    plate = item.get("plate")
    if not isinstance(plate, str) or not plate.strip():
        raise _Bad("malformed", "缺少 plate（车牌号）")
    try:
        at = _time(item.get("at"))
    except ValueError as exc:
        raise _Bad("bad_time", f"{plate}：{exc}") from None
    try:
        latitude = _number(item.get("lat"), "纬度", -90, 90)
        longitude = _number(item.get("lon"), "经度", -180, 180)
        speed = _number(item.get("speed"), "速度", 0, 300)
        direction = int(_number(item.get("direction", 0), "方向", 0, 359))
    except ValueError as exc:
        raise _Bad("bad_value", f"{plate}：{exc}") from None
    acc = item.get("acc", True)
    if not isinstance(acc, bool):
        raise _Bad("bad_value", f"{plate}：acc 须为 true 或 false")
    road = item.get("road", "") or ""
    if road not in ROADS:
        raise _Bad(
            "bad_value", f"{plate}：道路等级“{road}”无效，可用 expressway（高速公路）或 other（其他道路）"
        )
    return RawPosition(plate.strip().upper(), at, latitude, longitude, speed, direction, acc, road)
