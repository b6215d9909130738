"""Runs the benchmarks in bench/ (each `bench_<name>.py` with a `run() -> dict`), prints their figures and
writes them to bench/results.json as {"name": {"value": …, "unit": …, "target": …}}.

Each benchmark runs in its own process so one's memory and Django setup do not affect another's.
Usage: python bench/run.py [name …]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
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


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in names:
        print(f"== {name}", flush=True)
        figures = run_one(name)
        for key, figure in figures.items():
            target = figure.get("target")
            verdict = ""
            if target is not None:
                better_low = figure.get("unit") in {"s", "ms", "MiB", "queries"}
                met = figure["value"] <= target if better_low else figure["value"] >= target
                verdict = f"  (target {target} {figure['unit']}: {'met' if met else 'NOT met'})"
            print(f"  {key}: {figure['value']:.4g} {figure['unit']}{verdict}", flush=True)
        results.update(figures)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"figures written to {RESULTS.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
