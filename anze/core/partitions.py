"""Monthly range partitions of tables that grow without bound, on PostgreSQL (SQLite keeps one plain table).

An app whose table is partitioned (its migration makes the parent `PARTITION BY RANGE (column)`) describes it
with a `MonthlyPartitions` and registers a scheduled job that calls `create_ahead()` and retires the months
past its retention: monitoring drops raw readings after a month; the audit trail detaches, never drops.

Partitions are named `<parent>_YYYYMM` and bounded in UTC, so every instant falls in exactly one of them. A
table with a default partition (`<parent>_default`) never refuses a row whose month is missing; a month whose
rows already sit in the default partition is not created (PostgreSQL would refuse), and is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

logger = logging.getLogger("anze.partitions")


def month_start(at: dt.datetime | dt.date) -> dt.date:
    return dt.date(at.year, at.month, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def utc_bound(month: dt.date) -> str:
    return f"{month.isoformat()} 00:00:00+00"


@dataclass(frozen=True)
class MonthlyPartitions:
    """A table partitioned by month on `column` (a timestamp with time zone)."""

    parent: str
    column: str
    has_default: bool = False

    @property
    def default_name(self) -> str:
        return f"{self.parent}_default"

    def partition_name(self, month: dt.date) -> str:
        return f"{self.parent}_{month:%Y%m}"

    def is_partitioned(self) -> bool:
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                "WHERE c.relname = %s AND pg_table_is_visible(c.oid))",
                [self.parent],
            )
            return bool(cursor.fetchone()[0])

    def ensure_month(self, month: dt.date) -> bool:
        """Create the partition of `month` (its first day) if it does not exist; True when it was created."""
        name = self.partition_name(month)
        start, end = utc_bound(month), utc_bound(next_month(month))
        with connection.cursor() as cursor:
            # Looking first takes no lock on the parent; creating a partition does.
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                return False
            if self.has_default:
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {self.default_name} "  # noqa: S608 - our own names
                    f"WHERE {self.column} >= %s AND {self.column} < %s)",
                    [start, end],
                )
                if cursor.fetchone()[0]:
                    logger.warning("%s: rows of %s are in %s; the month keeps them there", self.parent, name,
                                   self.default_name)  # fmt: skip
                    return False
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {self.parent} FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        return True

    def ensure_default(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.default_name} PARTITION OF {self.parent} DEFAULT"
            )

    def ensure_for(self, instants: Iterable[dt.datetime]) -> None:
        for month in {month_start(at.astimezone(dt.UTC)) for at in instants}:
            self.ensure_month(month)

    def existing(self) -> list[dt.date]:
        """The months that have a partition attached, oldest first."""
        pattern = re.compile(rf"^{re.escape(self.parent)}_(\d{{4}})(\d{{2}})$")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [self.parent],
            )
            names = [row[0] for row in cursor.fetchall()]
        months = []
        for name in names:
            match = pattern.match(name)
            if match:
                months.append(dt.date(int(match[1]), int(match[2]), 1))
        return sorted(months)

    def create_ahead(self, *, now: dt.datetime, ahead: int) -> list[str]:
        """Create the current month's partition and the `ahead` coming ones; the names created."""
        created = []
        month = month_start(now.astimezone(dt.UTC))
        have = set(self.existing())
        for _ in range(ahead + 1):
            if month not in have and self.ensure_month(month):
                created.append(self.partition_name(month))
            month = next_month(month)
        return created

    def past_retention(self, *, now: dt.datetime, keep_days: int) -> list[dt.date]:
        """The attached months wholly older than `keep_days` before `now`, oldest first."""
        cutoff = (now - dt.timedelta(days=keep_days)).astimezone(dt.UTC).date()
        return [month for month in self.existing() if next_month(month) <= cutoff]

    def drop(self, month: dt.date) -> str:
        name = self.partition_name(month)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        return name

    def detach(self, month: dt.date) -> str:
        """Detach the month's partition: its rows leave the parent and stay in a table of their own."""
        name = self.partition_name(month)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {self.parent} DETACH PARTITION {name}")
        return name
