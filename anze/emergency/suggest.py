"""调拨建议: which batches to take a requested quantity from (pure, no Django).

Nearest depot first (estimated road distance); within one depot the batch that expires first (先到期先出),
batches without an expiry last; ties broken by the batch id so the same stock always gives the same answer.
Only what is available (on hand − already allocated) is offered; if all of it is not enough, the
suggestion says how much is missing rather than inventing stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    """A batch that could supply the request: its id, available quantity, expiry and distance to the scene."""

    batch_id: int
    available: int
    distance_km: Decimal
    expires_on: dt.date | None = None


@dataclass(frozen=True)
class Line:
    """Take `quantity` from batch `batch_id`, `distance_km` away."""

    batch_id: int
    quantity: int
    distance_km: Decimal


@dataclass(frozen=True)
class Suggestion:
    lines: tuple[Line, ...]
    shortfall: int

    @property
    def total(self) -> int:
        return sum(line.quantity for line in self.lines)


def _order(candidate: Candidate) -> tuple:
    no_expiry = candidate.expires_on is None
    return (candidate.distance_km, no_expiry, candidate.expires_on or dt.date.max, candidate.batch_id)


def suggest(quantity: int, candidates: list[Candidate], *, usable_from: dt.date | None = None) -> Suggestion:
    """Cover `quantity` from the nearest batches; batches expired on `usable_from` are never offered."""
    if quantity <= 0:
        raise ValueError("the requested quantity must be positive")
    remaining = quantity
    lines: list[Line] = []
    for candidate in sorted(candidates, key=_order):
        if remaining == 0:
            break
        if candidate.available <= 0:
            continue
        if (
            usable_from is not None
            and candidate.expires_on is not None
            and candidate.expires_on < usable_from
        ):
            continue
        take = min(candidate.available, remaining)
        lines.append(Line(candidate.batch_id, take, candidate.distance_km))
        remaining -= take
    return Suggestion(tuple(lines), remaining)
