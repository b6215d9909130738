"""The MQTT door against the real Mosquitto (skipped when it does not answer), on topics of the test's own."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import uuid

import paho.mqtt.client as paho
import pytest
from django.utils import timezone

from anze.monitoring import ingest, mqtt
from anze.monitoring.adapters import canonical
from anze.monitoring.models import Reading, RejectedMessage
from anze.monitoring.tests.factories import make_point

pytestmark = pytest.mark.django_db
BROKER = mqtt.Broker("127.0.0.1", 1883)


def _broker_answers() -> bool:
    try:
        with socket.create_connection((BROKER.host, BROKER.port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def channel():
    """A topic prefix and client id of this test's own; the broker's session is removed afterwards."""
    if not _broker_answers():
        pytest.skip("Mosquitto does not answer at 127.0.0.1:1883")
    key = uuid.uuid4().hex[:12]
    yield f"anze-test/{key}", f"anze-test-{key}"
    cleaner = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"anze-test-{key}", clean_session=True)
    cleaner.connect(BROKER.host, BROKER.port)
    cleaner.disconnect()


def publish(prefix: str, enterprise, payloads: list[bytes]) -> None:
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.connect(BROKER.host, BROKER.port)
    client.loop_start()
    for payload in payloads:
        client.publish(f"{prefix}/{enterprise.credit_code}/GW-01/readings", payload, qos=1).wait_for_publish(
            5
        )
    client.disconnect()
    client.loop_stop()


def consume(prefix: str, client_id: str) -> ingest.Outcome:
    consumer = mqtt.Consumer(BROKER, prefix=prefix, client_id=client_id)
    consumer.start()
    try:
        return consumer.run(stop=threading.Event(), wait=0.2, until_idle=1.0)
    finally:
        consumer.stop()


def test_messages_are_stored_and_bad_ones_rejected_without_stopping(channel, lanshan_enterprise):
    prefix, client_id = channel
    point = make_point(lanshan_enterprise, in_service_from=timezone.now() - dt.timedelta(days=1))
    now = timezone.now()
    good = canonical.encode(lanshan_enterprise.credit_code, "GW-01", [(point.code, now, 50.0), (point.code, now
                            + dt.timedelta(seconds=1), 51.0)])  # fmt: skip
    consume(prefix, client_id)  # the session exists before the gateway publishes

    publish(prefix, lanshan_enterprise, [b"garbage", good])
    totals = consume(prefix, client_id)

    assert (totals.stored, totals.rejected_messages) == (2, 1)
    assert Reading.objects.filter(point=point).count() == 2
    assert RejectedMessage.objects.get().reason == "malformed"


def test_a_batch_that_fails_to_store_is_not_acknowledged_and_comes_back(
    channel, lanshan_enterprise, monkeypatch
):
    prefix, client_id = channel
    point = make_point(lanshan_enterprise, in_service_from=timezone.now() - dt.timedelta(days=1))
    payload = canonical.encode(lanshan_enterprise.credit_code, "GW-01", [(point.code, timezone.now(), 50.0)])
    consume(prefix, client_id)
    publish(prefix, lanshan_enterprise, [payload])

    # given the database refuses the first attempt (fault injected at the storing step)
    real_accept = ingest.accept

    def failing(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(ingest, "accept", failing)
    with pytest.raises(RuntimeError):
        consume(prefix, client_id)
    assert Reading.objects.count() == 0

    # when the consumer comes back with the same session, the broker redelivers the unacknowledged message
    monkeypatch.setattr(ingest, "accept", real_accept)
    totals = consume(prefix, client_id)

    assert totals.stored == 1
    assert Reading.objects.filter(point=point).count() == 1


def test_vehicle_positions_come_in_on_their_own_topic_beside_readings(channel, lanshan_enterprise):
    import json
    from decimal import Decimal

    from anze.monitoring import vehicles
    from anze.monitoring.models import VehiclePosition

    prefix, client_id = channel
    truck = vehicles.register_vehicle(actor=None, enterprise=lanshan_enterprise, plate="鲁Q12345",
                                      vehicle_class="dangerous", terminal_phone="013912345678", driver_name="赵师傅",
                                      in_service_from=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    point = make_point(lanshan_enterprise, in_service_from=timezone.now() - dt.timedelta(days=1))
    now = timezone.now()
    message = {"v": 1, "enterprise": lanshan_enterprise.credit_code, "positions": [
        {"plate": "鲁Q12345", "at": now.isoformat(), "lat": 35.1, "lon": 118.3, "speed": 40},
        {"plate": "鲁Q00000", "at": now.isoformat(), "lat": 35.1, "lon": 118.3, "speed": 40},
    ]}  # fmt: skip
    consume(prefix, client_id)  # the session exists before anything is published
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.connect(BROKER.host, BROKER.port)
    client.loop_start()
    topic = f"{prefix}/{lanshan_enterprise.credit_code}/PLATFORM-1/positions"
    client.publish(topic, json.dumps(message, ensure_ascii=False).encode(), qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()
    publish(
        prefix,
        lanshan_enterprise,
        [canonical.encode(lanshan_enterprise.credit_code, "GW-01", [(point.code, now, 50.0)])],
    )

    totals = consume(prefix, client_id)

    assert (totals.stored, totals.rejected, totals.rejected_messages) == (2, 1, 1)
    assert VehiclePosition.objects.get().vehicle == truck
    assert VehiclePosition.objects.get().speed_kmh == Decimal(40)
    assert Reading.objects.filter(point=point).count() == 1
    assert RejectedMessage.objects.get().reason == "unknown_vehicle"


def test_the_broker_sends_a_whole_batch_before_any_is_acknowledged(channel, lanshan_enterprise):
    """MQTT 5's Receive Maximum: Mosquitto sends more than its default 20 unacknowledged messages, so one
    batch holds what waited for the consumer, and every message is stored once."""
    prefix, client_id = channel
    point = make_point(lanshan_enterprise, in_service_from=timezone.now() - dt.timedelta(days=1))
    consume(prefix, client_id)  # the session exists before the gateway publishes
    start = timezone.now() - dt.timedelta(minutes=2)
    code = lanshan_enterprise.credit_code
    payloads = [
        canonical.encode(code, "GW-01", [(point.code, start + dt.timedelta(seconds=k), 50.0)])
        for k in range(60)
    ]
    publish(prefix, lanshan_enterprise, payloads)

    consumer = mqtt.Consumer(BROKER, prefix=prefix, client_id=client_id, batch_size=100, linger=1.5)
    consumer.start()
    try:
        batch = consumer.take(wait=5)  # nothing acknowledged yet
        consumer.process(batch)
    finally:
        consumer.stop()

    assert len(batch) == 60
    assert Reading.objects.filter(point=point).count() == 60
