"""Builders for the emergency tests: everything goes through the services, as the pages do."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.emergency import services
from anze.emergency.choices import DepotKind, TeamKind
from anze.emergency.models import Depot, RescueTeam, StockBatch, SupplyItem

_serial = itertools.count(1)

# Places in Linyi (degrees): the city centre, 罗庄 chemical park, 兰山, and 沂水 about 80 km north.
CENTRE = (Decimal("35.104600"), Decimal("118.356400"))
LUOZHUANG = (Decimal("34.996800"), Decimal("118.284800"))
LANSHAN = (Decimal("35.051700"), Decimal("118.347700"))
YISHUI = (Decimal("35.790000"), Decimal("118.628000"))


def item(code: str = "tent", name: str = "救灾帐篷", unit: str = "顶") -> SupplyItem:
    existing = SupplyItem.objects.filter(code=code).first()
    return existing or services.create_item(actor=None, code=code, name=name, unit=unit, category="生活类")


def depot(
    region,
    *,
    name: str | None = None,
    at=CENTRE,
    owner_unit=None,
    kind=DepotKind.EMERGENCY_BUREAU,
    **extra: Any,
) -> Depot:
    return services.create_depot(
        actor=None,
        name=name or f"储备库{next(_serial)}",
        kind=kind,
        region=region,
        owner_unit=owner_unit,
        latitude=at[0],
        longitude=at[1],
        **extra,
    )


def stock(target: Depot, supply: SupplyItem, quantity: int, *, batch: str | None = None,
          expires_on: dt.date | None = None, received_on: dt.date | None = None) -> StockBatch:  # fmt: skip
    return services.receive_stock(
        actor=None,
        depot=target,
        item=supply,
        batch_number=batch or f"B{next(_serial):04d}",
        quantity=quantity,
        received_on=received_on or timezone.localdate() - dt.timedelta(days=30),
        expires_on=expires_on,
    )


def team(region, *, name: str | None = None, kind=TeamKind.PARK_PROFESSIONAL, at=LUOZHUANG, owner_unit=None,
         **extra: Any) -> RescueTeam:  # fmt: skip
    return services.register_team(
        actor=None,
        name=name or f"救援队{next(_serial)}",
        kind=kind,
        region=region,
        owner_unit=owner_unit,
        latitude=at[0],
        longitude=at[1],
        **extra,
    )


def incident(region, *, at=LANSHAN, title: str = "化工企业泄漏", actor=None, **extra: Any):
    return services.open_incident(
        actor=actor,
        title=title,
        region=region,
        place="兰山区某化工企业",
        latitude=at[0],
        longitude=at[1],
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        **extra,
    )


def event_duty(region, units, *, purpose: str, months: int, title: str):
    """A confirmed event-triggered duty (the duties test builders) configured for `purpose` in `region`."""
    from anze.duties.choices import DutyKind
    from anze.duties.tests.factories import make_clause, make_duty

    clause = make_clause(region, units, text=title)
    duty = make_duty(clause, kind=DutyKind.EVENT, rrule="", title=title, event_within=months,
                     event_unit="months", roll="none")  # fmt: skip
    services.configure_duty(actor=None, region=region, purpose=purpose, duty=duty)
    return duty
