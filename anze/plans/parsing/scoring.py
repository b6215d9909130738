"""Scoring a parse against a hand-made gold file (评测): task recall, unit F1, leader F1, lead-role accuracy.

The gold format is described in docs/plan-format.md ("Gold files"). Pure Python: it reads the parser's
interchange dict, so it also scores a dict produced elsewhere.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .text import normalize

UNIT_ROLES = ("lead_units", "responsible_units", "supporting_units")
LEADER_ROLES = ("lead_leaders", "co_leaders")
# A gold task whose key is not found verbatim still matches a clause this similar to its text.
SIMILAR_ENOUGH = 0.6
_NOT_TEXT = re.compile(r"[\s。；，、：！？“”‘’（）()〔〕【】\[\]《》.,;:!?…—\-|]")


class GoldFileError(ValueError):
    """A gold file that does not follow the documented format."""


def _key(text: str) -> str:
    """The text as compared: canonical form, without punctuation or spaces."""
    return _NOT_TEXT.sub("", normalize(text or ""))


def _names(values: Any, where: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise GoldFileError(f"{where}: expected a list of names (strings)")
    return [normalize(v) for v in values if v.strip()]


@dataclass(frozen=True)
class GoldTask:
    """One assigned item of the gold file: the text that identifies it and who is assigned."""

    text: str
    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()
    supporting_units: tuple[str, ...] = ()
    lead_leaders: tuple[str, ...] = ()
    co_leaders: tuple[str, ...] = ()

    @property
    def units(self) -> set[str]:
        return {*self.lead_units, *self.responsible_units, *self.supporting_units}

    @property
    def leaders(self) -> set[str]:
        return {*self.lead_leaders, *self.co_leaders}


def read_gold(data: dict[str, Any]) -> list[GoldTask]:
    """Validate a gold dict and return its tasks; a clear GoldFileError says what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise GoldFileError('a gold file is a JSON object with a "tasks" list')
    tasks: list[GoldTask] = []
    for index, raw in enumerate(data["tasks"], start=1):
        where = f"tasks[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not _key(raw["text"]):
            raise GoldFileError(f'{where}: each task needs a non-empty "text"')
        unknown = set(raw) - {"text", "note", *UNIT_ROLES, *LEADER_ROLES}
        if unknown:
            raise GoldFileError(f"{where}: unknown keys {sorted(unknown)}")
        tasks.append(
            GoldTask(
                text=raw["text"],
                **{
                    role: tuple(_names(raw.get(role), f"{where}.{role}"))
                    for role in (*UNIT_ROLES, *LEADER_ROLES)
                },
            )
        )
    if not tasks:
        raise GoldFileError('the "tasks" list is empty')
    return tasks


@dataclass
class _Found:
    text: str
    key: str
    lead_units: set[str]
    units: set[str]
    leaders: set[str]


def _found_clauses(plan: dict[str, Any]) -> list[_Found]:
    out: list[_Found] = []
    for section in plan.get("sections") or []:
        for task in section.get("tasks") or []:
            for clause in task.get("clauses") or []:
                text = (task.get("title") or "") + "\n" + (clause.get("text") or "")
                out.append(
                    _Found(
                        text=clause.get("text") or "",
                        key=_key(text),
                        lead_units={normalize(n) for n in clause.get("lead_units") or []},
                        units={normalize(n) for role in UNIT_ROLES for n in clause.get(role) or []},
                        leaders={normalize(n) for role in LEADER_ROLES for n in clause.get(role) or []},
                    )
                )
    return out


