"""Create the first security administrator (production has no superuser; everyone else is created in the app)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anze.accounts.errors import AccountError
from anze.accounts.services import bootstrap_security_admin
from anze.audit.context import audit_context


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Create the first security administrator (安全管理员) with an initial password to change at first sign-in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the initial password from standard input"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\n")
        else:
            password = getpass.getpass("初始密码: ")
            if password != getpass.getpass("再输一次: "):
                raise CommandError("两次输入的密码不一致。")
        with audit_context("command"):
            try:
                user = bootstrap_security_admin(
                    username=options["username"],
                    display_name=options["display_name"] or options["username"],
                    initial_password=password,
                )
            except AccountError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"安全管理员 {user.username} 已创建；首次登录须修改密码并绑定动态口令。")
        )
