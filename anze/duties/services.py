"""State changes of the duties app. Each is atomic, takes `actor=` and writes exactly one audit event.

Occurrence transitions are claimed atomically with a version column
(`filter(pk=…, version=v, status=old).update(…) == 1`), so when two reviewers act at once the second is
told and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone

from anze.accounts.roles import Role
from anze.audit.services import record, snapshot
from anze.core import notices
from anze.duties import evidence as evidence_files
from anze.duties import lateness
from anze.duties.calendar import Roll
from anze.duties.choices import (
    DutyKind,
    DutyStatus,
    EventUnit,
    OccurrenceStatus,
    ReviewDecision,
    SubjectKind,
)
from anze.duties.errors import ConcurrentChangeError, DutyError, NotAllowedError, StateError
from anze.duties.forecast import Forecast, forecast
from anze.duties.holidays import refresh_calendar
from anze.duties.models import (
    CalendarFeed,
    CoverageVisit,
    Duty,
    DutyRule,
    Evidence,
    Occurrence,
    Report,
    Review,
    led_clauses,
    reported_late,
)
from anze.duties.recurrence import RuleError, event_due_marked, parse_rule

RULE_FIELDS = ("rrule", "times_per_period", "deadline", "event_within", "event_unit", "cycle_years", "roll")
DUTY_FIELDS = (
    "title",
    "kind",
    "subject_kind",
    "subject_text",
    "subject_unit",
    "subject_group",
    "subject_person",
    "evidence_required",
    "start_on",
    "end_on",
    "needs_sign_off",
)


# --- who may do what ------------------------------------------------------------------------------


def _is_person(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "is_authenticated", False)


def can_manage_duty(user: Any, duty: Duty) -> bool:
    """The safety committee office of the duty's region confirms and edits duties."""
    return Duty.objects.restrict(user, "change").filter(pk=duty.pk).exists()


def can_report(user: Any, occurrence: Occurrence) -> bool:
    return Occurrence.objects.restrict(user, "change").filter(pk=occurrence.pk).exists()


def can_review(user: Any, occurrence: Occurrence) -> bool:
    """The office or a county office whose region holds the unit reviews its reports."""
    if not _is_person(user) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    path = occurrence.unit.region.path
    return any(
        a.role in (Role.OFFICE, Role.COUNTY) and a.region_id and path.startswith(a.region.path)
        for a in user.active_assignments()
    )


def can_sign_off(user: Any, occurrence: Occurrence) -> bool:
    """A leader of the occurrence's clause, or the first director of its specialized committee."""
    if not _is_person(user) or not user.person_id or not user.has_role(Role.LEADER):
        return False
    if led_clauses(user.person_id).filter(clause_id=occurrence.duty.clause_id).exists():
        return True
    if occurrence.committee_id:
        from anze.org.choices import CommitteeLeaderRole

        return occurrence.committee.leaders.filter(
            person_id=user.person_id, role=CommitteeLeaderRole.FIRST_DIRECTOR
        ).exists()
    return False


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowedError(message)


# --- duties ---------------------------------------------------------------------------------------


def validate_rule_fields(kind: str, fields: dict[str, Any]) -> None:
    """Check a rule version before anything is written (RuleError → DutyError with code)."""
    kind = DutyKind(kind)
    if kind.uses_rule:
        try:
            parse_rule(fields.get("rrule") or "")
        except RuleError as exc:
            raise DutyError(exc.message_zh, exc.code) from exc
    if kind == DutyKind.DEADLINE and not fields.get("deadline"):
        raise DutyError("限期完成的职责须填写完成期限。", "deadline_required")
    if kind == DutyKind.EVENT and (fields.get("event_within") is None or not fields.get("event_unit")):
        raise DutyError("事件触发的职责须填写事件后的期限和单位。", "event_rule_required")
    if kind == DutyKind.COVERAGE and not fields.get("cycle_years"):
        raise DutyError("覆盖周期类职责须填写周期年数。", "cycle_required")
    if (fields.get("times_per_period") or 1) < 1:
        raise DutyError("每周期次数至少为1。", "invalid_count")


