"""Test data for enforcement: enterprises (the prevention factories make them directly), accidents at any
point of their handling, and an event-triggered evaluation duty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anze.prevention.tests.factories import make_enterprise, make_industry  # noqa: F401 (re-exported)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def accident(
    actor,
    *,
    enterprise=None,
    county=None,
    deaths=0,
    serious_injuries=0,
    direct_loss=0,
    occurred_at=None,
    received_at=None,
    accident_type="industry_trade",
    **overrides,
):
    from anze.enforcement.services import report_accident

    occurred_at = occurred_at or timezone.now() - dt.timedelta(hours=3)
    fields = dict(
        title="车间爆燃事故",
        place="二车间",
        accident_type=accident_type,
        description="反应釜超压爆燃",
        measures="疏散人员，切断物料",
    )
    fields.update(overrides)
    return report_accident(
        actor=actor,
        enterprise=enterprise,
        county=county,
        occurred_at=occurred_at,
        received_at=received_at or occurred_at + dt.timedelta(minutes=40),
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss=Decimal(direct_loss),
        **fields,
    )


def event_duty(
    region,
    units,
    *,
    months: int = 6,
    title: str = "较大事故结案半年内评估事故处理意见落实情况",
    roll: str = "none",
):
    """A confirmed event-triggered duty (via the duties test builders), due `months` after the event; calendar
    months, not moved to a working day (the holiday data may not reach a year ahead)."""
    from anze.duties.choices import DutyKind
    from anze.duties.tests.factories import make_clause, make_duty

    clause = make_clause(region, units, text=title)
    return make_duty(
        clause,
        kind=DutyKind.EVENT,
        rrule="",
        title=title,
        event_within=months,
        event_unit="months",
        roll=roll,
    )
