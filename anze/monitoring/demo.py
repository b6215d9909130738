"""Demo data for `anze demo`: major hazards and monitoring points at the demo's chemical enterprises, and two
hours of simulated readings run through ingest (so the alarms, the offline point and the on-line rate show)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from anze.monitoring import services, simulation
from anze.monitoring.choices import PointKind
from anze.monitoring.hazards import Substance
from anze.monitoring.models import MajorHazard, MonitoringPoint

ENTERPRISES = 4
HISTORY = dt.timedelta(hours=2)
POINTS = [  # code, name, kind, range, low, high, high_high
    ("LT-101", "液氨储罐液位", PointKind.LEVEL, (0, 10), Decimal("1.5"), Decimal("8"), Decimal("9")),
    ("PT-101", "液氨储罐压力", PointKind.PRESSURE, (0, 2.5), None, Decimal("1.6"), Decimal("1.8")),
    ("TT-101", "液氨储罐温度", PointKind.TEMPERATURE, (-40, 80), None, Decimal("35"), Decimal("40")),
    ("AT-201", "罐区氨气浓度", PointKind.TOXIC_GAS, (0, 300), None, None, None),
    ("AT-202", "泵区可燃气体", PointKind.COMBUSTIBLE_GAS, (0, 100), None, None, None),
    ("FT-301", "出料流量", PointKind.FLOW, (0, 50), Decimal("5"), Decimal("40"), Decimal("45")),
]


def _enterprises() -> list[Any]:
    from anze.enterprises.models import Enterprise

    chemical = Enterprise.objects.filter(industry__code__startswith="26").order_by("-has_major_hazard", "pk")
    return list(chemical[:ENTERPRISES] or Enterprise.objects.order_by("pk")[:ENTERPRISES])


# How each demo unit was filed after its evaluation (days later; None: not yet): on time, late, not filed.
FILED_AFTER_DAYS = (9, 41, None, 14)


def _file(hazard: MajorHazard, i: int, now: dt.datetime) -> None:
    days = FILED_AFTER_DAYS[i % len(FILED_AFTER_DAYS)]
    if hazard.is_major and days is not None:
        services.file_major_hazard(
            hazard,
            actor="demo",
            filed_on=hazard.assessed_on + dt.timedelta(days=days),
            authority=f"{hazard.enterprise.region.name}应急管理局",
            today=now.date(),
        )


def _adopt_rules(enterprise: Any, now: dt.datetime) -> None:
    """The rule set governing the demo's enterprises takes the filing and re-evaluation rules, and the
    enterprises are judged by it."""
    from anze.enterprises import engine
    from anze.monitoring.compliance import adopt_hazard_rules

    governing = [
        rule_set
        for rule_set in engine.rule_sets_in_force(now.date())
        if enterprise.region.path.startswith(rule_set.region.path)
    ]
    if governing and adopt_hazard_rules(actor=None, region=governing[0].region, effective_from=now.date()):
        engine.evaluate(now=now)


def load_demo(*, stdout: Any, now: dt.datetime) -> None:
    enterprises = [e for e in _enterprises() if not MajorHazard.objects.filter(enterprise=e).exists()]
    if not enterprises:
        stdout.write("monitoring: demo data already present (or no enterprises)\n")
        return
    since = now - HISTORY
    points = []
    for i, enterprise in enumerate(enterprises):
        hazard = services.assess_major_hazard(
            actor="demo",
            enterprise=enterprise,
            substances=[Substance("氨", Decimal(40 + 60 * i)), Substance("甲醇", Decimal(300), "W5.3")],
            name="液氨罐区",
            unit_kind="storage",
            people_exposed=(120, 60, 20, 0)[i % 4],
            assessed_on=now.date() - dt.timedelta(days=200),
            main_responsible="主要负责人",
            technical_responsible="技术负责人",
            operating_responsible="操作负责人",
        )
        _file(hazard, i, now)
        for code, name, kind, (lo, hi), low, high, high_high in POINTS:
            points.append(
                services.create_point(
                    actor="demo",
                    enterprise=enterprise,
                    hazard=hazard,
                    code=code,
                    name=name,
                    kind=kind,
                    range_min=Decimal(lo),
                    range_max=Decimal(hi),
                    low=low,
                    high=high,
                    high_high=high_high,
                    oel_ppm=Decimal(20) if kind == PointKind.TOXIC_GAS else None,
                    frozen_after=30,
                    expected_period_s=60,
                    in_service_from=since - dt.timedelta(days=30),
                )  # fmt: skip
            )
    _adopt_rules(enterprises[0], now)
    _replay(points, since=since, now=now)
    services.detect_offline(now=now)
    stdout.write(
        f"monitoring: {len(enterprises)} major hazards, {len(points)} points, {HISTORY} of readings\n"
    )
    load_vehicles(stdout=stdout, now=now)


VEHICLES = [  # plate, class, driver, behaviour
    ("鲁Q8H261", "dangerous", "王建国", "overspeed"),
    ("鲁Q9K307", "dangerous", "李振华", "normal"),
    ("鲁QA1253", "passenger", "张卫东", "fatigue"),
    ("鲁QB6078", "passenger", "刘洪涛", "normal"),
    ("鲁QC3319", "charter", "陈志强", "offline"),
    ("鲁QD5520", "charter", "赵海军", "normal"),
]
DRIVE = dt.timedelta(hours=5)


def _carriers() -> list[Any]:
    from anze.enterprises.models import Enterprise

    road = Enterprise.objects.filter(industry__code__startswith="54").order_by("pk")[:2]
    chemical = {e.pk for e in _enterprises()}
    return list(road) or list(Enterprise.objects.exclude(pk__in=chemical).order_by("pk")[:2])


def load_vehicles(*, stdout: Any, now: dt.datetime) -> None:
    """Six 两客一危 vehicles of two carriers and five hours of positions a minute apart: one 危货 truck over
    its limit, a coach driven four and a half hours without a stop, a charter bus silent for forty minutes."""
    from anze.monitoring import vehicles
    from anze.monitoring.models import Vehicle

    carriers = _carriers()
    if not carriers or Vehicle.objects.exists():
        return
    since = now - DRIVE
    fleet = []
    for i, (plate, vehicle_class, driver, behaviour) in enumerate(VEHICLES):
        vehicle = vehicles.register_vehicle(
            actor="demo", enterprise=carriers[i % len(carriers)], plate=plate, vehicle_class=vehicle_class,
            terminal_phone=f"1395390{i:04d}", driver_name=driver, in_service_from=now - dt.timedelta(days=90),
        )  # fmt: skip
        fleet.append((vehicle, behaviour))
    for minute in range(0, int(DRIVE.total_seconds() // 60), 30):
        reports = []
        for m in range(minute, minute + 30):
            at = since + dt.timedelta(minutes=m)
            for k, (vehicle, behaviour) in enumerate(fleet):
                left = DRIVE - dt.timedelta(minutes=m)
                if behaviour == "offline" and left < dt.timedelta(minutes=40):
                    continue
                if behaviour == "overspeed" and left < dt.timedelta(minutes=20):
                    speed = Decimal(88)
                elif behaviour == "fatigue" or (m // 45) % 3:
                    speed = Decimal(62 + k)
                else:
                    speed = Decimal(0)  # a stop of 45 minutes every two hours and a quarter
                reports.append(vehicles.Report(vehicle.pk, at, Decimal("35.05") + Decimal(m) / 5000,
                                               Decimal("118.35") + Decimal(k) / 100, speed, direction=90))  # fmt: skip
        vehicles.ingest_positions(reports, actor="demo", now=since + dt.timedelta(minutes=minute + 30))
    vehicles.detect_vehicle_offline(now=now)
    stdout.write(f"monitoring: {len(fleet)} vehicles, {DRIVE} of positions\n")


def _replay(points: list[MonitoringPoint], *, since: dt.datetime, now: dt.datetime) -> None:
    """A reading a minute per point, as the simulator would send: the last enterprise's gateway is offline
    for the last half hour, one sensor is stuck and two make an excursion."""
    sensors = []
    for i, p in enumerate(points):
        behaviour = (
            simulation.STUCK if i == 7 else simulation.EXCURSION if i in (3, 12) else simulation.NORMAL
        )
        limits = {f: getattr(p, f) for f in ("low_low", "low", "high", "high_high", "range_min", "range_max")}
        sensors.append((p, simulation.Sensor.for_point(p.code, limits, behaviour, seed=i)))
    last_enterprise = points[-1].enterprise_id
    minutes = int(HISTORY.total_seconds() // 60)
    for minute in range(0, minutes, 10):
        rows = []
        for m in range(minute, min(minute + 10, minutes)):
            at = since + dt.timedelta(minutes=m)
            for point, sensor in sensors:
                if point.enterprise_id == last_enterprise and m >= minutes - 30:
                    continue
                rows.append((point.pk, at, sensor.value(m * 60 + 600)))
        services.ingest_readings(rows, actor="demo", now=since + dt.timedelta(minutes=minute + 10))
