"""督办 cases: opened by the ladder or by hand (交办), resolved, cancelled; extensions and their decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.supervision import engine, ladder
from anze.supervision.choices import (
    OPEN_CASE_STATUSES,
    CaseSource,
    CaseStatus,
    EventKind,
    ExtensionStatus,
)
from anze.supervision.errors import SupervisionError
from anze.supervision.models import (
    Case,
    Circular,
    ExtensionRequest,
    Notification,
)

# -- cases --------------------------------------------------------------------------------------------
from anze.supervision.services._common import (
    _check_office,
    _check_scope,
    _policy_for_region,
    _uuid,
    is_workday,
    rungs_of,
)


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


MAX_ASSIGN = 200  # items one 交办 may take (a page of the overdue list is 25)


def case_deadline_for(unit: Any, *, today: dt.date) -> dt.date:
    """A case's default deadline: the unit's region's 督办规则 working days from today (10 without one)."""
    policy = _policy_for_region(unit.region)
    rungs = rungs_of(policy) if policy else ladder.Rungs(3, 5, 10)
    return ladder.thresholds(today, rungs, is_workday).case_deadline


def can_assign(user: Any, occurrence: Any) -> bool:
    """交办 is for the office, and a county office within its county (who review the unit's reports)."""
    from anze.duties.services import can_review

    return can_review(user, occurrence)


@transaction.atomic
def assign_cases(
    occurrences: Any,
    *,
    actor: Any,
    reason: str,
    deadline: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Case]:
    """交办: the office starts 督办 by hand on one or more items (from the overdue list or an item's page).

    All or nothing: every item must be in the actor's scope, not yet accepted and not already under an open
    case, or none is opened. Each case is opened by `open_case` (its notice and its own audit event, which
    carries the reason as the case's 督办内容).
    """
    from django.contrib.contenttypes.models import ContentType

    from anze.duties.choices import OccurrenceStatus
    from anze.duties.models import Occurrence

    now = now or timezone.now()
    today = timezone.localdate(now)
    reason = (reason or "").strip()
    if not reason:
        raise SupervisionError("no_reason", _("请写明交办理由。"))
    items = list(
        Occurrence.objects.filter(pk__in=[getattr(o, "pk", o) for o in occurrences])
        .select_related("duty", "unit__region")
        .order_by("due_on", "pk")
    )
    if not items:
        raise SupervisionError("nothing_selected", _("请至少选择一个办理事项。"))
    if len(items) > MAX_ASSIGN:
        raise SupervisionError("too_many", _("一次最多交办 %(n)s 项。") % {"n": MAX_ASSIGN})
    if deadline is not None and deadline < today:
        raise SupervisionError("deadline_past", _("办理期限不能早于今天。"))
    outside = [o for o in items if not (actor is None or isinstance(actor, str) or can_assign(actor, o))]
    if outside:
        raise SupervisionError("forbidden", _("只有安委会办公室（县区安委办限本县区）可以交办督办。"))
    accepted = [o for o in items if o.status == OccurrenceStatus.ACCEPTED]
    if accepted:
        raise SupervisionError(
            "already_done",
            _("%(unit)s 的“%(title)s”已审核通过，无需督办。")
            % {"unit": accepted[0].unit, "title": accepted[0].duty.title[:30]},
        )
    kind = ContentType.objects.get_for_model(Occurrence)
    busy = set(
        Case.objects.filter(
            content_type=kind,
            object_id__in=[o.pk for o in items],
            status__in=[CaseStatus.OPEN, CaseStatus.CIRCULATED],
        ).values_list("object_id", flat=True)
    )
    if busy:
        first = next(o for o in items if o.pk in busy)
        raise SupervisionError(
            "case_exists",
            _("%(unit)s 的“%(title)s”已在督办中。") % {"unit": first.unit, "title": first.duty.title[:30]},
        )
    return [
        open_case(
            actor=actor,
            unit=item.unit,
            title=item.duty.title,
            body=_("交办理由：%(reason)s（该事项截止日期 %(due)s。）")
            % {"reason": reason, "due": item.deadline.isoformat()},
            deadline=deadline or case_deadline_for(item.unit, today=today),
            source=CaseSource.MANUAL,
            source_object=item,
            now=now,
        )
        for item in items
    ]


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
    occurrence: Any = None,
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
                occurrence=occurrence,
                title=title,
                body=body,
                urgent=urgent,
                created_at=now,
            )
    except IntegrityError:
        return None
    engine.fan_out(engine.Counts(), now)
    return notification


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
def resolve_cases_of(
    source_object: Any, *, actor: Any, resolution: str, now: dt.datetime | None = None
) -> int:
    """办结 the open cases of a source that is itself finished (a 重大 hidden danger the supervising department
    has closed): the source's own service has checked who may finish it. One audit event per case."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(source_object)
    cases = Case.objects.select_for_update().filter(
        content_type=content_type, object_id=source_object.pk, status__in=OPEN_CASE_STATUSES
    )
    resolved = 0
    for case in cases:
        before = snapshot(case)
        case.status, case.resolved_at, case.resolution = (
            CaseStatus.RESOLVED,
            now or timezone.now(),
            resolution,
        )
        case.save(update_fields=["status", "resolved_at", "resolution", "updated_at"])
        record("supervision.case.resolve", actor=actor, obj=case, before=before, after=snapshot(case))
        resolved += 1
    return resolved


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
        _extend_source_occurrence(case, now=now)
    if approve:
        body = _("同意延期，办理期限延至 %(deadline)s，请按新期限办结并报送。") % {"deadline": case.deadline}
    else:
        body = _("不同意延期，办理期限仍为 %(deadline)s。理由：%(note)s") % {
            "deadline": case.deadline,
            "note": note.strip(),
        }
    transaction.on_commit(
        lambda: notify(
            kind=EventKind.EXTENSION_DECIDED,
            obj=f"extension{extension.pk}",
            unit=case.unit,
            case=case,
            occurrence=case.source_object if case.source == CaseSource.OCCURRENCE else None,
            now=now,
            title=_("延期申请%(result)s：%(number)s %(title)s")
            % {"result": extension.get_status_display(), "number": case.number, "title": case.title},
            body=body + (f" {note.strip()}" if approve and note.strip() else ""),
        ),
        robust=True,
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


def _extend_source_occurrence(case: Case, *, now: dt.datetime) -> None:
    """A case opened on an overdue item: the granted extension is the item's deadline too (reporting by
    then is on time)."""
    from django.contrib.contenttypes.models import ContentType

    from anze.duties.models import Occurrence
    from anze.duties.services import apply_extension

    if case.object_id and case.content_type_id == ContentType.objects.get_for_model(Occurrence).pk:
        apply_extension(case.object_id, until=case.deadline, now=now)
