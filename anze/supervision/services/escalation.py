"""The ladder run (reminders, 催办, cases, circulars) and the leaders' weekly digest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.supervision import brake, engine, ladder
from anze.supervision.choices import (
    CaseStatus,
    EventKind,
)
from anze.supervision.models import (
    Case,
    Circular,
    EscalationPolicy,
    Notification,
)

# -- the ladder ---------------------------------------------------------------------------------------
from anze.supervision.services._common import DIGEST_WEEKDAY, _uuid, is_workday, rungs_of


def run_ladder(
    *, now: dt.datetime | None = None, batch: int = engine.DEFAULT_BATCH, send: bool = True
) -> dict:
    """One pass of the ladder for `now`: reminders, 催办, cases and notices, resolutions, circulars, digest.

    Set-based and idempotent: running it twice for the same `now` creates nothing twice. With `send`, the
    deliveries that are due are sent afterwards (bounded); `anze tick` calls this once per run.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = engine.Counts()
    circulars = 0
    for policy, plan_ids in engine.policies_by_plan().items():
        cut = ladder.thresholds(today, rungs_of(policy), is_workday)
        held = brake.hold_new_batches(policy, plan_ids, cut, now)
        engine.remind(counts, plan_ids, cut, now, batch)
        engine.urge(counts, plan_ids, cut, now, batch, held)
        engine.open_cases(counts, policy, plan_ids, cut, now, batch, held)
    engine.resolve_reported(counts, now)
    for policy in EscalationPolicy.objects.filter(is_active=True, circulate=True).select_related("region"):
        circulars += issue_due_circular(policy, today=today, now=now)
    digests = send_weekly_digest(now=now) if today.weekday() == DIGEST_WEEKDAY else 0
    result = {**counts.__dict__, "circular_entries": circulars, "digests": digests}
    with transaction.atomic():
        if any(v for k, v in result.items() if k != "statements"):
            record(
                "supervision.ladder.run", actor="supervision-ladder", after={**result, "now": now.isoformat()}
            )
    if send:
        from anze.supervision.dispatch import send_due_deliveries

        result["sending"] = send_due_deliveries(now=now)
    return result


def _next_circular_sequence(prefix: str, year: int) -> int:
    top = Circular.objects.filter(prefix=prefix, year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


@transaction.atomic
def issue_due_circular(policy: EscalationPolicy, *, today: dt.date, now: dt.datetime) -> int:
    """通报 the units whose cases under `policy` are still open after their deadline; one circular per day."""
    due = Case.objects.filter(policy=policy, status=CaseStatus.OPEN, deadline__lt=today)
    if not due.exists():
        return 0
    key = f"circular:policy{policy.pk}:{today:%Y-%m-%d}"
    circular = Circular.objects.select_for_update().filter(key=key).first()
    if circular is None:
        sequence = _next_circular_sequence(policy.circular_prefix, today.year)
        circular = Circular.objects.create(
            key=key,
            region=policy.region,
            policy=policy,
            prefix=policy.circular_prefix,
            year=today.year,
            sequence=sequence,
            number=ladder.document_number(policy.circular_prefix, today.year, sequence),
            title=_("关于督办事项逾期未办结情况的通报"),
            issuing_office=policy.issuing_office,
            issued_on=today,
        )
    counts = engine.Counts()
    added = engine.enter_circular(counts, circular.pk, policy.pk, today, now)
    names = list(circular.entries.values_list("unit__name", flat=True).distinct().order_by("unit__name"))
    circular.body = _(
        "经督办，下列单位的督办事项在办理期限届满时仍未办结，现予通报：%(units)s。"
        "请被通报单位认真整改，并将整改情况报市安委会办公室。本通报计入年度安全生产考核。"
    ) % {"units": "、".join(names)}
    circular.save(update_fields=["body", "updated_at"])
    record("supervision.circular.issue", actor="supervision-ladder", obj=circular, after={"entries": added})
    return added


def send_weekly_digest(*, now: dt.datetime) -> int:
    """每周汇总: each leader gets the open and overdue counts of the clauses they lead (once per ISO week)."""
    from anze.duties.choices import OPEN_STATUSES
    from anze.duties.models import Occurrence
    from anze.plans.choices import LEADER_ROLES
    from anze.plans.models import ClauseAssignment

    today = timezone.localdate(now)
    year, week, _day = today.isocalendar()
    leaders = (
        ClauseAssignment.objects.filter(role__in=list(LEADER_ROLES), person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    created = 0
    for person_id in leaders:
        clauses = ClauseAssignment.objects.filter(person_id=person_id, role__in=list(LEADER_ROLES)).values(
            "clause_id"
        )
        figures = Occurrence.objects.filter(duty__clause_id__in=clauses).aggregate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        )
        cases = Case.objects.filter(
            clause_id__in=clauses, status__in=[CaseStatus.OPEN, CaseStatus.CIRCULATED]
        ).count()
        key = ladder.idempotency_key(
            EventKind.DIGEST, "-", f"person{person_id}", "inapp", f"{year}-W{week:02d}"
        )
        with transaction.atomic():
            _notification, was_created = Notification.objects.get_or_create(
                key=key,
                defaults={
                    "public_id": _uuid(),
                    "kind": EventKind.DIGEST,
                    "person_id": person_id,
                    "title": _("%(year)s年第%(week)s周分管工作督办汇总") % {"year": year, "week": week},
                    "body": _(
                        "您牵头的条款：待办 %(open)s 项，其中逾期 %(overdue)s 项；督办中案件 %(cases)s 件。"
                    )
                    % {**figures, "cases": cases},
                    "created_at": now,
                },
            )
        created += was_created
    return created
