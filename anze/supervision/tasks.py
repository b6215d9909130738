"""Huey jobs of 督办: the ladder on demand (the hourly run, after the duties job, is
`anze.core.tasks.hourly_jobs`) and the delivery sender (every minute)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from anze.audit.context import audit_context


@db_task()
def supervise(now_iso: str | None = None) -> dict:
    """Run the ladder once for `now` (ISO timestamp; default the current time)."""
    from anze.supervision.services import run_ladder

    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit_context("job"), lock_task("supervision-ladder"):
        return run_ladder(now=now)


@db_periodic_task(crontab(minute="*"))
def send_deliveries() -> dict:
    """Every minute: send the deliveries that are due (retries with backoff, quiet hours respected)."""
    from anze.supervision.dispatch import send_due_deliveries

    with audit_context("job"):
        return send_due_deliveries(now=timezone.now())
