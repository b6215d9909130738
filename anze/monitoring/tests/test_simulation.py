"""The simulator: its sensors behave as described, and `anze simulate sensors` reaches the consumer."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from anze.monitoring import mqtt, simulation
from anze.monitoring.models import Reading
from anze.monitoring.tests.factories import make_point
from anze.monitoring.tests.test_mqtt import BROKER, channel  # noqa: F401 (fixture)

LIMITS = {"low": Decimal(20), "high": Decimal(80), "range_min": Decimal(0), "range_max": Decimal(100)}


def test_a_normal_sensor_stays_between_its_limits():
    sensor = simulation.Sensor.for_point("A", LIMITS, seed=1)
    values = [sensor.value(t) for t in range(0, 3600, 10)]
    assert all(20 < v < 80 for v in values)
    assert len(set(values)) > 100


def test_a_stuck_sensor_repeats_one_value_and_an_excursion_passes_the_high_limit():
    stuck = simulation.Sensor.for_point("B", LIMITS, simulation.STUCK)
    assert len({stuck.value(t) for t in range(100)}) == 1

    excursion = simulation.Sensor.for_point("C", LIMITS, simulation.EXCURSION, seed=3)
    values = [excursion.value(t) for t in range(0, 900, 5)]
    assert max(values) > 80 and min(values) < 80


@pytest.mark.django_db
def test_simulated_gateways_publish_and_the_last_one_stays_offline(channel, settings, lanshan_enterprise,  # noqa: F811
                                                                   luozhuang_enterprise):  # fmt: skip
    prefix, client_id = channel
    settings.MQTT_URL, settings.MQTT_PREFIX = "mqtt://127.0.0.1:1883", prefix
    since = timezone.now() - dt.timedelta(days=1)
    online_point = make_point(lanshan_enterprise, in_service_from=since)
    offline_point = make_point(luozhuang_enterprise, in_service_from=since)
    consumer = mqtt.Consumer(BROKER, prefix=prefix, client_id=client_id)
    consumer.start()
    try:
        call_command("simulate", "sensors", "--rate", "20", "--seconds", "2")
        consumer.run(stop=threading.Event(), wait=0.2, until_idle=1.0)
    finally:
        consumer.stop()

    assert Reading.objects.filter(point=online_point).count() >= 10
    assert not Reading.objects.filter(point=offline_point).exists()
