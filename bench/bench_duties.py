"""Duties benchmark on a generated province (20,000 units, 300 duties, about 1,000,000 occurrences a year).

Figures, on a temporary SQLite file database and, when PostgreSQL answers at 127.0.0.1:5432, on a fresh
database of its own (anze_bench_duties, dropped afterwards):

- duties_materialize_year: materialize_occurrences for one year (set-based INSERT … SELECT per duty);
- duties_overdue_scan_1m: mark_overdue over the ~1,000,000 rows the day after a quarter end, when 90 % of
  that quarter's reports are in (one UPDATE over the indexed status/due_on columns);
- duties_unit_dashboard: the server time of a unit's 我的职责 page (median of 7 requests), and its query
  count, which must equal the count with 10× fewer rows;
- home_<role>: the server time of the home page (工作台: every registered panel) for a city's office (one of
  the province's 16 cities, about 62,000 items a year), a county office and a unit (median of 7), target
  300 ms, and its query count, which must equal the count with 10× fewer rows; home_province_office, the
  same page for an office over the whole province, is printed without a target. The items are moved into
  the current year first (the home page counts this year's work up to today).

Beside each, `…_vs_raw` (bench/raw.py): the same occurrences written by one INSERT … SELECT (parties × the
duties' periods) into a table with the same indexes; the same rows flagged by one hand-written UPDATE; the
page's data (headline counts, first page of open items) read by two hand-written SELECTs.
ANZE_BENCH_SCALE (0–1) shrinks the province for a quick check.

Each backend runs in its own subprocess (Django is configured once per process). Nothing is printed by run().
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import drop, scaled, scratch_like, timed, versus  # noqa: E402

UNITS = scaled(20_000)
DUTIES = 300
PG_NAME = "anze_bench_duties"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def run() -> dict:
    results: dict = {}
    backends = ["sqlite"] + (["pg"] if _postgres_answers() else [])
    for backend in backends:
        completed = subprocess.run(
            [sys.executable, __file__, "--backend", backend],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=1200,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"bench_duties {backend} failed:\n{completed.stderr[-4000:]}")
        results.update(json.loads(completed.stdout.strip().splitlines()[-1]))
    return results


# --- one backend, in its own process ----------------------------------------------------------------


def _setup(backend: str, tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("ANZE_TEST_DATABASE_URL", None)
    os.environ["ANZE_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"
    if backend == "pg":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
        os.environ["ANZE_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    else:
        os.environ["ANZE_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)


def _drop_pg() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _province():
    """Regions, 20,000 units, 30 unit groups of 1,000–2,000 members, a plan with 300 clauses and 300 duties."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from anze.duties.choices import DutyKind, DutyStatus, SubjectKind
    from anze.duties.models import Duty, DutyRule
    from anze.org.choices import RegionLevel, UnitGroupRule, UnitKind
    from anze.org.models import Region, Unit, UnitGroup, UnitGroupMembership
    from anze.plans.models import Clause, Plan, PlanVersion, Section, SourceDocument, Task

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    regions = []
    for c in range(16):
        city = Region(
            code=f"37{c + 1:02d}00",
            name=f"市{c}",
            level=RegionLevel.CITY,
            parent=province,
            path=f"{province.path}37{c + 1:02d}00/",
        )
        regions.append(city)
        for k in range(10):
            regions.append(
                Region(
                    code=f"37{c + 1:02d}{k + 1:02d}",
                    name=f"市{c}县{k}",
                    level=RegionLevel.COUNTY,
                    parent=None,
                    path=f"{city.path}37{c + 1:02d}{k + 1:02d}/",
                )
            )
    cities = Region.objects.bulk_create([r for r in regions if r.level == RegionLevel.CITY])
    by_code = {r.code: r for r in cities}
    counties = [r for r in regions if r.level == RegionLevel.COUNTY]
    for county in counties:
        county.parent = by_code[county.code[:4] + "00"]
    Region.objects.bulk_create(counties)
    all_regions = list(Region.objects.exclude(pk=province.pk).order_by("pk"))
    Unit.objects.bulk_create(
        [
            Unit(
                name=f"单位{i:05d}",
                short_name=f"单位{i}",
                kind=UnitKind.GOVERNMENT_DEPARTMENT,
                region=all_regions[i % len(all_regions)],
            )
            for i in range(UNITS)
        ],
        batch_size=2000,
    )
    unit_ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    groups = UnitGroup.objects.bulk_create(
        [UnitGroup(name=f"集合{g}", rule=UnitGroupRule.EXPLICIT, region=province) for g in range(30)]
    )
    sizes = {0: 1500, 1: 1000, 2: 2000}  # quarterly, half-yearly, yearly groups
    memberships = []
    for g, group in enumerate(groups):
        size = min(scaled(sizes[g % 3]), UNITS)
        start = (g * 677) % UNITS
        members = {unit_ids[(start + j) % UNITS] for j in range(size - 1)} | {unit_ids[0]}
        memberships += [UnitGroupMembership(group=group, unit_id=u) for u in members]
    UnitGroupMembership.objects.bulk_create(memberships, batch_size=5000)

    digest = uuid.uuid4().hex * 2
    document = SourceDocument.objects.create(
        sm3=digest,
        file=f"plans/{digest}",
        original_filename="p.txt",
        size=1,
        media_type="text/plain",
        region=province,
    )
    plan = Plan.objects.create(title="省级责任方案", region=province)
    version = PlanVersion.objects.create(
        plan=plan, number=1, document=document, content_hash=digest, parsed={}, title=plan.title
    )
    section = Section.objects.create(version=version, order=1, title="任务")
    tasks = Task.objects.bulk_create(
        [
            Task(version=version, section=section, order=t, number=str(t + 1), title=f"任务{t + 1}")
            for t in range(15)
        ]
    )
    clauses = Clause.objects.bulk_create(
        [
            Clause(version=version, task=tasks[i % 15], order=i, key=f"{i % 15 + 1}.{i}", text=f"条款{i}")
            for i in range(DUTIES)
        ]
    )
    rules = {0: "FREQ=MONTHLY;INTERVAL=3", 1: "FREQ=MONTHLY;INTERVAL=6", 2: "FREQ=YEARLY"}
    start = dt.date(2025, 1, 1)
    duties = Duty.objects.bulk_create(
        [
            Duty(
                clause=clauses[i],
                region=province,
                title=f"职责{i}",
                kind=DutyKind.RECURRING,
                status=DutyStatus.CONFIRMED,
                subject_kind=SubjectKind.GROUP,
                subject_group=groups[3 * (i % 10) + i % 3],
                start_on=start,
                confirmed_at=timezone.now(),
            )
            for i in range(DUTIES)
        ]
    )
    DutyRule.objects.bulk_create(
        [DutyRule(duty=d, effective_from=start, rrule=rules[i % 3]) for i, d in enumerate(duties)]
    )
    return unit_ids[0]


