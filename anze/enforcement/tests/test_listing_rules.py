"""The blacklist rules of 应急管理部令第11号 (`listing.py`), pure: example tables read from DOMAIN.md §8 and a
hypothesis property against an independent oracle. No database, so `make mutate` can run them per mutant.

The oracle is written the other way round from the code: it walks every rule as a row of a table (what it
reads, whom it lists), pairs accidents with each other instead of sorting them, and counts "within 12 months"
from the calendar (the same day a year before, 28 February for a 29th) instead of `add_months`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.enforcement import listing
from anze.enforcement.grading import Grade
from anze.enforcement.listing import AccidentFact, NamedPerson, PenaltyFact, Proposal

D = dt.date

# -- the oracle ----------------------------------------------------------------------------------------------

# Rule → (lists the 主要负责人 too, lists the persons found responsible too), from DOMAIN.md §8.
ORACLE_SUBJECTS = {
    "major_accident": (True, True),  # case 1: the unit, its 主要负责人, others found responsible
    "two_larger_accidents": (True, False),  # case 2: the unit and its 主要负责人
    "aggravated_fine": (False, False),  # case 3: the unit
    "concealed_or_false_report": (True, True),  # case 4: the unit and the responsible persons
    "without_permit": (True, False),  # without an accident, case 1: unit and 主要负责人
    "agency_misconduct": (False, True),  # case 2: the agency and its directly responsible staff
    "refused_enforcement": (False, False),  # case 3: the unit
}
PENALTY_GROUNDS = ("without_permit", "aggravated_fine", "agency_misconduct", "refused_enforcement")


def a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return D(day.year - 1, 2, 28)


def unit_cases(accidents, penalties) -> set[tuple]:
    """(enterprise, rule, fact key, day) for every unit the facts call for."""
    found = set()
    for a in accidents:
        if a.grade in (Grade.MAJOR, Grade.ESPECIALLY_MAJOR):
            found.add((a.enterprise, "major_accident", f"accident:{a.accident}", a.day))
        if a.concealed_or_false:
            found.add((a.enterprise, "concealed_or_false_report", f"accident:{a.accident}", a.day))
        for b in accidents:
            both_larger = a.grade == b.grade == Grade.LARGER
            b_first = (b.day, b.accident) < (a.day, a.accident)
            if both_larger and a.enterprise == b.enterprise and b_first and b.day >= a_year_before(a.day):
                found.add((a.enterprise, "two_larger_accidents", f"accident:{a.accident}", a.day))
    for p in penalties:
        for ground in PENALTY_GROUNDS:
            if ground in p.grounds:
                found.add((p.enterprise, ground, f"penalty:{p.penalty}", p.day))
    return found


def oracle(accidents, penalties, with_principal=frozenset(), named=()) -> list[tuple]:
    rows = set()
    for enterprise, rule, key, day in unit_cases(accidents, penalties):
        principal, responsible = ORACLE_SUBJECTS[rule]
        rows.add((day, enterprise, rule, key, "unit", ""))
        if principal and enterprise in with_principal:
            rows.add((day, enterprise, rule, key, "person", "principal"))
        if responsible:
            rows |= {
                (day, enterprise, rule, key, "person", f"named:{n.person}")
                for n in named
                if n.fact_key == key
            }
    return sorted(rows)


def as_rows(proposals: list[Proposal]) -> list[tuple]:
    return [(p.day, p.enterprise, p.rule, p.fact_key, p.subject, p.person) for p in proposals]


# -- the property --------------------------------------------------------------------------------------------

days = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 31))
accident_facts = st.lists(
    st.builds(
        AccidentFact, st.integers(1, 3), st.integers(1, 60), st.sampled_from(list(Grade)), days, st.booleans()
    ),
    max_size=12,
    unique_by=lambda f: f.accident,
)
penalty_facts = st.lists(
    st.builds(
        PenaltyFact,
        st.integers(1, 3),
        st.integers(1, 60),
        days,
        st.frozensets(st.sampled_from(PENALTY_GROUNDS)),
    ),
    max_size=8,
    unique_by=lambda f: f.penalty,
)
named_persons = st.lists(
    st.builds(
        NamedPerson,
        st.integers(1, 20),
        st.builds(
            lambda kind, n: f"{kind}:{n}", st.sampled_from(["accident", "penalty"]), st.integers(1, 60)
        ),
    ),
    max_size=8,
)


@given(accident_facts, penalty_facts, st.frozensets(st.integers(1, 3)), named_persons)
def test_the_rules_list_what_the_oracle_lists_in_its_order(accidents, penalties, with_principal, named):
    got = listing.proposals(accidents, penalties, with_principal, named)
    assert as_rows(got) == oracle(accidents, penalties, with_principal, named)


@given(accident_facts, penalty_facts)
def test_the_order_of_the_facts_changes_nothing(accidents, penalties):
    assert listing.proposals(accidents, penalties) == listing.proposals(accidents[::-1], penalties[::-1])


# -- example tables ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "concealed", "rules"),
    [
        (Grade.GENERAL, False, []),
        (Grade.LARGER, False, []),
        (Grade.MAJOR, False, ["major_accident"]),
        (Grade.ESPECIALLY_MAJOR, False, ["major_accident"]),
        (Grade.GENERAL, True, ["concealed_or_false_report"]),
        (Grade.MAJOR, True, ["concealed_or_false_report", "major_accident"]),
    ],
)
def test_one_accident(grade, concealed, rules):
    got = listing.proposals([AccidentFact(7, 70, grade, D(2026, 3, 1), concealed)], [])
    assert [(p.rule, p.fact_key, p.subject, p.enterprise, p.day) for p in got] == [
        (rule, "accident:70", "unit", 7, D(2026, 3, 1)) for rule in rules
    ]


@pytest.mark.parametrize(
    ("first", "second", "listed"),
    [
        (D(2025, 1, 10), D(2026, 1, 10), True),  # exactly twelve months: within
        (D(2025, 1, 9), D(2026, 1, 10), False),  # a day more: not
        (D(2025, 1, 10), D(2026, 2, 11), False),  # thirteen months
        (D(2025, 2, 28), D(2026, 2, 28), True),
        (D(2023, 2, 28), D(2024, 2, 29), True),  # a year before the 29th is the 28th
        (D(2023, 2, 27), D(2024, 2, 29), False),
        (D(2026, 5, 1), D(2026, 5, 1), True),  # the same day: the later record proposes
    ],
)
def test_two_larger_accidents_within_twelve_months(first, second, listed):
    a = AccidentFact(1, 1, Grade.LARGER, first)
    b = AccidentFact(1, 2, Grade.LARGER, second)
    got = [(p.rule, p.fact_key, p.day) for p in listing.proposals([b, a], [])]
    assert got == ([("two_larger_accidents", "accident:2", second)] if listed else [])


def test_two_larger_accidents_of_two_units_or_of_other_grades_do_not_list():
    day = D(2026, 3, 1)
    assert (
        listing.proposals(
            [
                AccidentFact(1, 1, Grade.LARGER, day),
                AccidentFact(2, 2, Grade.LARGER, day + dt.timedelta(days=1)),
            ],
            [],
        )
        == []
    )
    got = listing.proposals(
        [
            AccidentFact(1, 1, Grade.GENERAL, day),
            AccidentFact(1, 2, Grade.LARGER, day + dt.timedelta(days=1)),
        ],
        [],
    )
    assert got == []


def test_a_third_larger_accident_proposes_again():
    facts = [AccidentFact(1, n, Grade.LARGER, D(2026, n, 1)) for n in (1, 2, 3)]
    assert [p.fact_key for p in listing.proposals(facts, [])] == ["accident:2", "accident:3"]


@pytest.mark.parametrize("ground", PENALTY_GROUNDS)
def test_each_penalty_ground_lists_the_unit_and_whom_its_case_names(ground):
    fact = PenaltyFact(5, 50, D(2026, 4, 2), frozenset({ground}))
    named = [NamedPerson(9, "penalty:50"), NamedPerson(8, "penalty:51")]
    got = {(p.subject, p.person) for p in listing.proposals([], [fact], frozenset({5}), named)}
    principal, responsible = ORACLE_SUBJECTS[ground]
    assert got == (
        {("unit", "")}
        | ({("person", "principal")} if principal else set())
        | ({("person", "named:9")} if responsible else set())
    )
    assert {p.rule for p in listing.proposals([], [fact])} == {ground}


def test_a_penalty_with_no_ground_lists_nobody():
    assert (
        listing.proposals(
            [], [PenaltyFact(5, 50, D(2026, 4, 2))], frozenset({5}), [NamedPerson(1, "penalty:50")]
        )
        == []
    )


def test_the_principal_only_when_on_record():
    fact = AccidentFact(3, 30, Grade.MAJOR, D(2026, 1, 5))
    assert {p.subject for p in listing.proposals([fact], [], frozenset({4}))} == {"unit"}
    got = listing.proposals([fact], [], frozenset({3}))
    assert got == [
        Proposal(3, "major_accident", "accident:30", D(2026, 1, 5), "person", "principal"),
        Proposal(3, "major_accident", "accident:30", D(2026, 1, 5)),
    ]


def test_persons_an_investigation_names_are_listed_under_its_accident_only():
    major = AccidentFact(3, 30, Grade.MAJOR, D(2026, 1, 5))
    larger = [
        AccidentFact(3, 31, Grade.LARGER, D(2026, 2, 1)),
        AccidentFact(3, 32, Grade.LARGER, D(2026, 3, 1)),
    ]
    named = [NamedPerson(1, "accident:30"), NamedPerson(2, "accident:30"), NamedPerson(3, "accident:32")]
    got = [
        (p.fact_key, p.rule, p.person)
        for p in listing.proposals([major, *larger], [], named=named)
        if p.person
    ]
    # The 较大 pair lists the unit and its 主要负责人 only (case 2): the person named for accident 32 is not listed.
    assert got == [
        ("accident:30", "major_accident", "named:1"),
        ("accident:30", "major_accident", "named:2"),
    ]


def test_a_concealed_major_accident_lists_its_named_person_under_both_cases_once_each():
    fact = AccidentFact(3, 30, Grade.MAJOR, D(2026, 1, 5), True)
    named = [NamedPerson(1, "accident:30"), NamedPerson(1, "accident:30")]
    got = [(p.rule, p.person) for p in listing.proposals([fact], [], named=named) if p.person]
    assert got == [("concealed_or_false_report", "named:1"), ("major_accident", "named:1")]


@pytest.mark.parametrize(
    ("grounds", "reasons", "basis", "code"),
    [
        (frozenset(), "多次违法，拒不整改", "《安全生产严重失信主体名单管理办法》第八条", None),
        (frozenset(), "  ", "第八条", "reasons_required"),
        (frozenset(), "理由", "", "legal_basis_required"),
        (frozenset(), "理由", " \n", "legal_basis_required"),
        (frozenset(), "", "", "reasons_required"),
        (frozenset({"refused_enforcement"}), "理由", "依据", "named_ground_applies"),
        (frozenset({"without_permit"}), "", "", "named_ground_applies"),
        (frozenset({"aggravated_fine"}), "理由", "依据", "named_ground_applies"),
        (frozenset({"agency_misconduct"}), "理由", "依据", "named_ground_applies"),
    ],
)
def test_the_catch_all_needs_reasons_a_legal_basis_and_no_named_ground(grounds, reasons, basis, code):
    refusal = listing.catch_all_refusal(grounds, reasons, basis)
    assert (refusal[0] if refusal else None) == code
    if refusal:
        assert refusal[1]


def test_a_missing_reason_or_basis_is_refused_saying_what_to_write():
    assert listing.catch_all_refusal(frozenset(), " ", "依据") == (
        "reasons_required",
        "请写明认定性质恶劣、情节严重的理由。",
    )
    assert listing.catch_all_refusal(frozenset(), "理由", " ") == (
        "legal_basis_required",
        "请写明列入依据（法律、法规、规章条款）。",
    )


def test_the_named_ground_is_named_in_the_refusal():
    refusal = listing.catch_all_refusal(frozenset({"refused_enforcement"}), "理由", "依据")
    assert refusal is not None and "拒不履行" in refusal[1]


def test_the_catch_all_lists_the_unit_keyed_by_the_decision():
    proposal = listing.catch_all(PenaltyFact(5, 50, D(2026, 4, 2)))
    assert proposal == Proposal(5, "other_serious", "penalty:50", D(2026, 4, 2), "unit", "")
    assert proposal.rule in listing.RULES


@pytest.mark.parametrize(
    ("listed_on", "expires", "repair"),
    [
        (D(2026, 3, 2), D(2029, 3, 2), D(2027, 3, 2)),
        (D(2024, 2, 29), D(2027, 2, 28), D(2025, 2, 28)),
        (D(2025, 12, 31), D(2028, 12, 31), D(2026, 12, 31)),
    ],
)
def test_term_of_three_years_and_repair_after_twelve_months(listed_on, expires, repair):
    assert listing.expires_on(listed_on) == expires
    assert listing.repair_from(listed_on) == repair
