"""Hidden-danger benchmark: 2,000,000 generated hidden dangers on PostgreSQL.

A fresh database of its own (anze_bench_prevention at 127.0.0.1:5432, dropped afterwards) gets a city with
12 counties, 20,000 enterprises and 2,000,000 hidden dangers over five years (INSERT … SELECT
generate_series, about 70 % closed). Figures, each the median server time of 5 requests through the Django
test Client signed in as the city office (whole city in scope):

- prevention_list_2m_pg: 隐患台账, first page (keyset paging, capped headline counts);
- prevention_stats_2m_pg: 隐患统计 for the current year (per quarter, county and top enterprises), read from
  the summary table the nightly job rebuilds;
- prevention_stats_refresh_2m_pg: that rebuild (one INSERT … SELECT … GROUP BY over the 2,000,000 rows), seconds.

Beside each, `…_vs_raw` (bench/raw.py): the list's data (capped headline counts, first page) and the
statistics (per quarter, county, top enterprises of the summary) read by hand-written SELECTs, and the
summary rebuilt by one hand-written INSERT … SELECT … GROUP BY into a table with the same indexes.
ANZE_BENCH_SCALE (0–1) shrinks the data for a quick check.

The run happens in a subprocess (Django is configured once per process). run() prints nothing.
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

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "anze_bench_prevention"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import drop, scaled, scratch_like, timed, versus  # noqa: E402

HIDDEN_DANGERS = scaled(2_000_000)
ENTERPRISES = scaled(20_000)
COUNTIES = 12
TARGET_MS = 300


def run() -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, cwd=ROOT, timeout=1500
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_prevention failed:\n{completed.stderr[-4000:]}")
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


def _generate():
    """The city, its counties, 20,000 enterprises (ORM bulk) and 2,000,000 hidden dangers (one INSERT … SELECT)."""
    from django.db import connection

    from anze.enterprises.models import Enterprise, Industry
    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=province)
    counties = [
        Region.objects.create(
            code=f"3713{k + 1:02d}", name=f"县区{k + 1}", level=RegionLevel.COUNTY, parent=city
        )
        for k in range(COUNTIES)
    ]
    units = [
        Unit.objects.create(
            name=f"{c.name}应急管理局",
            short_name=f"{c.name}应急局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=c,
        )
        for c in counties
    ]
    industries = [Industry.objects.create(code=f"C{20 + i}", name=f"行业{i}", section="C") for i in range(10)]
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"企业{i:05d}",
                credit_code=f"91371300MA{i:08d}",
                region=counties[i % COUNTIES],
                county=counties[i % COUNTIES],
                industry=industries[i % 10],
                employee_count=10 + i % 500,
                supervising_unit=units[i % COUNTIES],
            )
            for i in range(ENTERPRISES)
        ],
        batch_size=5000,
    )
    first = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        # A bulk load builds its indexes afterwards (much faster than maintaining them row by row).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'prevention_hiddendanger' "
            "AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'prevention_hiddendanger'::regclass AND contype IN ('u', 'f')"
        )
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE prevention_hiddendanger DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            """
            INSERT INTO prevention_hiddendanger (
                public_id, created_at, updated_at, enterprise_id, region_path, county_id, supervising_unit_id,
                industry_code, source, grade, status, title, description, place, responsible_person,
                found_on, deadline, registered_at, rectified_at, rectification_note, accepted_at,
                acceptance_note, closed_at)
            SELECT gen_random_uuid(), now(), now(), e.id, r.path, e.county_id, e.supervising_unit_id, i.code,
                   (ARRAY['self_check','government_inspection','insurer_service','public_report',
                          'monitoring_alarm'])[1 + g %% 5],
                   CASE WHEN g %% 50 = 0 THEN 'major' ELSE 'general' END,
                   s.status,
                   '隐患' || g, '生成的隐患描述', '车间' || (g %% 20), '责任人',
                   s.found_on, s.found_on + 15 + (g %% 30), now(),
                   CASE WHEN s.status IN ('awaiting_acceptance','accepted','closed') THEN now() END, '',
                   CASE WHEN s.status IN ('accepted','closed') THEN now() END, '',
                   CASE WHEN s.status = 'closed' THEN now() END
            FROM generate_series(1, %s) AS g
            JOIN enterprises_enterprise e ON e.id = %s + (g::bigint * 7919) %% %s
            JOIN org_region r ON r.id = e.region_id
            JOIN enterprises_industry i ON i.id = e.industry_id
            CROSS JOIN LATERAL (
                SELECT (current_date - (g %% 1826))::date AS found_on,
                       CASE WHEN g %% 10 < 7 THEN 'closed' WHEN g %% 10 = 7 THEN 'rectifying'
                            WHEN g %% 10 = 8 THEN 'registered' ELSE 'awaiting_acceptance' END AS status
            ) s
            """,
            [HIDDEN_DANGERS, first, ENTERPRISES],
        )
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE prevention_hiddendanger ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'prevention_hiddendanger'")
        present = {row[0] for row in cursor.fetchall()}
        for name, definition in indexes:
            if name not in present:
                cursor.execute(definition)
    # The steady state of a live table: autovacuum has set the visibility map (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE prevention_hiddendanger")
        cursor.execute("ANALYZE enterprises_enterprise")
    return city


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


def _child() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        try:
            from django.urls import reverse

            city = _generate()
            client = _office_client(city)

            from django.utils import timezone

            from anze.audit.context import audit_context
            from anze.prevention.services import refresh_statistics

            start = time.perf_counter()
            with audit_context("job", request_id="bench"):
                refresh_statistics(actor="job:bench", today=timezone.localdate())
            refresh_s = round(time.perf_counter() - start, 2)
            from django.db import connection

            with connection.cursor() as cursor:  # what autovacuum does after a bulk insert (visibility map)
                cursor.execute("VACUUM ANALYZE prevention_hiddendangertally")
            list_ms = _median_ms(client, reverse("prevention:hidden_danger_list"))
            stats_ms = _median_ms(client, reverse("prevention:hidden_danger_stats"))
            raw_list_ms, raw_stats_ms, raw_refresh_s = _raw(city)
        finally:
            from django.db import connections

            connections.close_all()
            _drop()
    return {
        "prevention_list_2m_pg": {"value": list_ms, "unit": "ms", "target": TARGET_MS},
        "prevention_stats_2m_pg": {"value": stats_ms, "unit": "ms", "target": TARGET_MS},
        "prevention_stats_refresh_2m_pg": {"value": refresh_s, "unit": "s"},
        "prevention_list_2m_pg_vs_raw": versus(
            list_ms / 1000,
            raw_list_ms / 1000,
            "hand-written SQL: the four capped counts in one SELECT, the first page in one",
        ),
        "prevention_stats_2m_pg_vs_raw": versus(
            stats_ms / 1000,
            raw_stats_ms / 1000,
            "hand-written SELECTs over the summary: per quarter, per county, top enterprises",
        ),
        "prevention_stats_refresh_2m_pg_vs_raw": versus(
            refresh_s,
            raw_refresh_s,
            "one hand-written INSERT … SELECT … GROUP BY into a table with the same indexes",
        ),
    }


def _raw(city) -> tuple[float, float, float]:
    """The same work by hand-written SQL: list data and statistics (median ms of 5), the rebuild (s)."""
    import datetime as dt

    from anze.prevention.choices import OPEN_STATUSES

    today = dt.date.today()
    path = city.path + "%"
    open_list = list(OPEN_STATUSES)
    capped = "(SELECT COUNT(*) FROM (SELECT 1 FROM prevention_hiddendanger WHERE region_path LIKE %s AND {} LIMIT 10001) c)"
    counts = "SELECT " + ", ".join(
        capped.format(condition)
        for condition in (
            "status = ANY(%s)",
            "status = ANY(%s) AND deadline < %s",
            "status = ANY(%s) AND grade = 'major'",
            "status = 'awaiting_acceptance'",
        )
    )
    counts_args = [path, open_list, path, open_list, today, path, open_list, path]
    page = (
        "SELECT h.id, h.public_id, h.title, h.status, h.grade, h.found_on, h.deadline, e.name "
        "FROM prevention_hiddendanger h JOIN enterprises_enterprise e ON e.id = h.enterprise_id "
        "WHERE h.region_path LIKE %s ORDER BY h.id DESC LIMIT 25"
    )
    sums = "SUM(total), SUM(major), SUM(closed), SUM(open), SUM(overdue)"
    where = "FROM prevention_hiddendangertally WHERE region_path LIKE %s AND year = %s"
    stats = [
        (f"SELECT quarter, {sums} {where} GROUP BY quarter", [path, today.year]),
        (f"SELECT county_id, {sums} {where} GROUP BY county_id", [path, today.year]),
        (
            f"SELECT enterprise_id, SUM(total) AS n {where} GROUP BY enterprise_id ORDER BY n DESC LIMIT 10",
            [path, today.year],
        ),
    ]

    def median_ms(first, args, more) -> float:
        timed(first, args, statements=more)
        return statistics.median(timed(first, args, statements=more) for _ in range(5)) * 1000

    list_ms = median_ms(counts, counts_args, [(page, [path])])
    stats_ms = median_ms(stats[0][0], stats[0][1], stats[1:])
    scratch = scratch_like("prevention_hiddendangertally")
    try:
        refresh_s = timed(
            "SET LOCAL work_mem = '256MB'",  # as the rebuild does
            statements=[
                (
                    f"INSERT INTO {scratch} (year, quarter, enterprise_id, county_id, region_path, supervising_unit_id, "
                    "as_of, total, major, closed, open, open_major, overdue) "
                    "SELECT EXTRACT(YEAR FROM found_on), EXTRACT(QUARTER FROM found_on), enterprise_id, county_id, "
                    "region_path, supervising_unit_id, %s, COUNT(*), COUNT(*) FILTER (WHERE grade = 'major'), "
                    "COUNT(*) FILTER (WHERE status = 'closed'), COUNT(*) FILTER (WHERE status = ANY(%s)), "
                    "COUNT(*) FILTER (WHERE status = ANY(%s) AND grade = 'major'), "
                    "COUNT(*) FILTER (WHERE status = ANY(%s) AND deadline < %s) FROM prevention_hiddendanger "
                    "GROUP BY 1, 2, enterprise_id, county_id, region_path, supervising_unit_id",
                    [today, open_list, open_list, open_list, today],
                )
            ],
        )
    finally:
        drop(scratch)
    return list_ms, stats_ms, refresh_s


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child()))
