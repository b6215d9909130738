"""Raising work items through the duties app: the region's configured event-triggered duty, an occurrence for
the unit that owes the work (a station's owner, a government body). Part of the services: no audit event
of its own beyond the duties app's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.emergency.errors import EmergencyError
from anze.emergency.models import EmergencyDuty
from anze.emergency.services._common import SYSTEM_ACTOR, require


def configured_duty(region_path: str, purpose: str):
    """The most specific configured duty for a region and purpose, or None."""
    rows = [
        row
        for row in EmergencyDuty.objects.filter(purpose=purpose).select_related("region", "duty")
        if region_path.startswith(row.region.path)
    ]
    return max(rows, key=lambda row: len(row.region.path)).duty if rows else None


def raise_occurrence(*, region_path: str, purpose: str, unit, event_on: dt.date, note: str):
    """The unit's occurrence of the configured duty for `purpose` (None when none is configured). An
    occurrence the unit already has for the same duty and day is reused: one work item covers both."""
    from anze.duties.errors import DutyError
    from anze.duties.models import Occurrence
    from anze.duties.services import trigger_event

    duty = configured_duty(region_path, purpose)
    if duty is None or unit is None:
        return None
    try:
        return trigger_event(duty, actor=SYSTEM_ACTOR, unit=unit, event_on=event_on, note=note)
    except DutyError as exc:
        if exc.code == "event_exists":
            return Occurrence.objects.get(duty=duty, unit=unit, period_start=event_on)
        raise EmergencyError(
            _("无法生成事项：%(m)s 请检查“应急职责配置”。") % {"m": exc.message_zh}, "duty_failed"
        ) from exc


@transaction.atomic
def configure_duty(*, actor: Any, region, purpose: str, duty) -> EmergencyDuty:
    """Say which confirmed event-triggered duty a purpose raises in a region (应急职责配置)."""
    from anze.duties.choices import DutyKind, DutyStatus

    require(actor, EmergencyDuty, "add")
    if duty.kind != DutyKind.EVENT or duty.status != DutyStatus.CONFIRMED:
        raise EmergencyError(_("只能选择已确认的事件触发类职责。"), "not_event_duty")
    row, _created = EmergencyDuty.objects.update_or_create(
        region=region, purpose=purpose, defaults={"duty": duty}
    )
    record("emergency.duty.configure", actor=actor, obj=row, after=snapshot(row))
    return row
