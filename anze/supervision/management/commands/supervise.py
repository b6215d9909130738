"""`anze supervise [--now ISO] [--no-send]`: one pass of the 督办 ladder (what `anze tick` runs after duties)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.audit.context import audit_context


class Command(BaseCommand):
    help = (
        "Run the escalation ladder once: reminders, 催办, 督办 cases, 通报, digest; then send due deliveries."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="business time (ISO 8601, local time zone if naive); default now")
        parser.add_argument("--no-send", action="store_true", help="create deliveries but do not send them")

    def handle(self, *args: Any, **options: Any) -> None:
        from anze.supervision.services import run_ladder

        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now must be an ISO timestamp: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        with audit_context("command"):
            result = run_ladder(now=now, send=not options["no_send"])
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
