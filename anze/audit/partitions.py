"""The audit trail's monthly partitions on PostgreSQL (migration 0004): made ahead, detached past the retention.

The scheduled job `audit.partitions` keeps the current month and the next three ready. A month wholly older
than `ANZE_AUDIT_RETENTION_DAYS` (ten years by default, never less than the law's six months) is detached,
not dropped: its rows leave the trail into a table of their own (`audit_auditevent_YYYYMM`), which the
operator archives (`pg_dump --table`) and only then drops. Each detachment is itself an audit event,
`audit.partition_detached`, that names the sequences it took and the hash of the last one: `verify_chain`
starts the proof after the archived events from that hash, so the chain still verifies, and any row missing
that no such event accounts for is still reported as deleted.

A month is detached only while its events are the oldest of the chain (sequences below every other row's):
the chain never gets a hole in the middle.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from anze.core.partitions import MonthlyPartitions, next_month, utc_bound

logger = logging.getLogger("anze.audit")

EVENTS = MonthlyPartitions("audit_auditevent", "occurred_at", has_default=True)
DETACHED = "audit.partition_detached"
AHEAD_MONTHS = 3


@dataclass(frozen=True)
class Archived:
    """The events that left the trail with detached months: #1 to `through`, the last with `hash`."""

    through: int
    hash: str


def archived() -> Archived | None:
    """The contiguous run of detached events from #1, as the detachment events recorded it."""
    from anze.audit.models import AuditEvent

    notes = sorted(
        (note for note in AuditEvent.objects.filter(action=DETACHED).values_list("after", flat=True)
         if isinstance(note, dict) and note.get("events")),
        key=lambda note: note["first_sequence"],
    )  # fmt: skip
    found: Archived | None = None
    for note in notes:
        if note["first_sequence"] != (found.through if found else 0) + 1:
            break
        found = Archived(through=int(note["last_sequence"]), hash=str(note["last_hash"]))
    return found


def maintain(now: dt.datetime) -> dict[str, Any]:
    """The scheduled job: make the coming months, detach (or drop, when empty) the months past the retention."""
    if not EVENTS.is_partitioned():
        return {"created": [], "detached": [], "dropped": []}
    created = EVENTS.create_ahead(now=now, ahead=AHEAD_MONTHS)
    detached, dropped = [], []
    for month in EVENTS.past_retention(now=now, keep_days=settings.ANZE_AUDIT_RETENTION_DAYS):
        outcome = _retire(month)
        if outcome is None:
            break
        (detached if outcome == "detached" else dropped).append(EVENTS.partition_name(month))
    return {"created": created, "detached": detached, "dropped": dropped}


@transaction.atomic
def _retire(month: dt.date) -> str | None:
    from anze.audit.services import record

    name = EVENTS.partition_name(month)
    start, end = utc_bound(month), utc_bound(next_month(month))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MIN(sequence), MAX(sequence) FROM {name}")  # noqa: S608
        count, first, last = cursor.fetchone()
        if not count:
            EVENTS.drop(month)
            return "dropped"
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM audit_auditevent WHERE sequence <= %s "
            "AND NOT (occurred_at >= %s AND occurred_at < %s))",
            [last, start, end],
        )
        if cursor.fetchone()[0]:
            logger.warning("%s is not the oldest part of the audit chain; it stays attached", name)
            return None
        cursor.execute(f"SELECT hash FROM {name} WHERE sequence = %s", [last])  # noqa: S608
        last_hash = cursor.fetchone()[0]
    record(
        DETACHED,
        actor="audit.partitions",
        obj=("audit.partition", name, name),
        after={"table": name, "events": count, "first_sequence": first, "last_sequence": last,
               "last_hash": last_hash},
        reason=f"ANZE_AUDIT_RETENTION_DAYS={settings.ANZE_AUDIT_RETENTION_DAYS}",
    )  # fmt: skip
    EVENTS.detach(month)
    return "detached"
