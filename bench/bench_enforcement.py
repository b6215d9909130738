"""Enforcement benchmarks.

- enforcement_draw_200k: a 双随机 draw over 200,000 enterprises (classes A–D, 3 % listed) and 5,000 inspectors of
  10 departments in 12 counties, with 20,000 declared conflicts, 异地执法 on: the canonical snapshot, its SHA-256
  and the selection of enterprises and inspectors (`anze.enforcement.draw`), seconds (median of 3). The draw is
  pure Python over the frozen snapshot, so no database is involved; the verification re-does the same work.

- enforcement_disclosure_search_1m: the public 行政处罚公示 page searched by keyword, over 1,000,000 published
  penalties on PostgreSQL (a fresh database anze_bench_enforcement, dropped afterwards; INSERT … SELECT
  generate_series; the indexes of migrations 0004 and 0006), milliseconds: the slowest of the per-query
  medians of 5 requests through the Django test Client, anonymous. The queries cover both ways the search
  goes (`anze.enforcement.disclosure_search`): rare keywords found by the trigram index (a party's name, a
  decision number, a word that matches nothing), common ones found by walking the newest decisions (a phrase
  of the facts alone, and with a county and a year), a whole credit code, and no keyword at all.

run() prints nothing.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTERPRISES = 200_000
INSPECTORS = 5_000
CONFLICTS = 20_000
COUNTIES = 12
DEPARTMENTS = 10
TARGET_S = 1.0
PG_NAME = "anze_bench_enforcement"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PENALTIES = 1_000_000
TARGET_MS = 200


def _pool():
    sys.path.insert(0, str(ROOT))
    from anze.enforcement import draw

    rng = random.Random(20261206)
    enterprises = [
        draw.PoolEnterprise(
            f"91371300MA{n:08d}",
            rng.choice("AABBBBCCD"),
            f"3713{n % COUNTIES:02d}",
            listed=rng.random() < 0.03,
        )
        for n in range(ENTERPRISES)
    ]
    inspectors = [
        draw.PoolInspector(f"3713{n:06d}", f"dept-{n % DEPARTMENTS}", f"3713{n % COUNTIES:02d}")
        for n in range(INSPECTORS)
    ]
    conflicts = [
        (inspectors[rng.randrange(INSPECTORS)].id, enterprises[rng.randrange(ENTERPRISES)].id)
        for _ in range(CONFLICTS)
    ]
    parameters = draw.Parameters(
        ratios={"A": Decimal("0.03"), "B": Decimal("0.05"), "C": Decimal("0.1"), "D": Decimal("0.2")},
        listed_ratio=Decimal("0.5"),
        remote=True,
    )
    return draw, draw.Pool(parameters, enterprises, inspectors, conflicts, label="bench")


def run() -> dict:
    figures = _draw_figures()
    completed = subprocess.run(
        [sys.executable, __file__, "--disclosure"], capture_output=True, text=True, cwd=ROOT, timeout=1800
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_enforcement disclosure failed:\n{completed.stderr[-4000:]}")
    figures.update(json.loads(completed.stdout.strip().splitlines()[-1]))
    return figures


def _draw_figures() -> dict:
    draw, pool = _pool()
    seed = "5e" * 32
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        snapshot = pool.snapshot()
        draw.sha256_hex(snapshot)
        result = draw.select(pool, seed)
        timings.append(time.perf_counter() - started)
    if not result.selections or any(len(s.inspectors) != 2 for s in result.selections):
        raise RuntimeError("the draw did not staff its inspections")
    return {
        "enforcement_draw_200k": {
            "value": round(statistics.median(timings), 3),
            "unit": "s",
            "target": TARGET_S,
            "selections": len(result.selections),
        }
    }


def _disclosure() -> dict:
    import psycopg

    sys.path.insert(0, str(ROOT))
    os.environ.pop("ANZE_TEST_DATABASE_URL", None)
    os.environ["ANZE_DATA_DIR"] = tempfile.mkdtemp(prefix="anze-bench-enforcement-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["ANZE_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        _generate_penalties()
        return _measure()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _generate_penalties() -> None:
    """A city, 12 counties with their 应急管理局, and 1,000,000 published penalties (one INSERT … SELECT)."""
    from django.db import connection

    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=province)
    for k in range(COUNTIES):
        county = Region.objects.create(
            code=f"3713{k + 1:02d}", name=f"县区{k + 1}", level=RegionLevel.COUNTY, parent=city
        )
        Unit.objects.create(name=f"县区{k + 1}应急管理局", kind=UnitKind.GOVERNMENT_DEPARTMENT, region=county)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            """
            INSERT INTO enforcement_penalty (
                public_id, created_at, updated_at, decision_number, party_kind, party_name, credit_code,
                department_id, county_id, region_path, facts, legal_basis, penalty_type, amount, decided_on,
                without_permit, aggravated_fine, agency_misconduct, refused_enforcement, disclosure_due,
                published_on, search_text)
            SELECT gen_random_uuid(), now(), now(), d.number, 'unit', d.party, d.code, u.id, r.id, r.path,
                   d.facts, '《安全生产法》第' || (90 + g %% 30) || '条',
                   (ARRAY['warning','fine','fine','fine','suspension'])[1 + g %% 5],
                   CASE WHEN g %% 5 IN (1, 2, 3) THEN 10000 + (g %% 50) * 1000 ELSE 0 END,
                   d.decided, false, false, false, false, d.decided + 9, d.decided + (g %% 12),
                   d.number || ' ' || d.party || ' ' || d.code || ' ' || d.facts
            FROM generate_series(1, %s) AS g
            JOIN org_region r ON r.code = '3713' || lpad((1 + g %% 12)::text, 2, '0')
            JOIN org_unit u ON u.region_id = r.id
            CROSS JOIN LATERAL (
                SELECT '（临）应急罚〔' || (2021 + g %% 5) || '〕' || g || '号' AS number,
                       '临沂' || (ARRAY['化工','机械','建材','冶金','食品','纺织','烟花','矿业'])[1 + g %% 8]
                              || '有限公司' || (g %% 150000) AS party,
                       '91371300MA' || lpad((g %% 150000)::text, 8, '0') AS code,
                       (ARRAY['未按规定对从业人员进行安全生产教育和培训','未建立事故隐患排查治理制度',
                              '特种作业人员未持证上岗','未按规定设置安全警示标志',
                              '未对重大危险源登记建档'])[1 + g %% 5] AS facts,
                       (date '2021-01-04' + (g %% 1800))::date AS decided
            ) d
            """,
            [PENALTIES],
        )
        cursor.execute("VACUUM ANALYZE enforcement_penalty")


def _measure() -> dict:
    from urllib.parse import urlencode

    from django.test import Client
    from django.urls import reverse

    client = Client()
    base = reverse("enforcement_public:penalty_list")
    queries = [
        {"q": "化工有限公司12345"},
        {"q": "〔2024〕777777号"},
        {"q": "特种作业人员", "county": "371305", "year": "2023"},
        {"q": "91371300MA00098765"},
        {},
        {"q": "未按规定"},
        {"q": "没有这样的违法事实"},
    ]
    medians = []
    for params in queries:
        url = f"{base}?{urlencode(params)}"
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(times))
    return {
        "enforcement_disclosure_search_1m": {
            "value": round(max(medians), 1),
            "unit": "ms",
            "target": TARGET_MS,
            "per_query_ms": [round(m, 1) for m in medians],
        }
    }


if __name__ == "__main__":
    if "--disclosure" in sys.argv:
        print(json.dumps(_disclosure()))
    else:
        print(run())
