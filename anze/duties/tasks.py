"""Huey jobs of the duties app: the hourly tick that materializes occurrences and marks overdue ones."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anze.audit.context import audit_context


@db_task()
def tick(now_iso: str | None = None) -> dict:
    """Run the tick once for `now` (ISO timestamp; default the current time)."""
    from anze.duties.scheduling import run_tick

    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit_context("job"):
        return run_tick(now=now)


@db_periodic_task(crontab(minute="7"))
def hourly_tick() -> dict:
    """Every hour: extend occurrences over the horizon and flag overdue ones (safe to run twice)."""
    from anze.duties.scheduling import run_tick

    with audit_context("job"):
        return run_tick(now=timezone.now())
