"""Load benchmark: a province's quarter's end on PostgreSQL behind two web nodes, driven by locust.

The province of bench_duties (20,000 units, 300 duties, about 1,000,000 occurrences for the year, Q1
accepted and 90 % of Q2 submitted) in a fresh PostgreSQL database of its own (anze_bench_load, dropped
afterwards); 30 unit accounts with their open occurrences and 5 office accounts for the province. Two
gunicorn nodes (each its own process group and port, 2 workers × 4 threads) share the database; locust
(bench/locustfile_load.py) runs 50 concurrent people (started 10 a second) for LOAD_SECONDS (default 90): units open 我的职责 and submit reports with an evidence file, the office opens the overdue board,
the dashboard and the matrix, the public opens the tip page.

Figures: the times are counted once all 50 people are on the site (locust --reset-stats: the five seconds of
arrivals, each person's first page on a node's cold worker and its sign-in, are not timed); the errors over the
whole run, arrivals included (bench/locustfile_load.py counts every request), and the reports against the
journal, whole:
- load_p95_ms: the 95th percentile of every request's time (target ≤ 500 ms at 50 concurrent users);
- load_error_rate: failed requests (non-2xx/3xx, or a form that did not save) in % of all (target 0);
- load_rps: requests per second over the run (no target);
- load_reports_saved: the reports the database holds afterwards. Checked against the units' journal (each
  report logged before it is sent and when the site answered that it saved it): every report the site said
  it saved is there, once, with one evidence row; nothing is there that nobody sent; every file the evidence
  names is in the media directory. The run fails otherwise.

The web nodes run the production settings with two exceptions, both outside what is measured: the test
suite's password hasher (a sign-in per simulated person, not the hashing cost) and static files from the
finders (nginx serves them in production; locust does not fetch them). Skipped (figures empty) when no
PostgreSQL answers at 127.0.0.1:5432. ANZE_BENCH_SCALE (0–1) shrinks the province for a quick check.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

PG_NAME = "anze_bench_load"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
USERS = 50
UNIT_ACCOUNTS = 30
OFFICE_ACCOUNTS = 5
OPEN_PER_UNIT = 40
PASSWORD = "Bench-Load-2026!"
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "90"))


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _empty() -> dict:
    note = "PostgreSQL does not answer at 127.0.0.1:5432"
    return {
        "load_p95_ms": {"value": None, "unit": "ms", "target": 500, "note": note},
        "load_error_rate": {"value": None, "unit": "%", "target": 0, "note": note},
        "load_rps": {"value": None, "unit": "req/s", "target": None, "note": note},
    }


def _web_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="anze.settings",
        ANZE_TESTING="1",
        ANZE_DEBUG="0",
        ANZE_HTTPS="0",
        ANZE_DATA_DIR=str(tmp),
        ANZE_MEDIA_DIR=str(tmp / "media"),
        ANZE_DATABASE_URL=PG_URL,
        ANZE_DB_CONN_MAX_AGE="60",
        ANZE_LOG_LEVEL="WARNING",
        ANZE_LOCKOUT_ADDRESS_FAILURES="1000000",
    )
    return env


def _prepare(tmp: Path) -> dict:
    """The province, its accounts and the locust plan (runs with Django configured in this process)."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    for key, value in _web_env(tmp).items():
        os.environ[key] = value
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, User
    from anze.accounts.roles import Role
    from anze.audit.context import audit_context
    from anze.duties.models import Occurrence
    from anze.duties.scheduling import mark_overdue, materialize_occurrences
    from anze.org.models import Region

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    import bench_duties

    bench_duties._province()
    start = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    with audit_context("job", request_id="bench-load"):
        materialize_occurrences(now=start, horizon_days=364)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE duties_occurrence SET status = 'accepted', touched = true, accepted_at = %s WHERE due_on < %s",
            [start, dt.date(2025, 6, 30)],
        )
        cursor.execute(
            "UPDATE duties_occurrence SET status = 'submitted', touched = true WHERE due_on = %s AND id %% 10 <> 0",
            [dt.date(2025, 6, 30)],
        )
    with audit_context("job", request_id="bench-load"):
        mark_overdue(now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    now = timezone.now()
    today = timezone.localdate()

    def account(username: str, role: str, **area) -> None:
        user = User.objects.create_user(username=username, password=PASSWORD)
        user.password_changed_at = now
        user.must_change_password = False
        user.save(update_fields=["password_changed_at", "must_change_password"])
        RoleAssignment.objects.create(user=user, role=role, **area)

    province = Region.objects.get(code="370000")
    offices = []
    for i in range(OFFICE_ACCOUNTS):
        account(f"load-office-{i}", Role.OFFICE, region=province)
        offices.append(f"load-office-{i}")
    busiest = list(
        Occurrence.objects.filter(status="pending")
        .values_list("unit_id", flat=True)
        .order_by("unit_id")
        .distinct()[:UNIT_ACCOUNTS]
    )
    units = []
    for i, unit_id in enumerate(busiest):
        account(f"load-unit-{i}", Role.UNIT, unit_id=unit_id)
        open_items = Occurrence.objects.filter(unit_id=unit_id, status="pending").order_by("due_on", "id")[
            :OPEN_PER_UNIT
        ]
        units.append(
            {
                "username": f"load-unit-{i}",
                "open": [
                    {
                        "id": str(o.public_id),
                        "version": o.version,
                        "evidence_on": min(o.period_end, today).isoformat(),
                    }
                    for o in open_items
                ],
            }
        )
    from django.db import connections

    connections.close_all()
    return {"password": PASSWORD, "offices": offices, "units": units}


def _start_node(tmp: Path, name: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = (tmp / f"{name}.log").open("ab")
    proc = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "anze.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--keep-alive",
            "75",
        ],  # fmt: skip
        cwd=ROOT,
        env=_web_env(tmp),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{(tmp / f'{name}.log').read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5)  # noqa: S310
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.5)
    return proc, url


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _aggregated(prefix: Path) -> dict[str, str]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return next(row for row in rows if row["Name"] == "Aggregated")


