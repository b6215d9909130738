"""Huey jobs of the duties app: the tick on demand (the hourly run is `anze.core.tasks.hourly_jobs`, which
runs the job registered in `apps.py`)."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from anze.audit.context import audit_context


@db_task()
def tick(now_iso: str | None = None) -> dict:
    """Run the tick once for `now` (ISO timestamp; default the current time)."""
    from anze.duties.scheduling import run_tick

    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit_context("job"):
        return run_tick(now=now)
