"""State changes of 督办: the ladder run, cases, extensions, circulars and the inbox. Each writes its audit event."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, record_standalone, snapshot
from anze.duties.calendar import CalendarRangeError
from anze.duties.calendar import is_workday as _calendar_is_workday
from anze.supervision import brake, engine, ladder, messages
from anze.supervision.channels import ChannelError
from anze.supervision.channels.base import check_webhook_url
from anze.supervision.choices import (
    OPEN_CASE_STATUSES,
    CaseSource,
    CaseStatus,
    Channel,
    EventKind,
    ExtensionStatus,
)
from anze.supervision.errors import SupervisionError
from anze.supervision.models import (
    Case,
    Circular,
    Endpoint,
    EscalationPolicy,
    ExtensionRequest,
    Notification,
)

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
def resolve_cases_of(source_object: Any, *, actor: Any, resolution: str, now: dt.datetime | None = None) -> int:
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
        case.status, case.resolved_at, case.resolution = CaseStatus.RESOLVED, now or timezone.now(), resolution
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


# -- notices announced by other apps (anze.core.notices) ----------------------------------------------


def deliver_notice(kind: str, facts: dict[str, Any]) -> None:
    """Tell the person who must act next, in the inbox and the configured channels (after the commit)."""
    from anze.core import notices

    if kind == notices.REPORT_RETURNED:
        notify_report_returned(**facts)
    elif kind == notices.SIGN_OFF_WAITING:
        notify_sign_off_waiting(**facts)


def notify_report_returned(*, occurrence_id: int, review_id: int, reason: str, now: dt.datetime) -> None:
    """报告退回: the unit must report again, with the reviewer's reason."""
    from anze.duties.models import Occurrence

    occurrence = Occurrence.objects.select_related("duty", "unit").get(pk=occurrence_id)
    notify(
        kind=EventKind.REPORT_RETURNED,
        obj=f"review{review_id}",
        unit=occurrence.unit,
        occurrence=occurrence,
        now=now,
        title=_("报告被退回：%(title)s") % {"title": occurrence.duty.title},
        body=_("退回理由：%(reason)s。请按意见修改后重新报送。") % {"reason": reason.rstrip("。.；; ")},
    )


def sign_off_leaders(occurrence: Any) -> list[Any]:
    """The people who may 签批 the occurrence: its clause's leaders, or its committee's first director."""
    from anze.org.choices import CommitteeLeaderRole
    from anze.org.models import Person
    from anze.plans.choices import LEADER_ROLES
    from anze.plans.models import ClauseAssignment

    leaders = ClauseAssignment.objects.filter(
        clause_id=occurrence.duty.clause_id, role__in=list(LEADER_ROLES), person__isnull=False
    ).values("person_id")
    people = Q(pk__in=leaders)
    if occurrence.committee_id:
        people |= Q(
            pk__in=occurrence.committee.leaders.filter(role=CommitteeLeaderRole.FIRST_DIRECTOR).values(
                "person_id"
            )
        )
    return list(Person.objects.filter(people).order_by("pk"))


def notify_sign_off_waiting(*, occurrence_id: int, review_id: int, now: dt.datetime) -> None:
    """待签批: the report was accepted; each leader who may sign it off is told."""
    from anze.duties.models import Occurrence

    occurrence = Occurrence.objects.select_related("duty", "unit", "committee").get(pk=occurrence_id)
    for person in sign_off_leaders(occurrence):
        notify(
            kind=EventKind.SIGN_OFF,
            obj=f"review{review_id}",
            person=person,
            occurrence=occurrence,
            now=now,
            title=_("待签批：%(unit)s · %(title)s")
            % {"unit": occurrence.unit.name, "title": occurrence.duty.title},
            body=_("报告已审核通过，请您签批。"),
        )


def _extend_source_occurrence(case: Case, *, now: dt.datetime) -> None:
    """A case opened on an overdue item: the granted extension is the item's deadline too (reporting by
    then is on time)."""
    from django.contrib.contenttypes.models import ContentType

    from anze.duties.models import Occurrence
    from anze.duties.services import apply_extension

    if case.object_id and case.content_type_id == ContentType.objects.get_for_model(Occurrence).pk:
        apply_extension(case.object_id, until=case.deadline, now=now)


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


# -- settings: escalation policies and channels --------------------------------------------------------

