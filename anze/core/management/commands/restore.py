"""`anze restore DIR`: put a backup back into an empty database and an empty media directory."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anze.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从 anze backup 生成的目录恢复到空数据库与空媒体目录（先核对校验和）。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="anze backup 生成的备份目录")

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(Path(options["directory"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复 {options['directory']}（{manifest['created_at']}）：行数与清单一致。请运行 anze audit verify。"
        )