def _reports() -> tuple[dict[str, tuple[int, int]], int]:
    """Reports per occurrence made by the simulated units, and the evidence rows (public id → count)."""
    import psycopg

    with psycopg.connect(PG_URL) as conn:
        rows = conn.execute(
            "SELECT o.public_id::text, COUNT(DISTINCT r.id), COUNT(e.id) "
            "FROM duties_report r JOIN duties_occurrence o ON o.id = r.occurrence_id "
            "JOIN accounts_user u ON u.id = r.submitted_by_id LEFT JOIN duties_evidence e ON e.report_id = r.id "
            "WHERE u.username LIKE 'load-unit-%%' GROUP BY o.public_id"
        ).fetchall()
        files = conn.execute(
            "SELECT COUNT(DISTINCT e.file) FROM duties_evidence e JOIN accounts_user u ON u.id = e.uploaded_by_id "
            "WHERE u.username LIKE 'load-unit-%%'"
        ).fetchone()[0]
    return {row[0]: (row[1], row[2]) for row in rows}, files


def _check_nothing_lost(journal: Path, media: Path) -> int:
    """Every report the site said it saved is in the database once with its evidence and file; nothing the
    units did not send is. Reports still in flight when the time ran out may or may not be saved."""
    lines = [line.split() for line in journal.read_text(encoding="utf-8").splitlines() if line.strip()]
    tried = {occurrence for state, occurrence in lines if state == "try"}
    saved = {occurrence for state, occurrence in lines if state == "ok"}
    in_database, files = _reports()
    on_disk = sum(1 for path in media.rglob("*") if path.is_file())
    problems = []
    if lost := saved - set(in_database):
        problems.append(f"{len(lost)} reports the site said it saved are missing")
    if invented := set(in_database) - tried:
        problems.append(f"{len(invented)} reports nobody sent")
    if doubled := [o for o, (reports, _evidence) in in_database.items() if reports != 1]:
        problems.append(f"{len(doubled)} occurrences with more than one report")
    if without := [o for o, (_reports, evidence) in in_database.items() if evidence != 1]:
        problems.append(f"{len(without)} reports without exactly one evidence row")
    if files != on_disk:
        problems.append(f"the evidence names {files} files, the media directory holds {on_disk}")
    if problems:
        raise RuntimeError("; ".join(problems))
    return len(in_database)


def run() -> dict:
    if not _postgres_answers():
        return _empty()
    tmp = Path(tempfile.mkdtemp(prefix="anze-bench-load-"))
    nodes: list[subprocess.Popen] = []
    try:
        # Django is configured in a child so this process stays free to drive the nodes and locust.
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", str(tmp)], cwd=ROOT, capture_output=True, text=True
        )
        if prepared.returncode != 0:
            raise RuntimeError(f"bench_load preparation failed:\n{prepared.stderr[-4000:]}")
        plan = json.loads((tmp / "plan.json").read_text(encoding="utf-8"))
        urls = []
        for name in ("web-a", "web-b"):
            proc, url = _start_node(tmp, name)
            nodes.append(proc)
            urls.append(url)
        plan["nodes"] = urls
        (tmp / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        prefix = tmp / "locust"
        env = {**os.environ, "LOAD_PLAN": str(tmp / "plan.json"), "LOAD_JOURNAL": str(tmp / "journal.txt"),
               "LOAD_TOTALS": str(tmp / "totals.json")}  # fmt: skip
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(BENCH / "locustfile_load.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{LOAD_SECONDS}s",
                "--host",
                urls[0],
                "--csv",
                str(prefix),
                "--stop-timeout",
                "60",
                "--only-summary",
                "--reset-stats",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=LOAD_SECONDS + 300,
        )
        if locust.returncode != 0:
            raise RuntimeError(f"locust failed:\n{locust.stderr[-4000:]}")
        total = _aggregated(prefix)
        whole = json.loads((tmp / "totals.json").read_text(encoding="utf-8"))
        requests, failures = int(whole["requests"]), int(whole["failures"])
    finally:
        for proc in nodes:
            _stop(proc)
    try:
        saved = _check_nothing_lost(tmp / "journal.txt", tmp / "media")
    finally:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "load_p95_ms": {"value": float(total["95%"]), "unit": "ms", "target": 500, "users": USERS},
        "load_error_rate": {
            "value": round(100 * failures / requests, 3) if requests else None,
            "unit": "%",
            "target": 0,
            "requests": requests,
            "failures": failures,
        },
        "load_rps": {"value": round(float(total["Requests/s"]), 1), "unit": "req/s", "target": None},
        "load_reports_saved": {"value": saved, "unit": "reports", "target": None},
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        target = Path(sys.argv[2])
        plan = _prepare(target)
        (target / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))
