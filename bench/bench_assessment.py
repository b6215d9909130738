"""Assessment benchmark: a year for 200 bodies over the duties benchmark's province (about 1,000,000
occurrences) and the enterprise benchmark's 200,000 generated enterprises.

Figures, on a temporary SQLite file database and, when PostgreSQL answers at 127.0.0.1:5432, on a fresh
database of its own (anze_bench_assessment, dropped afterwards):

- assessment_year_province: compute_results for the year (every fact one grouped query, the results bulk
  written), target 30 s on PostgreSQL;
- assessment_explain_one: one body's explanation (its result read and recomputed from its frozen facts),
  median of 20, target 200 ms.

The data builders are the duties benchmark's province and materialization, and the enterprise benchmark's
generator; 160 county governments and 40 departments are assessed, with 600 accidents in the window.
ANZE_BENCH_SCALE (0–1) shrinks the province for a quick check. Nothing is printed by run().
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duties  # noqa: E402
from raw import scaled  # noqa: E402

ENTERPRISES = scaled(200_000)
PG_NAME = "anze_bench_assessment"


def run() -> dict:
    results: dict = {}
    backends = ["sqlite"] + (["pg"] if bench_duties._postgres_answers() else [])
    for backend in backends:
        completed = subprocess.run(
            [sys.executable, __file__, "--backend", backend],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=3600,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"bench_assessment {backend} failed:\n{completed.stderr[-4000:]}")
        results.update(json.loads(completed.stdout.strip().splitlines()[-1]))
    return results


def _facts(city, now) -> None:
    """Enterprises (the enterprise benchmark's generator), county governments, and accidents in the window."""
    import datetime as dt
    import random

    from anze.enforcement.models import Accident
    from anze.enterprises import demo, seed
    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit

    seed.load_industries()
    demo.write(demo.generated_for(city, ENTERPRISES, today=now.date()), batch_size=10_000)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    Unit.objects.bulk_create(
        [Unit(name=f"{c.name}人民政府", kind=UnitKind.COUNTY_GOVERNMENT, region=c) for c in counties]
    )
    rng = random.Random(2025)
    grades = ["general"] * 8 + ["larger"] * 2 + ["major"]
    Accident.objects.bulk_create(
        [
            Accident(
                title=f"事故{i}", occurred_at=now - dt.timedelta(days=rng.randint(1, 300)), place="现场",
                unit_name="某企业", county=(county := rng.choice(counties)), region_path=county.path,
                accident_type="other", grade=rng.choice(grades), deaths=1,
            )
            for i in range(600)
        ],
        batch_size=600,
    )  # fmt: skip


def _scheme(actor):
    import datetime as dt

    from anze.assessment import services
    from anze.assessment.choices import BodyKind, ScoringMethod, VetoCondition, VetoOutcome
    from anze.assessment.models import AssessedBody
    from anze.org.choices import UnitKind
    from anze.org.models import Region, Unit

    province = Region.objects.get(code="370000")
    rule_set = services.create_rule_set(
        actor=actor, region=province, year=2025, name="否决", window_start=dt.date(2024, 12, 1),
        window_end=dt.date(2025, 11, 30),
    )  # fmt: skip
    services.add_rule(actor=actor, rule_set=rule_set, key="V1", title="重大事故", condition=VetoCondition.ACCIDENTS,
                      grade="major", outcome=VetoOutcome.VETO)  # fmt: skip
    services.add_rule(actor=actor, rule_set=rule_set, key="Y1", title="2起较大", condition=VetoCondition.ACCIDENTS,
                      grade="larger", at_least=2, outcome=VetoOutcome.YELLOW)  # fmt: skip
    scheme = services.create_scheme(
        actor=actor, region=province, year=2025, name="考核", veto_rule_set=rule_set
    )
    for key, fact, method, extra in (
        ("1", "duties.on_time_rate", ScoringMethod.RATE, {"target": 95, "floor": 0}),
        ("2", "supervision.cases", ScoringMethod.DEDUCTION, {"per": 1}),
        ("3", "supervision.circulars", ScoringMethod.DEDUCTION, {"per": 2}),
        ("4", "prevention.hidden_dangers_on_time", ScoringMethod.RATE, {"target": 95, "floor": 0}),
        ("5", "enterprises.compliance_rate", ScoringMethod.RATE, {"target": 90, "floor": 0}),
        ("6", "enforcement.penalty_disclosure", ScoringMethod.RATE, {"target": 100, "floor": 0}),
        ("7", "enforcement.accidents", ScoringMethod.DEDUCTION, {"per": 2}),
    ):
        services.add_item(
            actor=actor, scheme=scheme, key=key, title=fact, points=10, method=method, fact=fact, **extra
        )
    counties = Unit.objects.filter(kind=UnitKind.COUNTY_GOVERNMENT).order_by("pk")[:160]
    departments = Unit.objects.filter(kind=UnitKind.GOVERNMENT_DEPARTMENT).order_by("pk")[:40]
    AssessedBody.objects.bulk_create(
        [AssessedBody(scheme=scheme, kind=BodyKind.COUNTY, unit=u) for u in counties]
        + [AssessedBody(scheme=scheme, kind=BodyKind.DEPARTMENT, unit=u) for u in departments]
    )
    return scheme


def _measure(backend: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from anze.assessment import services
    from anze.assessment.models import BodyResult
    from anze.audit.context import audit_context
    from anze.duties.scheduling import materialize_occurrences
    from anze.org.models import Region

    suffix = "_pg" if backend == "pg" else "_sqlite"
    bench_duties._province()
    now = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    with audit_context("job", request_id="bench-assessment"):
        materialize_occurrences(now=now, horizon_days=364)
        _facts(
            Region.objects.filter(level="city").order_by("code").first(),
            timezone.make_aware(dt.datetime(2025, 11, 30, 9)),
        )
        scheme = _scheme("bench")
        bench_duties._analyze()
        # A serving process has loaded its URL patterns long before; the first reverse() here would load them.
        from django.urls import reverse

        reverse("assessment:index")
        began = time.perf_counter()
        run = services.compute_results(actor="bench", scheme=scheme, as_of=dt.date(2025, 11, 30))
        year_seconds = time.perf_counter() - began
    if run.results.count() != 200:
        raise RuntimeError(f"expected 200 results, got {run.results.count()}")
    ids = list(run.results.order_by("?").values_list("pk", flat=True)[:20])
    timings = []
    for pk in ids:
        began = time.perf_counter()
        result = BodyResult.objects.select_related("run__scheme", "body__unit").get(pk=pk)
        services.reproduce(result)
        timings.append((time.perf_counter() - began) * 1000)
    return {
        f"assessment_year_province{suffix}": {"value": round(year_seconds, 2), "unit": "s", "target": 30},
        f"assessment_explain_one{suffix}": {"value": round(statistics.median(timings), 1), "unit": "ms", "target": 200},
    }  # fmt: skip


def run_backend(backend: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="anze-bench-assessment-") as tmp:
        bench_duties.PG_NAME = PG_NAME
        bench_duties._setup(backend, tmp)
        try:
            return _measure(backend)
        finally:
            from django.db import connections

            connections.close_all()
            if backend == "pg":
                bench_duties._drop_pg()


if __name__ == "__main__":
    os.environ.setdefault("ANZE_BENCH_SCALE", os.environ.get("ANZE_BENCH_SCALE", "1"))
    print(json.dumps(run_backend(sys.argv[sys.argv.index("--backend") + 1])))
