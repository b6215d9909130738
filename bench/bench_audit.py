"""Audit trail benchmark: append rate (one transaction per event, as services do) and full-chain verify time.

Runs on a temporary SQLite database. Raw references (bench/raw.py): the same event rows written by one
INSERT … SELECT, and one SELECT reading every field the verifier hashes. bench/run.py calls run() in a
subprocess; nothing is printed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw import copy_seconds, scaled, timed, versus  # noqa: E402

EVENTS = scaled(20_000)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="anze-bench-audit-") as tmp:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.pop("ANZE_TEST_DATABASE_URL", None)
        os.environ["ANZE_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["ANZE_DATA_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "anze.test_settings"

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections, transaction

        from anze.audit.context import audit_context
        from anze.audit.services import record
        from anze.audit.verify import verify_chain

        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)

        began = time.perf_counter()
        with audit_context("job", request_id="bench-audit"):
            for i in range(EVENTS):
                with transaction.atomic():
                    record(
                        "bench.thing.update",
                        actor="bench",
                        obj=("bench.thing", i, f"thing {i}"),
                        before={"status": "open", "n": i},
                        after={"status": "closed", "n": i + 1},
                    )
        append_seconds = time.perf_counter() - began

        result = verify_chain()
        if not result.ok or result.checked != EVENTS:
            raise RuntimeError(f"benchmark chain did not verify: {result.summary()}")
        from anze.audit.models import AuditEvent

        table = AuditEvent._meta.db_table
        raw_append = copy_seconds(table)
        columns = ", ".join(f.column for f in AuditEvent._meta.concrete_fields)
        raw_read = timed(f"SELECT {columns} FROM {table} ORDER BY sequence")
        connections.close_all()
        return {
            "audit_append": {"value": round(EVENTS / append_seconds, 1), "unit": "events/s", "target": None},
            "audit_append_vs_raw": versus(
                append_seconds, raw_append, "the same event rows written by one INSERT … SELECT"
            ),
            "audit_verify": {"value": round(result.seconds, 3), "unit": "s", "target": None},
            "audit_verify_vs_raw": versus(
                result.seconds, raw_read, "one SELECT reading every column of the chain in order (no hashing)"
            ),
            "audit_verify_rate": {
                "value": round(EVENTS / result.seconds, 1),
                "unit": "events/s",
                "target": None,
            },
        }


if __name__ == "__main__":
    import json

    json.dump(run(), sys.stdout, indent=2)
    sys.stdout.write("\n")
