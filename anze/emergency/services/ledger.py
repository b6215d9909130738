"""The stock ledger: every change to a batch's on-hand or allocated quantity is one appended StockMove, and
the batch's counters move in the same transaction by a conditional UPDATE that refuses to go below zero or
to allocate more than is on hand. Part of the services: callers write the audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from anze.emergency.errors import OutOfStockError
from anze.emergency.models import Allocation, StockBatch, StockMove
from anze.emergency.services._common import actor_label, person_or_none


def move(
    batch: StockBatch,
    *,
    kind: str,
    on_hand: int = 0,
    allocated: int = 0,
    actor: Any,
    now: dt.datetime,
    allocation: Allocation | None = None,
    note: str = "",
) -> StockMove:
    """Append one move and apply it to the batch, or raise OutOfStockError and change nothing."""
    # After the move: on_hand' ≥ 0, allocated' ≥ 0 and allocated' ≤ on_hand'. The WHERE is re-checked on
    # the row the UPDATE locks, so two concurrent moves can never both pass on the same last units.
    changed = _apply(batch, on_hand=on_hand, allocated=allocated, now=now)
    if changed != 1:
        raise OutOfStockError(
            _("“%(batch)s”的可用数量不足（可能刚被其他调拨占用），请刷新后重试。") % {"batch": batch}
        )
    return StockMove.objects.create(
        batch=batch,
        kind=kind,
        on_hand_change=on_hand,
        allocated_change=allocated,
        allocation=allocation,
        moved_at=now,
        actor=person_or_none(actor),
        actor_label=actor_label(actor),
        note=note[:200],
    )


def _apply(batch: StockBatch, *, on_hand: int, allocated: int, now: dt.datetime) -> int:
    rows = StockBatch.objects.filter(pk=batch.pk)
    if on_hand < 0:
        rows = rows.filter(on_hand__gte=-on_hand)
    if allocated < 0:
        rows = rows.filter(allocated__gte=-allocated)
    if allocated - on_hand > 0:
        rows = rows.filter(on_hand__gte=F("allocated") + (allocated - on_hand))
    return rows.update(on_hand=F("on_hand") + on_hand, allocated=F("allocated") + allocated, updated_at=now)


def ledger_totals(batch_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Each batch's on-hand and allocated as its ledger sums them (to check the counters against)."""
    from django.db.models import Sum

    moves = StockMove.objects.all()
    if batch_ids is not None:
        moves = moves.filter(batch_id__in=batch_ids)
    rows = moves.order_by().values("batch_id").annotate(h=Sum("on_hand_change"), a=Sum("allocated_change"))
    return {row["batch_id"]: (row["h"] or 0, row["a"] or 0) for row in rows}
