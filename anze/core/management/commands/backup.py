"""`anze backup DIR`: the database and the media files, with a manifest of checksums."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anze.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库与媒体文件到一个新目录（含校验清单）。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录（不存在或为空）")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(Path(options["directory"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"已备份到 {options['directory']}：{manifest['vendor']}，{len(manifest['row_counts'])} 张表 {rows} 行，"
            f"{len(manifest['files'])} 个文件"
        )
