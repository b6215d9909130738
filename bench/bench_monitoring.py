"""Monitoring benchmark: 50,000 points, a month of readings, MQTT ingest and alarm latency, on PostgreSQL.

A fresh database of its own (anze_bench_monitoring at 127.0.0.1:5432, dropped afterwards) gets a city with
12 counties, 50 enterprises of 1,000 monitoring points each (50,000 points), and a month of readings, one
per point every two hours (18,000,000 rows in the monthly partitions, INSERT … SELECT generate_series; one
point in twenty silent for the last day). Then:

- monitoring_online_rate_city: the 数据在线率 page of the city office for that month (every county, each
  figure a count over the 50,000 points), median of 5 requests through the Django test Client, ms, ≤ 300;
  monitoring_online_rate_city_day: the same page for the last 24 hours.
- monitoring_ingest_rate: readings per second from MQTT into PostgreSQL through alarm evaluation. The
  consumer (`anze monitoring consume` as deployed, its own process, its default batch of 500 messages)
  subscribes on the broker at ANZE_MQTT_URL (default mqtt://127.0.0.1:1883); the bench publishes 800 gateway messages of 1,000 readings each (QoS 1, encoded
  beforehand) and times from the first publish to the last reading committed, ≥ 50,000.
  The message count stays under Mosquitto's default per-client queue of 1,000 messages.
- monitoring_alarm_latency_p99: 200 messages, one at a time, each a reading in 高高 alarm of another point;
  the time from publish to the alarm row committed (seen by polling every 2 ms), 99th percentile, ≤ 1,000 ms.

Beside the page, `…_vs_raw` (bench/raw.py): the same counts by one hand-written SELECT (expected and reporting
points per county, EXISTS on the readings' index). Beside the ingest rate, `…_vs_raw`: the same rows written
by COPY alone (no MQTT, no alarm evaluation). ANZE_BENCH_SCALE (0–1) shrinks the data for a quick check.

The run happens in a subprocess (Django is configured once per process). run() prints nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "anze_bench_monitoring"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
MQTT_URL = os.environ.get("ANZE_MQTT_URL") or "mqtt://127.0.0.1:1883"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import scaled, timed, versus  # noqa: E402

COUNTIES = 12
ENTERPRISES = 50
POINTS_PER_ENTERPRISE = scaled(1_000)
DAYS = 30
EVERY_HOURS = 2
ROUNDS = max(1, scaled(800) // ENTERPRISES)  # 800 messages: under Mosquitto's default queue of 1,000
PROBES = max(20, scaled(200))
PAGE_TARGET_MS = 300
RATE_TARGET = 50_000
LATENCY_TARGET_MS = 1_000


def run() -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, cwd=ROOT, timeout=1800
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_monitoring failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _setup(tmp: str) -> None:
    import psycopg

    sys.path.insert(0, str(ROOT))
    os.environ.pop("ANZE_TEST_DATABASE_URL", None)
    os.environ["ANZE_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["ANZE_DATABASE_URL"] = PG_URL
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)


def _drop() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _generate(now: dt.datetime):
    """The city, 12 counties, 50 enterprises with 1,000 points each (ORM bulk), a month of readings (SQL)."""
    from decimal import Decimal

    from django.db import connection

    from anze.enterprises.models import Enterprise, Industry
    from anze.monitoring import partitions
    from anze.monitoring.models import MonitoringPoint
    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=province)
    counties = [
        Region.objects.create(code=f"3713{k + 1:02d}", name=f"县区{k + 1}", level=RegionLevel.COUNTY, parent=city)
        for k in range(COUNTIES)
    ]
    units = [
        Unit.objects.create(name=f"{c.name}应急管理局", short_name=f"{c.name}应急局",
                            kind=UnitKind.GOVERNMENT_DEPARTMENT, region=c)  # fmt: skip
        for c in counties
    ]
    industry = Industry.objects.create(code="C26", name="化学原料和化学制品制造业", section="C")
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"化工企业{i:03d}", credit_code=f"91371300MA{i:08d}", region=counties[i % COUNTIES],
                       county=counties[i % COUNTIES], industry=industry, employee_count=200,
                       supervising_unit=units[i % COUNTIES])  # fmt: skip
            for i in range(ENTERPRISES)
        ]
    )
    paths = dict(Region.objects.values_list("pk", "path"))
    since = now - dt.timedelta(days=DAYS + 10)
    MonitoringPoint.objects.bulk_create(
        [
            MonitoringPoint(enterprise=e, region_path=paths[e.region_id], code=f"LT-{j:05d}", name=f"储罐液位{j}",
                            kind="level", unit="m", range_min=Decimal(0), range_max=Decimal(100),
                            low=Decimal(20), high=Decimal(80), high_high=Decimal(90), debounce=1,
                            expected_period_s=60, in_service_from=since)  # fmt: skip
            for e in enterprises
            for j in range(POINTS_PER_ENTERPRISE)
        ],
        batch_size=5000,
    )
    start = now - dt.timedelta(days=DAYS)
    partitions.ensure_for([start, now, now + dt.timedelta(days=1)])
    steps = DAYS * 24 // EVERY_HOURS
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS reading_point_at")  # a bulk load builds its index afterwards
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        # One point in twenty (id % 20 = 0) stops reporting a day before now.
        cursor.execute(
            """
            INSERT INTO monitoring_reading (point_id, at, value, received_at)
            SELECT p.id, t.at, 40 + (p.id %% 17) + random(), t.at
            FROM monitoring_monitoringpoint p
            CROSS JOIN LATERAL (
                SELECT %s::timestamptz + make_interval(hours => g * %s) + make_interval(secs => p.id %% 3600) AS at
                FROM generate_series(0, %s - 1) AS g
            ) t
            WHERE NOT (p.id %% 20 = 0 AND t.at > %s::timestamptz - interval '1 day')
              AND t.at < %s
            """,
            [start, EVERY_HOURS, steps, now, now],
        )
        cursor.execute("CREATE INDEX reading_point_at ON monitoring_reading (point_id, at)")
        cursor.execute("VACUUM ANALYZE monitoring_reading")
        cursor.execute("ANALYZE monitoring_monitoringpoint")
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        rows = cursor.fetchone()[0]
    return city, enterprises, rows


def _office_client(city):
    from django.test import Client
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, User
    from anze.accounts.roles import Role

    user = User.objects.create_user(username="bench_office", password="Bench-Office-2026!")
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password_changed_at", "must_change_password"])
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, region=city)
    client = Client()
    client.force_login(user)
    return client


def _median_ms(client, url: str, runs: int = 5) -> float:
    response = client.get(url)  # warm-up (caches, plans)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return round(statistics.median(times), 1)


def _raw_online(start: dt.datetime, end: dt.datetime) -> float:
    """The on-line counts per county by one hand-written SELECT (the floor of the page's work)."""
    return min(
        timed(
            """
            SELECT e.county_id, count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM monitoring_reading r
                                                  WHERE r.point_id = p.id AND r.at >= %s AND r.at < %s))
            FROM monitoring_monitoringpoint p JOIN enterprises_enterprise e ON e.id = p.enterprise_id
            WHERE p.in_service_from < %s AND (p.in_service_until IS NULL OR p.in_service_until > %s)
            GROUP BY e.county_id
            """,
            [start, end, end, start],
        )
        for _ in range(3)
    )


# -- MQTT -----------------------------------------------------------------------------------------------------


def _consumer(prefix: str, tmp: str) -> subprocess.Popen:
    env = {**os.environ, "ANZE_DATABASE_URL": PG_URL, "ANZE_MQTT_URL": MQTT_URL, "ANZE_MQTT_PREFIX": prefix,
           "ANZE_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "anze.test_settings", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "anze.cli", "monitoring", "consume", "--client-id", f"bench-{os.getpid()}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline()  # "订阅 …" once subscribed
    if not line:
        raise RuntimeError("consumer did not start:\n" + proc.stderr.read()[-4000:])
    return proc


def _forget_session() -> None:
    """Drop the consumer's persistent session on the broker (nothing of the benchmark stays queued there)."""
    import paho.mqtt.client as paho

    from anze.monitoring import mqtt

    broker = mqtt.broker_from_url(MQTT_URL)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-{os.getpid()}", clean_session=True,
                         protocol=paho.MQTTv311)  # fmt: skip
    client.connect(broker.host, broker.port, keepalive=30)
    client.loop_start()
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()


def _publisher():
    import paho.mqtt.client as paho

    from anze.monitoring import mqtt

    broker = mqtt.broker_from_url(MQTT_URL)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}",
                         protocol=paho.MQTTv311)  # fmt: skip
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port, keepalive=30)
    client.loop_start()
    return client


