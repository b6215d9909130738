"""Small builders for duty tests: a one-clause plan in the persona organization and a confirmed duty on it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from anze.duties.choices import DutyKind, DutyStatus, SubjectKind
from anze.duties.models import Duty, DutyRule


def make_clause(
    region: Any, units: list[Any], *, leader: Any = None, text: str = "各单位每季度召开一次安全形势分析会。"
):
    from anze.plans.choices import AssignmentRole, AssignmentStatus
    from anze.plans.models import Clause, ClauseAssignment, Plan, PlanVersion, Section, SourceDocument, Task

    digest = uuid.uuid4().hex * 2
    document = SourceDocument.objects.create(
        sm3=digest,
        file=f"plans/{digest}",
        original_filename="plan.txt",
        size=10,
        media_type="text/plain",
        region=region,
    )
    plan = Plan.objects.create(title="测试方案", region=region)
    version = PlanVersion.objects.create(
        plan=plan, number=1, document=document, content_hash=digest, parsed={}, title="测试方案"
    )
    plan.current_version = version
    plan.save(update_fields=["current_version"])
    section = Section.objects.create(version=version, order=1, number="一", title="总体要求")
    task = Task.objects.create(version=version, section=section, order=1, number="1", title="会议制度")
    clause = Clause.objects.create(version=version, task=task, order=1, key="1.1", text=text)
    for position, unit in enumerate(units, start=1):
        ClauseAssignment.objects.create(
            version=version,
            clause=clause,
            role=AssignmentRole.RESPONSIBLE_UNIT,
            position=position,
            raw_name=unit.name,
            status=AssignmentStatus.RESOLVED,
            unit=unit,
        )
    if leader is not None:
        ClauseAssignment.objects.create(
            version=version,
            clause=clause,
            role=AssignmentRole.LEAD_LEADER,
            position=1,
            raw_name=leader.name,
            status=AssignmentStatus.RESOLVED,
            person=leader,
        )
    return clause


def make_duty(
    clause: Any,
    *,
    kind: str = DutyKind.RECURRING,
    rrule: str = "FREQ=MONTHLY;INTERVAL=3",
    start_on: dt.date = dt.date(2021, 1, 1),
    status: str = DutyStatus.CONFIRMED,
    **fields: Any,
) -> Duty:
    rule_fields = {
        k: fields.pop(k)
        for k in list(fields)
        if k in ("deadline", "event_within", "event_unit", "cycle_years", "times_per_period", "roll")
    }
    duty = Duty.objects.create(
        clause=clause,
        region=clause.version.plan.region,
        title=fields.pop("title", "每季度召开安全形势分析会"),
        kind=kind,
        status=status,
        subject_kind=fields.pop("subject_kind", SubjectKind.CLAUSE_UNITS),
        start_on=start_on,
        confirmed_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC) if status == DutyStatus.CONFIRMED else None,
        **fields,
    )
    DutyRule.objects.create(duty=duty, effective_from=start_on, rrule=rrule, **rule_fields)
    return duty
