"""The pure scoring and veto rules against a plainer second reading (an oracle) and hand-counted examples."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from anze.assessment import judging
from anze.assessment.judging import ItemSpec, RuleSpec

D = Decimal


def _round_half_up_cents(value: Fraction) -> Decimal:
    """Oracle rounding: to hundredths, halves away from zero, computed with integers."""
    hundredths = value * 100
    whole = hundredths.numerator // hundredths.denominator
    rest = hundredths - whole
    if rest >= Fraction(1, 2):
        whole += 1
    return D(whole) / 100


cents = st.integers(min_value=0, max_value=10000).map(lambda n: D(n) / 100)


@given(value=cents, points=st.integers(1, 50), target=st.integers(1, 100), floor_gap=st.integers(1, 100))
def test_rate_score_matches_a_plain_reading(value, points, target, floor_gap):
    floor = max(0, target - floor_gap)
    if floor >= target:
        return
    # Oracle: full at or above target, nothing at or below floor, the straight line between.
    v = Fraction(value)
    if v >= target:
        expected = D(points).quantize(D("0.01"))
    elif v <= floor:
        expected = D("0.00")
    else:
        expected = _round_half_up_cents(Fraction(points) * (v - floor) / (target - floor))
    assert judging.rate_score(value, D(points), D(target), D(floor)) == expected


@given(
    count=st.integers(0, 40),
    points=st.integers(1, 30),
    per=st.integers(1, 10),
    cap=st.none() | st.integers(1, 40),
)
def test_deduction_never_takes_more_than_the_cap_or_the_points(count, points, per, cap):
    # Oracle: take `per` one occurrence at a time, stop at the cap (or when nothing is left).
    left = points
    taken = 0
    limit = points if cap is None else min(cap, points)
    for _ in range(count):
        step = min(per, limit - taken)
        taken += step
        left -= step
    score = judging.deduction_score(count, D(points), D(per), None if cap is None else D(cap))
    assert score == D(left)
    assert D(0) <= score <= D(points)


@given(count=st.integers(0, 40), points=st.integers(1, 30), per=st.integers(1, 10))
def test_bonus_adds_per_occurrence_up_to_the_points(count, points, per):
    assert judging.bonus_score(count, D(points), D(per)) == D(min(points, count * per))


def test_bands_take_the_highest_band_reached():
    bands = ((D(95), D(10)), (D(90), D(8)), (D(80), D(5)))
    assert judging.band_score(D(96), D(10), bands) == D(10)
    assert judging.band_score(D(90), D(10), bands) == D(8)
    assert judging.band_score(D("89.9"), D(10), bands) == D(5)
    assert judging.band_score(D(79), D(10), bands) == D(0)


grades = st.sampled_from(judging.GRADES)
accident_lists = st.lists(grades.map(lambda g: {"grade": g, "title": f"{g}事故", "url": "/a/"}), max_size=8)


@given(accidents=accident_lists, minimum=grades, at_least=st.integers(1, 4))
def test_accident_rule_counts_the_grade_and_higher(accidents, minimum, at_least):
    rule = RuleSpec("R", "事故", judging.VETO, judging.ACCIDENTS, grade=minimum, at_least=at_least)
    hit = judging.check_rule(rule, {"accidents": accidents}, judging.PASSED, [])
    # Oracle: rank the grades by hand.
    rank = {"general": 1, "larger": 2, "major": 3, "especially_major": 4}
    counted = [a for a in accidents if rank[a["grade"]] >= rank[minimum]]
    assert (hit is not None) == (len(counted) >= at_least)
    if hit is not None:
        assert len(hit.records) == len(counted)


def test_misreport_rule_reads_only_concealed_and_false_reports_of_the_grade():
    rule = RuleSpec("M", "瞒报", judging.VETO, judging.MISREPORT, grade="larger")
    late = {"misreports": [{"kind": "late", "grade": "major", "title": "迟报", "url": ""}]}
    small = {"misreports": [{"kind": "concealed", "grade": "general", "title": "一般瞒报", "url": ""}]}
    big = {"misreports": [{"kind": "false", "grade": "larger", "title": "较大谎报", "url": "/x/"}]}
    assert judging.check_rule(rule, late, judging.PASSED, []) is None
    assert judging.check_rule(rule, small, judging.PASSED, []) is None
    assert judging.check_rule(rule, big, judging.PASSED, []).records == [{"title": "较大谎报", "url": "/x/"}]


def _hunan_county() -> list[RuleSpec]:
    """Hunan's county rules (DOMAIN.md §9): 否决 at 1 重大, ≥3 较大, a 瞒报 of 较大+; 黄牌 at ≥2 较大."""
    return [
        RuleSpec("V1", "重大事故", judging.VETO, judging.ACCIDENTS, grade="major", at_least=1),
        RuleSpec("V2", "3起较大", judging.VETO, judging.ACCIDENTS, grade="larger", at_least=3),
        RuleSpec("V3", "瞒报", judging.VETO, judging.MISREPORT, grade="larger"),
        RuleSpec("V4", "不合格", judging.VETO, judging.FAILED_ASSESSMENT),
        RuleSpec("Y1", "2起较大", judging.YELLOW, judging.ACCIDENTS, grade="larger", at_least=2),
    ]


