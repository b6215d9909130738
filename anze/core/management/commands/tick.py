"""`anze tick [--now ISO] [--horizon-days N] [--skip JOB]`: run the scheduled jobs once, in order.

The jobs are those the apps register (anze.core.registry.add_job): the duties job (materialize work items,
flag overdue ones), then the 督办 ladder (which reads the flags just set), then what other apps add. The
hourly Huey task `anze.core.tasks.hourly_jobs` runs the same list.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.audit.context import audit_context
from anze.core import registry
from anze.core.jobs import run_jobs


class Command(BaseCommand):
    help = "运行一次定时作业（生成办理事项、标记逾期事项、督办阶梯等，与每小时的定时作业相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="业务时间（ISO 8601），默认当前时间")
        parser.add_argument("--horizon-days", type=int, default=None, help="向后生成的天数")
        parser.add_argument(
            "--skip", action="append", default=[], metavar="JOB", help="不运行该作业（可重复）"
        )
        parser.add_argument(
            "--no-supervise",
            action="store_true",
            help="只运行职责作业，不运行督办阶梯（即 --skip supervision.ladder）",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now 不是有效的 ISO 时间：{options['now']}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        known = [job.key for job in registry.jobs()]
        skip = set(options["skip"])
        unknown = sorted(skip - set(known))
        if unknown:
            raise CommandError(f"没有作业 {', '.join(unknown)}；可用的作业：{', '.join(known)}")
        if options["no_supervise"]:
            skip.add("supervision.ladder")
        extras = {"horizon_days": options["horizon_days"]} if options["horizon_days"] else {}
        with audit_context("command"):
            result = run_jobs(now, skip=skip, extras=extras, keep_going=False)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
