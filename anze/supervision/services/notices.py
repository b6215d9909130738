"""Notices other apps announce (returned reports, 待签批) and the inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.supervision.choices import (
    EventKind,
)
from anze.supervision.models import (
    Notification,
)

# -- notices announced by other apps (anze.core.notices) ----------------------------------------------
from anze.supervision.services.cases import notify


def deliver_notice(kind: str, facts: dict[str, Any]) -> None:
    """Tell the person who must act next, in the inbox and the configured channels (after the commit)."""
    from anze.core import notices

    if kind == notices.REPORT_RETURNED:
        notify_report_returned(**facts)
    elif kind == notices.SIGN_OFF_WAITING:
        notify_sign_off_waiting(**facts)
    elif kind == notices.MONITORING_ALARM:
        notify_monitoring_alarm(**facts)
    elif kind == notices.ALERT:
        notify_alert(**facts)


def notify_monitoring_alarm(
    *, obj: str, title: str, body: str, urgent: bool, now: dt.datetime, unit_ids=(), user_ids=()
) -> int:
    """监测报警: the units and users the announcing app names (an enterprise's users, then the county's and the
    city's departments while nobody acknowledges), in the inbox and the configured channels; once per `obj`."""
    from anze.accounts.models import User
    from anze.org.models import Unit

    sent = 0
    for unit in Unit.objects.filter(pk__in=list(unit_ids)).order_by("pk"):
        sent += notify(kind=EventKind.MONITORING_ALARM, obj=obj, unit=unit, now=now, title=title, body=body,
                       urgent=urgent) is not None  # fmt: skip
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk"):
        sent += notify(kind=EventKind.MONITORING_ALARM, obj=obj, user=user, now=now, title=title, body=body,
                       urgent=urgent) is not None  # fmt: skip
    return sent


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


def notify_alert(
    *, unit_id: int | None, key: str, title: str, body: str, now: dt.datetime, user_ids=()
) -> None:
    """预警提醒: a unit (and any users named) is told about a fact it must act on, once per `key`."""
    from anze.accounts.models import User
    from anze.org.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    if unit is not None:
        notify(kind=EventKind.ALERT, obj=key[:120], unit=unit, now=now, title=title[:200], body=body)
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk"):
        notify(kind=EventKind.ALERT, obj=key[:120], user=user, now=now, title=title[:200], body=body)


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
