"""JT/T 808 (道路运输车辆卫星定位系统 终端通讯协议及数据格式) framing and the 0x0200 location report. Pure.

A frame on the wire is 0x7E · header · body · check code · 0x7E. Between the flags, 0x7E is sent as 0x7D 0x02
and 0x7D as 0x7D 0x01 (§4.4.1); the check code is the XOR of every byte of header and body, before escaping.

Header (§4.4.3; all integers big-endian):
- 2013: message id WORD, body attributes WORD, terminal phone number BCD[6], serial WORD, then (when the
  sub-package bit is set) total packages WORD and package number WORD;
- 2019: the same with bit 14 of the attributes set, a protocol version BYTE after the attributes and the phone
  number as BCD[10].
Body attributes: bits 0–9 body length, bits 10–12 encryption (bit 10 = RSA), bit 13 sub-package, bit 14 the 2019
version flag.

0x0200 位置信息汇报 (§8.18): alarm flags DWORD, status DWORD, latitude DWORD and longitude DWORD in millionths
of a degree, altitude WORD (m), speed WORD (0.1 km/h), direction WORD (0–359, north = 0), time BCD[6]
YYMMDDhhmmss in GMT+8, then additional items (id BYTE, length BYTE, value). Status bit 2 means south latitude and
bit 3 west longitude; bit 0 is ACC on, bit 1 positioned. Alarm bit 1 is the terminal's own overspeed alarm and
bit 2 its fatigue-driving alarm.

The platform answers most terminal messages with 0x8001 平台通用应答 (reply serial WORD, reply id WORD, result
BYTE: 0 success, 1 failure, 2 message error, 3 not supported, 4 alarm confirmed).
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field
from decimal import Decimal

FLAG = 0x7E
ESCAPE = 0x7D
BEIJING = dt.timezone(dt.timedelta(hours=8))

LOCATION_REPORT = 0x0200
HEARTBEAT = 0x0002
REGISTER = 0x0100
AUTHENTICATE = 0x0102
PLATFORM_RESPONSE = 0x8001
REGISTER_RESPONSE = 0x8100

STATUS_ACC_ON = 1 << 0
STATUS_POSITIONED = 1 << 1
STATUS_SOUTH = 1 << 2
STATUS_WEST = 1 << 3
ALARM_EMERGENCY = 1 << 0
ALARM_OVERSPEED = 1 << 1
ALARM_FATIGUE = 1 << 2

RESULT_OK, RESULT_FAILED, RESULT_BAD_MESSAGE, RESULT_UNSUPPORTED = 0, 1, 2, 3


class FrameError(ValueError):
    """A frame that cannot be read; the message says what is wrong with it."""


def escape(data: bytes) -> bytes:
    """0x7D → 0x7D 0x01, 0x7E → 0x7D 0x02 (0x7D first, so an escape is never escaped twice)."""
    return data.replace(b"\x7d", b"\x7d\x01").replace(b"\x7e", b"\x7d\x02")


def unescape(data: bytes) -> bytes:
    """The inverse of `escape`; a 0x7D followed by anything but 0x01/0x02 is an error."""
    out = bytearray()
    it = iter(data)
    for byte in it:
        if byte == ESCAPE:
            following = next(it, None)
            if following == 0x01:
                out.append(ESCAPE)
            elif following == 0x02:
                out.append(FLAG)
            else:
                raise FrameError(f"转义字节 0x7D 之后应为 0x01 或 0x02，实际为 {following!r}")
        elif byte == FLAG:
            raise FrameError("帧内出现未转义的标识位 0x7E")
        else:
            out.append(byte)
    return bytes(out)


def checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def bcd_encode(digits: str, size: int) -> bytes:
    digits = digits.rjust(size * 2, "0")
    if len(digits) != size * 2 or not digits.isdigit():
        raise ValueError(f"BCD[{size}] 需要至多 {size * 2} 位数字：{digits!r}")
    return bytes(int(digits[i : i + 2], 16) for i in range(0, len(digits), 2))


def bcd_decode(data: bytes) -> str:
    text = data.hex()
    if not text.isdigit():
        raise FrameError(f"BCD 字段含非十进制数字：{text}")
    return text


@dataclass(frozen=True)
class Header:
    message_id: int
    phone: str
    serial: int
    body_length: int = 0
    encryption: int = 0
    version: int | None = None  # the 2019 protocol version byte; None for 2013 frames
    packages: tuple[int, int] | None = None  # (total, number) when sub-packaged


@dataclass(frozen=True)
class Frame:
    header: Header
    body: bytes


def _header_bytes(header: Header, body_length: int) -> bytes:
    attributes = body_length & 0x3FF
    attributes |= (header.encryption & 0x7) << 10
    if header.packages:
        attributes |= 1 << 13
    if header.version is not None:
        attributes |= 1 << 14
        out = struct.pack(">HHB", header.message_id, attributes, header.version) + bcd_encode(header.phone, 10)
    else:
        out = struct.pack(">HH", header.message_id, attributes) + bcd_encode(header.phone, 6)
    out += struct.pack(">H", header.serial)
    if header.packages:
        out += struct.pack(">HH", *header.packages)
    return out


def encode(header: Header, body: bytes = b"") -> bytes:
    """A whole frame on the wire, flags included."""
    if len(body) > 0x3FF:
        raise ValueError("消息体超过 1023 字节，须分包")
    raw = _header_bytes(header, len(body)) + body
    return bytes([FLAG]) + escape(raw + bytes([checksum(raw)])) + bytes([FLAG])


def decode(frame: bytes) -> Frame:
    """Read one frame (with or without its flags): unescape, check the check code, read the header."""
    if frame[:1] == b"\x7e":
        frame = frame[1:]
    if frame[-1:] == b"\x7e":
        frame = frame[:-1]
    raw = unescape(frame)
    if len(raw) < 13:
        raise FrameError(f"帧长 {len(raw)} 字节，短于最短的消息头与校验码")
    content, check = raw[:-1], raw[-1]
    if checksum(content) != check:
        raise FrameError(f"校验码不符：应为 0x{checksum(content):02X}，帧中为 0x{check:02X}")
    message_id, attributes = struct.unpack_from(">HH", content, 0)
    offset = 4
    version = None
    if attributes & (1 << 14):
        version = content[offset]
        offset += 1
        phone = bcd_decode(content[offset : offset + 10])
        offset += 10
    else:
        phone = bcd_decode(content[offset : offset + 6])
        offset += 6
    if len(content) < offset + 2:
        raise FrameError("消息头不完整")
    (serial,) = struct.unpack_from(">H", content, offset)
    offset += 2
    packages = None
    if attributes & (1 << 13):
        if len(content) < offset + 4:
            raise FrameError("分包项不完整")
        packages = struct.unpack_from(">HH", content, offset)
        offset += 4
    body = content[offset:]
    length = attributes & 0x3FF
    if len(body) != length:
        raise FrameError(f"消息体长度 {len(body)} 与消息头所写 {length} 不符")
    header = Header(message_id, phone.lstrip("0") or "0", serial, length, (attributes >> 10) & 0x7, version,
                    packages)  # fmt: skip
    return Frame(header, body)


def split_frames(buffer: bytes) -> tuple[list[bytes], bytes]:
    """The complete frames in a TCP stream buffer (each with its flags) and what remains after the last one."""
    frames = []
    start = buffer.find(b"\x7e")
    while start != -1:
        end = buffer.find(b"\x7e", start + 1)
        if end == -1:
            return frames, buffer[start:]
        if end == start + 1:  # two flags in a row: the first closed nothing; start again at the second
            start = end
            continue
        frames.append(buffer[start : end + 1])
        start = buffer.find(b"\x7e", end + 1)
    return frames, b""


# -- 0x0200 ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """A decoded 位置信息汇报."""

    alarm: int
    status: int
    latitude: Decimal
    longitude: Decimal
    altitude_m: int
    speed_kmh: Decimal
    direction: int
    at: dt.datetime
    extras: dict[int, bytes] = field(default_factory=dict)

    @property
    def acc_on(self) -> bool:
        return bool(self.status & STATUS_ACC_ON)

    @property
    def positioned(self) -> bool:
        return bool(self.status & STATUS_POSITIONED)

    @property
    def mileage_km(self) -> Decimal | None:
        """Additional item 0x01: odometer in 0.1 km."""
        raw = self.extras.get(0x01)
        return Decimal(int.from_bytes(raw, "big")) / 10 if raw and len(raw) == 4 else None


def _bcd_time(data: bytes) -> dt.datetime:
    text = bcd_decode(data)
    try:
        return dt.datetime(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]), int(text[6:8]),
                           int(text[8:10]), int(text[10:12]), tzinfo=BEIJING)  # fmt: skip
    except ValueError as exc:
        raise FrameError(f"时间字段无效：{text}") from exc


def decode_location(body: bytes) -> Location:
    """The body of a 0x0200 message (also the location part of 0x0201 / 0x0704 items)."""
    if len(body) < 28:
        raise FrameError(f"位置信息汇报消息体 {len(body)} 字节，应至少 28 字节")
    alarm, status, lat, lon, altitude, speed, direction = struct.unpack_from(">IIIIHHH", body, 0)
    at = _bcd_time(body[22:28])
    latitude = Decimal(lat) / 1_000_000 * (-1 if status & STATUS_SOUTH else 1)
    longitude = Decimal(lon) / 1_000_000 * (-1 if status & STATUS_WEST else 1)
    if abs(latitude) > 90 or abs(longitude) > 180:
        raise FrameError(f"经纬度超出范围：{latitude}, {longitude}")
    extras: dict[int, bytes] = {}
    offset = 28
    while offset < len(body):
        if offset + 2 > len(body):
            raise FrameError("附加信息项不完整")
        item, length = body[offset], body[offset + 1]
        value = body[offset + 2 : offset + 2 + length]
        if len(value) != length:
            raise FrameError(f"附加信息 0x{item:02X} 长度 {length} 超出消息体")
        extras[item] = value
        offset += 2 + length
    return Location(alarm, status, latitude, longitude, altitude, Decimal(speed) / 10, direction, at, extras)


def encode_location(location: Location) -> bytes:
    """The body of a 0x0200 message (the terminal's side; used by the simulator and the tests)."""
    status = location.status & ~(STATUS_SOUTH | STATUS_WEST)
    if location.latitude < 0:
        status |= STATUS_SOUTH
    if location.longitude < 0:
        status |= STATUS_WEST
    at = location.at.astimezone(BEIJING)
    body = struct.pack(
        ">IIIIHHH",
        location.alarm,
        status,
        int(abs(location.latitude) * 1_000_000),
        int(abs(location.longitude) * 1_000_000),
        location.altitude_m,
        int(location.speed_kmh * 10),
        location.direction,
    ) + bcd_encode(at.strftime("%y%m%d%H%M%S"), 6)
    for item, value in sorted(location.extras.items()):
        body += bytes([item, len(value)]) + value
    return body


def platform_response(request: Header, *, serial: int, result: int = RESULT_OK) -> bytes:
    """0x8001 平台通用应答 to a terminal's message."""
    header = Header(PLATFORM_RESPONSE, request.phone, serial, version=request.version)
    return encode(header, struct.pack(">HHB", request.serial, request.message_id, result))


def register_response(request: Header, *, serial: int, code: str, result: int = RESULT_OK) -> bytes:
    """0x8100 终端注册应答: reply serial, result, and the 鉴权码 when accepted."""
    body = struct.pack(">HB", request.serial, result) + (code.encode("gbk") if result == RESULT_OK else b"")
    return encode(Header(REGISTER_RESPONSE, request.phone, serial, version=request.version), body)