@dataclass
class Score:
    """The four figures for one document (or several added up), with the counts behind them."""

    gold_tasks: int = 0
    matched_tasks: int = 0
    found_clauses: int = 0
    unit_tp: int = 0
    unit_fp: int = 0
    unit_fn: int = 0
    leader_tp: int = 0
    leader_fp: int = 0
    leader_fn: int = 0
    lead_correct: int = 0
    missed: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)

    @property
    def task_recall(self) -> float:
        return self.matched_tasks / self.gold_tasks if self.gold_tasks else 1.0

    @staticmethod
    def _f1(tp: int, fp: int, fn: int) -> float:
        if tp + fp + fn == 0:
            return 1.0
        return 2 * tp / (2 * tp + fp + fn)

    @property
    def unit_f1(self) -> float:
        return self._f1(self.unit_tp, self.unit_fp, self.unit_fn)

    @property
    def leader_f1(self) -> float:
        return self._f1(self.leader_tp, self.leader_fp, self.leader_fn)

    @property
    def lead_role_accuracy(self) -> float:
        return (
            self.lead_correct / self.matched_tasks
            if self.matched_tasks
            else (1.0 if not self.gold_tasks else 0.0)
        )

    def add(self, other: Score) -> None:
        """Add another document's counts (the overall figures are micro-averaged)."""
        for name in (
            "gold_tasks", "matched_tasks", "found_clauses", "unit_tp", "unit_fp", "unit_fn",
            "leader_tp", "leader_fp", "leader_fn", "lead_correct",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missed.extend(other.missed)
        self.mistakes.extend(other.mistakes)

    def figures(self) -> dict[str, float]:
        """The four figures, rounded to three places."""
        return {
            "task_recall": round(self.task_recall, 3),
            "unit_f1": round(self.unit_f1, 3),
            "leader_f1": round(self.leader_f1, 3),
            "lead_role_accuracy": round(self.lead_role_accuracy, 3),
        }


def _match(gold: list[GoldTask], found: list[_Found]) -> list[int | None]:
    """Pair each gold task with at most one clause: its text inside the clause, else the most similar."""
    used: set[int] = set()
    pairs: list[int | None] = []
    for task in gold:
        key = _key(task.text)
        choice = next((i for i, f in enumerate(found) if i not in used and key in f.key), None)
        if choice is None:
            best = SIMILAR_ENOUGH
            for index, clause in enumerate(found):
                if index in used:
                    continue
                window = clause.key[: max(len(key) * 2, 40)]
                ratio = difflib.SequenceMatcher(None, key, window, autojunk=False).ratio()
                if ratio >= best:
                    choice, best = index, ratio
        if choice is not None:
            used.add(choice)
        pairs.append(choice)
    return pairs


def score_plan(plan: dict[str, Any], gold: list[GoldTask]) -> Score:
    """Score a parsed plan (interchange dict) against gold tasks.

    Task recall: gold tasks matched to a parsed clause. Unit F1 and leader F1: micro-averaged over
    (task, name) pairs, whatever the role; names on clauses that match no gold task count as false.
    Lead-role accuracy: matched tasks whose parsed lead units are exactly the gold lead units.
    """
    found = _found_clauses(plan)
    pairs = _match(gold, found)
    score = Score(gold_tasks=len(gold), found_clauses=len(found))
    for task, index in zip(gold, pairs, strict=True):
        if index is None:
            score.missed.append(task.text)
            score.unit_fn += len(task.units)
            score.leader_fn += len(task.leaders)
            continue
        clause = found[index]
        score.matched_tasks += 1
        score.unit_tp += len(task.units & clause.units)
        score.unit_fp += len(clause.units - task.units)
        score.unit_fn += len(task.units - clause.units)
        score.leader_tp += len(task.leaders & clause.leaders)
        score.leader_fp += len(clause.leaders - task.leaders)
        score.leader_fn += len(task.leaders - clause.leaders)
        if clause.lead_units == set(task.lead_units):
            score.lead_correct += 1
        if (
            clause.units != task.units
            or clause.leaders != task.leaders
            or clause.lead_units != set(task.lead_units)
        ):
            score.mistakes.append(
                f"{task.text[:20]}: units +{sorted(clause.units - task.units)} -{sorted(task.units - clause.units)}"
                f" leaders +{sorted(clause.leaders - task.leaders)} -{sorted(task.leaders - clause.leaders)}"
                f" lead {sorted(clause.lead_units)} (gold {sorted(task.lead_units)})"
            )
    matched = {i for i in pairs if i is not None}
    for index, clause in enumerate(found):
        if index not in matched:
            score.unit_fp += len(clause.units)
            score.leader_fp += len(clause.leaders)
    return score
