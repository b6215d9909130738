"""Per-address submission limits, counted in the database so several web processes share them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from anze.public.errors import RateLimitedError
from anze.public.models import RateCounter
from anze.public.tracking import client_key

DEFAULT_LIMITS = ((dt.timedelta(hours=1), 5), (dt.timedelta(days=1), 20))


def limits() -> tuple[tuple[dt.timedelta, int], ...]:
    per_hour = int(getattr(settings, "ANZE_PUBLIC_TIPS_PER_HOUR", DEFAULT_LIMITS[0][1]))
    per_day = int(getattr(settings, "ANZE_PUBLIC_TIPS_PER_DAY", DEFAULT_LIMITS[1][1]))
    return ((dt.timedelta(hours=1), per_hour), (dt.timedelta(days=1), per_day))


def _bucket(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def check(address: str, *, now: dt.datetime) -> None:
    """Raise RateLimitedError when a window of `address` is full; counts nothing. Call it before any costly
    work on the request (reading and decoding photos)."""
    key = client_key(address or "unknown")
    for window, allowed in limits():
        used = (
            RateCounter.objects.filter(key=key, window_start__gt=_bucket(now) - window).aggregate(
                n=Sum("count")
            )["n"]
            or 0
        )
        if used >= allowed:
            raise RateLimitedError("提交过于频繁，请稍后再试")


def hit(address: str, *, now: dt.datetime) -> None:
    """Count one submission from `address`; raise RateLimitedError when a window is full (nothing counted)."""
    check(address, now=now)
    key = client_key(address or "unknown")
    bucket = _bucket(now)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start=bucket).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=bucket, count=1)
            except IntegrityError:
                RateCounter.objects.filter(key=key, window_start=bucket).update(count=F("count") + 1)


def prune(*, now: dt.datetime) -> int:
    """Delete counters older than the longest window (a job)."""
    longest = max(window for window, _ in limits())
    deleted, _ = RateCounter.objects.filter(window_start__lt=_bucket(now) - longest).delete()
    return deleted
