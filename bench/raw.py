"""The raw-SQL reference each benchmark times beside its figure: the same work done by hand-written SQL on
the same data in the same run, so the distance to the limit is measured, not guessed.

`<figure>_vs_raw` = Anze's time for the work ÷ the raw statement's time (1.0 is the floor; 5 means five times
the floor). Used inside a benchmark's Django process (after django.setup()).
"""

from __future__ import annotations

import os
import time
from typing import Any


def scale() -> float:
    """ANZE_BENCH_SCALE (default 1): a smaller data set for a quick check run; figures then say so."""
    value = float(os.environ.get("ANZE_BENCH_SCALE", "1") or 1)
    if not 0 < value <= 1:
        raise SystemExit("ANZE_BENCH_SCALE must be in (0, 1]")
    return value


def scaled(count: int) -> int:
    return max(1, int(count * scale()))


def timed(
    sql: str, params: Any = (), *, statements: list[tuple[str, Any]] | None = None, keep: bool = False
) -> float:
    """Seconds to run `sql` (and any further `statements`) in one transaction, rolled back so the data stays
    as Anze left it (committed with `keep=True`)."""
    from django.db import connection, transaction

    began = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
                for extra, extra_params in statements or []:
                    cursor.execute(extra, extra_params)
                    if cursor.description:
                        cursor.fetchall()
            elapsed = time.perf_counter() - began
            if keep:
                return elapsed
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


class _Rollback(Exception):
    pass


def scratch_like(table: str) -> str:
    """A scratch table with `table`'s columns, constraints and indexes (what a write into it maintains)."""
    from django.db import connection

    name = f"bench_raw_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")
        else:
            cursor.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table]
            )
            definitions = cursor.fetchall()
            for kind, sql in sorted(definitions, key=lambda d: d[0] != "table"):
                if kind not in ("table", "index"):
                    continue
                renamed = sql.replace(f'"{table}"', f'"{name}"', 1)
                if kind == "index":
                    head, _on, rest = renamed.partition(" ON ")
                    index = head.split()[-1].strip('"')
                    renamed = f"{head.replace(index, f'{name}_{index}')} ON {rest}"
                    renamed = renamed.replace(f'ON "{table}"', f'ON "{name}"')
                cursor.execute(renamed)
    return name


def drop(name: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def copy_seconds(table: str, where: str = "", params: Any = ()) -> float:
    """The write floor: the rows of `table` (matching `where`) written again by one INSERT … SELECT into a
    scratch table with the same indexes."""
    scratch = scratch_like(table)
    try:
        return timed(f"INSERT INTO {scratch} SELECT * FROM {table} {where}", params)
    finally:
        drop(scratch)


def versus(anze_seconds: float, raw_seconds: float, how: str) -> dict[str, Any]:
    """The `<figure>_vs_raw` entry."""
    return {
        "value": round(anze_seconds / raw_seconds, 1) if raw_seconds > 0 else None,
        "unit": "×",
        "target": None,
        "raw_seconds": round(raw_seconds, 4),
        "raw": how,
    }


def row_counts(app_label: str) -> dict[str, int]:
    """Rows per table of an app's models (to find what a run wrote)."""
    from django.apps import apps

    return {
        m._meta.db_table: m._default_manager.count()
        for m in apps.get_app_config(app_label).get_models()
        if not m._meta.proxy and m._meta.managed
    }


def copy_written(
    app_label: str, before: dict[str, int], *, column: str = "", value: Any = None
) -> tuple[float, list[str]]:
    """The write floor of a run: each table of the app that gained rows, copied by one INSERT … SELECT (only
    the rows whose `column` equals `value`, where the table has that column)."""
    from django.apps import apps

    total = 0.0
    tables = []
    for model in apps.get_app_config(app_label).get_models():
        table = model._meta.db_table
        if table not in before or model._default_manager.count() <= before[table]:
            continue
        columns = {f.column for f in model._meta.concrete_fields}
        if column and column in columns:
            total += copy_seconds(table, f"WHERE {column} = %s", [value])
        else:
            total += copy_seconds(table)
        tables.append(table)
    return total, tables
