"""The canonical JSON door for vehicle positions: parsing (pure), and the HTTP upload with an enterprise's token
through the driving rules; what cannot be stored is kept with its reason and the rest is stored."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from anze.monitoring import services, vehicles
from anze.monitoring.adapters import canonical_vehicles
from anze.monitoring.choices import RejectReason, VehicleRule
from anze.monitoring.models import RejectedMessage, VehicleAlarm, VehiclePosition

BEIJING = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)


def _message(credit_code: str, *positions: dict) -> dict:
    return {"v": 1, "enterprise": credit_code, "sent_at": T0.isoformat(), "positions": list(positions)}


def _position(plate="鲁Q12345", at=T0, speed=52.5, **more) -> dict:
    return {"plate": plate, "at": at.isoformat(), "lat": 35.104, "lon": 118.356, "speed": speed, **more}


# -- parsing (no database) -------------------------------------------------------------------------------------


def test_a_message_is_read_into_positions_with_its_values():
    message = canonical_vehicles.parse(
        json.dumps(_message("91371300ma00000001", _position(direction=90, acc=False, road="other")))
    )
    assert message.enterprise == "91371300MA00000001"
    assert message.positions == [
        canonical_vehicles.RawPosition(
            "鲁Q12345", T0, Decimal("35.104"), Decimal("118.356"), Decimal("52.5"), 90, False, "other"
        )
    ]
    assert message.bad == []


@pytest.mark.parametrize(
    ("position", "reason", "words"),
    [
        (_position(at=T0.replace(tzinfo=None)), "bad_time", "缺少时区偏移"),
        (_position(speed=-1), "bad_value", "速度 -1 超出范围"),
        (_position(speed=float("nan")), "bad_value", "有限数字"),
        (_position(speed=True), "bad_value", "有限数字"),
        ({**_position(), "lat": 91}, "bad_value", "纬度 91 超出范围"),
        (_position(acc="yes"), "bad_value", "acc 须为"),
        (_position(road="autobahn"), "bad_value", "道路等级"),
        ({"at": T0.isoformat()}, "malformed", "缺少 plate"),
    ],
)
def test_a_wrong_position_is_reported_with_its_reason_and_the_good_one_kept(position, reason, words):
    message = canonical_vehicles.parse(json.dumps(_message("X", position, _position(plate="鲁Q99999"))))
    assert [p.plate for p in message.positions] == ["鲁Q99999"]
    assert [(b.index, b.reason) for b in message.bad] == [(0, reason)]
    assert words in message.bad[0].detail


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"{not json", "不是有效的 JSON"),
        (b"[]", "须为 JSON 对象"),
        (json.dumps({"v": 2, "enterprise": "X", "positions": [_position()]}), "不支持的版本"),
        (json.dumps({"v": 1, "positions": [_position()]}), "缺少 enterprise"),
        (json.dumps({"v": 1, "enterprise": "X", "positions": []}), "缺少 positions"),
    ],
)
def test_an_unreadable_message_is_malformed_with_what_to_fix(payload, words):
    with pytest.raises(canonical_vehicles.Malformed, match=words):
        canonical_vehicles.parse(payload)


# -- the HTTP door -----------------------------------------------------------------------------------------------


@pytest.fixture
def truck(lanshan_enterprise):
    return vehicles.register_vehicle(actor=None, enterprise=lanshan_enterprise, plate="鲁Q12345",
                                     vehicle_class="dangerous", terminal_phone="013912345678",
                                     driver_name="赵师傅", in_service_from=T0 - dt.timedelta(days=1))  # fmt: skip


def _post(client, body, token):
    return client.post(
        "/monitoring/ingest/vehicles/", data=json.dumps(body, ensure_ascii=False), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


@pytest.mark.django_db
def test_positions_are_stored_through_the_driving_rules(client, truck, lanshan_enterprise):
    # a 危货 truck at 85 km/h on an ordinary road (limit 60) for longer than the rule's debounce
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="车载平台")
    positions = [_position(at=T0 + dt.timedelta(minutes=m), speed=85, road="other") for m in range(0, 6)]

    response = _post(client, _message(lanshan_enterprise.credit_code, *positions), token)

    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 6 and response.json()["rejected"] == 0
    assert VehiclePosition.objects.filter(vehicle=truck).count() == 6
    assert VehicleAlarm.objects.filter(vehicle=truck, rule=VehicleRule.OVERSPEED, is_active=True).count() == 1


@pytest.mark.django_db
def test_an_unregistered_plate_is_kept_as_rejected_and_the_rest_stored(client, truck, lanshan_enterprise):
    _, token = services.issue_ingest_token(actor=None, enterprise=lanshan_enterprise, label="车载平台")
    body = _message(lanshan_enterprise.credit_code, _position(), _position(plate="鲁Q00000"))

    response = _post(client, body, token)

    assert response.status_code == 207
    assert (response.json()["stored"], response.json()["rejected"]) == (1, 1)
    rejected = RejectedMessage.objects.get()
    assert rejected.reason == RejectReason.UNKNOWN_VEHICLE and "鲁Q00000" in rejected.detail
    assert rejected.enterprise == lanshan_enterprise


@pytest.mark.django_db
def test_a_token_cannot_upload_another_enterprises_positions(
    client, truck, lanshan_enterprise, luozhuang_enterprise
):
    _, token = services.issue_ingest_token(actor=None, enterprise=luozhuang_enterprise, label="别家平台")

    response = _post(client, _message(lanshan_enterprise.credit_code, _position()), token)

    assert response.status_code == 207 and response.json()["stored"] == 0
    assert not VehiclePosition.objects.exists()
    assert RejectedMessage.objects.get().reason == RejectReason.UNKNOWN_GATEWAY


@pytest.mark.django_db
def test_without_a_token_nothing_is_stored(client, truck, lanshan_enterprise):
    response = client.post("/monitoring/ingest/vehicles/", data=json.dumps(_message("X", _position())),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 401 and "Authorization" in response.json()["message"]
    assert not VehiclePosition.objects.exists()
