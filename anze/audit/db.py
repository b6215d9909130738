"""Database triggers that refuse to change or remove audit events, whatever the ORM is bypassed with.

The ORM refuses too (AuditEventQuerySet), but raw SQL as the application's own database role must
fail as well: on PostgreSQL a PL/pgSQL trigger raises on UPDATE, DELETE and TRUNCATE; on SQLite
`RAISE(ABORT, …)` triggers refuse UPDATE and DELETE. SQLite drops triggers with the table, so a
later migration that rebuilds audit_auditevent on SQLite must call install_triggers() again.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_event_refuse_change ON {TABLE}",
    f"""CREATE TRIGGER audit_event_refuse_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"DROP TRIGGER IF EXISTS audit_event_refuse_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_event_refuse_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_refuse_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_refuse_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS audit_event_refuse_update",
    f"""CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    "DROP TRIGGER IF EXISTS audit_event_refuse_delete",
    f"""CREATE TRIGGER audit_event_refuse_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_refuse_update",
    "DROP TRIGGER IF EXISTS audit_event_refuse_delete",
]
TRIGGER_NAMES = {
    "postgresql": {"audit_event_refuse_change", "audit_event_refuse_truncate"},
    "sqlite": {"audit_event_refuse_update", "audit_event_refuse_delete"},
}


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"no append-only audit triggers for database vendor {vendor!r}")


def install_triggers(connection: Any) -> None:
    """Create (or re-create) the triggers on `connection`'s database."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove_triggers(connection: Any) -> None:
    """Drop the triggers. Only the migration's reverse and the test suite's flush use this."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)


def installed_triggers(connection: Any) -> set[str]:
    """The names of the append-only triggers present on audit_auditevent."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        else:
            return set()
        return {row[0] for row in cursor.fetchall()} & TRIGGER_NAMES.get(connection.vendor, set())


def triggers_complete(connection: Any) -> bool:
    return installed_triggers(connection) == TRIGGER_NAMES.get(connection.vendor, set())
