"""Django's `flush`, which must not erase the audit trail.

Outside the test suite it refuses while audit events exist: the trail is kept forever, and on
PostgreSQL a TRUNCATE would otherwise skip the row triggers. The test suite flushes between
transactional tests; there the append-only triggers are lifted for the flush and put back after.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from anze.audit.db import TABLE, install_triggers, remove_triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        if not getattr(settings, "TESTING", False):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
                if cursor.fetchone() is not None:
                    raise CommandError("flush refused: the audit trail is append-only and is never erased")
            super().handle(**options)
            return
        remove_triggers(connection)
        try:
            super().handle(**options)
        finally:
            install_triggers(connection)
