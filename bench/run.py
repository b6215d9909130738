"""Runs the benchmarks in bench/ (each `bench_<name>.py` with a `run() -> dict` of figures), prints them and
writes bench/results.json:

    {"benchmarks": {"<name>": {"run": {"date", "python", "databases", "cores", "machine", "scale"},
                               "figures": {"<figure>": {"value", "unit", "target", …},
                                           "<figure>_vs_raw": {"value", "unit": "×", "raw_seconds", "raw"}}}}}

Run for every benchmark (`make bench`), the file is written whole from this run; run for some
(`make bench BENCH=name`), their entries are replaced and the others kept. `<figure>_vs_raw` is Anze's time
for the work divided by the time of hand-written SQL doing the same work on the same data (bench/raw.py).

Each benchmark runs in its own process so one's memory and Django setup do not affect another's.
Usage: python bench/run.py [name …]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
CHILD = """
import json, sys
sys.path.insert(0, {repo!r})
sys.path.insert(0, {bench!r})
import importlib
module = importlib.import_module({module!r})
print("@@RESULT@@" + json.dumps(module.run()))
"""


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def run_one(name: str) -> dict:
    code = CHILD.format(repo=str(REPO_DIR), bench=str(BENCH_DIR), module=f"bench_{name}")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_DIR)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"benchmark {name} failed (exit {proc.returncode}) after {elapsed:.1f} s")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("@@RESULT@@"))
    return json.loads(line.removeprefix("@@RESULT@@"))


def postgres_version() -> str | None:
    """The server version of the PostgreSQL the benchmarks use, or None when none answers."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return None


def environment() -> dict:
    """What the figures were measured on."""
    databases = {"sqlite": sqlite3.sqlite_version}
    pg = postgres_version()
    if pg:
        databases["postgresql"] = pg
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "databases": databases,
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "scale": float(os.environ.get("ANZE_BENCH_SCALE", "1") or 1),
    }


def load_results(names: list[str]) -> dict:
    """The entries of the benchmarks not being run (a file in the old flat format is sorted by prefix)."""
    if not RESULTS.exists():
        return {}
    data = json.loads(RESULTS.read_text())
    if "benchmarks" in data:
        entries = data["benchmarks"]
    else:
        entries = {}
        for key, figure in data.items():
            owner = next((n for n in sorted(available(), key=len, reverse=True) if key.startswith(n)), None)
            if owner:
                entries.setdefault(owner, {"run": None, "figures": {}})["figures"][key] = figure
    return {name: entry for name, entry in entries.items() if name not in names and name in available()}


def _print(figures: dict) -> None:
    for key, figure in figures.items():
        value = figure.get("value")
        if value is None:
            print(f"  {key}: —", flush=True)
            continue
        target = figure.get("target")
        verdict = ""
        if target is not None:
            better_low = figure.get("unit") in {"s", "ms", "MiB", "queries", "%"}
            met = value <= target if better_low else value >= target
            verdict = f"  (target {target} {figure['unit']}: {'met' if met else 'NOT met'})"
        print(f"  {key}: {value:.4g} {figure['unit']}{verdict}", flush=True)


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    # Without names the file is rewritten whole from this run; with names the others are kept.
    entries = load_results(names) if argv else {}
    for name in names:
        print(f"== {name}", flush=True)
        run = environment()
        figures = run_one(name)
        _print(figures)
        entries[name] = {"run": run, "figures": figures}
    RESULTS.write_text(
        json.dumps(
            {"benchmarks": dict(sorted(entries.items()))}, indent=2, ensure_ascii=False, sort_keys=True
        )
        + "\n"
    )
    print(f"figures written to {RESULTS.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
