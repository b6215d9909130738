"""The 督办 job registered with anze.core.registry: run by `anze tick` and the hourly task."""

from __future__ import annotations

import datetime as dt
from typing import Any


def ladder(now: dt.datetime) -> dict[str, Any]:
    """Run the ladder once; it reads the overdue flags the duties job has just set, so it is registered after."""
    from anze.supervision.services import run_ladder

    return run_ladder(now=now)
