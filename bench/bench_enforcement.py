"""Enforcement benchmarks.

- enforcement_draw_200k: a 双随机 draw over 200,000 enterprises (classes A–D, 3 % listed) and 5,000 inspectors of
  10 departments in 12 counties, with 20,000 declared conflicts, 异地执法 on: the canonical snapshot, its SHA-256
  and the selection of enterprises and inspectors (`anze.enforcement.draw`), seconds (median of 3). The draw is
  pure Python over the frozen snapshot, so no database is involved; the verification re-does the same work.

run() prints nothing.
"""

from __future__ import annotations

import random
import statistics
import sys
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
    draw, pool = _pool()
    seed = "5e" * 32
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        snapshot = pool.snapshot()
        draw.sha256_hex(snapshot)
        result = draw.select(pool, seed)
        timings.append(time.perf_counter() - started)
    assert result.selections and all(len(s.inspectors) == 2 for s in result.selections)
    return {
        "enforcement_draw_200k": {
            "value": round(statistics.median(timings), 3),
            "unit": "s",
            "target": TARGET_S,
            "selections": len(result.selections),
        }
    }


if __name__ == "__main__":
    print(run())
