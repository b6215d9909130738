"""The blacklist rules of 应急管理部令第11号 on hand-worked facts and against a brute-force reading, without the
database (the procedure's tests are in test_listing.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.enforcement import listing
from anze.enforcement.grading import Grade
from anze.enforcement.listing import AccidentFact, PenaltyFact, Proposal

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))
accident_facts = st.lists(
    st.builds(
        AccidentFact, st.integers(1, 3), st.integers(1, 50), st.sampled_from(list(Grade)), days, st.booleans()
    ),
    max_size=10,
    unique_by=lambda f: f.accident,
)
penalty_facts = st.lists(
    st.builds(PenaltyFact, st.integers(1, 3), st.integers(1, 50), days, st.booleans()),
    max_size=6,
    unique_by=lambda f: f.penalty,
)


def a_year_before(day: dt.date) -> dt.date:
    """The same calendar day twelve months earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 2, 28)


def brute_force(accidents, penalties) -> list[tuple]:
    """Every listing, read rule by rule from the text; ordered by date, enterprise, rule, fact."""
    rows = set()
    for a in accidents:
        if a.grade in (Grade.MAJOR, Grade.ESPECIALLY_MAJOR):
            rows.add((a.day, a.enterprise, "major_accident", f"accident:{a.accident}"))
        if a.concealed_or_false:
            rows.add((a.day, a.enterprise, "concealed_or_false_report", f"accident:{a.accident}"))
        if a.grade != Grade.LARGER:
            continue
        # the second (or later) 较大 accident of the enterprise within twelve months proposes
        for b in accidents:
            if b is a or b.enterprise != a.enterprise or b.grade != Grade.LARGER:
                continue
            if (b.day, b.accident) < (a.day, a.accident) and b.day >= a_year_before(a.day):
                rows.add((a.day, a.enterprise, "two_larger_accidents", f"accident:{a.accident}"))
    for p in penalties:
        if p.without_permit:
            rows.add((p.day, p.enterprise, "without_permit", f"penalty:{p.penalty}"))
    return sorted(rows)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accident_facts, penalty_facts)
def test_proposals_with_their_dates_and_order_match_the_brute_force_reading(accidents, penalties):
    got = [(p.day, p.enterprise, p.rule, p.fact_key) for p in listing.proposals(accidents, penalties)]
    assert got == brute_force(accidents, penalties)


def test_each_rule_on_a_worked_example():
    accidents = [
        AccidentFact(1, 11, Grade.MAJOR, dt.date(2025, 3, 1)),
        AccidentFact(2, 21, Grade.GENERAL, dt.date(2025, 1, 5), concealed_or_false=True),
        AccidentFact(3, 31, Grade.LARGER, dt.date(2025, 6, 30)),
        AccidentFact(3, 32, Grade.LARGER, dt.date(2024, 6, 30)),  # exactly twelve months before: within
        AccidentFact(3, 33, Grade.LARGER, dt.date(2023, 6, 29)),  # more than twelve months before 2024-06-30
        AccidentFact(4, 41, Grade.ESPECIALLY_MAJOR, dt.date(2025, 2, 1)),
        AccidentFact(4, 42, Grade.GENERAL, dt.date(2025, 2, 2)),
    ]
    penalties = [
        PenaltyFact(5, 51, dt.date(2025, 4, 1), True),
        PenaltyFact(5, 52, dt.date(2025, 4, 2), False),
    ]
    assert listing.proposals(accidents, penalties) == [
        Proposal(2, "concealed_or_false_report", "accident:21", dt.date(2025, 1, 5)),
        Proposal(4, "major_accident", "accident:41", dt.date(2025, 2, 1)),
        Proposal(1, "major_accident", "accident:11", dt.date(2025, 3, 1)),
        Proposal(5, "without_permit", "penalty:51", dt.date(2025, 4, 1)),
        Proposal(3, "two_larger_accidents", "accident:31", dt.date(2025, 6, 30)),
    ]


def test_two_larger_accidents_on_the_same_day_list_once_for_the_later_number():
    same_day = [
        AccidentFact(1, 8, Grade.LARGER, dt.date(2025, 5, 5)),
        AccidentFact(1, 7, Grade.LARGER, dt.date(2025, 5, 5)),
    ]
    assert listing.proposals(same_day, []) == [
        Proposal(1, "two_larger_accidents", "accident:8", dt.date(2025, 5, 5))
    ]
    other_enterprises = [
        AccidentFact(1, 7, Grade.LARGER, dt.date(2025, 5, 5)),
        AccidentFact(2, 8, Grade.LARGER, dt.date(2025, 5, 6)),
    ]
    assert listing.proposals(other_enterprises, []) == []


def test_the_term_is_three_years_and_repair_possible_after_one():
    assert listing.expires_on(dt.date(2025, 8, 31)) == dt.date(2028, 8, 31)
    assert listing.expires_on(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert listing.repair_from(dt.date(2025, 8, 31)) == dt.date(2026, 8, 31)
    assert listing.repair_from(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert set(listing.RULES) == {
        "major_accident",
        "two_larger_accidents",
        "concealed_or_false_report",
        "without_permit",
    }