def _message(credit_code: str, readings: list[tuple[str, dt.datetime, float]]) -> bytes:
    return json.dumps(
        {"v": 1, "enterprise": credit_code, "gateway": "GW-01", "sent_at": readings[-1][1].isoformat(),
         "readings": [{"point": p, "at": at.isoformat(), "value": v} for p, at, v in readings]}  # fmt: skip
    ).encode()


def _ingest_rate(client, prefix: str, enterprises, now: dt.datetime) -> tuple[float, int]:
    """Publish ROUNDS messages per gateway of POINTS_PER_ENTERPRISE readings each; readings/s until every
    point's state shows its last reading (the state is written in the same transaction as the readings)."""
    from anze.monitoring.models import MonitoringPoint

    base = now - dt.timedelta(minutes=30)  # the receiving side refuses readings more than 5 minutes ahead
    payloads = []
    for r in range(ROUNDS):
        at = base + dt.timedelta(seconds=60 * r)
        for e in enterprises:
            readings = [(f"LT-{j:05d}", at, 50.0 + (j % 7) * 0.5) for j in range(POINTS_PER_ENTERPRISE)]
            payloads.append((f"{prefix}/{e.credit_code}/GW-01/readings", _message(e.credit_code, readings)))
    final = base + dt.timedelta(seconds=60 * (ROUNDS - 1))
    points = len(enterprises) * POINTS_PER_ENTERPRISE
    began = time.perf_counter()
    for topic, payload in payloads:
        client.publish(topic, payload, qos=1)
    waiting = MonitoringPoint.objects.filter(last_at__lt=final) | MonitoringPoint.objects.filter(last_at=None)
    while waiting.exists():  # one indexed look at a time, every 0.2 s, so the probe does not slow the consumer
        time.sleep(0.2)
    elapsed = time.perf_counter() - began
    return ROUNDS * points / elapsed, ROUNDS * points


