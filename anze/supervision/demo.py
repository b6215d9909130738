"""`anze demo` for supervision: the Linyi default 督办 ladder, then one run of it (as `anze tick` does), so the
overdue demo items become reminders, 催办 and 督办 cases with their notices.

Safe to run again: the policy is created only when the city has none, and the ladder runs only while it
has never produced anything, so a second run adds nothing and writes no event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.supervision.choices import EventKind
from anze.supervision.models import Case, EscalationPolicy, Notification

CITY_CODE = "371300"
POLICY_NAME = "临沂市默认督办规则"
# Long enough for a case opened by the earlier run to pass its 10 working days before today's run.
EARLIER_RUN = dt.timedelta(days=21)


def _ensure_policy(region: Any, actor: Any) -> int:
    """The city's default ladder (the model's defaults: remind 3, case after 5, 10 working days to act)."""
    if EscalationPolicy.objects.filter(region=region, plan__isnull=True).exists():
        return 0
    with transaction.atomic():
        policy = EscalationPolicy.objects.create(name=POLICY_NAME, region=region)
        record(
            "supervision.escalationpolicy.create",
            actor=actor,
            obj=policy,
            after=snapshot(policy),
            reason="demo",
            scope_path=region.path,
        )
    return 1


def load(actor: Any = None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Add the Linyi default policy and run the ladder once; returns counts of what was added."""
    from anze.duties.models import Occurrence
    from anze.org.models import Region
    from anze.supervision.services import run_ladder

    city = Region.objects.filter(code=CITY_CODE).first()
    if city is None:
        return {}
    counts = {"policies": _ensure_policy(city, actor)}
    # The demo's own reports already told units and leaders (退回, 待签批): only the ladder's rungs count here.
    ladder_kinds = (EventKind.REMIND, EventKind.URGE, EventKind.CASE_OPENED, EventKind.CIRCULAR)
    never_ran = not Notification.objects.filter(kind__in=ladder_kinds).exists() and not Case.objects.exists()
    if never_ran and Occurrence.objects.exists():
        now = now or timezone.now()
        # The ladder as it would have run three weeks ago and runs today: cases opened then are past their
        # deadline now, so the demo shows a 通报 as well as reminders, 催办 and open cases.
        # Nothing is sent from the demo: the deliveries wait for the worker, which sends only when configured.
        result: dict[str, int] = {}
        for moment in (now - EARLIER_RUN, now):
            result = _add(result, run_ladder(now=moment, send=False))
            if _release_demo_batches(actor):
                # The demo owes this year's periods on purpose: the office releases what the brake held.
                result = _add(result, run_ladder(now=moment, send=False))
            if moment < now:
                counts.update(_demo_extensions(now=moment))
        for key in ("reminders", "urges", "cases", "case_notices", "circular_entries"):
            counts[key] = result.get(key, 0)
    return {key: value for key, value in counts.items() if value}


def _add(total: dict[str, int], more: dict[str, Any]) -> dict[str, int]:
    """The counts of two ladder runs added key by key (only the numbers)."""
    keys = {*total, *more}
    return {key: total.get(key, 0) + more.get(key, 0) for key in keys if isinstance(more.get(key, 0), int)}


def _demo_extensions(*, now: dt.datetime) -> dict[str, int]:
    """The demo unit asks for more time on two of its cases: the office grants one, the other waits."""
    from anze.accounts.models import User
    from anze.supervision.choices import CaseStatus
    from anze.supervision.services import decide_extension, request_extension

    unit_user = User.objects.filter(username="demo_unit").first()
    office_user = User.objects.filter(username="demo_office").first()
    if unit_user is None or office_user is None:
        return {}
    cases = list(Case.objects.restrict(unit_user, "change").filter(status=CaseStatus.OPEN).order_by("pk")[:2])
    counts = {"extensions_granted": 0, "extensions_waiting": 0}
    for index, case in enumerate(cases):
        extension = request_extension(
            case,
            actor=unit_user,
            reason="涉及多个县区联合排查，需补充现场核查材料。",
            requested_deadline=case.deadline + dt.timedelta(days=30),
            now=now,
        )
        if index == 0:
            decide_extension(
                extension, actor=office_user, approve=True, note="同意，请按新期限办结。", now=now
            )
            counts["extensions_granted"] += 1
        else:
            counts["extensions_waiting"] += 1
    return counts


def _release_demo_batches(actor: Any) -> int:
    """Release the batches the brake held in the demo's first run (the demo's backfill is intended)."""
    from anze.supervision.brake import held_batches_all, release_batch

    held = list(held_batches_all())
    for hold in held:
        release_batch(hold, actor=actor or "demo", reason="演示数据：本年度事项为有意补记")
    return len(held)


def demo_step(*, stdout: Any, now: dt.datetime) -> None:
    """`anze demo`: the Linyi default escalation policy and one run of the 督办 ladder."""
    from anze.core.demo import write_counts

    write_counts(stdout, "督办演示数据", load(actor=None, now=now))
