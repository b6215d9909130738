"""Scheduled jobs of 双重预防: overdue escalation and the statistics summary (both safe to run twice)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anze.audit.context import audit_context


@db_periodic_task(crontab(minute="17"))
def hourly_escalate_overdue() -> int:
    from anze.prevention.services import escalate_overdue_hidden_dangers

    with audit_context("job", request_id="prevention.escalate_overdue"):
        return escalate_overdue_hidden_dangers(today=timezone.localdate())


@db_periodic_task(crontab(minute="40", hour="1"))
def nightly_refresh_statistics() -> int:
    from anze.prevention.services import refresh_statistics

    with audit_context("job", request_id="prevention.refresh_statistics"):
        return refresh_statistics(actor="job:nightly_refresh_statistics", today=timezone.localdate())
