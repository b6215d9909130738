"""Scoring an exam paper, and the per-candidate shuffle of options: pure Python, no Django.

Options are kept as the bank wrote them (A, B, C … in the question's order). Each candidate sees them in a
shuffled order stored on the attempt: `order[i]` is the original index of the option shown at position i.
What the candidate ticks is mapped back to original indices before it is stored, so the key and the
scoring never see the shuffle.

Scoring (the rule printed on every paper):
- 单选题 and 判断题: the one right option earns the question's points, anything else nothing;
- 多选题: exactly the right options earn the points. With partial credit on (少选得分), a non-empty
  choice that is a strict subset of the right options earns half the points, rounded down; any wrong
  option earns nothing.
An unanswered question earns nothing. A candidate passes with a score at or above the paper's pass mark.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LETTERS = "ABCDEFGH"
MAX_OPTIONS = len(LETTERS)
SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"


class ScoringError(ValueError):
    """A choice or a key that cannot be read: the message says what is wrong."""


def indices(letters: str, option_count: int) -> frozenset[int]:
    """ "AC" → {0, 2}; refuses letters beyond the question's options."""
    chosen = set()
    for letter in letters.strip().upper():
        position = LETTERS.find(letter)
        if position < 0 or position >= option_count:
            raise ScoringError(f"选项“{letter}”不存在（本题只有 {LETTERS[:option_count]}）")
        chosen.add(position)
    return frozenset(chosen)


def letters(positions: Iterable[int]) -> str:
    """{2, 0} → "AC" (sorted, the form answers and keys are stored in)."""
    return "".join(LETTERS[i] for i in sorted(set(positions)))


@dataclass(frozen=True)
class Item:
    """One question of a paper as scoring sees it: its kind, the right option indices and its points."""

    kind: str
    key: frozenset[int]
    points: int


def points_for(item: Item, chosen: frozenset[int], *, partial_credit: bool = False) -> int:
    """The points one answer earns."""
    if not chosen:
        return 0
    if chosen == item.key:
        return item.points
    if item.kind == MULTIPLE and partial_credit and chosen < item.key:
        return item.points // 2
    return 0


@dataclass(frozen=True)
class Result:
    """A scored paper: the total, the most it could be, and each question's points (by question id)."""

    score: int
    max_score: int
    points: Mapping[int, int]

    def passed(self, pass_score: int) -> bool:
        return self.score >= pass_score


def score(
    items: Mapping[int, Item], answers: Mapping[int, frozenset[int]], *, partial_credit: bool = False
) -> Result:
    """Score the answers (question id → chosen original indices) against the items of the paper.

    Answers to questions not on the paper are ignored; questions without an answer earn nothing.
    """
    points = {qid: points_for(item, answers.get(qid, frozenset()), partial_credit=partial_credit)
              for qid, item in items.items()}  # fmt: skip
    return Result(
        score=sum(points.values()), max_score=sum(item.points for item in items.values()), points=points
    )


# ------------------------------------------------------------------------------------ shuffling


def shuffled(seed: str, count: int) -> list[int]:
    """A permutation of range(count) fixed by `seed` (the same seed gives the same order)."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


def to_original(displayed: Iterable[int], order: Sequence[int]) -> frozenset[int]:
    """The original option indices of the positions a candidate ticked, given the order shown."""
    positions = frozenset(displayed)
    if any(not 0 <= position < len(order) for position in positions):
        raise ScoringError("选项超出本题范围")
    return frozenset(order[position] for position in positions)


def to_displayed(original: Iterable[int], order: Sequence[int]) -> frozenset[int]:
    """The positions at which the given original options were shown (to re-tick them after a reload)."""
    where = {orig: position for position, orig in enumerate(order)}
    return frozenset(where[i] for i in original)
