"""The hourly Huey task that runs the registered jobs (the same list as `anze tick`)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anze.audit.context import audit_context


@db_periodic_task(crontab(minute="7"))
def hourly_jobs() -> dict:
    """Every hour: the duties job, then the 督办 ladder, then what other apps register (safe to run twice)."""
    from anze.core.jobs import run_jobs

    with audit_context("job"), lock_task("anze-hourly-jobs"):
        return run_jobs(timezone.now())
