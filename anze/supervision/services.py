"""State changes of 督办: the ladder run, cases, extensions, circulars and the inbox. Each writes its audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.duties.calendar import CalendarRangeError
from anze.duties.calendar import is_workday as _calendar_is_workday
from anze.supervision import engine, ladder
from anze.supervision.choices import (
    CaseSource,
    CaseStatus,
    EventKind,
    ExtensionStatus,
)
from anze.supervision.errors import SupervisionError
from anze.supervision.models import Case, Circular, EscalationPolicy, ExtensionRequest, Notification

DIGEST_WEEKDAY = 0  # Monday: leaders get the week's digest with the first run of the week


def is_workday(day: dt.date) -> bool:
    """The statutory calendar; outside the years it knows, Monday to Friday."""
    try:
        return _calendar_is_workday(day)
    except CalendarRangeError:
        return day.weekday() < 5


def rungs_of(policy: EscalationPolicy) -> ladder.Rungs:
    return ladder.Rungs(policy.remind_workdays, policy.case_after_workdays, policy.case_deadline_workdays)


# -- the ladder ---------------------------------------------------------------------------------------


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
        engine.remind(counts, plan_ids, cut, now, batch)
        engine.urge(counts, plan_ids, cut, now, batch)
        engine.open_cases(counts, policy, plan_ids, cut, now, batch)
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


def _uuid() -> Any:
    import uuid

    return uuid.uuid4()


# -- cases --------------------------------------------------------------------------------------------


def _policy_for_region(region: Any) -> EscalationPolicy | None:
    candidates = EscalationPolicy.objects.filter(plan__isnull=True, is_active=True).select_related("region")
    matching = [p for p in candidates if region.path.startswith(p.region.path)]
    return max(matching, key=lambda p: len(p.region.path), default=None)


@transaction.atomic
def open_case(
    *,
    actor: Any,
    unit: Any,
    title: str,
    body: str = "",
    deadline: dt.date,
    source: str = CaseSource.MANUAL,
    source_object: Any = None,
    now: dt.datetime | None = None,
    urgent: bool = False,
) -> Case:
    """Open a 督办 case against a unit from any source (a 重大 hidden danger, an alarm, a tip, or by hand)."""
    from django.contrib.contenttypes.models import ContentType

    now = now or timezone.now()
    policy = _policy_for_region(unit.region)
    prefix = policy.notice_prefix if policy else "安委办督"
    year = timezone.localdate(now).year
    top = Case.objects.filter(prefix=prefix, year=year).aggregate(top=Max("sequence"))["top"] or 0
    if source_object is not None:
        content_type = ContentType.objects.get_for_model(source_object)
        key = f"{content_type.app_label}.{content_type.model}:{source_object.pk}"
    else:
        content_type, key = None, f"manual:{_uuid()}"
    if Case.objects.filter(key=key).exists():
        raise SupervisionError("case_exists", _("该事项已在督办中。"))
    case = Case.objects.create(
        key=key,
        source=source,
        content_type=content_type,
        object_id=getattr(source_object, "pk", None),
        region=unit.region,
        unit=unit,
        policy=policy,
        title=title,
        body=body,
        prefix=prefix,
        year=year,
        sequence=top + 1,
        number=ladder.document_number(prefix, year, top + 1),
        opened_at=now,
        original_deadline=deadline,
        deadline=deadline,
    )
    notify(
        kind=EventKind.CASE_OPENED,
        obj=f"case{case.pk}",
        unit=case.unit,
        case=case,
        now=now,
        urgent=urgent,
        title=_("督办通知（%(number)s）：%(title)s") % {"number": case.number, "title": title},
        body=_("请于 %(deadline)s 前办结并报送。") % {"deadline": deadline},
    )
    record("supervision.case.open", actor=actor, obj=case, after=snapshot(case))
    return case


def notify(
    *,
    kind: str,
    obj: str,
    now: dt.datetime,
    title: str,
    body: str = "",
    unit: Any = None,
    person: Any = None,
    user: Any = None,
    case: Case | None = None,
    circular: Circular | None = None,
    urgent: bool = False,
) -> Notification | None:
    """One in-app notification (and its channel deliveries), unless the same event was already sent."""
    recipient = f"unit{unit.pk}" if unit else f"person{person.pk}" if person else f"user{user.pk}"
    key = ladder.idempotency_key(kind, obj, recipient, "inapp", "-")
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                public_id=_uuid(),
                key=key,
                kind=kind,
                unit=unit,
                person=person,
                user=user,
                case=case,
                circular=circular,
                title=title,
                body=body,
                urgent=urgent,
                created_at=now,
            )
    except IntegrityError:
        return None
    engine.fan_out(engine.Counts(), now)
    return notification


def _check_scope(user: Any, case: Case, action: str) -> None:
    if not Case.objects.restrict(user, action).filter(pk=case.pk).exists():
        raise SupervisionError("forbidden", _("无权办理该督办案件。"))


@transaction.atomic
def resolve_case(case: Case, *, actor: Any, resolution: str, now: dt.datetime | None = None) -> Case:
    """办结 a case by hand (the office confirms the work is done)."""
    _check_office(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.state.can_resolve():
        raise SupervisionError("not_open", _("该案件已办结或已撤销。"))
    before = snapshot(case)
    case.status, case.resolved_at, case.resolution = CaseStatus.RESOLVED, now or timezone.now(), resolution
    case.save(update_fields=["status", "resolved_at", "resolution", "updated_at"])
    record("supervision.case.resolve", actor=actor, obj=case, before=before, after=snapshot(case))
    return case


@transaction.atomic
def cancel_case(case: Case, *, actor: Any, reason: str) -> Case:
    """撤销 a case opened in error; it stays on record."""
    _check_office(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.state.can_cancel():
        raise SupervisionError("not_open", _("该案件已办结或已撤销。"))
    before = snapshot(case)
    case.status, case.resolution = CaseStatus.CANCELLED, reason
    case.save(update_fields=["status", "resolution", "updated_at"])
    record(
        "supervision.case.cancel", actor=actor, obj=case, before=before, after=snapshot(case), reason=reason
    )
    return case


def _check_office(user: Any, case: Case) -> None:
    from anze.accounts.roles import Role

    if not (getattr(user, "is_superuser", False) or user.has_role(Role.OFFICE)):
        raise SupervisionError("forbidden", _("只有安委会办公室可以办理此项。"))
    _check_scope(user, case, "change")


# -- extensions ---------------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    case: Case, *, actor: Any, reason: str, requested_deadline: dt.date, now: dt.datetime | None = None
) -> ExtensionRequest:
    """延期申请: the unit asks for a later deadline with its reasons."""
    _check_scope(actor, case, "change")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.state.can_request_extension():
        raise SupervisionError("not_open", _("只有督办中的案件可以申请延期。"))
    if not reason.strip():
        raise SupervisionError("no_reason", _("请说明延期理由。"))
    if requested_deadline <= case.deadline:
        raise SupervisionError("not_later", _("申请的期限须晚于现办理期限。"))
    if case.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise SupervisionError("pending_exists", _("已有待审批的延期申请。"))
    extension = ExtensionRequest.objects.create(
        case=case,
        reason=reason.strip(),
        current_deadline=case.deadline,
        requested_deadline=requested_deadline,
        requested_by=actor,
    )
    record("supervision.extension.request", actor=actor, obj=extension, after=snapshot(extension))
    return extension


@transaction.atomic
def decide_extension(
    extension: ExtensionRequest, *, actor: Any, approve: bool, note: str = "", now: dt.datetime | None = None
) -> ExtensionRequest:
    """The office approves (the case deadline moves; extensions and delay days are counted) or refuses."""
    now = now or timezone.now()
    _check_office(actor, extension.case)
    extension = ExtensionRequest.objects.select_for_update().select_related("case").get(pk=extension.pk)
    if not extension.state.can_decide():
        raise SupervisionError("decided", _("该申请已审批。"))
    if not approve and not note.strip():
        raise SupervisionError("no_reason", _("不同意时请写明理由。"))
    case = Case.objects.select_for_update().get(pk=extension.case_id)
    before = snapshot(case)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if approve:
        case.delay_days += (extension.requested_deadline - case.deadline).days
        case.deadline = extension.requested_deadline
        case.extensions += 1
        case.save(update_fields=["deadline", "delay_days", "extensions", "updated_at"])
    notify(
        kind=EventKind.EXTENSION_DECIDED,
        obj=f"extension{extension.pk}",
        unit=case.unit,
        case=case,
        now=now,
        title=_("延期申请%(result)s：%(number)s")
        % {"result": extension.get_status_display(), "number": case.number},
        body=note or _("办理期限：%(deadline)s") % {"deadline": case.deadline},
    )
    record(
        "supervision.extension.approve" if approve else "supervision.extension.refuse",
        actor=actor,
        obj=extension,
        before=before,
        after=snapshot(case),
        reason=note,
    )
    return extension


# -- inbox --------------------------------------------------------------------------------------------


def inbox_for(user: Any):
    """The notifications addressed to the user, to the person they are, or to the units they work for."""
    units = [a.unit_id for a in user.active_assignments() if a.unit_id]
    q = Q(user_id=user.pk) | Q(unit_id__in=units)
    if getattr(user, "person_id", None):
        q |= Q(person_id=user.person_id)
    return Notification.objects.filter(q)


@transaction.atomic
def mark_read(notification: Notification, *, actor: Any, now: dt.datetime | None = None) -> bool:
    """Mark a notification read (once); False when it already was or is not the user's."""
    changed = (
        inbox_for(actor)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=now or timezone.now())
    )
    if changed:
        record("supervision.notification.read", actor=actor, obj=notification)
    return bool(changed)


@transaction.atomic
def mark_all_read(*, actor: Any, now: dt.datetime | None = None) -> int:
    changed = inbox_for(actor).filter(read_at__isnull=True).update(read_at=now or timezone.now())
    if changed:
        record("supervision.notification.read_all", actor=actor, after={"count": changed})
    return changed
