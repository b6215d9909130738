"""How many work items a confirmation would create, and how many of them would already be overdue (预计生成).

The same computation the tick runs (periods up to the horizon × responsible parties), done before anything
is written, so the confirmation page can say "将生成 N 项，其中 M 项已逾期" and the service can refuse to
create overdue items without an explicit choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from anze.duties.calendar import CalendarRangeError, Roll
from anze.duties.choices import DutyKind
from anze.duties.models import Duty, DutyRule, Occurrence
from anze.duties.recurrence import RuleError, due_date


@dataclass(frozen=True)
class Forecast:
    """Items a confirmation would create at the next tick: in all, already overdue, and for how many parties."""

    items: int
    overdue: int
    parties: int
    periods: int
    first_due: dt.date | None = None
    beyond_calendar: int = 0  # periods whose due date the working-day calendar does not know yet

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "overdue": self.overdue,
            "parties": self.parties,
            "periods": self.periods,
            "first_due": self.first_due,
            "beyond_calendar": self.beyond_calendar,
        }


NOTHING = Forecast(items=0, overdue=0, parties=0, periods=0)


def forecast(
    duty: Duty,
    rules: list[DutyRule],
    *,
    today: dt.date | None = None,
    horizon_days: int | None = None,
    withdrawn_from: dt.date | None = None,
) -> Forecast:
    """The items the tick would create for `duty` (saved or not) with `rules`, as of `today`.

    Items that already exist are not counted, except untouched ones from `withdrawn_from` on, which the
    change about to be made withdraws.
    """
    from anze.duties.scheduling import DEFAULT_HORIZON_DAYS, duty_periods, parties

    if not DutyKind(duty.kind).is_scheduled:
        return NOTHING
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days or DEFAULT_HORIZON_DAYS)
    try:
        scheduled = duty_periods(duty, rules, until=until)
    except RuleError:
        return NOTHING
    dues: dict[dt.date, dt.date] = {}
    beyond = 0
    for period, rule in scheduled:
        try:
            dues[period.start] = due_date(period, Roll(rule.roll))
        except CalendarRangeError:
            beyond += 1
    party_rows = [(row["party_unit"], row["party_committee"]) for row in parties(duty) if row["party_unit"]]
    existing: set[tuple[int, int | None, dt.date]] = set()
    if duty.pk is not None and dues:
        rows = Occurrence.objects.filter(duty_id=duty.pk, period_start__in=list(dues))
        if withdrawn_from is not None:
            rows = rows.exclude(period_start__gte=withdrawn_from, touched=False)
        existing = set(rows.values_list("unit_id", "committee_id", "period_start"))
    items = overdue = 0
    first_due = None
    for start, due in dues.items():
        for unit_id, committee_id in party_rows:
            if (unit_id, committee_id, start) in existing:
                continue
            items += 1
            overdue += due < today
            first_due = due if first_due is None else min(first_due, due)
    return Forecast(
        items=items,
        overdue=overdue,
        parties=len(party_rows),
        periods=len(dues),
        first_due=first_due,
        beyond_calendar=beyond,
    )
