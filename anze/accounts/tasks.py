"""Scheduled account jobs (Huey)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anze.accounts.services import deactivate_idle_accounts
from anze.audit.context import audit_context


@db_periodic_task(crontab(hour="2", minute="0"))
def deactivate_idle_accounts_nightly() -> int:
    """02:00 every night: stop accounts idle too long or past their validity."""
    with audit_context("job"):
        return deactivate_idle_accounts(now=timezone.now())