def _unit_user(unit_id: int):
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, User
    from anze.accounts.roles import Role

    user = User.objects.create_user(username="bench-unit", password="Bench-Unit-2026!")
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.UNIT, unit_id=unit_id)
    return user


def _area_user(username: str, role: str, **area):
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, User

    user = User.objects.create_user(username=username, password="Bench-User-2026!")
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save()
    RoleAssignment.objects.create(user=user, role=role, **area)
    return user


def _home_users(unit_user) -> dict:
    """The users whose home pages are timed: the province's office, a county office, the benchmark's unit."""
    from anze.accounts.roles import Role
    from anze.org.choices import RegionLevel
    from anze.org.models import Region

    province = Region.objects.get(level=RegionLevel.PROVINCE)
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk").first()
    return {
        "office": _area_user("bench-office", Role.OFFICE, region=city),
        "county": _area_user("bench-county", Role.COUNTY, region=county),
        "unit": unit_user,
        "province_office": _area_user("bench-province", Role.OFFICE, region=province),
    }


def _into_this_year(backend: str) -> None:
    """Move every item's dates by whole years so the benchmark's year is the current one."""
    import datetime as dt

    from django.db import connection

    years = dt.date.today().year - 2025
    if not years:
        return
    columns = ("due_on", "period_start", "period_end")
    if backend == "pg":
        sets = ", ".join(f"{c} = {c} + interval '{years} year'" for c in columns)
    else:
        sets = ", ".join(f"{c} = date({c}, '+{years} years')" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE duties_occurrence SET {sets}")
    _analyze()


def _dashboard(user, url_name: str = "duties:my_duties") -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse(url_name)
    assert client.get(url).status_code == 200  # warm up
    timings = []
    for _ in range(7):
        began = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings) * 1000, len(queries)


