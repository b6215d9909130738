"""`anze audit verify [--against WITNESS]`: walk the audit chain and report every edited, inserted or deleted
row, or a rewrite before a witnessed head; `anze audit witness`: sign and publish the head now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from anze.audit.db import triggers_complete
from anze.audit.verify import DEFAULT_BATCH_SIZE, Problem, verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain; exit code 1 when it is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,witness}")
        verify = subcommands.add_parser("verify", help="check every event's hash and link, in sequence order")
        verify.add_argument("--from", dest="start", type=int, default=1, help="first sequence to check")
        verify.add_argument("--limit", type=int, default=None, help="check at most this many events")
        verify.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows read per query")
        verify.add_argument("--database", default=DEFAULT_DB_ALIAS)
        verify.add_argument(
            "--against",
            metavar="FILE",
            help="a witness file: recompute every hash up to its head and compare (catches a rewritten chain)",
        )
        verify.add_argument(
            "--public-key", metavar="PEM", help="the witness public key the auditor kept (default: this site's key)"
        )
        witness = subcommands.add_parser("witness", help="sign and publish the chain head now (file, mail, TSA)")
        witness.add_argument("--public-key", action="store_true", help="print the witness public key (PEM) only")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify" and options.get("against"):
            self.verify_against(options)
        elif options["subcommand"] == "verify":
            self.verify(options)
        else:
            self.witness(options)

    def witness(self, options: dict[str, Any]) -> None:
        from anze.audit.context import audit_context
        from anze.audit.witness import public_key_pem, publish_witness

        if options["public_key"]:
            self.stdout.write(public_key_pem(), ending="")
            return
        with audit_context("command"):
            publication = publish_witness()
        self.stdout.write(
            f"witnessed #{publication.statement['sequence']} {publication.statement['hash']} → {publication.path}"
        )
        for failure in publication.failures:
            self.stdout.write(self.style.WARNING(f"warning: {failure}"))

    def verify_against(self, options: dict[str, Any]) -> None:
        from anze.audit.witness import WitnessError, load_public_key, verify_against

        try:
            trusted = load_public_key(Path(options["public_key"]).read_bytes()) if options["public_key"] else None
            check = verify_against(Path(options["against"]), trusted=trusted)
        except (OSError, ValueError, WitnessError) as exc:
            raise CommandError(str(exc)) from exc
        statement = check.statement
        if check.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"chain #1–#{statement['sequence']} recomputed: matches the witness of {statement['witnessed_at']}"
                )
            )
            return
        for problem in check.problems:
            self.stdout.write(self.style.ERROR(problem))
        self.stdout.write(self.style.ERROR(f"chain BROKEN against the witness of {statement['witnessed_at']}"))
        raise SystemExit(1)

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
