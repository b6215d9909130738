"""两客一危 vehicles: JT/T 808 frames through the listener's session into positions, the driving rules' alarms,
notices to the company then the 交通运输 department, offline, and the vehicle on-line rate."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from decimal import Decimal

import pytest

from anze.accounts.roles import Role
from anze.enterprises.models import EnterpriseMembership, IndustrySupervisor
from anze.monitoring import online, vehicles
from anze.monitoring.adapters import jt808
from anze.monitoring.adapters.jt808_server import Session, serve
from anze.monitoring.choices import AlarmStatus, Tier, VehicleRule
from anze.monitoring.models import RejectedMessage, Vehicle, VehicleAlarm, VehiclePosition
from anze.supervision.choices import EventKind
from anze.supervision.models import Notification
from conftest import make_user

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=jt808.BEIJING)


@pytest.fixture
def truck(lanshan_enterprise):
    return vehicles.register_vehicle(actor=None, enterprise=lanshan_enterprise, plate="鲁Q12345",
                                     vehicle_class="dangerous", terminal_phone="013912345678",
                                     driver_name="赵师傅", in_service_from=T0 - dt.timedelta(days=1))  # fmt: skip


def frame(phone: str, at: dt.datetime, speed: str, serial: int = 1) -> bytes:
    body = jt808.encode_location(jt808.Location(0, jt808.STATUS_ACC_ON | jt808.STATUS_POSITIONED,
                                                Decimal("35.104"), Decimal("118.356"), 60, Decimal(speed), 90, at))  # fmt: skip
    return jt808.encode(jt808.Header(jt808.LOCATION_REPORT, phone, serial), body)


def test_a_location_report_is_stored_and_answered_after_the_commit(truck):
    answer = Session().handle(frame("13912345678", T0, "52.5"))
    response = jt808.decode(answer)
    assert response.header.message_id == jt808.PLATFORM_RESPONSE and response.body[-1] == jt808.RESULT_OK
    position = VehiclePosition.objects.get()
    assert (position.vehicle_id, position.speed_kmh, position.latitude) == (truck.pk, Decimal("52.5"), Decimal("35.104"))
    truck.refresh_from_db()
    assert truck.last_at == T0 and truck.speed_kmh == Decimal("52.5")


def test_an_unknown_terminal_and_a_broken_frame_are_kept_with_the_reason(truck):
    answer = jt808.decode(Session().handle(frame("13800000000", T0, "10")))
    assert answer.body[-1] == jt808.RESULT_FAILED
    assert Session().handle(b"\x7e\x02\x00\x00\x7e") is None
    assert sorted(RejectedMessage.objects.values_list("reason", flat=True)) == ["malformed", "unknown_gateway"]
    assert not VehiclePosition.objects.exists()


def test_overspeed_raises_one_alarm_that_tells_the_company_then_the_transport_department(
    truck, lanshan_enterprise, org, django_capture_on_commit_callbacks
):
    user = make_user("carrier", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    IndustrySupervisor.objects.create(region=org["linyi"], industry=lanshan_enterprise.industry,
                                      unit=org["city_transport"])  # fmt: skip
    session = Session()
    with django_capture_on_commit_callbacks(execute=True):
        for i, speed in enumerate(("58", "72", "75", "74", "70")):
            session.handle(frame("13912345678", T0 + dt.timedelta(seconds=20 * i), speed, serial=i))
    # JT/T 808 does not say the road: a dangerous-goods vehicle gets the expressway limit (80), not 60

    assert not VehicleAlarm.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for i, speed in enumerate(("85", "88", "86")):
            session.handle(frame("13912345678", T0 + dt.timedelta(seconds=200 + 20 * i), speed, serial=10 + i))
    alarm = VehicleAlarm.objects.get()
    assert (alarm.rule, alarm.value, alarm.limit, alarm.is_active) == (VehicleRule.OVERSPEED, Decimal("86"), 80, True)
    assert Notification.objects.filter(kind=EventKind.MONITORING_ALARM, user=user).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert vehicles.push_vehicle_alarms(now=alarm.raised_at + vehicles.PUSH_AFTER) == 1
        assert vehicles.push_vehicle_alarms(now=alarm.raised_at + 2 * vehicles.PUSH_AFTER) == 0
    alarm.refresh_from_db()
    assert alarm.tier == Tier.COUNTY
    assert Notification.objects.get(kind=EventKind.MONITORING_ALARM, unit__isnull=False).unit == org["city_transport"]


def test_the_company_acknowledges_and_another_county_cannot(truck, lanshan_enterprise, charlie):
    vehicles.ingest_positions([vehicles.Report(truck.pk, T0, Decimal(35), Decimal(118), Decimal(0))], actor="t")
    vehicles.detect_vehicle_offline(now=T0 + dt.timedelta(minutes=25))
    alarm = VehicleAlarm.objects.get(rule=VehicleRule.OFFLINE)
    user = make_user("carrier", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    with pytest.raises(Exception, match="无权"):
        vehicles.acknowledge_vehicle_alarm(alarm, actor=charlie)
    alarm = vehicles.acknowledge_vehicle_alarm(alarm, actor=user)
    assert alarm.status == AlarmStatus.ACKNOWLEDGED
    vehicles.ingest_positions([vehicles.Report(truck.pk, T0 + dt.timedelta(minutes=30), Decimal(35), Decimal(118),
                                               Decimal(0))], actor="t")  # fmt: skip
    alarm.refresh_from_db()
    assert not alarm.is_active and vehicles.detect_vehicle_offline(now=T0 + dt.timedelta(minutes=31)) == 0


def test_vehicle_online_counts(truck, luozhuang_enterprise):
    vehicles.register_vehicle(actor=None, enterprise=luozhuang_enterprise, plate="鲁Q99999", vehicle_class="charter",
                              terminal_phone="13900000001", in_service_from=T0 - dt.timedelta(days=1))  # fmt: skip
    vehicles.ingest_positions([vehicles.Report(truck.pk, T0, Decimal(35), Decimal(118), Decimal(30))], actor="t")
    counts = vehicles.vehicle_online_counts(Vehicle.objects.all(), online.Window(T0 - dt.timedelta(hours=1), T0 + dt.timedelta(hours=1)))
    assert online.combine(counts.values()) == online.Count(1, 2)


@pytest.mark.django_db(transaction=True)
def test_the_listener_answers_a_terminal_over_tcp(truck):
    server = serve("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=10) as sock:
            heartbeat = jt808.encode(jt808.Header(jt808.HEARTBEAT, "13912345678", 7))
            sock.sendall(heartbeat + frame("13912345678", T0, "40", serial=8)[:9])  # the report in two pieces
            first = sock.recv(64)
            sock.sendall(frame("13912345678", T0, "40", serial=8)[9:])
            second = sock.recv(64)
        assert jt808.decode(first).body[:2] == b"\x00\x07" and jt808.decode(second).body[:2] == b"\x00\x08"
        assert VehiclePosition.objects.count() == 1
    finally:
        server.shutdown()
        server.server_close()


def test_vehicle_pages_show_the_state_and_the_company_acknowledges(client, signed_in, truck, lanshan_enterprise, bob):
    from django.urls import reverse
    from django.utils import timezone

    now = timezone.now()
    vehicles.ingest_positions([vehicles.Report(truck.pk, now - dt.timedelta(minutes=30), Decimal(35), Decimal(118),
                                               Decimal(0))], actor="t")  # fmt: skip
    vehicles.detect_vehicle_offline(now=now)
    c = signed_in(bob)
    body = c.get(reverse("monitoring:vehicle_list") + "?state=offline").content.decode()
    assert "鲁Q12345" in body and "车辆离线" in body
    alarm = VehicleAlarm.objects.get()
    assert "鲁Q12345" in c.get(reverse("monitoring:vehicle_alarm_list")).content.decode()
    c.post(reverse("monitoring:vehicle_alarm_acknowledge", args=[alarm.public_id]))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED and alarm.acknowledged_by == bob