def _raw_materialize(backend: str, now) -> float:
    """One INSERT … SELECT writing the year's occurrences: each duty's group members × its periods."""
    from django.db import connection

    from anze.duties.models import Occurrence
    from anze.org.models import UnitGroupMembership

    table = Occurrence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT o.duty_id, o.rule_id, o.period_start, o.period_end, o.due_on, d.subject_group_id "
            f"FROM {table} o JOIN duties_duty d ON d.id = o.duty_id"
        )
        periods = cursor.fetchall()
    scratch = scratch_like(table)
    pg = backend == "pg"
    date = "CAST(%s AS date)" if pg else "%s"
    values = ", ".join([f"(%s, %s, {date}, {date}, {date}, %s)"] * len(periods))
    uuid = "gen_random_uuid()" if pg else "lower(hex(randomblob(16)))"
    false = "false" if pg else "0"
    membership = UnitGroupMembership._meta.db_table
    sql = (
        f"INSERT INTO {scratch} (public_id, created_at, updated_at, duty_id, rule_id, unit_id, period_start, "
        f"period_end, due_on, due_provisional, event_note, status, late, touched, version) "
        f"WITH d(duty_id, rule_id, ps, pe, due, group_id) AS (VALUES {values}) "
        f"SELECT {uuid}, %s, %s, d.duty_id, d.rule_id, m.unit_id, d.ps, d.pe, d.due, {false}, '', 'pending', "
        f"{false}, {false}, 1 FROM d JOIN {membership} m ON m.group_id = d.group_id"
    )
    params = [value for row in periods for value in row] + [now, now]
    try:
        return timed(sql, params)
    finally:
        drop(scratch)


def _raw_dashboard(unit_id: int) -> float:
    """The data of the unit's page by hand-written SQL, median of 7, in milliseconds."""
    import datetime as dt

    year = dt.date.today().year
    counts = (
        "SELECT COUNT(*), SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN late THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status IN ('submitted', 'resubmitted') THEN 1 ELSE 0 END) "
        "FROM duties_occurrence WHERE unit_id = %s AND due_on BETWEEN %s AND %s"
    )
    page = (
        "SELECT o.id, o.public_id, o.due_on, o.period_start, o.period_end, o.status, o.late, d.title, u.name "
        "FROM duties_occurrence o JOIN duties_duty d ON d.id = o.duty_id JOIN org_unit u ON u.id = o.unit_id "
        "WHERE o.unit_id = %s AND o.status <> 'accepted' ORDER BY o.due_on, o.id LIMIT 25"
    )
    args = [unit_id, dt.date(year, 1, 1), dt.date(year, 12, 31)]
    timed(counts, args, statements=[(page, [unit_id])])  # warm up
    timings = [timed(counts, args, statements=[(page, [unit_id])]) for _ in range(7)]
    return statistics.median(timings) * 1000


