"""A revised plan reaches its duties (方案修订): carry duties over, flag what changed, and the office's decision.

When a plan gets a new version, each duty of the earlier version is lined up with the new clauses
(`plans.importing.align_clauses`):

- a clause that did not change: the duty moves to the new clause, untouched (same rule, same items);
- a clause that changed or was removed: a confirmed duty is flagged 方案已修订 (a `DutyRevision` with the
  clause diff) and keeps running as it is until the office decides: keep it, update it from an effective
  date (past items stay as they were), or retire it (untouched future items withdrawn);
- a draft of a changed or removed clause was never confirmed: it is dropped, and `suggest_duties` drafts
  the new wording instead.

Every public function is atomic, takes `actor=` and writes exactly one audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.duties.choices import DutyKind, DutyStatus, RevisionDecision
from anze.duties.errors import ConcurrentChangeError, DutyError, StateError
from anze.duties.forecast import Forecast, forecast
from anze.duties.models import Duty, DutyRevision, DutyRule
from anze.duties.services import (
    _is_person,
    _require,
    add_rule_version,
    can_manage_duty,
    end_duty,
    overdue_error,
    withdraw_untouched,
)


@dataclass
class CarryOver:
    """What carrying a plan's duties over to its new version did."""

    relinked: int = 0
    flagged: int = 0
    drafts_dropped: int = 0
    superseded: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "relinked": self.relinked,
            "flagged": self.flagged,
            "drafts_dropped": self.drafts_dropped,
            "superseded": self.superseded,
        }


def _baseline(duty: Duty, kept: DutyRevision | None) -> tuple[Any, str | None]:
    """The version and clause key a duty stands on: its clause, or the clause it was last kept against."""
    if kept is None:
        return duty.clause.version, duty.clause.key
    return kept.version, kept.new_clause.key if kept.new_clause_id else None


def carry_over_rows(version: Any) -> CarryOver:
    """Carry the plan's earlier duties over to `version` (its current one). Part of a service: no audit here."""
    from anze.plans.importing import align_clauses, pair_entry
    from anze.plans.models import Clause, ClauseDuty

    result = CarryOver()
    plan = version.plan
    if plan.current_version_id != version.pk:
        return result
    duties = list(
        Duty.objects.filter(clause__version__plan_id=plan.pk)
        .exclude(clause__version=version)
        .exclude(status=DutyStatus.RETIRED)
        .select_related("clause__version", "suggestion")
        .order_by("pk")
    )
    if not duties:
        return result
    ids = [d.pk for d in duties]
    result.superseded = (
        DutyRevision.objects.filter(duty_id__in=ids, decision=RevisionDecision.PENDING)
        .exclude(version=version)
        .delete()[0]
    )
    handled = set(
        DutyRevision.objects.filter(duty_id__in=ids, version=version).values_list("duty_id", flat=True)
    )
    kept: dict[int, DutyRevision] = {}
    for revision in (
        DutyRevision.objects.filter(duty_id__in=ids, decision=RevisionDecision.KEPT)
        .select_related("version", "new_clause")
        .order_by("version__number")
    ):
        kept[revision.duty_id] = revision
    new_clauses = {c.key: c for c in Clause.objects.filter(version=version)}
    suggestions = {(s.clause_id, s.order): s for s in ClauseDuty.objects.filter(clause__version=version)}
    alignments: dict[int, dict[str, Any]] = {}
    now = timezone.now()
    relinked: list[Duty] = []
    flagged: list[DutyRevision] = []
    dropped: list[int] = []
    for duty in duties:
        if duty.pk in handled:
            continue
        base_version, base_key = _baseline(duty, kept.get(duty.pk))
        if base_key is None or base_version.pk == version.pk:
            continue  # kept after its clause was removed, or already decided against this version
        if base_version.pk not in alignments:
            alignments[base_version.pk] = {
                pair.old.key: pair for pair in align_clauses(base_version.parsed, version.parsed) if pair.old
            }
        pair = alignments[base_version.pk].get(base_key)
        change = pair.change if pair is not None else "removed"
        new_clause = new_clauses.get(pair.new.key) if pair is not None and pair.new is not None else None
        same_order = duty.suggestion.order if duty.suggestion_id else None
        new_suggestion = suggestions.get((new_clause.pk, same_order)) if new_clause else None
        if change == "unchanged":
            if duty.pk not in kept:
                duty.clause_id, duty.suggestion, duty.updated_at = new_clause.pk, new_suggestion, now
                relinked.append(duty)
            continue
        if duty.status == DutyStatus.DRAFT:
            dropped.append(duty.pk)
            continue
        entry = pair_entry(pair) if pair is not None else None
        flagged.append(
            DutyRevision(
                duty=duty,
                version=version,
                old_clause_id=duty.clause_id,
                new_clause=new_clause,
                new_suggestion=new_suggestion,
                diff=entry or {"change": "removed", "key": duty.clause.key, "text": duty.clause.text},
            )
        )
    Duty.objects.bulk_update(relinked, ["clause", "suggestion", "updated_at"], batch_size=500)
    DutyRevision.objects.bulk_create(flagged, batch_size=500)
    Duty.objects.filter(pk__in=dropped, status=DutyStatus.DRAFT).delete()
    result.relinked, result.flagged, result.drafts_dropped = len(relinked), len(flagged), len(dropped)
    return result


