"""Helpers the 督办 services share: the working-day calendar, a policy's rungs, scope checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from anze.duties.calendar import is_workday as _calendar_is_workday
from anze.supervision import ladder
from anze.supervision.errors import SupervisionError
from anze.supervision.models import (
    Case,
    EscalationPolicy,
)

DIGEST_WEEKDAY = 0  # Monday: leaders get the week's digest with the first run of the week


def is_workday(day: dt.date) -> bool:
    """The working-day calendar (the office's arrangement, the package's data, or the provisional one)."""
    return _calendar_is_workday(day)


def rungs_of(policy: EscalationPolicy) -> ladder.Rungs:
    return ladder.Rungs(policy.remind_workdays, policy.case_after_workdays, policy.case_deadline_workdays)


def _uuid() -> Any:
    import uuid

    return uuid.uuid4()


def _policy_for_region(region: Any) -> EscalationPolicy | None:
    candidates = EscalationPolicy.objects.filter(plan__isnull=True, is_active=True).select_related("region")
    matching = [p for p in candidates if region.path.startswith(p.region.path)]
    return max(matching, key=lambda p: len(p.region.path), default=None)


def _check_scope(user: Any, case: Case, action: str) -> None:
    if not Case.objects.restrict(user, action).filter(pk=case.pk).exists():
        raise SupervisionError("forbidden", _("无权办理该督办案件。"))


def _check_office(user: Any, case: Case) -> None:
    from anze.accounts.roles import Role

    if not (getattr(user, "is_superuser", False) or user.has_role(Role.OFFICE)):
        raise SupervisionError("forbidden", _("只有安委会办公室可以办理此项。"))
    _check_scope(user, case, "change")
