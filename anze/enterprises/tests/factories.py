"""Record builders for the enterprises tests: each goes through the service so the enterprise is re-evaluated."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from anze.enterprises import services
from anze.enterprises.choices import PlanKind, RescueKind, SafetyRole
from anze.enterprises.models import (
    CommitteeMeeting,
    Drill,
    EmergencyPlan,
    Enterprise,
    InsurancePolicy,
    PlantArea,
    RescueArrangement,
    SafetyCommittee,
    SafetyPerson,
)

_serials = itertools.count(5000)


def load_reference(city: Any) -> Any:
    """Industries, the city's industry → department map and its initial rule set, as the demo loads them.

    For other apps' tests; here the `reference` fixture does the same.
    """
    from anze.enterprises import seed

    seed.load_industries()
    seed.seed_supervisors(city)
    return seed.load_rule_set(city)


def make_enterprise(region: Any, *, industry: str = "26", employees: int = 100, **fields: Any) -> Enterprise:
    """Register (and so evaluate) an enterprise through the service; for other apps' tests."""
    from anze.enterprises.generate import credit_code
    from anze.enterprises.models import Industry

    serial = next(_serials)
    return services.create_enterprise(
        actor=None,
        name=fields.pop("name", f"测试企业{serial}"),
        credit_code=fields.pop("credit_code", credit_code(serial, region.code)),
        region=region,
        industry=Industry.objects.get(code=industry),
        employee_count=employees,
        **fields,
    )


def add(model: type, enterprise: Enterprise, actor: Any = None, **data: Any) -> Any:
    return services.add_record(model, actor=actor, enterprise=enterprise, **data)


def director(enterprise: Enterprise, started_on: dt.date, ended_on: dt.date | None = None) -> SafetyPerson:
    return add(SafetyPerson, enterprise, role=SafetyRole.SAFETY_DIRECTOR, name="张总监", started_on=started_on,
               ended_on=ended_on)  # fmt: skip


def committee(
    enterprise: Enterprise, established_on: dt.date, met_on: dt.date | None = None
) -> SafetyCommittee:
    result = add(SafetyCommittee, enterprise, established_on=established_on, chair="李主任")
    if met_on:
        add(CommitteeMeeting, enterprise, held_on=met_on, topic="季度例会")
    return result


def policy(enterprise: Enterprise, starts_on: dt.date, ends_on: dt.date, persons: int, cover: int = 400_000):
    return add(InsurancePolicy, enterprise, insurer="人保财险", policy_number=f"P{starts_on:%Y%m%d}{persons}",
               starts_on=starts_on, ends_on=ends_on, persons_covered=persons, cover_per_person=cover)  # fmt: skip


def plan(
    enterprise: Enterprise, published_on: dt.date, filed_on: dt.date | None, kind=PlanKind.COMPREHENSIVE
):
    return add(EmergencyPlan, enterprise, kind=kind, title="综合应急预案", version="v1", published_on=published_on,
               filed_on=filed_on, filing_authority="罗庄区应急局" if filed_on else "")  # fmt: skip


def drill(
    enterprise: Enterprise, held_on: dt.date, kind=PlanKind.COMPREHENSIVE, area: PlantArea | None = None
):
    return add(Drill, enterprise, held_on=held_on, kind=kind, plant_area=area, participants=20)


def area(enterprise: Enterprise, name: str = "1号厂区") -> PlantArea:
    return add(PlantArea, enterprise, name=name)


def rescue(enterprise: Enterprise, valid_from: dt.date, valid_until: dt.date | None = None):
    return add(RescueArrangement, enterprise, kind=RescueKind.AGREEMENT, name="市危化救援队",
               valid_from=valid_from, valid_until=valid_until)  # fmt: skip
