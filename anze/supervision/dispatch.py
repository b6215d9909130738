"""Sending deliveries: claim each atomically, send, record the result, retry with backoff; quiet hours wait."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from anze.supervision import channels, ladder
from anze.supervision.choices import DeliveryStatus
from anze.supervision.models import Delivery

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)  # a worker that dies while sending loses its claim after this
_CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)


def quiet_hours() -> ladder.QuietHours | None:
    """ANZE_SUPERVISION_QUIET_HOURS, e.g. "22:00-07:00" local time ("" for none)."""
    return ladder.QuietHours.parse(getattr(settings, "ANZE_SUPERVISION_QUIET_HOURS", ""))


def defer_for_quiet_hours(now: dt.datetime) -> int:
    """Inside quiet hours, push every due non-urgent delivery to the end of the window (one UPDATE)."""
    quiet = quiet_hours()
    local = timezone.localtime(now)
    if quiet is None or not quiet.contains(local.time()):
        return 0
    resume = quiet.end_after(local)
    return Delivery.objects.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING), urgent=False, next_attempt_at__lt=resume
    ).update(next_attempt_at=resume)


def send_due_deliveries(*, now: dt.datetime, limit: int = 200) -> dict[str, int]:
    """Send up to `limit` deliveries whose time has come; safe to run in several workers at once."""
    result = {"deferred": defer_for_quiet_hours(now), "sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    due = (
        Delivery.objects.filter(status__in=_CLAIMABLE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", "status", "next_attempt_at")[:limit]
    )
    for pk, status, next_at in list(due):
        outcome = send_one(pk, status, next_at, now=now)
        result[outcome] += 1
    return result


def claim(pk: int, status: str, next_at: dt.datetime, *, now: dt.datetime) -> bool:
    """Take the delivery for this worker; False when another worker got there first."""
    return (
        Delivery.objects.filter(pk=pk, status=status, next_attempt_at=next_at).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
        == 1
    )


def send_one(pk: int, status: str, next_at: dt.datetime, *, now: dt.datetime) -> str:
    if not claim(pk, status, next_at, now=now):
        return "skipped"
    delivery = Delivery.objects.select_related("notification", "endpoint").get(pk=pk)
    try:
        answer = channels.send(delivery, now=now)
    except channels.ChannelError as exc:
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.RETRYING,
            last_error=str(exc)[:2000],
            next_attempt_at=now + dt.timedelta(seconds=ladder.backoff_seconds(delivery.attempts)),
        )
        return "failed" if failed else "retrying"
    Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now, response=answer
    )
    return "sent"


def retry_now(delivery: Delivery, *, now: dt.datetime) -> bool:
    """Put a failed delivery back in the queue (the office's 重新发送)."""
    return (
        Delivery.objects.filter(Q(pk=delivery.pk) & Q(status=DeliveryStatus.FAILED)).update(
            status=DeliveryStatus.RETRYING, next_attempt_at=now
        )
        == 1
    )
