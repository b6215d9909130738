"""The duties job registered with anze.core.registry: run by `anze tick` and the hourly task."""

from __future__ import annotations

import datetime as dt
from typing import Any


def tick(now: dt.datetime, *, horizon_days: int | None = None) -> dict[str, Any]:
    """Materialize work items over the horizon and flag overdue ones (safe to run twice)."""
    from anze.duties.scheduling import DEFAULT_HORIZON_DAYS, run_tick

    return run_tick(now=now, horizon_days=horizon_days or DEFAULT_HORIZON_DAYS)
