"""`anze demo`: load the Linyi demo organization and demo accounts (safe to run again)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

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
    help = "Load the Linyi demo data (regions, units, groups, leaders, committees) and demo accounts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="load the organization only")
        parser.add_argument("--no-plan", action="store_true", help="do not import the Linyi plan")

    def handle(self, *args: Any, no_users: bool = False, no_plan: bool = False, **options: Any) -> None:
        from anze.org.demo import load

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
        if logins:
            self.stdout.write("演示账号（仅用于演示库）：")
            for login in logins:
                self.stdout.write("  " + "  ".join(str(part) for part in login))

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