ITEMS = [
    ItemSpec("A", "按时完成率", D(40), judging.RATE, fact="rate", target=D(95), floor=D(60)),
    ItemSpec("B", "督办", D(30), judging.DEDUCTION, fact="cases", per=D(5), cap=D(20), pass_mark=D(15)),
    ItemSpec("C", "专题询问", D(30), judging.MANUAL),
]


def _facts(rate="97", cases=0, accidents=(), manual="25"):
    return {
        "metrics": {"rate": {"value": rate, "url": "/occ/"}, "cases": {"count": cases, "records": []}},
        "accidents": [{"grade": g, "title": g, "url": f"/acc/{i}/"} for i, g in enumerate(accidents)],
        "misreports": [],
        "entries": {"C": {"score": manual, "url": "/e/"}} if manual is not None else {},
        "overrides": {},
    }


def test_a_county_example_counted_by_hand():
    # 40 (97% ≥ 95%) + 20 (2 cases × 5) + 25 (the accepted entry) = 85; two 较大 accidents → 黄牌 only.
    judgement = judging.judge(
        "county", _facts(cases=2, accidents=["larger", "larger"]), ITEMS, _hunan_county(), pass_score=D(60)
    )
    assert judgement.total == D(85)
    assert judgement.outcome == judging.YELLOW
    assert [h.key for h in judgement.hits] == ["Y1"]


def test_a_major_accident_vetoes_and_names_the_accident():
    judgement = judging.judge("county", _facts(accidents=["major"]), ITEMS, _hunan_county(), pass_score=D(60))
    assert judgement.outcome == judging.VETO
    assert judgement.hits[0].records == [{"title": "major", "url": "/acc/0/"}]


def test_a_failed_assessment_vetoes():
    # 0 (rate 50% ≤ 60%) + 10 (4 cases, cap 20) + 0 (no accepted entry) = 10 < 60.
    judgement = judging.judge(
        "county", _facts(rate="50", cases=4, manual=None), ITEMS, _hunan_county(), pass_score=D(60)
    )
    assert judgement.total == D(10)
    assert judgement.grade == judging.FAILED
    assert {h.key for h in judgement.hits} == {"V4"}
    assert [s.key for s in judgement.failed_items] == ["B"]


def test_an_override_from_an_appeal_replaces_the_item_score():
    facts = _facts(cases=4)
    facts["overrides"] = {"B": {"score": "30", "reason": "两次督办系误立", "url": "/appeal/"}}
    judgement = judging.judge("county", facts, ITEMS, [], pass_score=D(60))
    assert next(s for s in judgement.items if s.key == "B").score == D(30)


def test_near_misses_name_the_bodies_one_accident_away():
    judgement = judging.judge(
        "county", _facts(accidents=["larger"]), ITEMS, _hunan_county(), pass_score=D(60)
    )
    misses = judging.near_misses(
        "county", judgement, _facts(accidents=["larger"]), _hunan_county(), pass_score=D(60)
    )
    # One 较大 already: one more is 2 (黄牌 Y1); 重大 needs only one (V1); 3 较大 is two away (not listed).
    # And 95 less the 40 points of item A would be 55, below 60: one failed item from 不合格 (V4).
    assert {m.key for m in misses} == {"V1", "Y1", "V4"}
    assert {m.trigger for m in misses if m.key in ("V1", "Y1")} == {"accident"}


def test_near_miss_on_a_failed_assessment_when_one_item_lost_falls_below_the_pass_score():
    facts = _facts(rate="70", cases=0, manual="20")  # 11.43 + 30 + 20 = 61.43
    judgement = judging.judge("county", facts, ITEMS, _hunan_county(), pass_score=D(60))
    assert judgement.total == D("61.43")
    misses = judging.near_misses("county", judgement, facts, _hunan_county(), pass_score=D(60))
    assert "V4" in {m.key for m in misses}


@given(totals=st.lists(st.integers(0, 100), min_size=1, max_size=30))
def test_ranking_is_competition_ranking(totals):
    from anze.assessment.services import ranks

    found = ranks([(i, D(t)) for i, t in enumerate(totals)])
    for i, total in enumerate(totals):
        # Oracle: one plus the number of strictly higher totals.
        assert found[i] == 1 + sum(1 for other in totals if other > total)