POLICY_FIELDS = (
    "name",
    "region",
    "plan",
    "remind_workdays",
    "case_after_workdays",
    "case_deadline_workdays",
    "circulate",
    "issuing_office",
    "notice_prefix",
    "circular_prefix",
)
ENDPOINT_FIELDS = ("name", "channel", "target", "region", "unit", "events")
WEBHOOK_CHANNELS: dict[str, tuple[str, str, str]] = {
    # channel: (host, path, the query parameter that carries the robot's token)
    Channel.DINGTALK: ("oapi.dingtalk.com", "/robot/send", "access_token"),
    Channel.WECOM: ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send", "key"),
}
WEBHOOK_EXAMPLES = {
    channel: f"https://{host}{path}?{param}=…" for channel, (host, path, param) in WEBHOOK_CHANNELS.items()
}


def _invalid(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _ensure_allowed(actor: Any, action: str, obj: Any) -> None:
    """Refuse unless `obj` (as saved) lies within the actor's scope for `action`; commands may."""
    if actor is None or isinstance(actor, str):
        return
    if not type(obj).objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权对“%(object)s”执行此操作。") % {"object": obj})


def _policy_snapshot(policy: EscalationPolicy) -> dict[str, Any]:
    return snapshot(policy, fields=[*POLICY_FIELDS, "is_active"])


def _check_policy(policy: EscalationPolicy) -> None:
    """The friendly form of the policy's invariants (the database enforces them too)."""
    for field in ("remind_workdays", "case_after_workdays"):
        if getattr(policy, field) is None or getattr(policy, field) < 0:
            raise _invalid(field, _("请填写不小于 0 的工作日数。"), "policy_negative")
    if policy.case_deadline_workdays is None or policy.case_deadline_workdays < 1:
        raise _invalid("case_deadline_workdays", _("督办办理期限至少为 1 个工作日。"), "policy_deadline")
    if not policy.name.strip():
        raise _invalid("name", _("请填写规则名称。"), "policy_name")
    if policy.plan_id is None:
        other = (
            EscalationPolicy.objects.filter(region_id=policy.region_id, plan__isnull=True)
            .exclude(pk=policy.pk)
            .first()
        )
        if other is not None:
            raise _invalid(
                "plan",
                _(
                    "%(region)s 已有默认督办规则“%(name)s”%(inactive)s。每个区划只能有一条默认规则："
                    "请修改那条规则，或为本规则选择一个方案。"
                )
                % {
                    "region": policy.region.name,
                    "name": other.name,
                    "inactive": "" if other.is_active else _("（已停用，可重新启用）"),
                },
                "policy_default_exists",
            )
        return
    plan = policy.plan
    if not plan.region.path.startswith(policy.region.path):
        raise _invalid("plan", _("所选方案不属于本规则的区划。"), "policy_plan_outside_region")
    other = EscalationPolicy.objects.filter(plan_id=policy.plan_id).exclude(pk=policy.pk).first()
    if other is not None:
        raise _invalid(
            "plan", _("该方案已有督办规则“%(name)s”。") % {"name": other.name}, "policy_plan_taken"
        )


def _save_policy(policy: EscalationPolicy) -> None:
    _check_policy(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as error:  # a concurrent save got there first: the same friendly message
        _check_policy(policy)
        raise _invalid(None, _("保存失败：与其他督办规则冲突，请刷新后重试。"), "policy_conflict") from error


@transaction.atomic
def create_escalation_policy(*, actor: Any, region: Any, name: str, **fields: Any) -> EscalationPolicy:
    """新增督办规则: a region's default ladder (no plan) or one plan's own."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"EscalationPolicy cannot take {sorted(unknown)} here")
    policy = EscalationPolicy(region=region, name=name.strip(), **fields)
    _save_policy(policy)
    _ensure_allowed(actor, "add", policy)
    record("supervision.escalationpolicy.create", actor=actor, obj=policy, after=_policy_snapshot(policy))
    return policy


@transaction.atomic
def update_escalation_policy(policy: EscalationPolicy, *, actor: Any, **changes: Any) -> EscalationPolicy:
    """修改督办规则: its numbers, documents' prefixes, region or plan; the next ladder run uses them."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"EscalationPolicy cannot change {sorted(unknown)} here")
    policy = EscalationPolicy.objects.select_for_update().get(pk=policy.pk)
    _ensure_allowed(actor, "change", policy)
    before = _policy_snapshot(policy)
    for field, value in changes.items():
        setattr(policy, field, value.strip() if isinstance(value, str) else value)
    after = _policy_snapshot(policy)
    if after == before:
        return policy
    _save_policy(policy)
    _ensure_allowed(actor, "change", policy)
    record("supervision.escalationpolicy.update", actor=actor, obj=policy, before=before, after=after)
    return policy


def _set_active(obj: Any, *, actor: Any, active: bool, reason: str, snap: Any, action: str) -> Any:
    """停用 or 重新启用 a settings row under a row lock, audited as `<action>.activate|deactivate`."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    _ensure_allowed(actor, "change", obj)
    if obj.is_active == active:
        return obj
    before = snap(obj)
    obj.is_active = active
    obj.save(update_fields=["is_active", "updated_at"])
    verb = "activate" if active else "deactivate"
    record(f"{action}.{verb}", actor=actor, obj=obj, before=before, after=snap(obj), reason=reason)
    return obj


@transaction.atomic
def set_escalation_policy_active(
    policy: EscalationPolicy, *, actor: Any, active: bool, reason: str = ""
) -> EscalationPolicy:
    """停用 (the ladder no longer uses it; its cases keep it) or 重新启用 a policy; it is never deleted."""
    return _set_active(
        policy, actor=actor, active=active, reason=reason, snap=_policy_snapshot,
        action="supervision.escalationpolicy",
    )  # fmt: skip


def normalize_events(value: str) -> str:
    """ "remind, 催办" → "remind,urge": known event kinds (by code or label), comma-separated; "" for all."""
    by_name = {kind.value: kind.value for kind in EventKind} | {
        str(kind.label): kind.value for kind in EventKind
    }
    words = [w for w in re.split(r"[,，、;；\s]+", value or "") if w]
    unknown = [w for w in words if w not in by_name]
    if unknown:
        known = "、".join(f"{kind.value}（{kind.label}）" for kind in EventKind)
        raise _invalid(
            "events",
            _("未知的消息类型：%(unknown)s。可填：%(known)s；多个用逗号分隔，留空为全部。")
            % {"unknown": "、".join(unknown), "known": known},
            "endpoint_unknown_event",
        )
    chosen = {by_name[w] for w in words}
    return ",".join(kind.value for kind in EventKind if kind.value in chosen)


def check_target(channel: str, target: str) -> str:
    """The address cleaned, or a ValidationError saying which address to paste."""
    target = (target or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            raise _invalid("target", _("请填写有效的邮箱地址。"), "endpoint_bad_email") from None
        return target
    if channel not in WEBHOOK_CHANNELS:
        raise _invalid("channel", _("请选择电子邮件、钉钉群机器人或企业微信群机器人。"), "endpoint_channel")
    host, path, token = WEBHOOK_CHANNELS[channel]
    parts = urllib.parse.urlsplit(target)
    try:
        check_webhook_url(target, resolve=False)
        allowed = True
    except ChannelError:
        allowed = False
    public_hosts = {h for h, _p, _t in WEBHOOK_CHANNELS.values()}
    if allowed and parts.hostname == host:
        query = urllib.parse.parse_qs(parts.query)
        allowed = parts.path == path and bool(query.get(token, [""])[0].strip())
    elif allowed and parts.hostname in public_hosts:
        allowed = False  # the other platform's robot pasted into this channel
    if not allowed:
        raise _invalid(
            "target",
            _(
                "请粘贴%(channel)s的 Webhook 地址，形如 %(example)s。地址须以 https:// 开头，主机须为：%(hosts)s"
                "（政务钉钉、内网中转等其他主机，请系统管理员加入 ANZE_WEBHOOK_HOSTS）。"
            )
            % {
                "channel": Channel(channel).label,
                "example": WEBHOOK_EXAMPLES[channel],
                "hosts": "、".join(getattr(settings, "ANZE_WEBHOOK_HOSTS", [])) or "—",
            },
            "endpoint_bad_webhook",
        )
    return target


def _endpoint_snapshot(endpoint: Endpoint) -> dict[str, Any]:
    """Never the webhook's token nor the signing key: the trail shows the masked address."""
    data = snapshot(endpoint, fields=[*ENDPOINT_FIELDS, "is_active"])
    data["target"] = endpoint.masked_target
    # Not "has_secret": the audit trail redacts any key whose last word is "secret".
    data["secret_set"] = bool(endpoint.secret)
    return data


def _check_endpoint(endpoint: Endpoint) -> None:
    if not endpoint.name.strip():
        raise _invalid("name", _("请填写渠道名称。"), "endpoint_name")
    endpoint.target = check_target(endpoint.channel, endpoint.target)
    endpoint.events = normalize_events(endpoint.events)
    if endpoint.secret and endpoint.channel != Channel.DINGTALK:
        raise _invalid("secret", _("只有钉钉群机器人使用加签密钥。"), "endpoint_secret_channel")
    if endpoint.unit_id is not None and not endpoint.unit.region.path.startswith(endpoint.region.path):
        raise _invalid("unit", _("所选单位不在本渠道的区划内。"), "endpoint_unit_outside_region")


@transaction.atomic
def create_endpoint(
    *,
    actor: Any,
    name: str,
    channel: str,
    target: str,
    region: Any,
    unit: Any = None,
    events: str = "",
    secret: str = "",
) -> Endpoint:
    """新增通知渠道: an email address or a group robot that receives the region's (or a unit's) messages."""
    endpoint = Endpoint(
        name=name.strip(),
        channel=channel,
        target=target,
        region=region,
        unit=unit,
        events=events,
        secret=(secret or "").strip(),
    )
    _check_endpoint(endpoint)
    endpoint.save()
    _ensure_allowed(actor, "add", endpoint)
    record("supervision.endpoint.create", actor=actor, obj=endpoint, after=_endpoint_snapshot(endpoint))
    return endpoint


@transaction.atomic
def update_endpoint(endpoint: Endpoint, *, actor: Any, secret: str | None = None, **changes: Any) -> Endpoint:
    """修改通知渠道. An empty `target` keeps the address; `secret` None keeps the key, "" removes it."""
    unknown = set(changes) - set(ENDPOINT_FIELDS)
    if unknown:
        raise TypeError(f"Endpoint cannot change {sorted(unknown)} here")
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    _ensure_allowed(actor, "change", endpoint)
    before = _endpoint_snapshot(endpoint)
    old_target, old_secret = endpoint.target, endpoint.secret
    if not (changes.get("target") or "").strip():
        changes.pop("target", None)
    for field, value in changes.items():
        setattr(endpoint, field, value.strip() if isinstance(value, str) else value)
    if secret is not None:
        endpoint.secret = secret.strip()
    if endpoint.channel != Channel.DINGTALK and secret is None:
        endpoint.secret = ""  # a key only DingTalk uses is not kept for another channel
    if endpoint.channel != before["channel"] and endpoint.target == old_target:
        raise _invalid("target", _("更换渠道时请同时填写新地址。"), "endpoint_target_required")
    _check_endpoint(endpoint)
    after = _endpoint_snapshot(endpoint)
    secret_changed = endpoint.secret != old_secret
    target_changed = endpoint.target != old_target
    if after == before and not secret_changed and not target_changed:
        return endpoint
    endpoint.save()
    _ensure_allowed(actor, "change", endpoint)
    after["secret_changed"] = secret_changed
    after["target_changed"] = target_changed
    record("supervision.endpoint.update", actor=actor, obj=endpoint, before=before, after=after)
    return endpoint


@transaction.atomic
def set_endpoint_active(endpoint: Endpoint, *, actor: Any, active: bool, reason: str = "") -> Endpoint:
    """停用 (no new deliveries; past ones stay on record) or 重新启用 a channel; it is never deleted."""
    return _set_active(
        endpoint, actor=actor, active=active, reason=reason, snap=_endpoint_snapshot,
        action="supervision.endpoint",
    )  # fmt: skip


def send_test_message(endpoint: Endpoint, *, actor: Any, now: dt.datetime | None = None) -> str:
    """Send one test message through the channel now; the remote answer, or SupervisionError with the reason.

    Not inside a transaction: the network call may take seconds. The attempt is audited either way.
    """
    from anze.supervision.channels import dingtalk, email, wecom

    now = now or timezone.now()
    _ensure_allowed(actor, "change", endpoint)
    senders = {Channel.EMAIL: email.send, Channel.DINGTALK: dingtalk.send, Channel.WECOM: wecom.send}
    title = str(_("安责督办测试消息"))
    line = str(_("这是一条测试消息：收到即表示“%(name)s”配置正确。")) % {"name": endpoint.name}
    footer = f"{_('安责')} · {messages.local(now)}"
    message = messages.Message(
        title=title, markdown=f"### {title}\n\n{line}\n\n> {footer}", text=f"{line}\n{footer}"
    )
    try:
        answer = senders[Channel(endpoint.channel)](endpoint, message, now=now)
    except ChannelError as error:
        reason = str(error).replace(endpoint.target, endpoint.masked_target)
        if endpoint.secret:
            reason = reason.replace(endpoint.secret, "[redacted]")
        record_standalone(
            "supervision.endpoint.test", actor=actor, obj=endpoint, success=False, reason=reason[:500]
        )
        raise SupervisionError("send_failed", _("发送失败：%(reason)s") % {"reason": reason}) from error
    record_standalone("supervision.endpoint.test", actor=actor, obj=endpoint)
    return answer
