"""The ingest's memory of the monitoring points: who a reading belongs to, its limits, and its alarm state.

A gateway message names its readings by (统一社会信用代码, point code). Resolving them, and reading each
point's thresholds and state machine memory, would cost queries per batch; a consumer instead keeps them in
process, loaded once per enterprise:

- Invalidation: every batch starts with one look at the points table (`count(*)`, `max(updated_at)`); a
  point registered, edited (its thresholds) or removed changes it, and everything cached is forgotten.
- State: on PostgreSQL the state of a point is kept between batches and written back with a
  compare-and-set (`services.ingest_readings`): a row whose `last_at`, `faults` or `level` is no longer what
  this process last wrote (the offline job marked it, the HTTP door ingested it, a batch was rolled back) is
  read again under lock and evaluated afresh. On SQLite (one writer at a time) the state is read each batch.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Max

from anze.monitoring import alarming
from anze.monitoring.models import MonitoringPoint

_LIMIT_FIELDS = ("id", "enterprise_id", "region_path", "code", "low_low", "low", "high", "high_high", "range_min",
                 "range_max", "deadband", "debounce", "frozen_after", "expected_period_s")  # fmt: skip
STATE_COLUMNS = ("level", "pending", "pending_count", "faults", "last_value", "same_count", "last_at")


class PointState:
    """A point's alarm state as ingest holds it (alarming.State with the last value as a float)."""

    __slots__ = STATE_COLUMNS

    def __init__(self, level=0, pending=0, pending_count=0, faults="", last_value=None, same_count=0, last_at=None):
        self.level, self.pending, self.pending_count, self.faults = level, pending, pending_count, faults
        self.last_value, self.same_count, self.last_at = last_value, same_count, last_at

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in STATE_COLUMNS)

    def copy(self) -> PointState:
        return PointState(*self.row())

    def machine(self) -> alarming.State:
        return alarming.State(
            level=alarming.Level(self.level),
            pending=alarming.Level(self.pending),
            pending_count=self.pending_count,
            faults=frozenset(alarming.Fault(f) for f in self.faults.split(",") if f),
            last_value=Decimal(repr(self.last_value)) if self.last_value is not None else None,
            same_count=self.same_count,
            last_at=self.last_at,
        )

    @classmethod
    def of(cls, state: alarming.State) -> PointState:
        return cls(
            int(state.level),
            int(state.pending),
            state.pending_count,
            ",".join(sorted(f.value for f in state.faults)),
            float(state.last_value) if state.last_value is not None else None,
            state.same_count,
            state.last_at,
        )


class Entry:
    """One point: ids for the rows written, its limits, and the open band in which a quiet point stays quiet."""

    __slots__ = ("pk", "enterprise_id", "region_path", "code", "limits", "low", "high", "frozen_after", "state")

    def __init__(self, values: dict) -> None:
        self.pk = values["id"]
        self.enterprise_id = values["enterprise_id"]
        self.region_path = values["region_path"]
        self.code = values["code"]
        self.limits = alarming.Limits(
            low_low=values["low_low"], low=values["low"], high=values["high"], high_high=values["high_high"],
            range_min=values["range_min"], range_max=values["range_max"], deadband=values["deadband"],
            debounce=values["debounce"], frozen_after=values["frozen_after"],
            expected_period=dt.timedelta(seconds=values["expected_period_s"]),
        )  # fmt: skip
        self.low, self.high = alarming.quiet_band(self.limits)
        self.frozen_after = self.limits.frozen_after or math.inf
        self.state: PointState | None = None


class PointCache:
    """Points by (enterprise, code) and by id; `validate()` once per batch, `forget()` after a failure."""

    def __init__(self, *, keep_states: bool | None = None) -> None:
        self.keep_states = keep_states
        self.enterprises: dict[str, int | None] = {}
        self.by_code: dict[int, dict[str, Entry]] = {}
        self.by_id: dict[int, Entry] = {}
        self.stamp: tuple | None = None

    def forget(self) -> None:
        self.enterprises.clear()
        self.by_code.clear()
        self.by_id.clear()
        self.stamp = None

    def validate(self) -> None:
        """Forget everything when a point was registered, changed or removed since the last batch."""
        seen = MonitoringPoint.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        stamp = (seen["n"], seen["last"])
        if stamp != self.stamp:
            self.forget()
            self.stamp = stamp

    def keeps_states(self) -> bool:
        return self.keep_states if self.keep_states is not None else connection.vendor == "postgresql"

    def enterprise_id(self, credit_code: str) -> int | None:
        if credit_code not in self.enterprises:
            from anze.enterprises.models import Enterprise

            self.enterprises[credit_code] = (
                Enterprise.objects.filter(credit_code=credit_code).values_list("pk", flat=True).first()
            )
        return self.enterprises[credit_code]

    def points_of(self, enterprise_id: int) -> dict[str, Entry]:
        """The enterprise's points by code (all of them, loaded on first need)."""
        points = self.by_code.get(enterprise_id)
        if points is None:
            rows = MonitoringPoint.objects.filter(enterprise_id=enterprise_id).values(*_LIMIT_FIELDS)
            points = {}
            for values in rows:
                entry = self.by_id.get(values["id"]) or Entry(values)
                points[entry.code] = self.by_id[entry.pk] = entry
            self.by_code[enterprise_id] = points
        return points

    def by_ids(self, ids: Iterable[int]) -> dict[int, Entry]:
        ids = set(ids)
        missing = ids - self.by_id.keys()
        if missing:
            for values in MonitoringPoint.objects.filter(pk__in=missing).values(*_LIMIT_FIELDS):
                self.by_id[values["id"]] = Entry(values)
        return {pk: self.by_id[pk] for pk in ids if pk in self.by_id}

    def load_states(self, entries: Iterable[Entry], *, lock: bool = False) -> None:
        """Read the stored state of `entries` (those not kept, or all with `lock`) in one query."""
        keep = self.keeps_states() and not lock
        wanted = [e for e in entries if e.state is None or not keep]
        if not wanted:
            return
        by_pk = {e.pk: e for e in wanted}
        rows = MonitoringPoint.objects.filter(pk__in=by_pk).order_by("pk")
        if lock:
            rows = rows.select_for_update()
        for pk, *state in rows.values_list("pk", *STATE_COLUMNS):
            by_pk[pk].state = PointState(*state)