def validate_dates(values: dict[str, Any], rule_values: dict[str, Any]) -> None:
    """Refuse dates that contradict each other (the duty would make no work, or work before it starts)."""
    start = values.get("start_on")
    if start is None:
        raise DutyError("请填写开始日期。", "start_required")
    end = values.get("end_on")
    if end is not None and end < start:
        raise DutyError(
            f"结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）：请改晚结束日期或留空。",
            "end_before_start",
        )
    kind = DutyKind(values["kind"])
    deadline = rule_values.get("deadline")
    if kind == DutyKind.DEADLINE and deadline and deadline < start:
        raise DutyError(
            f"完成期限（{deadline:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）：这样不会生成任何办理事项。"
            "请把完成期限改到开始日期之后，或把开始日期提前。",
            "deadline_before_start",
        )
    if kind.uses_rule and rule_values.get("rrule"):
        until = parse_rule(rule_values["rrule"]).until
        if until is not None and until < start:
            raise DutyError(
                f"重复规则在 {until:%Y-%m-%d} 结束（UNTIL），早于开始日期 {start:%Y-%m-%d}：不会生成任何办理事项。",
                "rule_ends_before_start",
            )


def confirmation_values(duty: Duty, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The duty's and its first rule's fields as they would be after confirming with `changes`."""
    changes = dict(changes)
    changes.pop("coverage_groups", None)
    rule_changes = {k: changes.pop(k) for k in list(changes) if k in RULE_FIELDS}
    values = {field: getattr(duty, field) for field in DUTY_FIELDS} | {
        k: v for k, v in changes.items() if k in DUTY_FIELDS
    }
    rule = duty.rules.order_by("effective_from").first()
    rule_values = {field: getattr(rule, field) for field in RULE_FIELDS} if rule else {}
    return values, rule_values | rule_changes


def check_confirmation(duty: Duty, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every check confirm_duty makes on its input, without writing anything (for a preview)."""
    values, rule_values = confirmation_values(duty, changes)
    _validate_subject(values)
    validate_rule_fields(values["kind"], rule_values)
    validate_dates(values, rule_values)
    return values, rule_values


def _validate_subject(values: dict[str, Any]) -> None:
    kind = values.get("subject_kind")
    needed = {
        SubjectKind.UNIT: "subject_unit",
        SubjectKind.GROUP: "subject_group",
        SubjectKind.PERSON: "subject_person",
    }
    if kind in needed and not values.get(needed[kind]):
        raise DutyError("请选择职责主体。", "subject_required")


def overdue_error(start_on: dt.date, coming: Forecast) -> DutyError:
    return DutyError(
        f"按开始日期 {start_on:%Y-%m-%d} 确认，将立即生成 {coming.items} 项办理事项，其中 {coming.overdue} 项"
        "已经逾期（会随即催办、督办）。请把开始日期改为今天或之后；确需补记以往周期的，请勾选"
        "“同时生成已逾期的事项”后再确认。",
        "overdue_needs_choice",
    )


@transaction.atomic
def confirm_duty(
    duty: Duty,
    *,
    actor: Any,
    expected_version: int | None = None,
    allow_overdue: bool = False,
    today: dt.date | None = None,
    **changes: Any,
) -> Duty:
    """The office confirms a suggested duty, optionally editing it first; from now on it generates work.

    Items that would already be overdue the moment the duty is confirmed (a start date in the past) are
    only created with `allow_overdue`: a past start date is a choice, never an accident.
    """
    if _is_person(actor):
        _require(can_manage_duty(actor, duty), "只有安委会办公室可以确认职责。")
    if not DutyStatus(duty.status).can_confirm():
        raise StateError("该职责已确认，修改请使用“变更规则”。", "already_confirmed")
    before = snapshot(duty)
    rule_changes = {k: changes.pop(k) for k in list(changes) if k in RULE_FIELDS}
    coverage_groups = changes.pop("coverage_groups", None)
    unknown = set(changes) - set(DUTY_FIELDS)
    if unknown:
        raise DutyError(f"未知字段：{', '.join(sorted(unknown))}")
    values = {field: getattr(duty, field) for field in DUTY_FIELDS} | changes
    _validate_subject(values)
    rule = duty.rules.order_by("effective_from").first()
    rule_values = {field: getattr(rule, field) for field in RULE_FIELDS} if rule else {}
    rule_values |= rule_changes
    validate_rule_fields(values["kind"], rule_values)
    validate_dates(values, rule_values)
    planned = Duty(**{f: getattr(duty, f) for f in ("pk", "clause_id", "region_id", "generate_from")})
    for name, value in values.items():
        setattr(planned, name, value)
    planned_rule = DutyRule(
        effective_from=min(rule.effective_from, values["start_on"]) if rule else values["start_on"]
    )
    for name, value in rule_values.items():
        setattr(planned_rule, name, value)
    coming = forecast(planned, [planned_rule], today=today)
    if coming.overdue and not allow_overdue:
        raise overdue_error(values["start_on"], coming)
    now = timezone.now()
    updated = Duty.objects.filter(
        pk=duty.pk,
        version=duty.version if expected_version is None else expected_version,
        status=DutyStatus.DRAFT,
    ).update(
        **changes,
        status=DutyStatus.CONFIRMED,
        confirmed_by=actor if _is_person(actor) else None,
        confirmed_at=now,
        version=F("version") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise ConcurrentChangeError("该职责已被他人修改或确认，请刷新后重试。")
    duty.refresh_from_db()
    if rule is None:
        rule = DutyRule(
            duty=duty, effective_from=duty.start_on, created_by=actor if _is_person(actor) else None
        )
    for field, value in rule_values.items():
        setattr(rule, field, value)
    rule.effective_from = min(rule.effective_from, duty.start_on)
    rule.save()
    if coverage_groups is not None:
        duty.coverage_groups.set(coverage_groups)
    record(
        "duties.duty.confirm",
        actor=actor,
        obj=duty,
        before=before,
        after=snapshot(duty) | {"rule": snapshot(rule), "forecast": coming.as_dict()},
    )
    return duty


def add_rule_version(
    duty: Duty,
    *,
    actor: Any,
    effective_from: dt.date,
    expected_version: int | None = None,
    **changes: Any,
) -> tuple[DutyRule, DutyRule | None, int]:
    """A new rule version from `effective_from` (and duty field changes); untouched later items withdrawn.

    Part of a service: no audit event here. Returns the new rule, the one it follows and items withdrawn.
    """
    current = duty.rule_on(effective_from)
    rule_values = {field: getattr(current, field) for field in RULE_FIELDS} if current else {}
    rule_values |= {k: v for k, v in changes.items() if k in RULE_FIELDS}
    validate_rule_fields(duty.kind, rule_values)
    if duty.rules.filter(effective_from=effective_from).exists():
        raise DutyError(f"已有自 {effective_from:%Y-%m-%d} 起生效的规则版本。", "rule_version_exists")
    version = duty.version if expected_version is None else expected_version
    duty_changes = {k: v for k, v in changes.items() if k not in RULE_FIELDS}
    if (
        Duty.objects.filter(pk=duty.pk, version=version).update(
            **duty_changes, version=F("version") + 1, updated_at=timezone.now()
        )
        != 1
    ):
        raise ConcurrentChangeError("该职责已被他人修改，请刷新后重试。")
    rule = DutyRule.objects.create(
        duty=duty,
        effective_from=effective_from,
        created_by=actor if _is_person(actor) else None,
        **rule_values,
    )
    removed = withdraw_untouched(duty, effective_from)
    duty.refresh_from_db()
    return rule, current, removed


def withdraw_untouched(duty: Duty, from_day: dt.date) -> int:
    """Delete the duty's untouched items of periods from `from_day` on; an item someone was already told
    about (a notification points at it) stays, so nothing sent loses what it was about."""
    rows = Occurrence.objects.filter(duty=duty, period_start__gte=from_day, touched=False)
    try:
        with transaction.atomic():
            return rows.delete()[0]
    except ProtectedError as exc:
        kept = {getattr(obj, "occurrence_id", None) for obj in exc.protected_objects}
        return rows.exclude(pk__in=[k for k in kept if k]).delete()[0]


@transaction.atomic
def update_duty(
    duty: Duty, *, actor: Any, effective_from: dt.date, expected_version: int | None = None, **changes: Any
) -> DutyRule:
    """Change a confirmed duty's rule from `effective_from` on: a new rule version; untouched later occurrences go."""
    if _is_person(actor):
        _require(can_manage_duty(actor, duty), "只有安委会办公室可以变更职责。")
    if not DutyStatus(duty.status).can_update():
        raise StateError("已停用的职责不能变更。")
    unknown = set(changes) - set(RULE_FIELDS) - {"evidence_required", "needs_sign_off", "title"}
    if unknown:
        raise DutyError(f"未知字段：{', '.join(sorted(unknown))}")
    rule, current, removed = add_rule_version(
        duty, actor=actor, effective_from=effective_from, expected_version=expected_version, **changes
    )
    duty_changes = {k: v for k, v in changes.items() if k not in RULE_FIELDS}
    record(
        "duties.duty.update",
        actor=actor,
        obj=duty,
        before={"rule": snapshot(current) if current else None},
        after={"rule": snapshot(rule), "untouched_occurrences_removed": removed, **duty_changes},
    )
    return rule


def end_duty(duty: Duty, *, effective_from: dt.date) -> int:
    """Retire a confirmed duty from `effective_from`: no more items; untouched later ones withdrawn.

    Part of a service: no audit event here. Returns the number of items withdrawn.
    """
    if not DutyStatus(duty.status).can_retire():
        raise StateError("只有已确认的职责可以停用。", "not_confirmed")
    end_on = max(duty.start_on, effective_from - dt.timedelta(days=1))
    updated = Duty.objects.filter(pk=duty.pk, version=duty.version, status=DutyStatus.CONFIRMED).update(
        status=DutyStatus.RETIRED, end_on=end_on, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentChangeError("该职责已被他人修改，请刷新后重试。")
    removed = withdraw_untouched(duty, effective_from)
    duty.refresh_from_db()
    return removed


@transaction.atomic
def retire_duty(duty: Duty, *, actor: Any, effective_from: dt.date, reason: str = "") -> Duty:
    """停用职责 — from `effective_from` the duty makes no more items; its untouched future items are withdrawn,
    past ones stay as they were."""
    if _is_person(actor):
        _require(can_manage_duty(actor, duty), "只有安委会办公室可以停用职责。")
    before = snapshot(duty)
    removed = end_duty(duty, effective_from=effective_from)
    record(
        "duties.duty.retire",
        actor=actor,
        obj=duty,
        before=before,
        after=snapshot(duty) | {"untouched_occurrences_removed": removed},
        reason=reason,
    )
    return duty


# --- reports --------------------------------------------------------------------------------------


def _claim(
    occurrence: Occurrence, *, expected_version: int | None, from_statuses: Iterable[str], **values: Any
) -> None:
    """Move the occurrence on only if nobody else has since it was read; else ConcurrentChangeError."""
    version = occurrence.version if expected_version is None else expected_version
    updated = Occurrence.objects.filter(
        pk=occurrence.pk, version=version, status__in=list(from_statuses)
    ).update(**values, touched=True, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise ConcurrentChangeError("该事项已被他人处理，请刷新查看最新状态；您的操作没有保存。")
    occurrence.refresh_from_db()


def _store(checked: list[evidence_files.CheckedFile], written: list[str]) -> None:
    for item in checked:
        path = item.storage_path
        if not default_storage.exists(path):
            saved = default_storage.save(path, ContentFile(item.content))
            if saved != path:  # a concurrent writer stored the same content first
                default_storage.delete(saved)
            else:
                written.append(path)


def submit_report(
    occurrence: Occurrence,
    *,
    actor: Any,
    text: str,
    evidence_on: dt.date,
    files: list[tuple[str, bytes]],
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """A unit reports on an occurrence (or reports again after a return) with text and evidence files."""
    written: list[str] = []
    try:
        return _submit(
            occurrence,
            actor=actor,
            text=text,
            evidence_on=evidence_on,
            files=files,
            expected_version=expected_version,
            now=now or timezone.now(),
            written=written,
        )
    except BaseException:
        for path in written:
            if not Evidence.objects.filter(file=path).exists():
                default_storage.delete(path)
        raise


@transaction.atomic
def _submit(
    occurrence: Occurrence,
    *,
    actor: Any,
    text: str,
    evidence_on: dt.date,
    files: list[tuple[str, bytes]],
    expected_version: int | None,
    now: dt.datetime,
    written: list[str],
) -> Report:
    _require(can_report(actor, occurrence), "您不能报送该事项。")
    state = OccurrenceStatus(occurrence.status)
    if not (state.can_submit() or state.can_resubmit()):
        raise StateError(f"该事项当前为“{state.label}”，不能再报送。", "occurrence_closed")
    text = (text or "").strip()
    if not text:
        raise DutyError("请填写进展情况。", "text_required")
    today = timezone.localdate(now)
    if evidence_on > today:
        raise DutyError("工作完成日期不能晚于今天。", "evidence_in_future")
    # Work done after the period is accepted as it is (and shown so); work before the period began
    # belongs to an earlier one.
    if DutyKind(occurrence.duty.kind).uses_rule and evidence_on < occurrence.period_start:
        raise DutyError(
            f"工作完成日期不能早于本周期开始（{occurrence.period_start:%Y-%m-%d}）：更早完成的工作属于上一周期。",
            "evidence_before_period",
        )
    if not files:
        raise DutyError("请至少上传一个佐证材料。", "evidence_required")
    if len(files) > evidence_files.max_files():
        raise DutyError(f"一次最多上传 {evidence_files.max_files()} 个文件。", "too_many_files")
    checked = [evidence_files.check_file(content, name) for name, content in files]
    # Lateness is when the report reached the server, never the date the unit gives for the work.
    late = reported_late(now, occurrence.due_on, occurrence.extended_until)
    next_status = OccurrenceStatus.SUBMITTED if state.can_submit() else OccurrenceStatus.RESUBMITTED
    _claim(
        occurrence,
        expected_version=expected_version,
        from_statuses=[state],
        status=next_status,
        submitted_at=now,
        late=late,
    )
    number = occurrence.reports.count() + 1
    report = Report.objects.create(
        occurrence=occurrence,
        number=number,
        text=text,
        evidence_on=evidence_on,
        submitted_by=actor,
        submitted_at=now,
        late=late,
    )
    _store(checked, written)
    Evidence.objects.bulk_create(
        [
            Evidence(
                report=report,
                sm3=item.sm3,
                file=item.storage_path,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=actor,
            )
            for item in checked
        ]
    )
    action = "duties.report.submit" if next_status == OccurrenceStatus.SUBMITTED else "duties.report.resubmit"
    record(
        action,
        actor=actor,
        obj=occurrence,
        before={"status": state.value},
        after={
            "status": next_status.value,
            "report": number,
            "evidence_on": evidence_on,
            "late": late,
            "files": [
                {"sm3": c.sm3, "type": c.content_type, "size": c.size, "name": c.original_name}
                for c in checked
            ],
        },
    )
    return report


def resubmit(occurrence: Occurrence, **kwargs: Any) -> Report:
    """Report again after a return (the same checks as the first report)."""
    if occurrence.status != OccurrenceStatus.RETURNED:
        raise StateError("只有被退回的事项可以重新报送。", "not_returned")
    return submit_report(occurrence, **kwargs)


def _review(
    occurrence: Occurrence,
    *,
    actor: Any,
    decision: ReviewDecision,
    reason: str,
    expected_version: int | None,
    now: dt.datetime,
    **values: Any,
) -> Review:
    _require(can_review(actor, occurrence), "您不能审核该事项。")
    state = OccurrenceStatus(occurrence.status)
    if not state.can_review():
        raise StateError(f"该事项当前为“{state.label}”，没有待审核的报告。", "nothing_to_review")
    report = occurrence.reports.order_by("-number").first()
    if decision == ReviewDecision.ACCEPT and (report is None or not report.evidence.exists()):
        raise StateError("没有佐证材料的报告不能通过。", "no_evidence")
    _claim(occurrence, expected_version=expected_version, from_statuses=[state], **values)
    review = Review.objects.create(
        occurrence=occurrence, report=report, decision=decision, reason=reason, reviewer=actor
    )
    record(
        f"duties.report.{decision.value}",
        actor=actor,
        obj=occurrence,
        before={"status": state.value},
        after={"status": occurrence.status, "report": report.number if report else None, "reason": reason},
    )
    return review


@transaction.atomic
def accept_report(
    occurrence: Occurrence,
    *,
    actor: Any,
    expected_version: int | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """The reviewer accepts the latest report; with accepted evidence the occurrence is done (or awaits sign-off)."""
    now = now or timezone.now()
    review = _review(
        occurrence,
        actor=actor,
        decision=ReviewDecision.ACCEPT,
        reason=(reason or "").strip(),
        expected_version=expected_version,
        now=now,
        status=OccurrenceStatus.ACCEPTED,
        accepted_at=now,
    )
    if occurrence.duty.needs_sign_off:
        notices.announce(notices.SIGN_OFF_WAITING, occurrence_id=occurrence.pk, review_id=review.pk, now=now)
    return review


@transaction.atomic
def return_report(
    occurrence: Occurrence,
    *,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """The reviewer returns the latest report with a reason; the unit must report again."""
    reason = (reason or "").strip()
    if not reason:
        raise DutyError("退回须说明理由。", "reason_required")
    now = now or timezone.now()
    review = _review(
        occurrence,
        actor=actor,
        decision=ReviewDecision.RETURN,
        reason=reason,
        expected_version=expected_version,
        now=now,
        status=OccurrenceStatus.RETURNED,
    )
    notices.announce(
        notices.REPORT_RETURNED, occurrence_id=occurrence.pk, review_id=review.pk, reason=reason, now=now
    )
    return review


@transaction.atomic
def sign_off(
    occurrence: Occurrence,
    *,
    actor: Any,
    expected_version: int | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """A leader signs off an accepted occurrence of a duty that asks for it; then it is closed."""
    now = now or timezone.now()
    if not occurrence.duty.needs_sign_off:
        raise StateError("该职责不需要领导签批。", "sign_off_not_needed")
    if not occurrence.awaits_sign_off:
        raise StateError("只有审核通过、尚未签批的事项可以签批。", "not_awaiting_sign_off")
    _require(can_sign_off(actor, occurrence), "只有该条款的牵头或分工负责领导可以签批。")
    _claim(
        occurrence,
        expected_version=expected_version,
        from_statuses=[OccurrenceStatus.ACCEPTED],
        signed_off_at=now,
        signed_off_by=actor,
    )
    review = Review.objects.create(
        occurrence=occurrence,
        report=occurrence.reports.order_by("-number").first(),
        decision=ReviewDecision.SIGN_OFF,
        reason=(reason or "").strip(),
        reviewer=actor,
    )
    record("duties.occurrence.sign_off", actor=actor, obj=occurrence, after={"signed_off_at": now})
    return review


def apply_extension(occurrence_id: int, *, until: dt.date, now: dt.datetime | None = None) -> int:
    """A granted 督办 extension (延期) moves the item's deadline to `until` and its lateness is reweighed.

    Part of the decision that grants it, whose audit event records it, so it writes none of its own.
    """
    now = now or timezone.now()
    items = Occurrence.objects.filter(pk=occurrence_id, due_on__lte=until)
    changed = items.update(extended_until=until, updated_at=now)
    if changed:
        lateness.recompute(Occurrence, Report, today=timezone.localdate(now), occurrences=items)
    return changed


# --- events and coverage --------------------------------------------------------------------------


@transaction.atomic
def trigger_event(duty: Duty, *, actor: Any, unit: Any, event_on: dt.date, note: str) -> Occurrence:
    """An event happened (e.g. a 较大 accident case closed): the unit owes the duty within its period."""
    if _is_person(actor):
        _require(can_manage_duty(actor, duty), "只有安委会办公室可以登记触发事件。")
    if duty.kind != DutyKind.EVENT or duty.status != DutyStatus.CONFIRMED:
        raise StateError("只有已确认的事件触发类职责可以登记事件。", "not_event_duty")
    rule = duty.rule_on(event_on)
    if rule is None or rule.event_within is None:
        raise DutyError("该职责没有事件期限规则。", "event_rule_required")
    due, provisional = event_due_marked(
        event_on, rule.event_within, EventUnit(rule.event_unit), Roll(rule.roll), calendar=refresh_calendar()
    )
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(
                duty=duty,
                rule=rule,
                unit=unit,
                period_start=event_on,
                period_end=due,
                due_on=due,
                due_provisional=provisional,
                event_note=(note or "")[:300],
            )
    except IntegrityError as exc:
        raise DutyError("该单位在同一天已登记过这一事件。", "event_exists") from exc
    record("duties.occurrence.trigger", actor=actor, obj=occurrence, after=snapshot(occurrence))
    return occurrence


@transaction.atomic
def record_coverage_visit(
    visit: CoverageVisit, *, actor: Any, visited_on: dt.date, note: str = ""
) -> CoverageVisit:
    """Record that a member of a coverage set was covered (e.g. 巡查) on a date."""
    duty = visit.cycle.duty
    if _is_person(actor):
        responsible = Occurrence.objects.restrict(actor, "change").filter(duty=duty).exists()
        _require(can_manage_duty(actor, duty) or responsible, "您不能登记该覆盖记录。")
    if visited_on > timezone.localdate():
        raise DutyError("日期不能晚于今天。", "date_in_future")
    if not visit.cycle.first_year <= visited_on.year <= visit.cycle.last_year:
        raise DutyError("日期不在本覆盖周期内。", "outside_cycle")
    before = snapshot(visit)
    visit.visited_on = visited_on
    visit.note = (note or "")[:300]
    visit.recorded_by = actor if _is_person(actor) else None
    visit.save(update_fields=["visited_on", "note", "recorded_by", "updated_at"])
    record("duties.coveragevisit.record", actor=actor, obj=visit, before=before, after=snapshot(visit))
    return visit


# --- calendar feeds -------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return evidence_files.sm3_hex(token.encode())


@transaction.atomic
def issue_calendar_feed(*, actor: Any) -> tuple[CalendarFeed, str]:
    """A new private calendar URL for the actor; any earlier one stops working. The token is shown once."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=feed_token_hash(token))
    record("duties.calendarfeed.issue", actor=actor, obj=("duties.calendarfeed", feed.public_id, str(actor)))
    return feed, token


@transaction.atomic
def revoke_calendar_feed(*, actor: Any) -> int:
    """Stop the actor's calendar URL."""
    count = CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(
        "duties.calendarfeed.revoke",
        actor=actor,
        obj=("duties.calendarfeed", "", str(actor)),
        after={"revoked": count},
    )
    return count
