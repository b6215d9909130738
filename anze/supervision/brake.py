"""The brake on a mistaken confirmation (暂缓督办): a new batch never floods units with 督办 cases.

A batch is the work one duty confirmation made: the items of one rule version (a confirmation sets a
duty's first rule, an update adds a later one). Before its first 督办 case opens, a batch whose overdue
items would open more cases than ANZE_SUPERVISION_CASE_BRAKE in one run is held: no 催办 and no case go out
for it until the office releases it (放行) or withdraws the whole batch (整批撤回) in one audited step.
Batches that already have cases are established and run as usual.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.duties.choices import DutyStatus
from anze.duties.models import Duty, DutyRule, Occurrence
from anze.supervision import engine, ladder
from anze.supervision.choices import OPEN_CASE_STATUSES, CaseStatus, DeliveryStatus, HoldStatus
from anze.supervision.errors import SupervisionError
from anze.supervision.models import BatchHold, Case, Delivery, EscalationPolicy, Notification

LADDER_ACTOR = "supervision-ladder"


def case_brake() -> int:
    """The most cases a new batch may open in one run without the office's confirmation."""
    return int(settings.ANZE_SUPERVISION_CASE_BRAKE)


def _occurrence_type() -> int:
    return ContentType.objects.get_for_model(Occurrence).pk


