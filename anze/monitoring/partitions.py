"""Monthly partitions of the readings table on PostgreSQL (SQLite keeps one plain table).

The parent `monitoring_reading` is `PARTITION BY RANGE (at)` with no default partition, so a reading always
lands in its month's table and a month is removed by dropping its table, never by DELETE. Ingest creates the
partition of any month it meets; the maintenance job creates the coming months ahead and drops the months
past the retention (raw readings are kept at least 30 days, 40号令 art. 13, after their hourly roll-up).
The partition mechanics are shared with the audit trail (anze/core/partitions.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from anze.core.partitions import MonthlyPartitions, month_start, next_month

PARENT = "monitoring_reading"
READINGS = MonthlyPartitions(PARENT, "at")

__all__ = ["PARENT", "READINGS", "ensure_for", "ensure_month", "existing", "maintain", "month_start", "next_month",
           "partition_name"]  # fmt: skip


def partition_name(month: dt.date) -> str:
    return READINGS.partition_name(month)


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def ensure_month(month: dt.date) -> None:
    """Create the partition of `month` (its first day) if it does not exist."""
    READINGS.ensure_month(month)


def ensure_for(instants: Iterable[dt.datetime]) -> None:
    READINGS.ensure_for(instants)


def existing() -> list[dt.date]:
    """The months that have a partition, oldest first."""
    return READINGS.existing()


def maintain(*, now: dt.datetime, keep_days: int, ahead: int = 2) -> dict[str, list[str]]:
    """Create the current and `ahead` coming months; drop months wholly older than `keep_days`."""
    if not is_partitioned():
        return {"created": [], "dropped": []}
    created = READINGS.create_ahead(now=now, ahead=ahead)
    dropped = [READINGS.drop(month) for month in READINGS.past_retention(now=now, keep_days=keep_days)]
    return {"created": created, "dropped": dropped}
