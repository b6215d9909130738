"""`anze audit verify`: walk the whole audit chain and report every edited, inserted or deleted row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from anze.audit.db import triggers_complete
from anze.audit.verify import DEFAULT_BATCH_SIZE, Problem, verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain; exit code 1 when it is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        verify = subcommands.add_parser("verify", help="check every event's hash and link, in sequence order")
        verify.add_argument("--from", dest="start", type=int, default=1, help="first sequence to check")
        verify.add_argument("--limit", type=int, default=None, help="check at most this many events")
        verify.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows read per query")
        verify.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options)

    def verify(self, options: dict[str, Any]) -> None:
        def show(problem: Problem) -> None:
            self.stdout.write(self.style.ERROR(f"#{problem.sequence} {problem.kind}: {problem.message}"))

        connection = connections[options["database"]]
        if not triggers_complete(connection):
            self.stdout.write(
                self.style.WARNING(
                    "warning: the append-only triggers on audit_auditevent are missing or disabled"
                )
            )
        result = verify_chain(
            start=options["start"],
            limit=options["limit"],
            batch_size=max(options["batch_size"], 1),
            on_problem=show,
        )
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.summary()))
            return
        first = min(result.problems, key=lambda p: p.sequence)
        self.stdout.write(self.style.ERROR(f"{result.summary()}; first break at #{first.sequence}"))
        raise SystemExit(1)
