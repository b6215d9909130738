"""`anze draw verify`: reproduce a 双随机 draw from its published snapshot and seed; exit code 1 when it fails.

Either name a draw of this database (`anze draw verify <public id>`), or verify offline from the published
files (`anze draw verify --snapshot pool.json --seed HEX --pool-digest X --seed-digest Y --result result.json`),
which needs nothing of the database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anze.enforcement import draw as drawing


class Command(BaseCommand):
    help = "双随机 draw tools. `draw verify` reproduces a draw from its snapshot and seed; exit code 1 when it fails."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        verify = subcommands.add_parser(
            "verify", help="reproduce a draw and compare it with the published result"
        )
        verify.add_argument("draw", nargs="?", help="the draw's public id (UUID)")
        verify.add_argument("--snapshot", type=Path, help="the published pool snapshot (JSON file)")
        verify.add_argument("--seed", help="the revealed seed (hex)")
        verify.add_argument("--pool-digest", help="the published SHA-256 of the snapshot")
        verify.add_argument("--seed-digest", help="the published SHA-256 of the seed")
        verify.add_argument("--result", type=Path, help="the published result (JSON file)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["draw"]:
            check, label = self._from_database(options["draw"])
        else:
            check, label = self._from_files(options)
        if check.ok:
            self.stdout.write(
                self.style.SUCCESS(f"{label}: verified — the snapshot and seed reproduce the result")
            )
            return
        for reason in check.reasons:
            self.stdout.write(self.style.ERROR(f"{label}: {reason}"))
        sys.exit(1)

    def _from_database(self, public_id: str):
        from django.core.exceptions import ValidationError

        from anze.enforcement.models import Draw
        from anze.enforcement.services import verify_draw

        try:
            row = Draw.objects.filter(public_id=public_id).first()
        except ValidationError as exc:
            raise CommandError(f"{public_id!r} is not a draw id (a UUID)") from exc
        if row is None:
            raise CommandError(f"no draw with id {public_id}")
        return verify_draw(row), row.label

    def _from_files(self, options: dict[str, Any]):
        needed = ("snapshot", "seed", "pool_digest", "seed_digest", "result")
        missing = [f"--{name.replace('_', '-')}" for name in needed if not options[name]]
        if missing:
            raise CommandError(f"give a draw id, or all of: {', '.join(missing)}")
        try:
            snapshot = options["snapshot"].read_bytes()
            result = json.loads(options["result"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the published files: {exc}") from exc
        check = drawing.verify(
            snapshot,
            options["seed"],
            pool_digest=options["pool_digest"],
            seed_digest_published=options["seed_digest"],
            result=result,
        )
        return check, str(options["snapshot"])
