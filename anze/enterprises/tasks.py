"""Huey jobs of the enterprises app: the nightly evaluation (windows move with the date even when no
record changes: a policy expires, a half year passes without a drill)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anze.audit.context import audit_context


@db_task()
def evaluate(now_iso: str | None = None) -> dict:
    """Evaluate every enterprise for `now` (ISO timestamp; default the current time). Safe to run twice."""
    from anze.enterprises.services import evaluate_all

    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit_context("job"):
        return evaluate_all(actor=None, now=now)


@db_periodic_task(crontab(hour="1", minute="17"))
def nightly_evaluation() -> dict:
    """Every night at 01:17: re-evaluate every enterprise against the rules in force that day."""
    from anze.enterprises.services import evaluate_all

    with audit_context("job"):
        return evaluate_all(actor=None, now=timezone.now())
