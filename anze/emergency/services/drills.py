"""Government plans and drills: a plan opens a two-year drill cycle (708号令 art. 8), a county's social drill
plan opens a work item; recording the drill with its evaluation report answers the work item with evidence
through the duties app, and a plan's drill starts its next cycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.emergency.choices import DrillKind, DrillStatus, DutyPurpose
from anze.emergency.errors import EmergencyError, TransitionError
from anze.emergency.models import GovernmentDrill, GovernmentPlan
from anze.emergency.services._common import require
from anze.emergency.services.duty_link import raise_occurrence


@transaction.atomic
def register_plan(*, actor: Any, unit, title: str, level: str, published_on: dt.date) -> GovernmentPlan:
    """登记政府应急预案: its first drill is owed within the configured cycle from publication."""
    plan = GovernmentPlan(unit=unit, region=unit.region, title=title, level=level, published_on=published_on)
    require(actor, GovernmentPlan, "add")
    plan.save()
    require(actor, GovernmentPlan, "add", plan)
    plan.occurrence = raise_occurrence(
        region_path=unit.region.path,
        purpose=DutyPurpose.GOVERNMENT_DRILL,
        unit=unit,
        event_on=published_on,
        note=_("“%(t)s”印发，须按期组织演练") % {"t": title},
    )
    plan.save(update_fields=["occurrence"])
    record("emergency.plan.create", actor=actor, obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_drill(
    *,
    actor: Any,
    kind: str,
    unit,
    title: str,
    form: str,
    planned_on: dt.date,
    plan: GovernmentPlan | None = None,
) -> GovernmentDrill:
    """演练计划: a plan's drill answers the plan's current cycle; a county's social drill raises its own
    work item (the region's 县区社会化应急演练 duty)."""
    require(actor, GovernmentDrill, "add")
    if kind == DrillKind.GOVERNMENT and plan is None:
        raise EmergencyError(_("政府预案演练须选择所演练的预案。"), "plan_required")
    if plan is not None and plan.unit_id != unit.pk:
        raise EmergencyError(_("预案不属于该组织单位。"), "plan_unit_mismatch")
    drill = GovernmentDrill(
        kind=kind, plan=plan, unit=unit, region=unit.region, title=title, form=form, planned_on=planned_on
    )
    drill.save()
    require(actor, GovernmentDrill, "add", drill)
    if kind == DrillKind.SOCIAL:
        drill.occurrence = raise_occurrence(
            region_path=unit.region.path,
            purpose=DutyPurpose.SOCIAL_DRILL,
            unit=unit,
            event_on=planned_on,
            note=title,
        )
    else:
        drill.occurrence = plan.occurrence
    drill.save(update_fields=["occurrence"])
    record("emergency.drill.plan", actor=actor, obj=drill, after=snapshot(drill))
    return drill


@transaction.atomic
def record_drill(
    *,
    actor: Any,
    drill: GovernmentDrill,
    held_on: dt.date,
    participants: int,
    evaluation: str,
    files: list[tuple[str, bytes]] | None = None,
) -> GovernmentDrill:
    """演练举行: the date, participants and evaluation report. With files (the report, photos, sign-in sheet)
    the drill's work item is reported with them as evidence; a plan's drill opens the plan's next cycle."""
    from anze.duties.errors import DutyError
    from anze.duties.services import submit_report

    require(actor, GovernmentDrill, "change", drill)
    if not drill.status_choice.can_record():
        raise TransitionError(_("该演练已登记举行或已取消。"))
    if not evaluation.strip():
        raise EmergencyError(_("请填写演练评估报告（效果、发现的问题和改进措施）。"), "evaluation_required")
    before = snapshot(drill, ["status", "held_on", "participants"])
    drill.status, drill.held_on, drill.participants = DrillStatus.HELD, held_on, participants
    drill.evaluation = evaluation.strip()
    drill.save(update_fields=["status", "held_on", "participants", "evaluation", "updated_at"])
    reported = False
    if files and drill.occurrence_id:
        try:
            submit_report(
                drill.occurrence,
                actor=actor,
                text=_("%(t)s（%(d)s 举行，参演 %(n)s 人）。评估：%(e)s")
                % {"t": drill.title, "d": held_on, "n": participants, "e": drill.evaluation},
                evidence_on=held_on,
                files=files,
            )
            reported = True
        except DutyError as exc:
            raise EmergencyError(
                _("演练事项报送失败：%(m)s") % {"m": exc.message_zh}, "report_failed"
            ) from exc
    if drill.plan_id:
        plan = GovernmentPlan.objects.select_for_update().get(pk=drill.plan_id)
        plan.occurrence = raise_occurrence(
            region_path=plan.region.path,
            purpose=DutyPurpose.GOVERNMENT_DRILL,
            unit=plan.unit,
            event_on=held_on,
            note=_("“%(t)s”上次演练 %(d)s，下一周期") % {"t": plan.title, "d": held_on},
        )
        plan.save(update_fields=["occurrence", "updated_at"])
    record("emergency.drill.record", actor=actor, obj=drill, before=before,
           after=snapshot(drill, ["status", "held_on", "participants"]) | {"reported": reported})  # fmt: skip
    return drill


@transaction.atomic
def cancel_drill(*, actor: Any, drill: GovernmentDrill, reason: str) -> GovernmentDrill:
    """取消演练计划 (its work item stays owed)."""
    require(actor, GovernmentDrill, "change", drill)
    if not drill.status_choice.can_cancel():
        raise TransitionError(_("该演练已举行或已取消。"))
    if not reason.strip():
        raise EmergencyError(_("请写明取消原因。"), "reason_required")
    drill.status = DrillStatus.CANCELLED
    drill.save(update_fields=["status", "updated_at"])
    record("emergency.drill.cancel", actor=actor, obj=drill, after={"reason": reason})
    return drill
