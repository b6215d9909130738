"""State changes of accidents. Each is atomic, takes `actor=`, checks its guard and writes one audit event.

Accidents: a report is graded by 493号令 and gets its tracked steps (the report up each level, the
investigation, the reply, the evaluations); a follow-up within the window may regrade and add levels; the
evaluations raise event-triggered duties of the investigation's lead unit through the duties app.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.enforcement import errors, grading
from anze.enforcement.choices import (
    AccidentGrade,
    AccidentStatus,
    ReportLevel,
    StepKind,
)
from anze.enforcement.models import Accident, AccidentFollowUp, AccidentStep, EvaluationDuty, Misreport

logger = logging.getLogger(__name__)

ACCIDENT_FIELDS = [
    "status",
    "grade",
    "deaths",
    "missing",
    "serious_injuries",
    "direct_loss",
    "lead_unit",
    "investigation_opened_on",
    "investigation_extension_days",
    "investigation_submitted_on",
    "replied_on",
    "closed_on",
]
# The system label under which an accident raises a duty occurrence (the law raises it, not a person).
DUTY_TRIGGER_ACTOR = "enforcement"


def end_of_day(day: dt.date) -> dt.datetime:
    """A date deadline as the last second of that day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _state(accident: Accident) -> dict[str, Any]:
    return snapshot(accident, ACCIDENT_FIELDS)


def _lock(accident: Accident) -> Accident:
    return Accident.objects.select_for_update().get(pk=accident.pk)


_ACTION_LABELS = {
    "follow_up": "补报",
    "open_investigation": "成立调查组",
    "extend_investigation": "延长调查期限",
    "submit_investigation": "提交调查报告",
    "reply": "登记批复",
    "close": "结案",
}


def _guard(accident: Accident, action: str) -> None:
    if not getattr(accident.status_choice, f"can_{action}")():
        raise errors.TransitionError(
            f"事故当前状态“{accident.status_choice.label}”不能{_ACTION_LABELS[action]}。"
        )


def _notify(kind: str, accident: Accident) -> None:
    transaction.on_commit(lambda: logger.info("notify %s accident=%s", kind, accident.public_id))


def _sync_report_steps(accident: Accident, *, raised_at: dt.datetime | None = None) -> None:
    """Make the report steps match the grade: add missing levels, re-time the open ones, drop open levels
    the grade no longer requires."""
    grade = accident.grade_choice.grade
    existing = {step.level: step for step in accident.steps.filter(kind=StepKind.REPORT)}
    reached = {grading.Level(level): step.done_at for level, step in existing.items() if step.done_at}
    earliest = {}
    if raised_at is not None:
        earliest = {
            level: raised_at for level in grading.reporting_levels(grade) if int(level) not in existing
        }
    wanted = grading.reporting_steps(accident.occurred_at, grade, reached, earliest)
    for step in wanted:
        row = existing.pop(int(step.level), None)
        if row is None:
            AccidentStep.objects.create(
                accident=accident, kind=StepKind.REPORT, level=int(step.level), due_at=step.due_at
            )
        elif row.done_at is None and row.due_at != step.due_at:
            row.due_at = step.due_at
            row.save(update_fields=["due_at", "updated_at"])
    for row in existing.values():
        if row.done_at is None:
            row.delete()


@transaction.atomic
def report_accident(
    *,
    actor: Any,
    title: str,
    occurred_at: dt.datetime,
    place: str,
    accident_type: str,
    county=None,
    enterprise=None,
    unit_name: str = "",
    deaths: int = 0,
    missing: int = 0,
    serious_injuries: int = 0,
    direct_loss: Decimal | int = 0,
    description: str = "",
    measures: str = "",
    received_at: dt.datetime | None = None,
) -> Accident:
    """事故报告: graded by 493号令, the county's receipt recorded, the report steps up to the required level."""
    now = timezone.now()
    received_at = received_at or now
    if occurred_at > now:
        raise errors.EnforcementError("发生时间不能晚于现在。", "occurred_in_future")
    if received_at < occurred_at:
        raise errors.EnforcementError("县级接报时间不能早于事故发生时间。", "received_before_occurred")
    if enterprise is not None:
        county = county or enterprise.county
        unit_name = unit_name or enterprise.name
    if county is None:
        raise errors.EnforcementError("请选择事故发生的县区或事故单位。", "county_required")
    grade = grading.grade_of(deaths, serious_injuries, Decimal(direct_loss))
    accident = Accident(
        title=title,
        occurred_at=occurred_at,
        place=place,
        accident_type=accident_type,
        enterprise=enterprise,
        unit_name=unit_name,
        county=county,
        region_path=county.path,
        supervising_unit_id=getattr(enterprise, "supervising_unit_id", None),
        deaths=deaths,
        missing=missing,
        serious_injuries=serious_injuries,
        direct_loss=Decimal(direct_loss),
        description=description,
        measures=measures,
        grade=AccidentGrade.of(grade),
        reported_by=actor if getattr(actor, "pk", None) else None,
    )
    accident.full_clean()
    accident.save()
    _sync_report_steps(accident)
    AccidentStep.objects.filter(accident=accident, kind=StepKind.REPORT, level=ReportLevel.COUNTY).update(
        done_at=received_at
    )
    AccidentStep.objects.create(
        accident=accident,
        kind=StepKind.INVESTIGATION,
        due_at=end_of_day(grading.investigation_due(timezone.localtime(occurred_at).date())),
    )
    record("enforcement.report_accident", actor=actor, obj=accident, after=snapshot(accident))
    _notify("accident_reported", accident)
    return accident


