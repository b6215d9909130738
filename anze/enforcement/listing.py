"""The blacklist rules of 应急管理部令第11号 (安全生产严重失信主体名单管理办法) — pure functions, no ORM.

Each rule reads recorded facts and proposes a listing of a subject: the unit, and where the rule names them its
主要负责人 (a natural person, listed with the unit's name and barred from the industry while listed). A
department then decides (notice, objection period, written decision). Listing cases implemented here:

- with an accident (DOMAIN.md §8, cases 1, 2, 4): `major_accident` (a 特别重大 or 重大 accident),
  `two_larger_accidents` (two or more 较大 accidents within 12 months; the second one's date proposes) and
  `concealed_or_false_report` (a 瞒报 or 谎报) — each the unit and its 主要负责人; `aggravated_fine` (case 3:
  an especially serious case fined at 2–5 times under Safety Law art. 114) — the unit;
- without an accident: `without_permit` (operating without the required safety permit, or while it was
  suspended or revoked) — the unit and its 主要负责人; `agency_misconduct` (a safety evaluation, certification,
  testing or inspection agency renting out its qualification, lending its name (挂靠) or issuing a false
  report or certificate) — the agency; `refused_enforcement` (refusing or evading a penalty while able to
  perform it) — the unit.

Persons found responsible are listed as natural persons beside the unit: those an accident's investigation
names (its findings) under `major_accident` and `concealed_or_false_report` (cases 1 and 4: "others found
responsible", "the responsible persons"), and an agency's directly responsible staff named in the penalty
decision under `agency_misconduct`. Each is proposed once per rule and fact, like the unit.

The catch-all case (other penalised conduct of a vicious and serious nature, as the department finds it) is
not a rule over flags: the department proposes it by hand on a penalty decision, with its reasons and the
legal basis written in (`catch_all_refusal`, `catch_all`). A penalty that records one of the named grounds
is listed under that ground instead.

A person is proposed as 主要负责人 only when the unit's 主要负责人 is on record. Term: three years from the
decision; early repair on application after at least 12 months, and only when no newer listing case against
the same unit has arisen since; removal at expiry stops publication and the measures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anze.enforcement.grading import Grade, add_months

TERM_MONTHS = 36
REPAIR_AFTER_MONTHS = 12
WINDOW_MONTHS = 12

UNIT = "unit"
PERSON = "person"
# Which person a PERSON proposal lists: the unit's 主要负责人, or a person found responsible ("named:<id>").
PRINCIPAL = "principal"

# The rules, and whom each lists besides the unit.
RULES = {
    "major_accident": "发生重大及以上生产安全事故",
    "two_larger_accidents": "12个月内发生2起以上较大生产安全事故",
    "concealed_or_false_report": "瞒报、谎报生产安全事故",
    "aggravated_fine": "情节特别严重、影响特别恶劣，按《安全生产法》第一百一十四条处以2至5倍罚款",
    "without_permit": "未依法取得安全生产许可或者在暂扣、吊销期间从事生产经营活动",
    "agency_misconduct": "安全评价、认证、检测、检验机构出租出借资质、挂靠或者出具虚假报告、证书",
    "refused_enforcement": "有履行能力而拒不履行、逃避执行行政处罚决定",
    "other_serious": "其他违反安全生产法律法规受到行政处罚，性质恶劣、情节严重的（部门认定，写明依据）",
}
WITH_PRINCIPAL = frozenset(
    {"major_accident", "two_larger_accidents", "concealed_or_false_report", "without_permit"}
)
# The rules that list the persons found responsible for the fact besides the unit.
WITH_NAMED = frozenset({"major_accident", "concealed_or_false_report", "agency_misconduct"})
CATCH_ALL = "other_serious"
# Penalty grounds, in the order a penalty's flags are read.
PENALTY_RULES = ("without_permit", "aggravated_fine", "agency_misconduct", "refused_enforcement")


@dataclass(frozen=True)
class AccidentFact:
    enterprise: int
    accident: int
    grade: Grade
    day: dt.date
    concealed_or_false: bool = False


@dataclass(frozen=True)
class PenaltyFact:
    """A penalty on a unit and the listing grounds its decision records (a subset of PENALTY_RULES)."""

    enterprise: int
    penalty: int
    day: dt.date
    grounds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NamedPerson:
    """A person found responsible for a fact: by an accident's investigation (fact key `accident:<id>`) or
    named in a penalty decision (`penalty:<id>`)."""

    person: int
    fact_key: str


@dataclass(frozen=True)
class Proposal:
    """A proposed listing: the enterprise, the rule, the fact that triggered it (its key), its date, and the
    subject — the unit, or a person: its 主要负责人 (`person` = PRINCIPAL) or one found responsible
    (`person` = "named:<id>")."""

    enterprise: int
    rule: str
    fact_key: str
    day: dt.date
    subject: str = UNIT
    person: str = ""


def proposals(
    accidents: list[AccidentFact],
    penalties: list[PenaltyFact],
    with_principal: frozenset[int] = frozenset(),
    named: list[NamedPerson] | tuple[NamedPerson, ...] = (),
) -> list[Proposal]:
    """Every listing the facts call for, one per (rule, triggering fact, subject, person), sorted.
    `with_principal`: the enterprises whose 主要负责人 is on record (only they can be listed as a person);
    `named`: the persons found responsible, each for one fact."""
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
        for rule in PENALTY_RULES:
            if rule in fact.grounds:
                found.append(Proposal(fact.enterprise, rule, f"penalty:{fact.penalty}", fact.day))
    by_fact: dict[str, set[int]] = {}
    for person in named:
        by_fact.setdefault(person.fact_key, set()).add(person.person)
    persons = [
        Proposal(p.enterprise, p.rule, p.fact_key, p.day, PERSON, PRINCIPAL)
        for p in found
        if p.rule in WITH_PRINCIPAL and p.enterprise in with_principal
    ]
    persons += [
        Proposal(p.enterprise, p.rule, p.fact_key, p.day, PERSON, f"named:{person}")
        for p in found
        if p.rule in WITH_NAMED
        for person in by_fact.get(p.fact_key, ())
    ]
    return sorted(
        set(found + persons), key=lambda p: (p.day, p.enterprise, p.rule, p.fact_key, p.subject, p.person)
    )


def catch_all_refusal(grounds: frozenset[str], reasons: str, legal_basis: str) -> tuple[str, str] | None:
    """Why the department cannot propose the catch-all case on a penalty, as (code, message); None when it
    can. The catch-all is for conduct no named ground covers, and the department writes why and on what
    legal basis."""
    named = [RULES[rule] for rule in PENALTY_RULES if rule in grounds]
    if named:
        return "named_ground_applies", f"该处罚已记载列入情形“{named[0]}”，按该情形列入，不适用兜底情形。"
    if not reasons.strip():
        return "reasons_required", "请写明认定性质恶劣、情节严重的理由。"
    if not legal_basis.strip():
        return "legal_basis_required", "请写明列入依据（法律、法规、规章条款）。"
    return None


def catch_all(fact: PenaltyFact) -> Proposal:
    """The catch-all case proposed by hand on a penalty decision: the unit, keyed by the decision."""
    return Proposal(fact.enterprise, CATCH_ALL, f"penalty:{fact.penalty}", fact.day)


def expires_on(listed_on: dt.date) -> dt.date:
    return add_months(listed_on, TERM_MONTHS)


def repair_from(listed_on: dt.date) -> dt.date:
    """The first day an early repair (信用修复) may be granted."""
    return add_months(listed_on, REPAIR_AFTER_MONTHS)
