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
    """A confirmed event-triggered duty (via the duties test builders), due `months` after the event, in calendar
    months (not moved to a working day, as the law counts them)."""
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


def approved_plan(actor, org, enterprises, *, inspectors=4, ratios=None, **sector):
    """A 兰山区应急局-style plan over the city: one sector with the given ratios, one item, approved; and
    `inspectors` inspectors of the city emergency bureau split over the two counties."""
    from anze.enforcement import services

    plan = services.create_plan(
        actor=actor,
        department=org["city_emergency"],
        region=org["linyi"],
        year=2026,
        title="2026年度监督检查计划",
    )
    share = services.set_sector_share(
        actor=actor,
        plan=plan,
        name="危险化学品",
        ratios=ratios or {"A": "1", "B": "1", "C": "1", "D": "1"},
        **sector,
    )
    services.add_item(
        actor=actor, plan=plan, code="WH-01", title="安全生产许可证", basis="《安全生产许可证条例》第二条"
    )
    people = [
        services.add_inspector(
            actor=actor,
            name=f"执法{n}",
            certificate=f"37130000{n:04d}",
            department=org["city_emergency"],
            region=org["lanshan"] if n % 2 else org["luozhuang"],
        )
        for n in range(inspectors)
    ]
    plan = services.approve_plan(actor=actor, plan=plan)
    return plan, share, people