def _analyze() -> None:
    """Fresh statistics, and on PostgreSQL the visibility map autovacuum keeps (index-only scans need it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def run_backend(backend: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="anze-bench-duties-") as tmp:
        _setup(backend, tmp)
        try:
            return _measure(backend)
        finally:
            from django.db import connections

            connections.close_all()
            if backend == "pg":
                _drop_pg()


def _measure(backend: str) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from anze.audit.context import audit_context
    from anze.duties.models import Occurrence
    from anze.duties.scheduling import mark_overdue, materialize_occurrences

    suffix = "_pg" if backend == "pg" else "_sqlite"
    unit_id = _province()
    user = _unit_user(unit_id)
    now = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    _analyze()
    with audit_context("job", request_id="bench-duties"):
        began = time.perf_counter()
        result = materialize_occurrences(now=now, horizon_days=364)
        materialize_seconds = time.perf_counter() - began
    total = Occurrence.objects.count()
    if total < scaled(900_000) or result.created != total:
        raise RuntimeError(f"expected about a million occurrences, got {total} ({result.as_dict()})")

    raw_materialize = _raw_materialize(backend, now)

    # History up to the Q2 due date: Q1 accepted; of what is due on 2025-06-30, 90 % already submitted.
    table = Occurrence._meta.db_table
    with connection.cursor() as cursor:
        true = "true" if backend == "pg" else "1"
        cursor.execute(
            f"UPDATE {table} SET status = 'accepted', touched = {true}, accepted_at = %s WHERE due_on < %s",
            [now, dt.date(2025, 6, 30)],
        )
        cursor.execute(
            f"UPDATE {table} SET status = 'submitted', touched = {true} WHERE due_on = %s AND id %% 10 <> 0",
            [dt.date(2025, 6, 30)],
        )
    _analyze()
    with audit_context("job", request_id="bench-duties"):
        began = time.perf_counter()
        marked = mark_overdue(now=timezone.make_aware(dt.datetime(2025, 7, 1, 9)))
        overdue_seconds = time.perf_counter() - began
    if marked == 0:
        raise RuntimeError("the overdue scan marked nothing")
    true, false = ("true", "false") if backend == "pg" else ("1", "0")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET late = {false} WHERE late = {true}")
    _analyze()
    raw_overdue = timed(
        f"UPDATE {table} SET late = {true}, updated_at = %s "
        f"WHERE status IN ('pending', 'returned') AND due_on < %s AND late = {false}",
        [now, dt.date(2025, 7, 1)],
        keep=True,
    )

    dashboard_ms, queries_full = _dashboard(user)
    raw_dashboard_ms = _raw_dashboard(unit_id)
    _into_this_year(backend)
    home_users = _home_users(user)
    homes = {role: _dashboard(home_user, "core:home") for role, home_user in home_users.items()}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id % 10 <> 0")
    _analyze()
    _, queries_tenth = _dashboard(user)
    homes_tenth = {role: _dashboard(home_user, "core:home")[1] for role, home_user in home_users.items()}
    home_figures = {}
    for role, (home_ms, home_queries) in homes.items():
        target = None if role == "province_office" else 300
        home_figures[f"home_{role}{suffix}"] = {"value": round(home_ms, 1), "unit": "ms", "target": target}
        home_figures[f"home_{role}_queries{suffix}"] = {
            "value": home_queries,
            "unit": "queries",
            "target": homes_tenth[role],
        }
    return {
        **home_figures,
        f"duties_materialize_year{suffix}": {
            "value": round(materialize_seconds, 2),
            "unit": "s",
            "target": 60,
        },
        f"duties_materialize_year{suffix}_vs_raw": versus(
            materialize_seconds,
            raw_materialize,
            "the same occurrences by one INSERT … SELECT (parties × periods) into a table with the same indexes",
        ),
        f"duties_overdue_scan_1m{suffix}": {"value": round(overdue_seconds, 3), "unit": "s", "target": 1},
        f"duties_overdue_scan_1m{suffix}_vs_raw": versus(
            overdue_seconds, raw_overdue, "the same rows flagged by one hand-written UPDATE"
        ),
        f"duties_unit_dashboard{suffix}": {"value": round(dashboard_ms, 1), "unit": "ms", "target": 300},
        f"duties_unit_dashboard{suffix}_vs_raw": versus(
            dashboard_ms / 1000,
            raw_dashboard_ms / 1000,
            "the page's data by hand-written SQL: headline counts and the first page of open items (median of 7)",
        ),
        f"duties_unit_dashboard_queries{suffix}": {
            "value": queries_full,
            "unit": "queries",
            "target": queries_tenth,
        },
        f"duties_occurrences{suffix}": {"value": total, "unit": "rows", "target": None},
        f"duties_overdue_marked{suffix}": {"value": marked, "unit": "rows", "target": None},
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--backend":
        sys.stdout.write(json.dumps(run_backend(sys.argv[2])) + "\n")
    else:
        json.dump(run(), sys.stdout, indent=2)
        sys.stdout.write("\n")
