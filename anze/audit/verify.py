"""Checking the chain: every event's hash, its link to the one before, and the sequence without gaps.

The walk reads events in sequence order in batches by key (`sequence > last`), so memory stays
constant and a run over millions of rows is one indexed range scan after another. What a break
means:

- a gap in the sequence: rows were deleted;
- a row whose stored hash differs from the hash of its fields: the row was edited;
- a row whose prev_hash is not the previous row's hash: a row was inserted, reordered, or an edit
  was covered by recomputing that row's hash;
- rows beyond the chain head, or a head that points past the last row: rows were appended or removed
  at the end without going through record().
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from anze.audit.chain import GENESIS
from anze.audit.models import AuditChainHead, AuditEvent
from anze.audit.partitions import archived

DEFAULT_BATCH_SIZE = 2000
MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One place where the chain does not hold."""

    sequence: int
    kind: str  # deleted | edited | inserted | head
    message: str

    @property
    def label(self) -> str:
        return str(PROBLEM_LABELS.get(self.kind, self.kind))


PROBLEM_LABELS = {
    "deleted": _("记录被删除"),
    "edited": _("记录被篡改"),
    "inserted": _("记录被插入或重排"),
    "head": _("链头不一致"),
}


@dataclass
class VerifyResult:
    """What a verification run found."""

    checked: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None
    reached_end: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    seconds: float = 0.0
    # Events #1 to this left the trail with detached months; the proof starts after them.
    archived_through: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def next_sequence(self) -> int | None:
        """Where a bounded run that stopped early should continue."""
        return None if self.reached_end or self.last_sequence is None else self.last_sequence + 1

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        span = f"#{self.first_sequence}–#{self.last_sequence}" if self.checked else "-"
        state = "intact" if self.ok else f"BROKEN ({self.problem_count} problem(s))"
        scope = "" if self.reached_end else f"; stopped early, continue from #{self.next_sequence}"
        archive = f"; #1–#{self.archived_through} archived" if self.archived_through else ""
        return (
            f"checked {self.checked} event(s) {span} in {self.seconds:.2f} s: chain {state}{scope}{archive}"
        )


def verify_chain(
    *,
    start: int = 1,
    limit: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_problem: Callable[[Problem], None] | None = None,
) -> VerifyResult:
    """Walk the chain from sequence `start` (at most `limit` events) and report every break."""
    began = time.monotonic()
    result = VerifyResult()
    start = max(start, 1)
    expected, prev_hash, tail = 1, GENESIS, 0
    gone = archived()
    if gone is not None and start <= gone.through + 1:
        # The oldest months were detached past the retention (anze/audit/partitions.py): the proof starts
        # from the hash the detachment recorded for the last of them.
        start, expected, prev_hash, tail = gone.through + 1, gone.through + 1, gone.hash, gone.through
        result.archived_through = gone.through
    elif start > 1:
        before = AuditEvent.objects.filter(sequence__lt=start).order_by("-sequence").first()
        if before is not None:
            expected, prev_hash, tail = before.sequence + 1, before.hash, before.sequence

    def report(problem: Problem) -> None:
        result.add(problem)
        if on_problem is not None:
            on_problem(problem)

    last_seen = tail
    exhausted = False
    while not exhausted:
        take = batch_size if limit is None else min(batch_size, limit - result.checked)
        if take <= 0:
            break
        batch = list(AuditEvent.objects.filter(sequence__gt=last_seen).order_by("sequence")[:take])
        if len(batch) < take:
            exhausted = True
        for event in batch:
            gap = event.sequence != expected
            if gap:
                missing = (
                    f"#{expected}" if event.sequence == expected + 1 else f"#{expected}–#{event.sequence - 1}"
                )
                report(Problem(expected, "deleted", f"event(s) {missing} missing before #{event.sequence}"))
            if event.computed_hash() != event.hash:
                report(Problem(event.sequence, "edited", f"#{event.sequence} does not match its hash"))
            # After a gap the link is broken by the deletion already reported; do not count it twice.
            if not gap and prev_hash is not None and event.prev_hash != prev_hash:
                report(
                    Problem(
                        event.sequence,
                        "inserted",
                        f"#{event.sequence} does not link to #{event.sequence - 1} (prev_hash differs)",
                    )
                )
            if result.first_sequence is None:
                result.first_sequence = event.sequence
            result.last_sequence = event.sequence
            result.checked += 1
            expected, prev_hash, last_seen = event.sequence + 1, event.hash, event.sequence
    if exhausted:
        result.reached_end = True
        _check_head(result, last_seen, prev_hash, report)
    result.seconds = time.monotonic() - began
    return result


def _check_head(
    result: VerifyResult, last_sequence: int, last_hash: str | None, report: Callable[[Problem], None]
) -> None:
    """The head written with each append must point at the last row: catches changes at the very end."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_sequence > 0:
            report(Problem(last_sequence, "head", "the chain head is missing"))
        return
    if head.sequence > last_sequence:
        missing = (
            f"#{last_sequence + 1}"
            if head.sequence == last_sequence + 1
            else (f"#{last_sequence + 1}–#{head.sequence}")
        )
        report(
            Problem(
                last_sequence + 1,
                "deleted",
                f"event(s) {missing} missing at the end (head is #{head.sequence})",
            )
        )
    elif head.sequence < last_sequence:
        report(
            Problem(
                head.sequence + 1,
                "inserted",
                f"event(s) #{head.sequence + 1}–#{last_sequence} lie beyond the chain head #{head.sequence}",
            )
        )
    elif last_hash is not None and head.hash != last_hash and last_sequence > 0:
        report(Problem(last_sequence, "head", f"the chain head's hash differs from #{last_sequence}'s"))


def verify_event(event: AuditEvent) -> tuple[bool, bool]:
    """(its own hash holds, it links to the event before it) for the detail page."""
    hash_ok = event.computed_hash() == event.hash
    if event.sequence == 1:
        return hash_ok, event.prev_hash == GENESIS
    previous = AuditEvent.objects.filter(sequence=event.sequence - 1).values_list("hash", flat=True).first()
    return hash_ok, previous is not None and previous == event.prev_hash
