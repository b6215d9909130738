"""Scheduled jobs of the monitoring app, registered with `anze tick` and the hourly task (apps.py).

Each takes `now`, works in bounded batches and is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anze.monitoring import partitions, services

# Raw readings are kept at least 30 days (40号令 art. 13): a month is dropped once all of it is older than this.
RAW_RETENTION_DAYS = 35


def detect_offline(now: dt.datetime) -> int:
    return services.detect_offline(now=now)


def push_alarms(now: dt.datetime) -> int:
    return services.push_alarms(now=now)


def escalate_alarms(now: dt.datetime) -> int:
    return services.escalate_unhandled_alarms(now=now)


def roll_up(now: dt.datetime) -> int:
    """Roll up the last three whole hours (earlier ones are final; recomputing them is harmless)."""
    end = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return services.roll_up_hours(start=end - dt.timedelta(hours=3), end=end)


def maintain_partitions(now: dt.datetime) -> dict[str, Any]:
    return partitions.maintain(now=now, keep_days=RAW_RETENTION_DAYS)


def vehicles_offline_and_push(now: dt.datetime) -> int:
    """车辆离线 detection, then unacknowledged vehicle alarms pushed to the 交通运输 department."""
    from anze.monitoring import vehicles

    return vehicles.detect_vehicle_offline(now=now) + vehicles.push_vehicle_alarms(now=now)
