"""The blacklist rules of 应急管理部令第11号 (安全生产严重失信主体名单管理办法) — pure functions, no ORM.

Each rule reads recorded facts and proposes a listing; a department then decides (notice, objection period,
written decision). Listing cases implemented here:

- `major_accident`: a 特别重大 or 重大 accident;
- `two_larger_accidents`: two or more 较大 accidents within 12 months (the second one's date proposes);
- `concealed_or_false_report`: a 瞒报 or 谎报 of an accident;
- `without_permit`: a penalty for operating without the required safety permit, or while it was suspended or
  revoked.

Term: three years from the decision; early repair on application after at least 12 months; removal at
expiry stops publication and the measures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anze.enforcement.grading import Grade, add_months

TERM_MONTHS = 36
REPAIR_AFTER_MONTHS = 12
WINDOW_MONTHS = 12

RULES = {
    "major_accident": "发生重大及以上生产安全事故",
    "two_larger_accidents": "12个月内发生2起以上较大生产安全事故",
    "concealed_or_false_report": "瞒报、谎报生产安全事故",
    "without_permit": "未依法取得安全生产许可或者在暂扣、吊销期间从事生产经营活动",
}


@dataclass(frozen=True)
class AccidentFact:
    enterprise: int
    accident: int
    grade: Grade
    day: dt.date
    concealed_or_false: bool = False


@dataclass(frozen=True)
class PenaltyFact:
    enterprise: int
    penalty: int
    day: dt.date
    without_permit: bool


@dataclass(frozen=True)
class Proposal:
    """A proposed listing: the enterprise, the rule, the fact that triggered it (its key) and its date."""

    enterprise: int
    rule: str
    fact_key: str
    day: dt.date


def proposals(accidents: list[AccidentFact], penalties: list[PenaltyFact]) -> list[Proposal]:
    """Every listing the facts call for, one per (rule, triggering fact), sorted."""
    found: list[Proposal] = []
    by_enterprise: dict[int, list[AccidentFact]] = {}
    for fact in accidents:
        if fact.grade >= Grade.MAJOR:
            found.append(Proposal(fact.enterprise, "major_accident", f"accident:{fact.accident}", fact.day))
        if fact.concealed_or_false:
            found.append(
                Proposal(fact.enterprise, "concealed_or_false_report", f"accident:{fact.accident}", fact.day)
            )
        if fact.grade == Grade.LARGER:
            by_enterprise.setdefault(fact.enterprise, []).append(fact)
    for enterprise, larger in by_enterprise.items():
        larger.sort(key=lambda f: (f.day, f.accident))
        for later_index, later in enumerate(larger):
            window_start = add_months(later.day, -WINDOW_MONTHS)
            if any(window_start <= earlier.day for earlier in larger[:later_index]):
                found.append(
                    Proposal(enterprise, "two_larger_accidents", f"accident:{later.accident}", later.day)
                )
    for fact in penalties:
        if fact.without_permit:
            found.append(Proposal(fact.enterprise, "without_permit", f"penalty:{fact.penalty}", fact.day))
    return sorted(set(found), key=lambda p: (p.day, p.enterprise, p.rule, p.fact_key))


def expires_on(listed_on: dt.date) -> dt.date:
    return add_months(listed_on, TERM_MONTHS)


def repair_from(listed_on: dt.date) -> dt.date:
    """The first day an early repair (信用修复) may be granted."""
    return add_months(listed_on, REPAIR_AFTER_MONTHS)