@transaction.atomic
def reach_level(*, actor: Any, accident: Accident, level: int, reached_at: dt.datetime) -> AccidentStep:
    """逐级上报: `level` received the report at `reached_at`; the next level's 2 hours run from then."""
    accident = _lock(accident)
    step = accident.steps.filter(kind=StepKind.REPORT, level=level).first()
    if step is None:
        raise errors.EnforcementError("该等级的事故不需要报告到这一层级。", "level_not_required")
    if step.done_at is not None:
        raise errors.TransitionError("这一层级已经接报。", "level_already_reached")
    below = accident.steps.filter(kind=StepKind.REPORT, level__lt=level, done_at__isnull=True).exists()
    if below:
        raise errors.TransitionError("请先登记下一级的接报时间。", "lower_level_pending")
    if reached_at < accident.occurred_at or reached_at > timezone.now():
        raise errors.EnforcementError("接报时间须在事故发生之后、现在之前。", "reached_at_invalid")
    step.done_at = reached_at
    step.save(update_fields=["done_at", "updated_at"])
    _sync_report_steps(accident)
    record(
        "enforcement.reach_level",
        actor=actor,
        obj=accident,
        after={"level": level, "reached_at": reached_at, "late": reached_at > step.due_at},
    )
    return step


@transaction.atomic
def add_follow_up(
    *,
    actor: Any,
    accident: Accident,
    reported_at: dt.datetime,
    deaths: int,
    serious_injuries: int,
    direct_loss: Decimal | int,
    missing: int = 0,
    note: str = "",
) -> AccidentFollowUp:
    """补报 within 30 days (7 for road traffic and fire): new counts, the grade again, more levels if raised."""
    accident = _lock(accident)
    _guard(accident, "follow_up")
    occurred_on = timezone.localtime(accident.occurred_at).date()
    until = grading.follow_up_until(occurred_on, short_window=accident.type_choice.has_short_follow_up)
    if reported_at < accident.occurred_at:
        raise errors.EnforcementError("补报时间不能早于事故发生时间。", "follow_up_before_accident")
    if timezone.localtime(reported_at).date() > until:
        raise errors.EnforcementError(
            f"补报期限已于 {until:%Y-%m-%d} 届满（事故发生之日起 "
            f"{(until - occurred_on).days} 日），请以调查报告认定的数字为准。",
            "follow_up_window_closed",
        )
    before = _state(accident)
    grade = AccidentGrade.of(grading.grade_of(deaths, serious_injuries, Decimal(direct_loss)))
    follow_up = AccidentFollowUp.objects.create(
        accident=accident,
        reported_at=reported_at,
        deaths=deaths,
        missing=missing,
        serious_injuries=serious_injuries,
        direct_loss=Decimal(direct_loss),
        grade_before=accident.grade,
        grade_after=grade,
        note=note,
        reported_by=actor if getattr(actor, "pk", None) else None,
    )
    accident.deaths, accident.missing, accident.serious_injuries = deaths, missing, serious_injuries
    accident.direct_loss = Decimal(direct_loss)
    accident.grade = grade
    accident.version += 1
    accident.save()
    _sync_report_steps(accident, raised_at=reported_at)
    record("enforcement.add_follow_up", actor=actor, obj=accident, before=before, after=_state(accident))
    if follow_up.regraded:
        _notify("accident_regraded", accident)
    return follow_up