@transaction.atomic
def carry_over(version: Any, *, actor: Any) -> CarryOver:
    """核对方案修订 — carry a plan's duties over to its current version and flag the changed ones."""
    result = carry_over_rows(version)
    record("duties.duty.carry_over", actor=actor, obj=version, after=result.as_dict())
    return result


def awaiting_duties(version: Any):
    """Duties of the plan's earlier versions not yet lined up with `version` (nothing decided against it)."""
    return (
        Duty.objects.filter(clause__version__plan_id=version.plan_id)
        .exclude(clause__version=version)
        .exclude(status=DutyStatus.RETIRED)
        .exclude(revisions__version=version)
        .exclude(revisions__decision=RevisionDecision.KEPT)
    )


JOB_ACTOR = "job:duties.revisions"


def carry_over_current(now: Any = None) -> dict[str, dict[str, int]]:
    """The hourly job: carry duties over to every current plan version that has some awaiting, so a revised
    plan's changed duties are flagged without anyone pressing a button."""
    from anze.plans.models import PlanVersion

    done: dict[str, dict[str, int]] = {}
    for version in PlanVersion.objects.filter(current_of__isnull=False).select_related("plan").order_by("pk"):
        if awaiting_duties(version).exists():
            done[str(version.public_id)] = carry_over(version, actor=JOB_ACTOR).as_dict()
    return done


def pending_revisions(user: Any):
    """Flagged duties awaiting the office's decision, within the user's scope."""
    return DutyRevision.objects.restrict(user, "view").filter(decision=RevisionDecision.PENDING)


# --- the office's decision --------------------------------------------------------------------------


def _claim(revision: DutyRevision, *, actor: Any) -> tuple[DutyRevision, Duty]:
    revision = (
        DutyRevision.objects.select_for_update(of=("self",))
        .select_related("duty", "new_clause")
        .get(pk=revision.pk)
    )
    duty = revision.duty
    if _is_person(actor):
        _require(can_manage_duty(actor, duty), "只有安委会办公室可以处理方案修订。")
    if not revision.state.can_decide():
        raise StateError("该修订已处理。", "revision_decided")
    if duty.status != DutyStatus.CONFIRMED:
        raise StateError("只有已确认的职责可以按修订处理。", "not_confirmed")
    return revision, duty


def _decide(
    revision: DutyRevision, decision: RevisionDecision, *, actor: Any, effective_from: Any = None
) -> None:
    revision.decision = decision
    revision.effective_from = effective_from
    revision.decided_by = actor if _is_person(actor) else None
    revision.decided_at = timezone.now()
    revision.save(update_fields=["decision", "effective_from", "decided_by", "decided_at", "updated_at"])


@transaction.atomic
def keep_duty(revision: DutyRevision, *, actor: Any) -> DutyRevision:
    """保留 — the duty goes on exactly as confirmed (its clause, units and rule); the revision is noted."""
    revision, duty = _claim(revision, actor=actor)
    _decide(revision, RevisionDecision.KEPT, actor=actor)
    record(
        "duties.duty.revise",
        actor=actor,
        obj=duty,
        after={
            "decision": RevisionDecision.KEPT.value,
            "version": revision.version_id,
            "clause": revision.diff.get("key"),
        },
    )
    return revision


def revised_values(revision: DutyRevision) -> dict[str, Any]:
    """What the revised clause asks of this duty: its wording and rule (offered on the update form)."""
    duty, clause, suggestion = revision.duty, revision.new_clause, revision.new_suggestion
    values: dict[str, Any] = {}
    if suggestion is not None:
        values["title"] = suggestion.text[:500]
        if duty.kind == DutyKind.RECURRING:
            values["rrule"] = suggestion.rrule
            values["times_per_period"] = suggestion.count or 1
    elif clause is not None and duty.kind == DutyKind.DEADLINE and clause.deadline_date:
        values["title"] = f"{clause.text[:120]}（{clause.deadline_text}）"[:500]
        values["deadline"] = clause.deadline_date
    return values


