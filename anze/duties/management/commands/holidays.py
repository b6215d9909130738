"""`anze holidays import YEAR FILE [--notice TEXT]`: import a year's holiday arrangement (节假日安排) from a
text, CSV or xlsx file (format: docs/duties.md) and recompute the due dates that depend on it;
`anze holidays show [YEAR]`: where each year's working days come from."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.audit.context import audit_context


class Command(BaseCommand):
    help = "导入某年的节假日安排（国务院办公厅放假通知）并重算截止日期；或查看各年度的工作日依据。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="导入节假日安排文件（txt、csv、xlsx）")
        load.add_argument("year", type=int)
        load.add_argument("file")
        load.add_argument("--notice", default="", help="通知文号或标题")
        show = sub.add_parser("show", help="查看各年度的工作日依据和暂定的截止日期")
        show.add_argument("year", type=int, nargs="?")

    def handle(self, *args, **options):
        from anze.duties import holidays

        if options["action"] == "show":
            today = timezone.localdate()
            years = [options["year"]] if options["year"] else range(today.year - 1, today.year + 2)
            for year in years:
                self.stdout.write(json.dumps(holidays.year_status(year), ensure_ascii=False))
            return
        from anze.duties.choices import ArrangementSource
        from anze.duties.errors import DutyError
        from anze.duties.holiday_format import ArrangementFormatError, parse_file

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            days = parse_file(path.read_bytes(), year=options["year"], filename=path.name)
            with audit_context("command"):
                arrangement, result = holidays.enter_holiday_arrangement(
                    actor="command:holidays",
                    year=options["year"],
                    days=days,
                    notice=options["notice"],
                    source=ArrangementSource.IMPORTED,
                    source_name=path.name,
                )
        except ArrangementFormatError as exc:
            raise CommandError(f"{path.name} 未导入：{exc}") from exc
        except DutyError as exc:
            raise CommandError(exc.message_zh) from exc
        self.stdout.write(
            json.dumps(
                {"year": arrangement.year, "days": len(days), **result.as_dict()},
                ensure_ascii=False,
                default=str,
            )
        )
