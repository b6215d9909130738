"""Enterprise compliance benchmark: 200,000 generated enterprises with their records, one full evaluation
of every rule over all of them (SQLite file; and PostgreSQL when one answers at 127.0.0.1:5432, in a
database of its own that is created and dropped), and the re-evaluation of one enterprise.

Beside each, `…_vs_raw` (bench/raw.py): the same result rows written by one INSERT … SELECT into a table with
the same indexes (all of them; one enterprise's). ANZE_BENCH_SCALE (0–1) shrinks the data for a quick check.

bench/run.py calls run() in a subprocess; run() starts one worker process per database (Django is set up
once per process) and prints nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import copy_seconds, scaled, versus  # noqa: E402

ENTERPRISES = int(os.environ.get("ANZE_BENCH_ENTERPRISES", "0")) or scaled(200_000)
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "anze_bench_enterprises"
MARK = "@@BENCH@@"


def _worker(database_url: str, data_dir: str) -> dict:
    sys.path.insert(0, str(REPO))
    os.environ.pop("ANZE_TEST_DATABASE_URL", None)
    os.environ["ANZE_DATABASE_URL"] = database_url
    os.environ["ANZE_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from anze.audit.context import audit_context
    from anze.enterprises import demo, engine, seed, services
    from anze.enterprises.models import ComplianceResult, Enterprise
    from anze.org import demo as org_demo
    from anze.org.models import Region

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    now = timezone.now()
    with audit_context("job", request_id="bench-enterprises"):
        org_demo.load(actor=None)
        city = Region.objects.get(code=demo.CITY_CODE)
        seed.load_industries()
        seed.seed_supervisors(city)
        seed.load_rule_set(city)
        began = time.perf_counter()
        demo.write(demo.generated_for(city, ENTERPRISES, today=timezone.localdate(now)), batch_size=10_000)
        services.assign_supervisors()
        generate_seconds = time.perf_counter() - began
        if connections["default"].vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")

        began = time.perf_counter()
        counts = engine.evaluate(now=now)
        evaluate_seconds = time.perf_counter() - began
        if Enterprise.objects.count() < ENTERPRISES or counts["results"] != ComplianceResult.objects.count():
            raise RuntimeError(f"benchmark data incomplete: {counts}")

        sample = list(
            Enterprise.objects.filter(is_high_risk=True).order_by("?").values_list("pk", flat=True)[:20]
        )
        timings = []
        for pk in sample:
            enterprise = Enterprise.objects.get(pk=pk)
            began = time.perf_counter()
            engine.reevaluate(enterprise, now=now)
            timings.append((time.perf_counter() - began) * 1000)
        table = ComplianceResult._meta.db_table
        raw_all = copy_seconds(table)
        raw_one = statistics.median(
            copy_seconds(table, "WHERE enterprise_id = %s", [pk]) * 1000 for pk in sample
        )
    connections.close_all()
    return {
        "evaluate_seconds": evaluate_seconds,
        "reevaluate_ms": statistics.median(timings),
        "generate_seconds": generate_seconds,
        "results": counts["results"],
        "raw_all_seconds": raw_all,
        "raw_one_ms": raw_one,
    }


def _spawn(database_url: str, data_dir: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", database_url, data_dir],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"enterprise bench worker failed: {proc.stderr[-3000:]}")
    line = next(line for line in proc.stdout.splitlines() if line.startswith(MARK))
    return json.loads(line.removeprefix(MARK))


def _postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False
    return True


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def run() -> dict:
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="anze-bench-enterprises-") as tmp:
        sqlite = _spawn(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    figures["enterprises_evaluate_all_sqlite"] = {
        "value": round(sqlite["evaluate_seconds"], 2),
        "unit": "s",
        "target": 60,
    }
    figures["enterprises_reevaluate_one"] = {
        "value": round(sqlite["reevaluate_ms"], 2),
        "unit": "ms",
        "target": 50,
    }
    figures.update(_versus(sqlite, "_sqlite", ""))
    if _postgres_answers():
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
        _pg_admin(f"CREATE DATABASE {PG_NAME}")
        try:
            with tempfile.TemporaryDirectory(prefix="anze-bench-enterprises-pg-") as tmp:
                pg = _spawn(f"postgres://postgres@127.0.0.1:5432/{PG_NAME}", tmp)
        finally:
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
        figures["enterprises_evaluate_all_pg"] = {
            "value": round(pg["evaluate_seconds"], 2),
            "unit": "s",
            "target": 30,
        }
        figures["enterprises_reevaluate_one_pg"] = {
            "value": round(pg["reevaluate_ms"], 2),
            "unit": "ms",
            "target": 50,
        }
        figures.update(_versus(pg, "_pg", "_pg"))
    return figures


def _versus(worker: dict, evaluate_suffix: str, one_suffix: str) -> dict:
    return {
        f"enterprises_evaluate_all{evaluate_suffix}_vs_raw": versus(
            worker["evaluate_seconds"],
            worker["raw_all_seconds"],
            "the same result rows written by one INSERT … SELECT into a table with the same indexes",
        ),
        f"enterprises_reevaluate_one{one_suffix}_vs_raw": versus(
            worker["reevaluate_ms"] / 1000,
            worker["raw_one_ms"] / 1000,
            "one enterprise's result rows written by one INSERT … SELECT (median of the same 20 enterprises)",
        ),
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(MARK + json.dumps(_worker(sys.argv[2], sys.argv[3])))
    else:
        json.dump(run(), sys.stdout, indent=2)
        sys.stdout.write("\n")
