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
        # Nothing is sent from the demo: the deliveries wait for the worker, which sends only when configured.
        result = run_ladder(now=now or timezone.now(), send=False)
        if _release_demo_batches(actor):
            # The demo owes this year's periods on purpose: the office releases what the brake held.
            again = run_ladder(now=now or timezone.now(), send=False)
            result = {key: result.get(key, 0) + again.get(key, 0) for key in {*result, *again}}
        for key in ("reminders", "urges", "cases", "case_notices", "circular_entries"):
            counts[key] = result.get(key, 0)
    return {key: value for key, value in counts.items() if value}


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
