"""`anze demo`: load the demo data every app registers (organization, accounts, plan, duties, 督办,
enterprises, …), in order; safe to run again."""

from __future__ import annotations

import inspect
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.audit.context import audit_context
from anze.core import registry


def _accepts(func: Any, name: str) -> bool:
    parameters = inspect.signature(func).parameters
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def steps_to_run(skip: set[str]) -> list[registry.DemoStep]:
    """The registered steps in order, without those skipped and those that need a step not run."""
    run: list[registry.DemoStep] = []
    done: set[str] = set()
    for step in registry.demo_steps():
        if step.key in skip or any(need not in done for need in step.needs):
            continue
        run.append(step)
        done.add(step.key)
    return run


class Command(BaseCommand):
    help = (
        "Load the demo data each app registers: the Linyi organization (regions, units, groups, leaders, "
        "committees), demo accounts, the Linyi plan with its duties and this year's work items, one run of "
        "the 督办 ladder, demo enterprises and what the other apps add."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="do not create the demo accounts")
        parser.add_argument(
            "--yes-demo-database",
            action="store_true",
            help="confirm this database is a demo database (needed unless DEBUG or TESTING is on)",
        )
        parser.add_argument(
            "--no-plan", action="store_true", help="do not import the Linyi plan (nor what is built on it)"
        )
        parser.add_argument(
            "--enterprises",
            type=int,
            default=300,
            metavar="N",
            help="generated demo enterprises (default 300)",
        )
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="STEP",
            help="leave out a step (and the steps that need it); may be given more than once",
        )

    def handle(self, *args: Any, no_users: bool = False, no_plan: bool = False, **options: Any) -> None:
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options.get("yes_demo_database")):
            raise CommandError(
                "anze demo loads demo accounts with published passwords; it runs only with DEBUG or "
                "ANZE_TESTING on, or with --yes-demo-database on a database meant for demonstration."
            )
        known = [step.key for step in registry.demo_steps()]
        skip = set(options.get("skip") or ())
        unknown = sorted(skip - set(known))
        if unknown:
            raise CommandError(f"unknown demo step {', '.join(unknown)}; the steps are: {', '.join(known)}")
        if no_users:
            skip.add("accounts")
        if no_plan:
            skip.add("plans")
        extras = {"enterprises": max(0, options.get("enterprises", 300))}
        now = timezone.now()
        with audit_context("command"):
            for step in steps_to_run(skip):
                offered = {name: value for name, value in extras.items() if _accepts(step.func, name)}
                step.func(stdout=self.stdout, now=now, **offered)