@transaction.atomic
def open_investigation(*, actor: Any, accident: Accident, lead_unit, opened_on: dt.date) -> Accident:
    """成立事故调查组, with the unit that leads it (it owes the evaluations later)."""
    accident = _lock(accident)
    _guard(accident, "open_investigation")
    before = _state(accident)
    accident.lead_unit = lead_unit
    accident.investigation_opened_on = opened_on
    accident.status = AccidentStatus.INVESTIGATING
    accident.version += 1
    accident.save()
    record("enforcement.open_investigation", actor=actor, obj=accident, before=before, after=_state(accident))
    return accident


@transaction.atomic
def extend_investigation(*, actor: Any, accident: Accident, days: int, reason: str) -> Accident:
    """延长调查期限: once, by at most 60 days (493号令 art. 29)."""
    accident = _lock(accident)
    _guard(accident, "extend_investigation")
    if accident.investigation_extension_days:
        raise errors.TransitionError("调查期限只能延长一次。", "already_extended")
    if not 1 <= days <= grading.INVESTIGATION_EXTENSION_MAX_DAYS:
        raise errors.EnforcementError("延长天数须在 1 至 60 日之间。", "extension_out_of_range")
    if not reason.strip():
        raise errors.EnforcementError("请写明延期理由。", "reason_required")
    before = _state(accident)
    accident.investigation_extension_days = days
    accident.version += 1
    accident.save()
    occurred_on = timezone.localtime(accident.occurred_at).date()
    accident.steps.filter(kind=StepKind.INVESTIGATION).update(
        due_at=end_of_day(grading.investigation_due(occurred_on, days)), note=reason[:300], overdue_at=None
    )
    record(
        "enforcement.extend_investigation",
        actor=actor,
        obj=accident,
        before=before,
        after=_state(accident),
        reason=reason,
    )
    return accident


def _complete(accident: Accident, kind: str, when: dt.date) -> None:
    accident.steps.filter(kind=kind, done_at__isnull=True).update(done_at=end_of_day(when))


@transaction.atomic
def submit_investigation(*, actor: Any, accident: Accident, submitted_on: dt.date) -> Accident:
    """调查报告提交: the investigation step is done; the government's reply is due in 15 (30) days."""
    accident = _lock(accident)
    _guard(accident, "submit_investigation")
    before = _state(accident)
    accident.investigation_submitted_on = submitted_on
    accident.status = AccidentStatus.REPORT_SUBMITTED
    accident.version += 1
    accident.save()
    _complete(accident, StepKind.INVESTIGATION, submitted_on)
    AccidentStep.objects.create(
        accident=accident,
        kind=StepKind.REPLY,
        due_at=end_of_day(grading.reply_due(submitted_on, accident.grade_choice.grade)),
    )
    record(
        "enforcement.submit_investigation", actor=actor, obj=accident, before=before, after=_state(accident)
    )
    return accident


def _evaluation_duty(accident: Accident, purpose: str):
    """The most specific configured duty for the accident's region, or None."""
    rows = [
        row
        for row in EvaluationDuty.objects.filter(purpose=purpose).select_related("region", "duty")
        if accident.region_path.startswith(row.region.path)
    ]
    return max(rows, key=lambda row: len(row.region.path)).duty if rows else None


def _raise_evaluation(accident: Accident, kind: str, event_on: dt.date, due_on: dt.date) -> AccidentStep:
    """An evaluation step, and the lead unit's occurrence of the configured event-triggered duty."""
    from anze.duties.errors import DutyError
    from anze.duties.services import trigger_event

    occurrence = None
    duty = _evaluation_duty(accident, kind)
    if duty is not None and accident.lead_unit_id:
        try:
            occurrence = trigger_event(
                duty,
                actor=DUTY_TRIGGER_ACTOR,
                unit=accident.lead_unit,
                event_on=event_on,
                note=f"{accident.title}（{StepKind(kind).label}）",
            )
        except DutyError as exc:
            if exc.code == "event_exists":
                # Another accident with the same lead unit closed the same day: one occurrence covers both.
                from anze.duties.models import Occurrence

                occurrence = Occurrence.objects.get(duty=duty, unit=accident.lead_unit, period_start=event_on)
                return AccidentStep.objects.create(
                    accident=accident, kind=kind, due_at=end_of_day(due_on), occurrence=occurrence
                )
            raise errors.EnforcementError(
                f"无法生成评估职责：{exc.message_zh} 请检查“事故评估职责”配置。", "evaluation_duty_failed"
            ) from exc
    return AccidentStep.objects.create(
        accident=accident, kind=kind, due_at=end_of_day(due_on), occurrence=occurrence
    )


