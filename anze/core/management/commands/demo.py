"""`anze demo`: load the Linyi demo organization, accounts, plan, duties, 督办 and enterprises (safe to run again)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anze.audit.context import audit_context


def _user_loader() -> Any:
    """The accounts app's demo users when it provides them, else the organization app's fallback."""
    for module in ("anze.accounts.demo", "anze.org.demo_users"):
        try:
            return import_module(module).load_users
        except (ImportError, AttributeError):
            continue
    return None


class Command(BaseCommand):
    help = (
        "Load the Linyi demo data (regions, units, groups, leaders, committees), demo accounts, the Linyi "
        "plan with its duties and this year's work items, one run of the 督办 ladder and demo enterprises."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="load the organization only")
        parser.add_argument(
            "--yes-demo-database",
            action="store_true",
            help="confirm this database is a demo database (needed unless DEBUG or TESTING is on)",
        )
        parser.add_argument("--no-plan", action="store_true", help="do not import the Linyi plan")
        parser.add_argument(
            "--enterprises",
            type=int,
            default=300,
            metavar="N",
            help="generated demo enterprises (default 300)",
        )

    def handle(self, *args: Any, no_users: bool = False, no_plan: bool = False, **options: Any) -> None:
        from anze.org.demo import load

        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options.get("yes_demo_database")):
            raise CommandError(
                "anze demo loads demo accounts with published passwords; it runs only with DEBUG or "
                "ANZE_TESTING on, or with --yes-demo-database on a database meant for demonstration."
            )

        with audit_context("command"):
            counts = load(actor=None)
            if counts:
                summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
                self.stdout.write(self.style.SUCCESS(f"临沂演示组织机构已载入：{summary}"))
            else:
                self.stdout.write("临沂演示组织机构已是最新，未作改动。")
            load_users = None if no_users else _user_loader()
            logins = load_users() if load_users else None
            if not no_plan:
                self._import_linyi_plan()
                self._load_duties()
            self._load_enterprises(options.get("enterprises", 300))
        if logins:
            self.stdout.write("演示账号（仅用于演示库）：")
            for login in logins:
                self.stdout.write("  " + "  ".join(str(part) for part in login))

    def _load_enterprises(self, count: int) -> None:
        """Industries, the industry → department map, the enterprise rules and `count` demo enterprises."""
        from anze.enterprises.demo import load as load_enterprises

        counts = load_enterprises(actor=None, enterprises=max(0, count))
        if counts:
            summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
            self.stdout.write(self.style.SUCCESS(f"企业演示数据已载入：{summary}"))

    def _load_duties(self) -> None:
        """Confirm the plan's duties, materialize this year's work items with reports, run the 督办 ladder."""
        from anze.duties.demo import load as load_duties
        from anze.supervision.demo import load as load_supervision

        for label, loader in (("职责演示数据", load_duties), ("督办演示数据", load_supervision)):
            counts = loader(actor=None)
            if counts:
                summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
                self.stdout.write(self.style.SUCCESS(f"{label}已载入：{summary}"))

    def _import_linyi_plan(self) -> None:
        """Import the Linyi plan (临沂 办字〔2020〕23号, a public document shipped with the package) once."""
        from anze.org.models import Region
        from anze.plans import services as plan_services

        seed = Path(import_module("anze.plans").__file__).parent / "data" / "linyi-2020-23.txt"
        upload = plan_services.parse_document(seed.read_bytes(), seed.name)
        city = Region.objects.get(code="371300")
        result = plan_services.import_plan(upload, actor=None, region=city)
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"已导入《{result.plan}》第 {result.version.number} 版。"))
        for name in result.unresolved:
            self.stdout.write(self.style.WARNING(f"  未对应：{name}"))
