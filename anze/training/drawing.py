"""Drawing a paper's questions from a bank by rule (per topic counts, difficulty): pure Python, no Django.

A rule asks for `count` questions of a topic (blank: any topic) and a difficulty (None: any), each worth
`points`. Rules are served in the order given, each from the questions no earlier rule took, so a specific
rule should come before a general one. A rule the bank cannot fill is an error naming the rule and how many
questions it is short: a paper is never drawn smaller than its rules say.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A question that may be drawn."""

    id: int
    topic: str
    difficulty: int


@dataclass(frozen=True)
class Rule:
    topic: str
    difficulty: int | None
    count: int
    points: int

    def accepts(self, question: Candidate) -> bool:
        return (not self.topic or question.topic == self.topic) and (
            self.difficulty is None or question.difficulty == self.difficulty
        )


class DrawError(ValueError):
    """The bank cannot fill a rule."""

    def __init__(self, rule_number: int, rule: Rule, available: int) -> None:
        self.rule_number, self.rule, self.available = rule_number, rule, available
        super().__init__(
            f"第 {rule_number} 条抽题规则需要 {rule.count} 题，题库中符合条件且未被前面规则抽走的只有 {available} 题"
        )


def draw(pool: Sequence[Candidate], rules: Sequence[Rule], seed: str) -> list[tuple[int, int]]:
    """The drawn questions as (question id, points), rule by rule; the same seed draws the same paper."""
    rng = random.Random(seed)
    taken: set[int] = set()
    drawn: list[tuple[int, int]] = []
    ordered = sorted(pool, key=lambda q: q.id)
    for number, rule in enumerate(rules, start=1):
        eligible = [q for q in ordered if q.id not in taken and rule.accepts(q)]
        if len(eligible) < rule.count:
            raise DrawError(number, rule, len(eligible))
        for question in rng.sample(eligible, rule.count):
            taken.add(question.id)
            drawn.append((question.id, rule.points))
    return drawn
