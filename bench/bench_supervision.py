"""Supervision benchmark: one run of the escalation ladder over 1,000,000 occurrences on PostgreSQL.

A fresh database of its own (anze_bench_supervision at 127.0.0.1:5432, dropped afterwards) holds a
province-sized organization (20,000 units), one plan with 300 clauses and duties, and 1,000,000
occurrences generated with INSERT … SELECT generate_series: due dates spread over 2026, 90 % reported.
The ladder then runs for 1 July 2026 (≈ 50,000 overdue → 催办 and 督办 cases, reminders for the days ahead),
set-based. Figure: the wall time of that first, heaviest run; the second run (nothing new) is reported too.

Beside each, `…_vs_raw` (bench/raw.py): the rows the first run wrote (cases, notices, reminders …) written
again by one INSERT … SELECT per table into tables with the same indexes; for the rerun, one SELECT finding
the open overdue items. ANZE_BENCH_SCALE (0–1) shrinks the data for a quick check.

run() prints nothing; it runs the work in a subprocess (Django is configured once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "anze_bench_supervision"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import copy_seconds, scaled, timed, versus  # noqa: E402

UNITS = scaled(20_000)
DUTIES = 300
OCCURRENCES = scaled(1_000_000)


def run() -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_supervision failed:\n{completed.stderr[-4000:]}")
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
    os.environ["ANZE_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)


def _drop() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _generate() -> None:
    """Organization and plan through the ORM (small), the million occurrences with one INSERT … SELECT."""
    import datetime as dt
    import uuid

    from django.db import connection

    from anze.duties.choices import DutyKind, DutyStatus
    from anze.duties.models import Duty
    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit
    from anze.plans.models import Clause, Plan, PlanVersion, Section, SourceDocument, Task
    from anze.supervision.models import EscalationPolicy

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=province)
    counties = [
        Region.objects.create(code=f"3713{k + 1:02d}", name=f"县{k}", level=RegionLevel.COUNTY, parent=city)
        for k in range(12)
    ]
    Unit.objects.bulk_create(
        [
            Unit(
                name=f"单位{i:05d}",
                short_name=f"单位{i}",
                kind=UnitKind.GOVERNMENT_DEPARTMENT,
                region=counties[i % len(counties)],
            )
            for i in range(UNITS)
        ],
        batch_size=5000,
    )
    digest = uuid.uuid4().hex * 2
    document = SourceDocument.objects.create(
        sm3=digest,
        file=f"plans/{digest}",
        original_filename="plan.txt",
        size=10,
        media_type="text/plain",
        region=city,
    )
    plan = Plan.objects.create(title="基准方案", region=city)
    version = PlanVersion.objects.create(
        plan=plan, number=1, document=document, content_hash=digest, parsed={}, title="基准方案"
    )
    section = Section.objects.create(version=version, order=1, number="一", title="总体要求")
    task = Task.objects.create(version=version, section=section, order=1, number="1", title="任务")
    clauses = Clause.objects.bulk_create(
        [Clause(version=version, task=task, order=i, key=f"1.{i}", text=f"条款{i}") for i in range(DUTIES)]
    )
    confirmed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    duties = Duty.objects.bulk_create(
        [
            Duty(
                clause=c,
                region=city,
                title=f"职责{i}",
                kind=DutyKind.RECURRING,
                status=DutyStatus.CONFIRMED,
                start_on=dt.date(2026, 1, 1),
                confirmed_at=confirmed,
            )
            for i, c in enumerate(clauses)
        ]
    )
    EscalationPolicy.objects.create(name="默认督办规则", region=city)
    first_duty, first_unit = duties[0].pk, Unit.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO duties_occurrence (public_id, created_at, updated_at, duty_id, unit_id, period_start,
                period_end, due_on, event_note, status, late, touched, version, accepted_at)
            SELECT gen_random_uuid(), now(), now(), {first_duty} + (i % {DUTIES}), {first_unit} + (i / {DUTIES}),
                DATE '2026-01-01', DATE '2026-12-31', DATE '2026-01-01' + (i % 365), '',
                CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'accepted' END, FALSE, i % 10 <> 0, 1,
                CASE WHEN i % 10 = 0 THEN NULL ELSE now() END
            FROM generate_series(0, {OCCURRENCES - 1}) AS s(i)
            """
        )
        cursor.execute("ANALYZE")


def _child() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        try:
            from django.db import connection
            from django.utils import timezone

            from anze.supervision.models import Case, Notification
            from anze.supervision.services import run_ladder

            _generate()
            import datetime as dt

            now = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))
            from django.apps import apps

            models = [m for m in apps.get_app_config("supervision").get_models() if not m._meta.proxy]
            before = {m._meta.db_table: m.objects.count() for m in models}
            started = time.perf_counter()
            first = run_ladder(now=now, send=False)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            second = run_ladder(now=now + dt.timedelta(hours=1), send=False)
            again = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM duties_occurrence")
                rows = cursor.fetchone()[0]
            written = [m._meta.db_table for m in models if m.objects.count() > before[m._meta.db_table]]
            raw_first = sum(copy_seconds(table) for table in written)
            raw_rerun = timed(
                "SELECT id, unit_id, duty_id, due_on FROM duties_occurrence "
                "WHERE status IN ('pending', 'returned') AND due_on < %s",
                [now.date()],
            )
            return {
                "supervision_ladder_1m_pg": {
                    "value": round(elapsed, 2),
                    "unit": "s",
                    "target": 10,
                    "occurrences": rows,
                    "cases": Case.objects.count(),
                    "notifications": Notification.objects.count(),
                    "statements": first["statements"],
                },
                "supervision_ladder_1m_pg_vs_raw": versus(
                    elapsed,
                    raw_first,
                    f"the rows the run wrote ({', '.join(written)}) written again by one INSERT … SELECT per table",
                ),
                "supervision_ladder_1m_pg_rerun_vs_raw": versus(
                    again, raw_rerun, "one SELECT finding the open overdue items"
                ),
                "supervision_ladder_1m_pg_rerun": {
                    "value": round(again, 2),
                    "unit": "s",
                    "target": 10,
                    "created": second["cases"] + second["urges"],
                },
            }
        finally:
            from django.db import connections

            connections.close_all()
            _drop()


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child()))
