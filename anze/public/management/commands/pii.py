"""`anze pii rekey`: re-encrypt reporters' real-name blocks under the current ANZE_PII_KEY after a rotation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anze.audit.context import audit_context


class Command(BaseCommand):
    help = (
        "Personal data at rest. `pii rekey` re-encrypts every real-name block sealed under a key listed in "
        "ANZE_PII_OLD_KEYS under ANZE_PII_KEY; exit code 1 when a block opens under none of them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{rekey}")
        rekey = subcommands.add_parser("rekey", help="re-encrypt blocks under old keys with the current key")
        rekey.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        from anze.public.crypto import check_key
        from anze.public.services import rekey_identities

        check_key()
        with audit_context("command"):
            counts = rekey_identities(dry_run=options["dry_run"])
        verb = "would be re-encrypted" if options["dry_run"] else "re-encrypted"
        self.stdout.write(
            f"{counts['rekeyed']} block(s) {verb}, {counts['current']} already under the current key, "
            f"{len(counts['unreadable'])} unreadable."
        )
        if counts["unreadable"]:
            listed = ", ".join(counts["unreadable"][:20])
            raise CommandError(
                f"{len(counts['unreadable'])} real-name block(s) open under no configured key (tips {listed}"
                f"{' …' if len(counts['unreadable']) > 20 else ''}). Add the key they were sealed with to "
                "ANZE_PII_OLD_KEYS and run again; they were left unchanged.",
                returncode=1,
            )