@transaction.atomic
def record_reply(*, actor: Any, accident: Accident, replied_on: dt.date) -> Accident:
    """政府批复: the reply step is done; the rectification evaluation is due within one year (art. 86)."""
    accident = _lock(accident)
    _guard(accident, "reply")
    if accident.investigation_submitted_on and replied_on < accident.investigation_submitted_on:
        raise errors.EnforcementError("批复日期不能早于调查报告提交日期。", "reply_before_report")
    before = _state(accident)
    accident.replied_on = replied_on
    accident.status = AccidentStatus.REPLIED
    accident.version += 1
    accident.save()
    _complete(accident, StepKind.REPLY, replied_on)
    _raise_evaluation(
        accident, StepKind.REPLY_EVALUATION, replied_on, grading.reply_evaluation_due(replied_on)
    )
    record("enforcement.record_reply", actor=actor, obj=accident, before=before, after=_state(accident))
    return accident


@transaction.atomic
def close_accident(*, actor: Any, accident: Accident, closed_on: dt.date) -> Accident:
    """结案: for a 较大 accident the lead unit owes an evaluation within six months (一律倒查责任)."""
    accident = _lock(accident)
    _guard(accident, "close")
    if accident.replied_on and closed_on < accident.replied_on:
        raise errors.EnforcementError("结案日期不能早于批复日期。", "closed_before_reply")
    before = _state(accident)
    accident.closed_on = closed_on
    accident.status = AccidentStatus.CLOSED
    accident.version += 1
    accident.save()
    due = grading.closing_evaluation_due(closed_on, accident.grade_choice.grade)
    if due is not None:
        _raise_evaluation(accident, StepKind.CLOSING_EVALUATION, closed_on, due)
    record("enforcement.close_accident", actor=actor, obj=accident, before=before, after=_state(accident))
    return accident


@transaction.atomic
def complete_evaluation(*, actor: Any, step: AccidentStep, done_on: dt.date, note: str) -> AccidentStep:
    """评估完成: an evaluation step is done (its duty occurrence is reported through the duties pages)."""
    step = AccidentStep.objects.select_for_update().get(pk=step.pk)
    if step.kind not in (StepKind.CLOSING_EVALUATION, StepKind.REPLY_EVALUATION):
        raise errors.EnforcementError("只有评估节点可以这样完成。", "not_an_evaluation")
    if step.done_at is not None:
        raise errors.TransitionError("该评估已完成。", "already_done")
    if not note.strip():
        raise errors.EnforcementError("请填写评估结论。", "note_required")
    step.done_at = end_of_day(done_on)
    step.note = note[:300]
    step.save(update_fields=["done_at", "note", "updated_at"])
    record("enforcement.complete_evaluation", actor=actor, obj=step.accident, after=snapshot(step))
    return step


@transaction.atomic
def record_misreport(
    *, actor: Any, accident: Accident, kind: str, found_on: dt.date, description: str
) -> Misreport:
    """认定瞒报/谎报/迟报/漏报 — a fact the blacklist rules read."""
    if not description.strip():
        raise errors.EnforcementError("请写明认定的事实。", "description_required")
    if Misreport.objects.filter(accident=accident, kind=kind).exists():
        raise errors.EnforcementError("该事故已认定过这一情形。", "misreport_exists")
    row = Misreport.objects.create(
        accident=accident,
        kind=kind,
        found_on=found_on,
        description=description,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record("enforcement.record_misreport", actor=actor, obj=accident, after=snapshot(row))
    return row


@transaction.atomic
def configure_evaluation_duty(*, actor: Any, region, purpose: str, duty) -> EvaluationDuty:
    """Say which confirmed event-triggered duty an accident evaluation raises in a region."""
    from anze.duties.choices import DutyKind, DutyStatus

    if duty.kind != DutyKind.EVENT or duty.status != DutyStatus.CONFIRMED:
        raise errors.EnforcementError("只能选择已确认的事件触发类职责。", "not_event_duty")
    row, _ = EvaluationDuty.objects.update_or_create(region=region, purpose=purpose, defaults={"duty": duty})
    record("enforcement.configure_evaluation_duty", actor=actor, obj=row, after=snapshot(row))
    return row


def mark_overdue_steps(*, now: dt.datetime, batch_size: int = 500) -> int:
    """Flag open steps whose deadline passed (set-based, in batches, safe to run twice)."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                AccidentStep.objects.filter(done_at__isnull=True, overdue_at__isnull=True, due_at__lt=now)
                .order_by("due_at")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            n = AccidentStep.objects.filter(pk__in=ids, overdue_at__isnull=True).update(overdue_at=now)
            record(
                "enforcement.mark_overdue_steps",
                actor="job:enforcement.deadlines",
                obj=None,
                after={"steps": n, "now": now},
            )
            total += n
