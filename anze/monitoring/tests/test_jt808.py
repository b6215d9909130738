"""JT/T 808 framing and the 0x0200 location report, on frames built by hand in the tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.monitoring.adapters import jt808

# A 2013 location report as it travels: header 0200 / attributes 0026 (38-byte body) / phone 123456789012 /
# serial 007E — sent escaped as 7D 02 —, then alarm 1 (emergency), status 2 (positioned), 12.222222 N,
# 132.444444 E, 40 m, 6.0 km/h, north, 2018-10-15 10:10:10 (GMT+8), item 01 (odometer 100 = 10.0 km) and
# item 02 whose value 007D is sent as 00 7D 01; check code 13.
WIRE = bytes.fromhex(
    "7e" "0200" "0026" "123456789012" "007d02"
    "00000001" "00000002" "00ba7f0e" "07e4f11c" "0028" "003c" "0000" "181015101010"
    "0104" "00000064" "0202" "007d01"
    "13" "7e"
)


def test_a_hand_built_location_report_decodes():
    frame = jt808.decode(WIRE)
    assert (frame.header.message_id, frame.header.phone, frame.header.serial) == (0x0200, "123456789012", 0x7E)
    assert frame.header.version is None and frame.header.body_length == 38
    location = jt808.decode_location(frame.body)
    assert location.alarm & jt808.ALARM_EMERGENCY and location.positioned and not location.acc_on
    assert (location.latitude, location.longitude) == (Decimal("12.222222"), Decimal("132.444444"))
    assert (location.altitude_m, location.speed_kmh, location.direction) == (40, Decimal("6"), 0)
    assert location.at == dt.datetime(2018, 10, 15, 2, 10, 10, tzinfo=dt.UTC)
    assert location.mileage_km == Decimal("10") and location.extras[0x02] == b"\x00\x7d"


def test_encoding_gives_back_the_hand_built_frame():
    frame = jt808.decode(WIRE)
    assert jt808.encode(frame.header, frame.body) == WIRE


def test_a_wrong_check_code_is_refused_with_the_expected_value():
    with pytest.raises(jt808.FrameError, match="应为 0x13"):
        jt808.decode(WIRE[:-2] + b"\x14\x7e")


def test_a_bad_escape_and_a_short_body_are_refused():
    with pytest.raises(jt808.FrameError, match="0x7D"):
        jt808.decode(bytes.fromhex("7e02000000123456789012007d0313" "7e"))
    with pytest.raises(jt808.FrameError, match="28 字节"):
        jt808.decode_location(b"\x00" * 27)


def test_a_2019_header_has_its_version_and_a_ten_byte_phone():
    body = b""
    raw = bytes.fromhex("0002" "4000" "01" "00000000013912345678" "0005")
    wire = b"\x7e" + raw + bytes([reduce(lambda a, b: a ^ b, raw)]) + b"\x7e"
    frame = jt808.decode(wire)
    assert (frame.header.message_id, frame.header.version, frame.header.phone, frame.body) == (
        jt808.HEARTBEAT, 1, "13912345678", body)  # fmt: skip


def test_south_and_west_come_from_the_status_bits():
    location = jt808.Location(0, jt808.STATUS_POSITIONED, Decimal("-33.8688"), Decimal("-70.6693"), 0,
                              Decimal("0"), 90, dt.datetime(2026, 12, 1, 8, tzinfo=jt808.BEIJING))  # fmt: skip
    decoded = jt808.decode_location(jt808.encode_location(location))
    assert (decoded.latitude, decoded.longitude) == (Decimal("-33.8688"), Decimal("-70.6693"))


def test_a_stream_is_split_into_frames_keeping_the_partial_tail():
    frames, rest = jt808.split_frames(b"\x00" + WIRE + WIRE + WIRE[:10])
    assert frames == [WIRE, WIRE] and rest == WIRE[:10]


def test_the_platform_answers_with_the_terminal_serial_and_message_id():
    response = jt808.decode(jt808.platform_response(jt808.decode(WIRE).header, serial=9))
    assert response.header.message_id == jt808.PLATFORM_RESPONSE and response.body == bytes.fromhex("007e020000")


@given(st.binary(max_size=64))
def test_escaping_round_trips_and_leaves_no_flag(data):
    escaped = jt808.escape(data)
    assert b"\x7e" not in escaped and jt808.unescape(escaped) == data


@given(
    message_id=st.integers(0, 0xFFFF), serial=st.integers(0, 0xFFFF), body=st.binary(max_size=200),
    phone=st.from_regex(r"[1-9][0-9]{10}", fullmatch=True), version=st.one_of(st.none(), st.integers(1, 255)),
)  # fmt: skip
def test_any_frame_round_trips(message_id, serial, body, phone, version):
    header = jt808.Header(message_id, phone, serial, version=version)
    frame = jt808.decode(jt808.encode(header, body))
    assert (frame.header.message_id, frame.header.phone, frame.header.serial, frame.header.version, frame.body) == (
        message_id, phone, serial, version, body)  # fmt: skip