def _alarm_latency(client, prefix: str, enterprises, now: dt.datetime) -> list[float]:
    """Seconds from publish to the alarm row, one probe at a time, each on another point."""
    from django.db import connection
    from django.utils import timezone

    from anze.monitoring.models import MonitoringPoint

    latencies = []
    for k in range(PROBES):
        e = enterprises[k % len(enterprises)]
        code = f"LT-{k // len(enterprises):05d}"
        point_id = MonitoringPoint.objects.filter(enterprise=e, code=code).values_list("pk", flat=True).get()
        payload = _message(e.credit_code, [(code, timezone.now(), 95.0)])
        began = time.perf_counter()
        client.publish(f"{prefix}/{e.credit_code}/GW-01/readings", payload, qos=1)
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT 1 FROM monitoring_alarm WHERE point_id = %s", [point_id])
                if cursor.fetchone():
                    break
                if time.perf_counter() - began > 30:
                    raise RuntimeError(f"no alarm for point {point_id} after 30 s")
                time.sleep(0.002)
        latencies.append(time.perf_counter() - began)
    return latencies


def _raw_copy(rows: int) -> float:
    """The floor of the ingest: the same number of rows written by COPY alone (psycopg, one transaction)."""
    from django.db import connection, transaction

    from anze.monitoring.models import MonitoringPoint

    ids = list(MonitoringPoint.objects.order_by("pk").values_list("pk", flat=True)[:POINTS_PER_ENTERPRISE])
    at = dt.datetime.now(dt.UTC)
    began = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            with cursor.cursor.copy("COPY monitoring_reading (point_id, at, value, received_at) FROM STDIN") as copy:
                for i in range(rows):
                    copy.write_row((ids[i % len(ids)], at, 50.0, at))
        elapsed = time.perf_counter() - began
        transaction.set_rollback(True)
    return elapsed


def _log(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def _child() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        consumer = None
        try:
            from django.urls import reverse
            from django.utils import timezone

            from anze.monitoring.filtersets import window_of

            now = timezone.now().replace(microsecond=0)
            _log("generating")
            city, enterprises, rows = _generate(now)
            _log(f"{rows} readings")
            office = _office_client(city)
            month = timezone.localdate() - dt.timedelta(days=1)
            url = reverse("monitoring:online_rate")
            month_ms = _median_ms(office, f"{url}?month={month:%Y-%m}")
            day_ms = _median_ms(office, url)
            window = window_of(None, month.replace(day=1))
            raw_month_s = _raw_online(window.start, window.end)

            prefix = f"anze/bench{os.getpid()}"
            consumer = _consumer(prefix, tmp)
            publisher = _publisher()
            _log("ingest")
            rate, published = _ingest_rate(publisher, prefix, enterprises, now)
            _log(f"ingest {rate:.0f}/s")
            raw_copy_s = _raw_copy(published)
            latencies = sorted(_alarm_latency(publisher, prefix, enterprises, now))
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            publisher.loop_stop()
            publisher.disconnect()
        finally:
            if consumer is not None:
                consumer.terminate()
                consumer.wait(timeout=60)
                _forget_session()
            from django.db import connections

            connections.close_all()
            _drop()
    points = ENTERPRISES * POINTS_PER_ENTERPRISE
    return {
        "monitoring_online_rate_city": {"value": month_ms, "unit": "ms", "target": PAGE_TARGET_MS,
                                        "points": points, "readings": rows},  # fmt: skip
        "monitoring_online_rate_city_day": {"value": day_ms, "unit": "ms", "target": PAGE_TARGET_MS},
        "monitoring_online_rate_city_vs_raw": versus(
            month_ms / 1000, raw_month_s, "one hand-written SELECT: expected and reporting points per county"
        ),
        "monitoring_ingest_rate": {"value": round(rate), "unit": "readings/s", "target": RATE_TARGET,
                                   "better": "higher", "readings": published},  # fmt: skip
        "monitoring_ingest_rate_vs_raw": versus(
            published / rate, raw_copy_s, "the same rows written by COPY alone (no MQTT, no alarm evaluation)"
        ),
        "monitoring_alarm_latency_p99": {"value": round(p99 * 1000, 1), "unit": "ms", "target": LATENCY_TARGET_MS,
                                         "median": round(statistics.median(latencies) * 1000, 1),
                                         "probes": len(latencies)},  # fmt: skip
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(_child()))
