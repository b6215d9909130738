"""Monthly partitions of the readings table on PostgreSQL (SQLite keeps one plain table).

The parent `monitoring_reading` is `PARTITION BY RANGE (at)` with no default partition, so a reading always
lands in its month's table and a month is removed by dropping its table, never by DELETE. Ingest creates the
partition of any month it meets; the maintenance job creates the coming months ahead and drops the months
past the retention (raw readings are kept at least 30 days, 40号令 art. 13, after their hourly roll-up).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import connection

PARENT = "monitoring_reading"
_NAME = re.compile(rf"^{PARENT}_(\d{{4}})(\d{{2}})$")


def month_start(at: dt.datetime | dt.date) -> dt.date:
    return dt.date(at.year, at.month, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_{month:%Y%m}"


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def ensure_month(month: dt.date) -> None:
    """Create the partition of `month` (its first day) if it does not exist."""
    name = partition_name(month)
    with connection.cursor() as cursor:
        # Looking first takes no lock on the parent; creating a partition does.
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            return
        # Bounds in UTC so that every instant falls in exactly one partition.
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {PARENT} "
            f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{next_month(month).isoformat()} 00:00:00+00')"
        )


def ensure_for(instants: Iterable[dt.datetime]) -> None:
    for month in {month_start(at.astimezone(dt.UTC)) for at in instants}:
        ensure_month(month)


def existing() -> list[dt.date]:
    """The months that have a partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        match = _NAME.match(name)
        if match:
            months.append(dt.date(int(match[1]), int(match[2]), 1))
    return sorted(months)


def maintain(*, now: dt.datetime, keep_days: int, ahead: int = 2) -> dict[str, list[str]]:
    """Create the current and `ahead` coming months; drop months wholly older than `keep_days`."""
    if not is_partitioned():
        return {"created": [], "dropped": []}
    created, dropped = [], []
    month = month_start(now.astimezone(dt.UTC))
    have = set(existing())
    for _ in range(ahead + 1):
        if month not in have:
            ensure_month(month)
            created.append(partition_name(month))
        month = next_month(month)
    cutoff = (now - dt.timedelta(days=keep_days)).astimezone(dt.UTC).date()
    for month in existing():
        if next_month(month) <= cutoff:
            name = partition_name(month)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
            dropped.append(name)
    return {"created": created, "dropped": dropped}
