"""On PostgreSQL the audit trail becomes a table partitioned by month of `occurred_at` (SQLite keeps one table).

The trail grows without bound; by month, an index stays the size of a month and the months past the retention
leave as whole tables (anze/audit/partitions.py), never by DELETE, which the triggers refuse. PostgreSQL
requires the partition key in every unique constraint of a partitioned table, so the keys become
(id, occurred_at), (sequence, occurred_at) and (hash, occurred_at): the chain head row, locked for each
append, keeps `sequence` unique, and `anze audit verify` reports any row that is not its sequence's one.
Nothing references audit events by foreign key. A default partition takes a row whose month has no partition
yet, so an event is never refused.

The rows are copied in one transaction, which takes time in proportion to the trail: run it in a maintenance
window. The model is unchanged, so SQLite and the migration state stay as they were.
"""

import datetime as dt

from django.db import migrations

from anze.audit.db import install_triggers

TABLE = "audit_auditevent"
OLD = "audit_auditevent_old"
AHEAD_MONTHS = 3


def _months(first: dt.date, last: dt.date):
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        yield month
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _next(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    execute = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
            [TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [TABLE],
        )
        keys = {row[0] for row in cursor.fetchall()}
    execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    like = f"LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE"
    if partitioned:
        execute(f"CREATE TABLE {TABLE} ({like}) PARTITION BY RANGE (occurred_at)")
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(occurred_at) FROM {OLD}")  # noqa: S608
            oldest = cursor.fetchone()[0]
        today = dt.datetime.now(dt.UTC).date()
        first = oldest.astimezone(dt.UTC).date() if oldest else today
        last = today
        for _ in range(AHEAD_MONTHS):
            last = _next(dt.date(last.year, last.month, 1))
        for month in _months(first, last):
            execute(
                f"CREATE TABLE {TABLE}_{month:%Y%m} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{_next(month).isoformat()} 00:00:00+00')"
            )
        execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    else:
        execute(f"CREATE TABLE {TABLE} ({like})")
    execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD} ORDER BY sequence")  # noqa: S608
    execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {TABLE}"  # noqa: S608
    )
    execute(f"DROP TABLE {OLD} CASCADE")
    key = ", occurred_at" if partitioned else ""
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id{key})")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_sequence_key UNIQUE (sequence{key})")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_hash_key UNIQUE (hash{key})")
    for name, definition in indexes:
        if name not in keys:
            execute(definition)
    for name, definition in foreign_keys:
        execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    install_triggers(schema_editor.connection)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_alter_auditchainhead_options")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
