"""Test data for monitoring, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from anze.monitoring import services
from anze.monitoring.choices import PointKind

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
_codes = itertools.count(1)


def make_point(enterprise: Any, **fields: Any):
    """A level point: range 0–100, 低 20, 高 80, 高高 90, debounce 1, reporting every minute from T0."""
    values = {
        "code": f"LT-{next(_codes):04d}",
        "name": "储罐液位",
        "kind": PointKind.LEVEL,
        "range_min": Decimal(0),
        "range_max": Decimal(100),
        "low": Decimal(20),
        "high": Decimal(80),
        "high_high": Decimal(90),
        "debounce": 1,
        "expected_period_s": 60,
        "in_service_from": T0,
    }
    values.update(fields)
    return services.create_point(actor=None, enterprise=enterprise, **values)


def feed(point: Any, values: list[float], *, start: dt.datetime = T0, step_s: int = 60):
    """Ingest `values` one minute apart, each in its own batch (as a gateway would send them)."""
    results = []
    for i, value in enumerate(values):
        at = start + dt.timedelta(seconds=step_s * i)
        results.append(services.ingest_readings([(point.pk, at, value)], actor="test", now=at))
    return results
