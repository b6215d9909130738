"""What the app adds to lower pages and commands through the registry: jobs, the clause indicator, demo data."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from anze.core import registry
from anze.monitoring import indicators
from anze.monitoring.models import Alarm, HourlyRollup, MajorHazard, MonitoringPoint
from anze.monitoring.tests.factories import T0, feed, make_point

pytestmark = pytest.mark.django_db


def task_11_clause(region, units):
    from anze.duties.tests.factories import make_clause

    clause = make_clause(region, units, text="重大危险源在线监测监控率2020年底前达到100%。")
    clause.task.number = "11"
    clause.task.save(update_fields=["number"])
    return clause


def test_the_jobs_are_registered_and_run_safely_twice(lanshan_enterprise):
    keys = {job.key for job in registry.jobs()}
    assert {"monitoring.offline", "monitoring.rollup", "monitoring.partitions", "monitoring.push",
            "monitoring.escalate"} <= keys  # fmt: skip
    point = make_point(lanshan_enterprise)
    feed(point, [50, 60])
    later = T0 + dt.timedelta(hours=2)

    for _ in range(2):
        for job in registry.jobs():
            if job.key.startswith("monitoring."):
                job.func(later)

    assert HourlyRollup.objects.get(point=point).count == 2
    assert Alarm.objects.filter(point=point, kind="offline").count() == 1


def test_the_online_rate_sits_beside_task_11_in_the_readers_scope(org, alice, bob, lanshan_enterprise,
                                                                  luozhuang_enterprise):  # fmt: skip
    clause = task_11_clause(org["linyi"], [org["city_emergency"]])
    other = task_11_clause(org["linyi"], [org["city_emergency"]])
    other.text = "其他内容"
    other.save(update_fields=["text"])
    now = T0 + dt.timedelta(hours=1)
    reporting = make_point(lanshan_enterprise)
    make_point(lanshan_enterprise)  # silent
    make_point(luozhuang_enterprise)
    feed(reporting, [50])

    for_alice = indicators.online_rate_indicator(alice, [clause.pk, other.pk], now=now)
    for_bob = indicators.online_rate_indicator(bob, [clause.pk, other.pk], now=now)

    assert list(for_alice) == [clause.pk]
    assert (for_alice[clause.pk][0]["reporting"], for_alice[clause.pk][0]["expected"]) == (1, 3)
    assert (for_bob[clause.pk][0]["reporting"], for_bob[clause.pk][0]["expected"]) == (1, 2)
    assert for_bob[clause.pk][0]["value"] == "50.0%（1/2）"
    assert registry.indicators_for_clauses(bob, [clause.pk])  # reachable through the registry


def test_the_demo_step_loads_once(lanshan_enterprise, luozhuang_enterprise):
    (step,) = [s for s in registry.demo_steps() if s.key == "monitoring"]
    now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)

    step.func(stdout=io.StringIO(), now=now)
    step.func(stdout=io.StringIO(), now=now)

    assert MajorHazard.objects.count() == 2
    assert MonitoringPoint.objects.count() == 12
    assert Alarm.objects.filter(kind="offline").exists()
    assert Alarm.objects.filter(kind="limit").exists()


def test_the_demo_fleet_shows_each_vehicle_rule(org, lanshan_enterprise, luozhuang_enterprise):
    from anze.monitoring.demo import load_vehicles
    from anze.monitoring.models import Vehicle, VehicleAlarm
    from anze.prevention.tests.factories import make_enterprise, make_industry

    make_enterprise(
        org["lanshan"], name="临沂顺达危货运输有限公司", industry=make_industry("5430", "道路危险货物运输")
    )
    now = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 14:00 in Linyi: the day limits apply
    load_vehicles(stdout=io.StringIO(), now=now)
    load_vehicles(stdout=io.StringIO(), now=now)

    assert Vehicle.objects.count() == 6
    assert set(VehicleAlarm.objects.filter(is_active=True).values_list("rule", flat=True)) == {
        "overspeed", "fatigue", "offline"}  # fmt: skip


def test_the_vehicle_online_rate_sits_beside_task_14_in_the_readers_scope(org, alice, bob, lanshan_enterprise,
                                                                          luozhuang_enterprise):  # fmt: skip
    from decimal import Decimal

    from anze.duties.tests.factories import make_clause
    from anze.monitoring import vehicles

    clause = make_clause(org["linyi"], [org["city_emergency"]], text="推动“两客一危”车辆动态监管。")
    clause.task.number = "14"
    clause.task.save(update_fields=["number"])
    other = make_clause(org["linyi"], [org["city_emergency"]], text="推动“两客一危”车辆动态监管。")  # task 1
    since = T0 - dt.timedelta(days=1)
    fleet = [
        vehicles.register_vehicle(actor=None, enterprise=enterprise, plate=plate, vehicle_class="passenger",
                                  terminal_phone=f"01390000000{i}", driver_name="师傅", in_service_from=since)
        for i, (enterprise, plate) in enumerate(
            [(lanshan_enterprise, "鲁Q10001"), (lanshan_enterprise, "鲁Q10002"), (luozhuang_enterprise, "鲁Q10003")]
        )
    ]  # fmt: skip
    vehicles.ingest_positions(
        [vehicles.Report(fleet[0].pk, T0, Decimal("35.1"), Decimal("118.3"), Decimal("40"))],
        actor=None,
        now=T0,
    )
    now = T0 + dt.timedelta(hours=1)

    for_alice = indicators.vehicle_online_indicator(alice, [clause.pk, other.pk], now=now)
    for_bob = indicators.vehicle_online_indicator(bob, [clause.pk, other.pk], now=now)

    assert list(for_alice) == [clause.pk]
    assert (for_alice[clause.pk][0]["reporting"], for_alice[clause.pk][0]["expected"]) == (1, 3)
    assert for_bob[clause.pk][0]["value"] == "50.0%（1/2）" and for_bob[clause.pk][1]["value"] == 1
    assert for_bob[clause.pk][1]["url"].endswith("?reported=no")