def _planned(duty: Duty, revision: DutyRevision, effective_from: dt.date, rule_changes: dict[str, Any]):
    """The duty and its rules as they would be after the update, unsaved (for the forecast)."""
    planned = Duty(
        **{
            f.attname: getattr(duty, f.attname)
            for f in Duty._meta.concrete_fields
            if f.attname not in ("clause_id", "generate_from")
        },
        clause_id=revision.new_clause_id,
        generate_from=effective_from,
    )
    rules = [r for r in duty.rules.all() if r.effective_from != effective_from]
    current = duty.rule_on(effective_from)
    new_rule = DutyRule(duty=planned, effective_from=effective_from)
    for field in (
        "rrule",
        "times_per_period",
        "deadline",
        "event_within",
        "event_unit",
        "cycle_years",
        "roll",
    ):
        setattr(
            new_rule,
            field,
            rule_changes.get(field, getattr(current, field) if current else getattr(new_rule, field)),
        )
    return planned, [*rules, new_rule]


def update_forecast(
    revision: DutyRevision, *, effective_from: dt.date, today: dt.date | None = None, **changes: Any
) -> Forecast:
    """The items updating this duty from `effective_from` would create, and how many already overdue."""
    rule_changes = revised_values(revision) | changes
    planned, rules = _planned(revision.duty, revision, effective_from, rule_changes)
    return forecast(
        planned, rules, today=today, withdrawn_from=withdrawal_start(revision.duty, effective_from)
    )


def withdrawal_start(duty: Duty, effective_from: dt.date) -> dt.date:
    """A deadline duty has one item per unit: a changed deadline replaces it whenever its period began."""
    return dt.date.min if duty.kind == DutyKind.DEADLINE else effective_from


@transaction.atomic
def update_from_revision(
    revision: DutyRevision,
    *,
    actor: Any,
    effective_from: dt.date,
    allow_overdue: bool = False,
    today: dt.date | None = None,
    **changes: Any,
) -> DutyRevision:
    """按修订更新 — from `effective_from` the duty follows the revised clause: its wording, rule and units.

    Items of earlier periods stay as they were; untouched items from that date on are withdrawn and the
    next tick makes them under the new rule for the clause's current units. Nothing before the date is
    back-filled for a unit the revision added. Items already overdue need `allow_overdue`.
    """
    revision, duty = _claim(revision, actor=actor)
    if revision.new_clause_id is None:
        raise StateError("修订后的方案已删除该条款，只能保留或停用。", "clause_removed")
    first = min((r.effective_from for r in duty.rules.all()), default=duty.start_on)
    if effective_from <= first:
        raise DutyError(
            f"生效日期须晚于该职责的开始日期（{first:%Y-%m-%d}）；要从头改用新规则，请停用后重新确认。",
            "effective_before_start",
        )
    today = today or timezone.localdate()
    values = revised_values(revision) | {k: v for k, v in changes.items() if v not in (None, "")}
    unknown = set(values) - {"title", "rrule", "times_per_period", "deadline", "roll"}
    if unknown:
        raise DutyError(f"未知字段：{', '.join(sorted(unknown))}")
    coming = update_forecast(revision, effective_from=effective_from, today=today, **values)
    if coming.overdue and not allow_overdue:
        raise overdue_error(effective_from, coming)
    before = snapshot(duty) | {"rule": snapshot(duty.rule_on(effective_from))}
    moved = Duty.objects.filter(pk=duty.pk, version=duty.version, status=DutyStatus.CONFIRMED).update(
        clause_id=revision.new_clause_id,
        suggestion=revision.new_suggestion,
        generate_from=effective_from,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if moved != 1:
        raise ConcurrentChangeError("该职责已被他人修改，请刷新后重试。")
    duty.refresh_from_db()
    rule, _previous, removed = add_rule_version(duty, actor=actor, effective_from=effective_from, **values)
    if duty.kind == DutyKind.DEADLINE:
        removed += withdraw_untouched(duty, withdrawal_start(duty, effective_from))
    _decide(revision, RevisionDecision.UPDATED, actor=actor, effective_from=effective_from)
    record(
        "duties.duty.revise",
        actor=actor,
        obj=duty,
        before=before,
        after=snapshot(duty)
        | {
            "decision": RevisionDecision.UPDATED.value,
            "rule": snapshot(rule),
            "untouched_occurrences_removed": removed,
            "forecast": coming.as_dict(),
        },
    )
    return revision


@transaction.atomic
def retire_from_revision(
    revision: DutyRevision, *, actor: Any, effective_from: dt.date | None = None
) -> DutyRevision:
    """停用 — the revised plan no longer asks for this duty: untouched items from the date on are withdrawn."""
    revision, duty = _claim(revision, actor=actor)
    effective_from = effective_from or timezone.localdate()
    before = snapshot(duty)
    removed = end_duty(duty, effective_from=effective_from)
    _decide(revision, RevisionDecision.RETIRED, actor=actor, effective_from=effective_from)
    record(
        "duties.duty.revise",
        actor=actor,
        obj=duty,
        before=before,
        after=snapshot(duty)
        | {"decision": RevisionDecision.RETIRED.value, "untouched_occurrences_removed": removed},
    )
    return revision
