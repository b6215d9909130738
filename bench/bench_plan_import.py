"""Plan import benchmark: the Linyi seed (parse, resolve names, write the tree, audit) and a generated
200-page plan, on a temporary SQLite database with the Linyi demo organization loaded.

Beside each, `…_vs_raw` (bench/raw.py): the rows the import wrote (plan, version, sections, tasks, clauses,
assignments …) written again by one INSERT … SELECT per table into tables with the same indexes.

bench/run.py calls run() in a subprocess; nothing is printed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
from raw import copy_written, row_counts, versus  # noqa: E402

SEED_CANDIDATES = (
    REPO_DIR / "anze" / "plans" / "data" / "linyi-2020-23.txt",
    REPO_DIR.parent / "shared" / "seed" / "linyi-2020-23.txt",
)


def _seed() -> bytes:
    for candidate in SEED_CANDIDATES:
        if candidate.exists():
            return candidate.read_bytes()
    raise FileNotFoundError("linyi-2020-23.txt not found")


def _timed_import(content: bytes, filename: str, region) -> tuple[float, object]:
    from anze.audit.context import audit_context
    from anze.plans import services

    began = time.perf_counter()
    with audit_context("job", request_id=f"bench-{filename}"):
        upload = services.parse_document(content, filename)
        result = services.import_plan(upload, actor=None, region=region)
    return time.perf_counter() - began, result


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="anze-bench-plans-") as tmp:
        sys.path.insert(0, str(REPO_DIR))
        sys.path.insert(0, str(BENCH_DIR))
        os.environ.pop("ANZE_TEST_DATABASE_URL", None)
        os.environ["ANZE_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["ANZE_DATA_DIR"] = tmp
        os.environ["ANZE_MEDIA_DIR"] = f"{tmp}/media"
        os.environ["ANZE_TESTING"] = "1"
        os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from anze.org.demo import load
        from anze.org.models import Region

        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        load()
        city = Region.objects.get(code="371300")

        before = row_counts("plans")
        seed_seconds, result = _timed_import(_seed(), "linyi-2020-23.txt", city)
        if not result.created or result.unresolved:
            raise RuntimeError(f"seed import incomplete: unresolved {result.unresolved}")
        raw_seed, _tables = copy_written("plans", before)
        figures = {
            "plan_import_seed": {"value": round(seed_seconds, 3), "unit": "s", "target": 60},
            "plan_import_seed_vs_raw": versus(
                seed_seconds, raw_seed, "the rows the import wrote, by one INSERT … SELECT per table"
            ),
        }

        try:
            from bench_parse import generate_plan
        except ImportError:
            generate_plan = None
        if generate_plan is not None:
            text = generate_plan()
            before = row_counts("plans")
            big_seconds, big = _timed_import(text.encode("utf-8"), "generated-200-pages.txt", city)
            raw_big, _tables = copy_written("plans", before, column="version_id", value=big.version.pk)
            figures["plan_import_200_pages"] = {"value": round(big_seconds, 3), "unit": "s", "target": None}
            figures["plan_import_200_pages_vs_raw"] = versus(
                big_seconds, raw_big, "the rows the import wrote, by one INSERT … SELECT per table"
            )
            figures["plan_import_200_pages_clauses"] = {
                "value": float(big.version.clauses.count()),
                "unit": "clauses",
                "target": None,
            }
        connections.close_all()
        return figures
