"""`anze plan parse FILE --json`, `anze plan score FILE GOLD.json` and `anze plan import FILE [--region CODE]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anze.plans.parsing.errors import PlanParseError


class Command(BaseCommand):
    help = "Responsibility plans: parse a document (no database) or import it as a plan version."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{parse,score,import}")
        parse = subcommands.add_parser("parse", help="parse FILE and print the plan; writes nothing")
        parse.add_argument("file")
        parse.add_argument("--json", action="store_true", help="print the interchange JSON (the default)")
        score = subcommands.add_parser(
            "score", help="parse FILE and score it against a hand-made gold file (docs/plan-format.md)"
        )
        score.add_argument("file")
        score.add_argument("gold", help="the gold file (JSON)")
        score.add_argument("--verbose", action="store_true", help="list missed tasks and wrong names")
        imp = subcommands.add_parser("import", help="import FILE as a plan, or a new version of one")
        imp.add_argument("file")
        imp.add_argument(
            "--region", help="region code (区划代码) the plan belongs to; default: the only city"
        )
        imp.add_argument("--user", help="username recorded as the importer; default: the system")
        imp.add_argument("--dry-run", action="store_true", help="parse and resolve names, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if options["subcommand"] == "parse":
            self.parse(content, path.name)
        elif options["subcommand"] == "score":
            self.score(content, path.name, Path(options["gold"]), verbose=options["verbose"])
        else:
            self.import_(content, path.name, options)

    def parse(self, content: bytes, filename: str) -> None:
        from anze.plans.importing import parse_upload

        try:
            upload = parse_upload(content, filename)
        except PlanParseError as exc:
            raise CommandError(f"[{exc.code}] {exc.message_zh}") from exc
        data = {key: value for key, value in upload.data.items()}
        for section in data.get("sections") or []:
            for task in section.get("tasks") or []:
                for clause in task.get("clauses") or []:
                    clause.pop("original", None)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def score(self, content: bytes, filename: str, gold_path: Path, *, verbose: bool) -> None:
        from anze.plans.importing import parse_upload
        from anze.plans.parsing.scoring import GoldFileError, read_gold, score_plan

        try:
            gold = read_gold(json.loads(gold_path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise CommandError(f"cannot read {gold_path}: {exc.strerror or exc}") from exc
        except (ValueError, GoldFileError) as exc:
            raise CommandError(f"{gold_path}: {exc}") from exc
        try:
            upload = parse_upload(content, filename)
        except PlanParseError as exc:
            raise CommandError(f"[{exc.code}] {exc.message_zh}") from exc
        result = score_plan(upload.data, gold)
        figures = result.figures()
        self.stdout.write(
            f"tasks: {result.matched_tasks}/{result.gold_tasks} found, {result.found_clauses} clauses parsed"
        )
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value:.3f}")
        if verbose:
            for text in result.missed:
                self.stdout.write(f"  missed: {text}")
            for line in result.mistakes:
                self.stdout.write(f"  wrong: {line}")

    def import_(self, content: bytes, filename: str, options: dict[str, Any]) -> None:
        from anze.audit.context import audit_context
        from anze.plans import services
        from anze.plans.importing import plan_counts

        region = self._region(options.get("region"))
        actor = self._user(options.get("user"))
        try:
            upload = services.parse_document(content, filename)
        except PlanParseError as exc:
            raise CommandError(f"[{exc.code}] {exc.message_zh}") from exc
        counts = plan_counts(upload.data)
        summary = "{sections} 部分，{tasks} 项任务，{clauses} 条条款，{duties} 项建议职责".format(**counts)
        if options["dry_run"]:
            report = services.name_report(upload.data, region)
            self.stdout.write(f"《{upload.data.get('title')}》：{summary}（试运行，未写入）")
            for entry in report["unresolved"]:
                self.stdout.write(f"  未对应：{entry['name']}（条款 {', '.join(entry['clauses'])}）")
            return
        try:
            with audit_context("command"):
                result = services.import_plan(upload, actor=actor, region=region)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        if not result.created:
            self.stdout.write(f"未变化：该文件已是《{result.plan}》第 {result.version.number} 版。")
            return
        self.stdout.write(
            self.style.SUCCESS(f"已导入《{result.plan}》第 {result.version.number} 版：{summary}")
        )
        if result.diff:
            self.stdout.write(
                "与上一版相比：新增 {added}，删除 {removed}，修改 {changed}".format(**result.diff["summary"])
            )
        for name in result.unresolved:
            self.stdout.write(self.style.WARNING(f"  未对应：{name}"))

    def _region(self, code: str | None):
        from anze.org.choices import RegionLevel
        from anze.org.models import Region

        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(f"no region with code {code!r}")
            return region
        cities = list(Region.objects.filter(level=RegionLevel.CITY)[:2])
        if len(cities) != 1:
            raise CommandError("give --region CODE: the region the plan belongs to")
        return cities[0]

    def _user(self, username: str | None):
        if not username:
            return None
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
