"""`anze tick [--now ISO] [--horizon-days N]`: run the scheduled work once — the duties job, then the 督办 ladder."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.audit.context import audit_context


class Command(BaseCommand):
    help = "生成办理事项并标记逾期事项（与定时作业相同，运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="业务时间（ISO 8601），默认当前时间")
        parser.add_argument("--horizon-days", type=int, default=None, help="向后生成的天数")
        parser.add_argument("--no-supervise", action="store_true", help="只运行职责作业，不运行督办阶梯")

    def handle(self, *args, **options):
        from anze.duties.scheduling import DEFAULT_HORIZON_DAYS, run_tick

        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now 不是有效的 ISO 时间：{options['now']}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        with audit_context("command"):
            result = run_tick(now=now, horizon_days=options["horizon_days"] or DEFAULT_HORIZON_DAYS)
            if not options["no_supervise"]:
                from anze.supervision.services import run_ladder

                # The ladder reads the overdue flags the duties job has just set, so it runs second.
                result["supervise"] = run_ladder(now=now)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