def _batches_over_the_bound(plan_ids: list[int], cut: ladder.Thresholds, bound: int) -> dict[int, int]:
    """Rule versions whose items would open more than `bound` cases in this run: rule id → cases."""
    occurrence_type = _occurrence_type()
    sql = (
        "SELECT o.rule_id, COUNT(*) "
        + engine._occurrence_from(plan_ids)
        + f"AND o.rule_id IS NOT NULL AND o.due_on < %s AND NOT EXISTS (SELECT 1 FROM {engine._t(Case)} k "
        f"WHERE k.content_type_id = {occurrence_type} AND k.object_id = o.id) "
        "GROUP BY o.rule_id HAVING COUNT(*) > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [engine._d(cut.case_due_before), bound])
        return {int(rule_id): int(count) for rule_id, count in cursor.fetchall()}


def _established(rule_ids: list[int]) -> set[int]:
    """Rule versions that have opened a case before: they run as usual."""
    if not rule_ids:
        return set()
    sql = (
        f"SELECT DISTINCT o.rule_id FROM {engine._t(Case)} k JOIN {engine._t(Occurrence)} o ON o.id = k.object_id "
        f"WHERE k.content_type_id = {_occurrence_type()} AND o.rule_id IN ({engine._in(rule_ids)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {int(row[0]) for row in cursor.fetchall()}


def hold_new_batches(
    policy: EscalationPolicy, plan_ids: list[int], cut: ladder.Thresholds, now: dt.datetime
) -> list[int]:
    """Hold every new batch over the bound (one audit event for those newly held); return all held rules."""
    over = _batches_over_the_bound(plan_ids, cut, case_brake())
    decided = dict(BatchHold.objects.filter(rule_id__in=list(over)).values_list("rule_id", "status"))
    fresh = [
        rule_id
        for rule_id in set(over) - _established(list(over))
        if decided.get(rule_id) not in (HoldStatus.RELEASED, HoldStatus.WITHDRAWN)
    ]
    with transaction.atomic():
        new = []
        for rule in DutyRule.objects.filter(pk__in=fresh).select_related("duty").order_by("pk"):
            hold, created = BatchHold.objects.get_or_create(
                rule=rule,
                defaults={
                    "duty": rule.duty,
                    "region_id": rule.duty.region_id,
                    "cases_held": over[rule.pk],
                    "held_at": now,
                },
            )
            if created:
                new.append(hold)
            elif hold.cases_held != over[rule.pk]:
                BatchHold.objects.filter(pk=hold.pk).update(cases_held=over[rule.pk], updated_at=now)
        if new:
            record(
                "supervision.batch.hold",
                actor=LADDER_ACTOR,
                after={
                    "bound": case_brake(),
                    "batches": [
                        {"duty": str(h.duty.public_id), "title": h.duty.title[:60], "cases": h.cases_held}
                        for h in new
                    ],
                },
            )
    return list(
        BatchHold.objects.filter(
            status=HoldStatus.HELD, duty__clause__version__plan_id__in=plan_ids
        ).values_list("rule_id", flat=True)
    )


def held_batches_all():
    """Every batch waiting for the office (for jobs and the demo, which act without a user)."""
    return BatchHold.objects.filter(status=HoldStatus.HELD)


def held_batches(user: Any):
    """Batches waiting for the office, within the user's scope."""
    return BatchHold.objects.restrict(user, "view").filter(status=HoldStatus.HELD)


# --- the office's decision --------------------------------------------------------------------------


def _require_office(actor: Any, duty: Duty) -> None:
    from anze.duties.services import can_manage_duty

    if not isinstance(actor, str) and not can_manage_duty(actor, duty):
        raise SupervisionError("forbidden", _("只有安委会办公室可以处理暂缓督办的批次。"))


@transaction.atomic
def release_batch(
    hold: BatchHold, *, actor: Any, reason: str = "", now: dt.datetime | None = None
) -> BatchHold:
    """放行 — the office confirms the batch is right: the next run opens its cases."""
    hold = BatchHold.objects.select_for_update().select_related("duty").get(pk=hold.pk)
    _require_office(actor, hold.duty)
    if not hold.state.can_release():
        raise SupervisionError("not_held", _("该批次已处理。"))
    hold.status = HoldStatus.RELEASED
    hold.decided_by = actor if not isinstance(actor, str) else None
    hold.decided_at = now or timezone.now()
    hold.reason = reason
    hold.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    record(
        "supervision.batch.release",
        actor=actor,
        obj=hold.duty,
        after={"rule": hold.rule_id, "cases": hold.cases_held},
        reason=reason,
    )
    return hold


@transaction.atomic
def withdraw_batch(
    rule: DutyRule, *, actor: Any, reason: str, now: dt.datetime | None = None
) -> dict[str, int]:
    """整批撤回 — undo a mistaken confirmation: its untouched items go, its open cases are cancelled, messages
    not yet sent are stopped and the duty returns to 待确认 for the office to confirm again with the right date.

    Items a unit has already acted on stay (their work is real), and so does every record of what was sent.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SupervisionError("reason_required", _("请说明撤回的原因。"))
    rule = DutyRule.objects.select_related("duty").get(pk=rule.pk)
    duty = Duty.objects.select_for_update().get(pk=rule.duty_id)
    _require_office(actor, duty)
    hold = BatchHold.objects.select_for_update().filter(rule=rule).first()
    if hold is not None and not hold.state.can_withdraw():
        raise SupervisionError("already_withdrawn", _("该批次已撤回。"))
    items = Occurrence.objects.filter(rule=rule)
    item_ids = list(items.values_list("pk", flat=True))
    untouched = list(items.filter(touched=False).values_list("pk", flat=True))
    cases = Case.objects.filter(
        content_type_id=_occurrence_type(), object_id__in=item_ids, status__in=OPEN_CASE_STATUSES
    )
    case_ids = list(cases.values_list("pk", flat=True))
    cancelled = Case.objects.filter(pk__in=case_ids).update(
        status=CaseStatus.CANCELLED,
        resolution=_("误生成批次整批撤回：%(reason)s") % {"reason": reason},
        updated_at=now,
    )
    notifications = Notification.objects.filter(occurrence_id__in=untouched) | Notification.objects.filter(
        case_id__in=case_ids
    )
    stopped = Delivery.objects.filter(
        notification__in=notifications.values("pk"),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
    ).update(status=DeliveryStatus.FAILED, last_error=_("批次已撤回，未发送"))
    Notification.objects.filter(occurrence_id__in=untouched).update(occurrence=None)
    withdrawn = Occurrence.objects.filter(pk__in=untouched).delete()[0]
    back_to_draft = Duty.objects.filter(pk=duty.pk, status=DutyStatus.CONFIRMED).update(
        status=DutyStatus.DRAFT, version=F("version") + 1, updated_at=now
    )
    decided = {"status": HoldStatus.WITHDRAWN, "decided_at": now, "reason": reason}
    decided["decided_by"] = actor if not isinstance(actor, str) else None
    if hold is None:
        BatchHold.objects.create(
            rule=rule, duty=duty, region_id=duty.region_id, cases_held=len(case_ids), held_at=now, **decided
        )
    else:
        for name, value in decided.items():
            setattr(hold, name, value)
        hold.save(update_fields=[*decided, "updated_at"])
    result = {
        "items_withdrawn": withdrawn,
        "items_kept": len(item_ids) - withdrawn,
        "cases_cancelled": cancelled,
        "deliveries_stopped": stopped,
        "duty_back_to_draft": back_to_draft,
    }
    record(
        "supervision.batch.withdraw", actor=actor, obj=duty, after={"rule": rule.pk, **result}, reason=reason
    )
    return result
