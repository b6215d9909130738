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


@db_periodic_task(crontab(hour="2", minute="10"))
def prune_address_failures_nightly() -> int:
    """02:10 every night: drop the sign-in failure counts of addresses older than the lockout window."""
    from anze.accounts import throttle

    return throttle.prune(now=timezone.now())
