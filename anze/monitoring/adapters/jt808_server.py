"""The JT/T 808 door: a TCP listener for vehicle terminals (`anze monitoring jt808`).

One thread per connection. Each frame is decoded (adapters.jt808); 0x0100 注册 and 0x0102 鉴权 are accepted
for terminals whose phone number belongs to a registered vehicle; 0x0002 心跳 is answered; a 0x0200 location
report is stored through the driving rules (vehicles.ingest_positions) and answered with 0x8001 only after the
commit, so a terminal resends what was not stored. What cannot be read, or comes from an unknown terminal, is
kept in the rejected-messages table with the reason and answered with a failure.
"""

from __future__ import annotations

import logging
import socketserver
import struct

from django.db import close_old_connections

from anze.monitoring import services, vehicles
from anze.monitoring.adapters import jt808
from anze.monitoring.choices import RejectReason
from anze.monitoring.models import Vehicle

logger = logging.getLogger(__name__)
CHANNEL = "jt808"
MAX_BUFFER = 64 * 1024


class Session:
    """One terminal connection: turns each frame into the answer to send back (or None)."""

    def __init__(self, peer: str = "") -> None:
        self.peer = peer
        self.serial = 0

    def _next_serial(self) -> int:
        self.serial = (self.serial + 1) & 0xFFFF
        return self.serial

    def _reject(self, reason: str, detail: str, data: bytes) -> None:
        services.reject_message(channel=CHANNEL, topic=self.peer, reason=reason, detail=detail, payload=data.hex())

    def handle(self, data: bytes) -> bytes | None:
        try:
            frame = jt808.decode(data)
        except jt808.FrameError as exc:
            self._reject(RejectReason.MALFORMED, str(exc), data)
            return None
        header = frame.header
        vehicle_id = Vehicle.objects.filter(terminal_phone=header.phone).values_list("pk", flat=True).first()
        if header.message_id == jt808.REGISTER:
            if vehicle_id is None:
                self._reject(RejectReason.UNKNOWN_GATEWAY, f"终端 {header.phone} 未登记车辆", data)
                return jt808.register_response(header, serial=self._next_serial(), code="", result=4)
            return jt808.register_response(header, serial=self._next_serial(), code=header.phone)
        if vehicle_id is None:
            self._reject(RejectReason.UNKNOWN_GATEWAY, f"终端 {header.phone} 未登记车辆", data)
            return jt808.platform_response(header, serial=self._next_serial(), result=jt808.RESULT_FAILED)
        if header.message_id in (jt808.AUTHENTICATE, jt808.HEARTBEAT):
            return jt808.platform_response(header, serial=self._next_serial())
        if header.message_id != jt808.LOCATION_REPORT:
            return jt808.platform_response(header, serial=self._next_serial(), result=jt808.RESULT_UNSUPPORTED)
        try:
            location = jt808.decode_location(frame.body)
        except (jt808.FrameError, struct.error) as exc:
            self._reject(RejectReason.MALFORMED, str(exc), data)
            return jt808.platform_response(header, serial=self._next_serial(), result=jt808.RESULT_BAD_MESSAGE)
        report = vehicles.Report(
            vehicle_id=vehicle_id, at=location.at, latitude=location.latitude, longitude=location.longitude,
            speed_kmh=location.speed_kmh, direction=location.direction, acc_on=location.acc_on,
            alarm_flags=location.alarm, status_flags=location.status,
        )  # fmt: skip
        vehicles.ingest_positions([report], actor="monitoring.jt808")  # committed before the answer
        return jt808.platform_response(header, serial=self._next_serial())


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        session = Session(f"{self.client_address[0]}:{self.client_address[1]}")
        buffer = b""
        try:
            while True:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                frames, buffer = jt808.split_frames(buffer + chunk)
                if len(buffer) > MAX_BUFFER:
                    buffer = b""
                for data in frames:
                    answer = session.handle(data)
                    if answer:
                        self.request.sendall(answer)
        except Exception:  # noqa: BLE001 - one terminal's failure never stops the listener
            logger.exception("JT/T 808 connection %s failed", session.peer)
        finally:
            close_old_connections()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(host: str, port: int) -> Server:
    return Server((host, port), Handler)
