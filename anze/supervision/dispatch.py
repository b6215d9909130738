"""Sending deliveries: claim them atomically, batch them per channel, respect the rate limit, record the result.

A run takes the deliveries whose time has come and groups them by endpoint. More than
ANZE_NOTICE_DIGEST_AFTER for one endpoint go out as a digest (one message listing every unit and item);
fewer go one by one. Before each message the endpoint's slot is reserved in the send log (EndpointSend):
at most ANZE_WEBHOOK_PER_MINUTE messages to one robot in any 60 seconds, counted from the log so that
several workers share the limit. What does not fit waits in the queue for the next run. A throttling
answer (HTTP 429, DingTalk 130101, WeCom 45009) pauses the endpoint and puts its messages back in the queue
without counting a failed attempt: nothing is dropped. Quiet hours push non-urgent messages to the morning.

The limiter's clock is injectable (`clock`), so tests can check the rate from the send log without sleeping.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from anze.supervision import channels, ladder, messages
from anze.supervision.choices import Channel, DeliveryStatus, SendOutcome
from anze.supervision.models import Delivery, Endpoint, EndpointSend

Clock = Callable[[], dt.datetime]

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)  # a worker that dies while sending loses its claim after this
WINDOW = dt.timedelta(seconds=60)
RATE_LIMITED = (Channel.DINGTALK, Channel.WECOM)
# How long a throttled robot waits when it does not say: DingTalk blocks a robot for 10 minutes.
THROTTLE_WAIT = {Channel.DINGTALK: 600, Channel.WECOM: 60}
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


def running_clock(now: dt.datetime) -> Clock:
    """A clock that starts at `now` and moves with real time (the default: stamps stay true in production)."""
    start = time.monotonic()
    return lambda: now + dt.timedelta(seconds=time.monotonic() - start)


def per_minute() -> int:
    return int(getattr(settings, "ANZE_WEBHOOK_PER_MINUTE", 15))


def digest_after() -> int:
    return int(getattr(settings, "ANZE_NOTICE_DIGEST_AFTER", 3))


def send_due_deliveries(*, now: dt.datetime, limit: int = 200, clock: Clock | None = None) -> dict[str, int]:
    """Send up to `limit` deliveries whose time has come; safe to run in several workers at once."""
    clock = clock or running_clock(now)
    result = {
        "deferred": defer_for_quiet_hours(now),
        "sent": 0,
        "retrying": 0,
        "failed": 0,
        "skipped": 0,
        "queued": 0,
        "throttled": 0,
        "messages": 0,
        "digests": 0,
    }
    due = (
        Delivery.objects.filter(status__in=_CLAIMABLE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", "endpoint_id", "status", "next_attempt_at")[:limit]
    )
    by_endpoint: dict[int, list[tuple[int, str, dt.datetime]]] = {}
    for pk, endpoint_id, status, next_at in list(due):
        by_endpoint.setdefault(endpoint_id, []).append((pk, status, next_at))
    for endpoint_id, rows in by_endpoint.items():
        send_to_endpoint(endpoint_id, rows, now=now, clock=clock, result=result)
    return result


def claim(pk: int, status: str, next_at: dt.datetime, *, now: dt.datetime) -> bool:
    """Take the delivery for this worker; False when another worker got there first."""
    return (
        Delivery.objects.filter(pk=pk, status=status, next_attempt_at=next_at).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
        == 1
    )


def release(ids: list[int], *, until: dt.datetime, reason: str = "") -> int:
    """Put claimed deliveries back in the queue for `until`; the claim's attempt is not counted."""
    changes: dict[str, Any] = {
        "status": Case(
            When(attempts__gt=1, then=Value(DeliveryStatus.RETRYING)), default=Value(DeliveryStatus.PENDING)
        ),
        "attempts": F("attempts") - 1,
        "next_attempt_at": until,
    }
    if reason:
        changes["last_error"] = reason[:2000]
    return Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(**changes)


