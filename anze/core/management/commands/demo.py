"""`anze demo`: load the Linyi demo organization and demo accounts (safe to run again)."""

from __future__ import annotations

from importlib import import_module
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

    def handle(self, *args: Any, no_users: bool = False, **options: Any) -> None:
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
        if logins:
            self.stdout.write("演示账号（仅用于演示库）：")
            for login in logins:
                self.stdout.write("  " + "  ".join(str(part) for part in login))
