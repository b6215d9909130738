"""Sign-in throttle by source address (等保 L3-CES1-02 beside the per-account lock).

Failures from one address are counted in five-minute buckets in the database, so every web process sees
them. At `ANZE_LOCKOUT_ADDRESS_FAILURES` within the lockout window, every sign-in from that address is
refused with the same answer as a wrong password, until the window has passed. A success never resets the
count (one known account must not wash out guesses at others).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from anze.accounts import policy
from anze.accounts.models import AddressFailureCount
from anze.core.middleware import client_ip

BUCKET_MINUTES = 5


def address_of(request: Any) -> str | None:
    """The client address of a sign-in, None without a request (commands, tests calling the backend)."""
    if request is None or not hasattr(request, "META"):
        return None
    return (client_ip(request) or "")[:64] or None


def _bucket(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=now.minute - now.minute % BUCKET_MINUTES, second=0, microsecond=0)


def is_throttled(address: str | None, now: dt.datetime | None = None) -> bool:
    if not address:
        return False
    now = now or timezone.now()
    since = _bucket(now - policy.lockout_window())
    failures = AddressFailureCount.objects.filter(address=address, bucket__gte=since).aggregate(n=Sum("failures"))
    return (failures["n"] or 0) >= policy.security("LOCKOUT_ADDRESS_FAILURES")


def note_failure(address: str | None, now: dt.datetime | None = None) -> None:
    if not address:
        return
    bucket = _bucket(now or timezone.now())
    with transaction.atomic():
        if AddressFailureCount.objects.filter(address=address, bucket=bucket).update(failures=F("failures") + 1):
            return
        try:
            with transaction.atomic():
                AddressFailureCount.objects.create(address=address, bucket=bucket, failures=1)
        except IntegrityError:  # another process created the bucket first
            AddressFailureCount.objects.filter(address=address, bucket=bucket).update(failures=F("failures") + 1)


def prune(*, now: dt.datetime) -> int:
    """Delete buckets older than the lockout window (the nightly job)."""
    deleted, _ = AddressFailureCount.objects.filter(bucket__lt=_bucket(now - policy.lockout_window())).delete()
    return deleted
