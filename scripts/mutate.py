"""`make mutate`: mutation testing of the pure logic with mutmut, and a table of what the tests catch.

mutmut copies `anze/` to `mutants/`, makes small deliberate bugs in the modules listed under
`[tool.mutmut] only_mutate` in pyproject.toml, and runs the tests that cover each one. A mutant is caught
when a test fails (or hangs: a timeout); it survives when every test still passes. This prints, per
module, how many mutants were made and the share caught, and exits 1 when a module is below the floor.

    python scripts/mutate.py                 every listed module, from scratch
    python scripts/mutate.py --keep          reuse mutants/ from the last run (only changed code re-runs)
    python scripts/mutate.py --floor 0       print the table, never fail
    python scripts/mutate.py --survivors     also list the survivors with their diffs
    python scripts/mutate.py --keep --only anze/duties/calendar.py
                                             (re-)run one module's mutants, keeping the others' results
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}
LINE = re.compile(r"^\s*(?P<name>\S+?__mutmut_\d+): (?P<status>.+?)\s*$")


def listed_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return [path.removesuffix(".py").replace("/", ".") for path in config["only_mutate"]]


def module_of(mutant: str) -> str:
    """`anze.prevention.scoring.x_lec_score__mutmut_7` → `anze.prevention.scoring` (methods: `xǁClassǁname`)."""
    return mutant.rsplit(".", 1)[0]


def results() -> dict[str, str]:
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {m["name"]: m["status"] for m in map(LINE.match, out.splitlines()) if m}


def table(statuses: dict[str, str], modules: list[str]) -> list[tuple[str, int, int, Counter]]:
    per_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in statuses.items():
        per_module[module_of(name)][status] += 1
    rows = []
    for module in modules:
        counts = per_module.get(module, Counter())
        total = sum(counts.values())
        caught = sum(n for status, n in counts.items() if status in CAUGHT)
        rows.append((module, total, caught, counts))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--floor", type=float, default=90.0, help="fail when a module catches less (percent)")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants with their diffs")
    parser.add_argument("--only", action="append", default=[], metavar="PATH", help="run this module only")
    parser.add_argument(
        "--jobs", type=int, default=1, help="mutants run at once (default 1: a shared machine)"
    )
    args = parser.parse_args()

    modules = listed_modules()
    only = [path.removesuffix(".py").replace("/", ".") for path in args.only]
    unknown = sorted(set(only) - set(modules))
    if unknown:
        print(f"not listed under [tool.mutmut] only_mutate: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not args.keep:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    for module in modules:
        # A module added to the list since the last run was copied unmutated: mutmut would keep that copy.
        copy = ROOT / "mutants" / (module.replace(".", "/") + ".py")
        if copy.exists() and "__mutmut_" not in copy.read_text(encoding="utf-8"):
            copy.unlink()
            # ...and which tests reach its functions was never recorded: record it again.
            (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    command = [str(MUTMUT), "run", "--max-children", str(args.jobs), *(f"{module}.*" for module in only)]
    run = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-4000:])
        print(
            "mutmut did not finish: the tests fail or cannot start without mutants (see above).",
            file=sys.stderr,
        )
        return 2

    statuses = results()
    rows = table(statuses, only or modules)
    print(f"{'module':<40} {'mutants':>8} {'caught':>8} {'share':>7}  not caught")
    below = []
    for module, total, caught, counts in rows:
        share = 100.0 * caught / total if total else 0.0
        missed = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status not in CAUGHT)
        print(f"{module.replace('.', '/') + '.py':<40} {total:>8} {caught:>8} {share:>6.1f}%  {missed}")
        if share < args.floor:
            below.append(module)
    if args.survivors:
        for name, status in sorted(statuses.items()):
            if status not in CAUGHT and module_of(name) in (only or modules):
                print(f"\n== {name}: {status}")
                diff = subprocess.run(
                    [str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True
                ).stdout
                print(
                    "\n".join(
                        line
                        for line in diff.splitlines()
                        if line[:1] in "+-" and line[:3] not in ("+++", "---")
                    )
                )
    if below:
        print(f"below {args.floor:.0f}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