def reserve(
    endpoint: Endpoint, *, clock: Clock, items: int
) -> tuple[EndpointSend | None, dt.datetime | None]:
    """Take a slot to send one message now: (the send-log row, None), or (None, when a slot frees up).

    The endpoint row is locked while the log is counted, so workers sharing the endpoint take turns.
    """
    with transaction.atomic():
        Endpoint.objects.select_for_update().filter(pk=endpoint.pk).values_list("pk", flat=True).first()
        moment = clock()
        paused = (
            EndpointSend.objects.filter(endpoint=endpoint, resume_at__gt=moment)
            .order_by("-resume_at")
            .values_list("resume_at", flat=True)
            .first()
        )
        if paused is not None:
            return None, paused
        if endpoint.channel in RATE_LIMITED:
            recent = list(
                EndpointSend.objects.filter(endpoint=endpoint, started_at__gt=moment - WINDOW)
                .order_by("started_at")
                .values_list("started_at", flat=True)
            )
            allowed = per_minute()
            if len(recent) >= allowed:
                # The slot frees when the oldest send that keeps the window full leaves it.
                return None, recent[len(recent) - allowed] + WINDOW
        return EndpointSend.objects.create(endpoint=endpoint, started_at=moment, items=items), None


def _load(ids: list[int]) -> list[Delivery]:
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related(
            "notification__unit",
            "notification__person",
            "notification__user",
            "notification__occurrence__duty",
            "notification__occurrence__unit",
            "notification__case__unit",
            "notification__circular",
        )
        .order_by("id")
    )


def _fail(batch: list[Delivery], error: str, *, now: dt.datetime, result: dict[str, int]) -> None:
    for delivery in batch:
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.RETRYING,
            last_error=error[:2000],
            next_attempt_at=now + dt.timedelta(seconds=ladder.backoff_seconds(delivery.attempts)),
        )
        result["failed" if failed else "retrying"] += 1


def send_to_endpoint(
    endpoint_id: int,
    rows: list[tuple[int, str, dt.datetime]],
    *,
    now: dt.datetime,
    clock: Clock,
    result: dict,
) -> None:
    """Claim the endpoint's due deliveries, then send them one by one or as a digest, within the rate."""
    claimed = [pk for pk, status, next_at in rows if claim(pk, status, next_at, now=now)]
    result["skipped"] += len(rows) - len(claimed)
    if not claimed:
        return
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    deliveries = _load(claimed)
    notices = messages.notices_of(d.notification for d in deliveries)
    if len(deliveries) > digest_after():
        batches = messages.digest(notices, endpoint.channel, now=clock())
    else:
        batches = [(messages.single(notice), [index]) for index, notice in enumerate(notices)]
    for position, (message, indexes) in enumerate(batches):
        batch = [deliveries[i] for i in indexes]
        waiting = [deliveries[i].pk for _m, later in batches[position:] for i in later]
        send, wait_until = reserve(endpoint, clock=clock, items=len(batch))
        if send is None:
            result["queued"] += release(waiting, until=wait_until)
            return
        try:
            answer = channels.send(endpoint, message, now=now)
        except channels.ChannelThrottled as exc:
            resume = clock() + dt.timedelta(
                seconds=exc.retry_after or THROTTLE_WAIT.get(endpoint.channel, 60)
            )
            EndpointSend.objects.filter(pk=send.pk).update(
                outcome=SendOutcome.THROTTLED, resume_at=resume, answer=str(exc)[:2000]
            )
            result["throttled"] += release(waiting, until=resume, reason=str(exc))
            return
        except channels.ChannelError as exc:
            EndpointSend.objects.filter(pk=send.pk).update(outcome=SendOutcome.FAILED, answer=str(exc)[:2000])
            _fail(batch, str(exc), now=now, result=result)
            continue
        EndpointSend.objects.filter(pk=send.pk).update(outcome=SendOutcome.SENT, answer=answer[:2000])
        result["sent"] += Delivery.objects.filter(
            pk__in=[d.pk for d in batch], status=DeliveryStatus.SENDING
        ).update(status=DeliveryStatus.SENT, sent_at=now, response=answer, send=send)
        result["messages"] += 1
        result["digests"] += len(batch) > 1


def retry_now(delivery: Delivery, *, now: dt.datetime) -> bool:
    """Put a failed delivery back in the queue (the office's 重新发送)."""
    return (
        Delivery.objects.filter(Q(pk=delivery.pk) & Q(status=DeliveryStatus.FAILED)).update(
            status=DeliveryStatus.RETRYING, next_attempt_at=now
        )
        == 1
    )
