"""The pure scoring and veto rules against a plainer second reading (an oracle) and hand-counted examples."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
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


@settings(deadline=None)  # behaviour, not timing: a loaded machine must not fail these
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


@settings(deadline=None)  # behaviour, not timing: a loaded machine must not fail these
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


@settings(deadline=None)  # behaviour, not timing: a loaded machine must not fail these
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


@settings(deadline=None)  # behaviour, not timing: a loaded machine must not fail these
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
    # The veto names every item that lost points, each linked to its row.
    assert [r["url"] for r in judgement.hits[0].records] == ["#item-A", "#item-B", "#item-C"]


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
    # One 较大 already: one more is 2 (黄牌 Y1); 3 较大 is two away; no 重大 yet, so V1 (any single 重大) is
    # not "near" (it would be for every body). And 95 less the 40 points of item A would be 55, below 60:
    # one failed item from 不合格 (V4).
    assert {m.key for m in misses} == {"Y1", "V4"}
    assert [m.trigger for m in misses if m.key == "Y1"] == ["accident"]


def test_no_body_is_near_a_rule_it_has_no_fact_towards():
    rules = [RuleSpec("V1", "重大事故", judging.VETO, judging.ACCIDENTS, grade="major", at_least=1)]
    facts = _facts(accidents=["general", "larger"])
    judgement = judging.judge("county", facts, ITEMS, rules, pass_score=D(0))
    assert judging.near_misses("county", judgement, facts, rules, pass_score=D(0)) == []


def test_near_miss_on_a_failed_assessment_when_one_item_lost_falls_below_the_pass_score():
    facts = _facts(rate="70", cases=0, manual="20")  # 11.43 + 30 + 20 = 61.43
    judgement = judging.judge("county", facts, ITEMS, _hunan_county(), pass_score=D(60))
    assert judgement.total == D("61.43")
    misses = judging.near_misses("county", judgement, facts, _hunan_county(), pass_score=D(60))
    assert "V4" in {m.key for m in misses}


@settings(deadline=None)  # behaviour, not timing: a loaded machine must not fail these
@given(totals=st.lists(st.integers(0, 100), min_size=1, max_size=30))
def test_ranking_is_competition_ranking(totals):
    from anze.assessment.services import ranks

    found = ranks([(i, D(t)) for i, t in enumerate(totals)])
    for i, total in enumerate(totals):
        # Oracle: one plus the number of strictly higher totals.
        assert found[i] == 1 + sum(1 for other in totals if other > total)


# ---- each score and each veto explained, counted by hand ------------------------------------------------
# The explanation page shows these dicts as they are: the reason, the value read and the records linked.


def _item(method, **kwargs):
    return ItemSpec("K", "项目", D(10), method, **kwargs)


def _row(score, value, reason, records=(), failed=False):
    return {"key": "K", "title": "项目", "points": "10", "score": score, "value": value, "reason": reason,
            "records": list(records), "failed": failed, "applicable": True}  # fmt: skip


def test_a_manual_item_without_an_accepted_entry_scores_nothing():
    assert judging.score_item(_item(judging.MANUAL), {}).as_dict() == _row(
        "0.00", None, "未填报或填报未通过审核，按0分计"
    )


def test_a_manual_item_scores_its_accepted_entry_within_the_points():
    facts = {"entries": {"K": {"score": "0.5", "title": "专题询问记录", "url": "/e/1/"}}}
    assert judging.score_item(_item(judging.MANUAL), facts).as_dict() == _row(
        "0.50", "0.5", "按审核通过的填报计分", [{"title": "专题询问记录", "url": "/e/1/"}]
    )
    # An entry above the points counts the points; one below zero counts nothing; untitled evidence is named.
    over = judging.score_item(_item(judging.MANUAL), {"entries": {"K": {"score": "12"}}})
    assert (over.score, over.records) == (D("10.00"), [{"title": "填报及佐证材料", "url": ""}])
    assert judging.score_item(_item(judging.MANUAL), {"entries": {"K": {"score": "-2"}}}).score == D("0.00")


def test_a_deduction_item_explains_its_count_and_cap():
    # 5 cases × 3 = 15, capped at 8 → 10 − 8 = 2.
    item = _item(judging.DEDUCTION, fact="cases", per=D(3), cap=D(8))
    facts = {"metrics": {"cases": {"count": 5, "url": "/cases/", "label": "督办案件",
                                   "records": [{"title": "案1", "url": "/c/1/"}]}}}  # fmt: skip
    assert judging.score_item(item, facts).as_dict() == _row(
        "2.00",
        "5",
        "5次，每次扣3.00分，最多扣8.00分",
        [{"title": "督办案件", "url": "/cases/"}, {"title": "案1", "url": "/c/1/"}],
    )
    # Without a cap nor a `per`: one point each, down to nothing; the metric's link is titled by the item.
    plain = _item(judging.DEDUCTION, fact="cases")
    facts = {"metrics": {"cases": {"count": 3, "url": "/cases/"}}}
    assert judging.score_item(plain, facts).as_dict() == _row(
        "7.00", "3", "3次，每次扣1.00分", [{"title": "项目", "url": "/cases/"}]
    )


def test_a_bonus_item_adds_per_occurrence_up_to_its_points():
    item = _item(judging.BONUS, fact="praise", per=D(4))
    assert judging.score_item(item, {"metrics": {"praise": {"count": 2}}}).as_dict() == _row(
        "8.00", "2", "2次，每次加4.00分，最多加10.00分"
    )
    assert judging.score_item(item, {"metrics": {"praise": {"count": 3}}}).score == D("10.00")
    assert judging.score_item(
        _item(judging.BONUS, fact="praise"), {"metrics": {"praise": {"count": 3}}}
    ).score == D(3)


def test_a_rate_item_with_nothing_to_count_scores_full():
    item = _item(judging.RATE, fact="rate", target=D(95), floor=D(60))
    assert judging.score_item(item, {"metrics": {"rate": {"value": None}}}).as_dict() == _row(
        "10.00", None, "统计期内无应统计事项，按满分计"
    )


def test_a_rate_item_defaults_to_full_at_100_and_nothing_at_0():
    # 37% of the way from 0 to 100 → 3.7 of 10.
    item = _item(judging.RATE, fact="rate")
    assert judging.score_item(item, {"metrics": {"rate": {"value": "37"}}}).as_dict() == _row(
        "3.70", "37", "37%（达到100%得满分，不高于0%不得分，其间按比例）"
    )
    assert judging.score_item(item, {"metrics": {"rate": {"value": "100"}}}).score == D(10)
    assert judging.score_item(item, {"metrics": {"rate": {"value": "99.5"}}}).score == D("9.95")


def test_a_rate_item_whose_target_is_its_floor_is_all_or_nothing():
    assert judging.rate_score(D(95), D(10), D(95), D(95)) == D(10)
    assert judging.rate_score(D("94.99"), D(10), D(95), D(95)) == D(0)


def test_a_band_item_scores_its_band_and_a_zero_band_scores_zero():
    item = _item(judging.BANDS, fact="n", bands=((D(90), D(10)), (D(60), D("0.5")), (D(0), D(0))))
    assert judging.score_item(item, {"metrics": {"n": {"value": "75"}}}).as_dict() == _row(
        "0.50", "75", "75，按分档计分"
    )
    assert judging.score_item(item, {"metrics": {"n": {"value": "12"}}}).score == D("0.00")
    assert judging.band_score(D(12), D(10), item.bands) == D("0.00")


def test_an_unknown_method_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown scoring method 'guess'"):
        judging.score_item(_item("guess", fact="n"), {"metrics": {"n": {"value": "1"}}})


def test_an_upheld_appeal_replaces_the_score_explains_why_and_links_the_ruling():
    item = _item(judging.DEDUCTION, fact="cases", per=D(5), pass_mark=D(6))
    facts = {"metrics": {"cases": {"count": 2}},
             "overrides": {"K": {"score": "0.5", "reason": "复核改判", "url": "/appeal/1/"}}}  # fmt: skip
    assert judging.score_item(item, facts).as_dict() == _row(
        "0.50", "2", "申诉裁定改为0.50分：复核改判；低于及格分6.00",
        [{"title": "申诉裁定", "url": "/appeal/1/"}], failed=True,
    )  # fmt: skip
    bare = {"metrics": {"cases": {"count": 2}}, "overrides": {"K": {"score": "7"}}}
    assert judging.score_item(item, bare).as_dict() == _row(
        "7.00", "2", "申诉裁定改为7.00分：", [{"title": "申诉裁定", "url": ""}]
    )


def test_a_score_at_the_pass_mark_passes_and_one_below_fails():
    item = _item(judging.DEDUCTION, fact="cases", per=D(2), pass_mark=D(6))
    at_mark = judging.score_item(item, {"metrics": {"cases": {"count": 2}}})
    below = judging.score_item(item, {"metrics": {"cases": {"count": 3}}})
    assert (at_mark.failed, at_mark.reason) == (False, "2次，每次扣2.00分")
    assert (below.failed, below.reason) == (True, "3次，每次扣2.00分；低于及格分6.00")


def test_money_rounds_halves_up():
    assert judging.money(D("0.125")) == D("0.13")
    assert judging.money("2.665") == D("2.67")
    assert judging.money(D("-0.125")) == D("-0.13")


def _scored(key, score, points, failed=False):
    return judging.ItemScore(key, f"项目{key}", D(points), D(score), None, "", [], failed)


def test_each_veto_rule_explains_itself_and_links_its_facts():
    facts = {
        "accidents": [{"grade": "major", "title": "3·2爆炸", "url": "/acc/1/"}, {"grade": "larger", "title": "中毒"}],
        "misreports": [{"kind": "concealed", "grade": "larger", "title": "瞒报"}],
    }  # fmt: skip
    rules = {
        "A": RuleSpec("A", "较大事故", judging.YELLOW, judging.ACCIDENTS, grade="larger", at_least=2),
        "M": RuleSpec("M", "瞒报", judging.VETO, judging.MISREPORT, grade="general"),
    }
    hit = judging.check_rule(rules["A"], facts, judging.PASSED, []).as_dict()
    assert hit == {"key": "A", "title": "较大事故", "outcome": "yellow",
                   "reason": "统计期内较大及以上事故2起（达到2起）",
                   "records": [{"title": "3·2爆炸", "url": "/acc/1/"}, {"title": "中毒", "url": ""}]}  # fmt: skip
    hit = judging.check_rule(rules["M"], facts, judging.PASSED, []).as_dict()
    assert hit == {"key": "M", "title": "瞒报", "outcome": "veto", "reason": "统计期内一般及以上事故瞒报、谎报1起",
                   "records": [{"title": "瞒报", "url": ""}]}  # fmt: skip


def test_a_failed_assessment_names_the_items_that_lost_points():
    rule = RuleSpec("F", "不合格", judging.VETO, judging.FAILED_ASSESSMENT)
    scores = [_scored("a", "10", 10), _scored("b", "2.5", 10), _scored("c", "0", 5)]
    assert judging.check_rule(rule, {}, judging.PASSED, scores, D("12.5")) is None
    hit = judging.check_rule(rule, {}, judging.FAILED, scores, D("12.5"))
    assert (hit.reason, hit.records) == (
        "年度考核不合格（总分12.5）",
        [{"title": "项目b：2.5/10分", "url": "#item-b"}, {"title": "项目c：0/5分", "url": "#item-c"}],
    )
    assert judging.check_rule(rule, {}, judging.FAILED, scores).reason == "年度考核不合格"


def test_failed_items_veto_at_exactly_its_count():
    rule = RuleSpec("I", "两项不及格", judging.VETO, judging.FAILED_ITEMS, at_least=2)
    one = [_scored("a", "1", 10, failed=True), _scored("b", "9", 10)]
    two = [_scored("a", "1", 10, failed=True), _scored("b", "3", 10, failed=True), _scored("c", "9", 10)]
    assert judging.check_rule(rule, {}, judging.PASSED, one) is None
    hit = judging.check_rule(rule, {}, judging.PASSED, two)
    assert (hit.title, hit.reason, hit.records) == (
        "两项不及格",
        "2个考核项目不及格（达到2个）",
        [{"title": "项目a：1分", "url": "#item-a"}, {"title": "项目b：3分", "url": "#item-b"}],
    )


def test_an_unknown_veto_condition_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown veto condition 'rumour'"):
        judging.check_rule(RuleSpec("X", "?", judging.VETO, "rumour"), {}, judging.PASSED, [])


def test_grades_at_their_edges():
    assert judging.grade_of(D(90), D(60), D(90)) == judging.EXCELLENT
    assert judging.grade_of(D("89.99"), D(60), D(90)) == judging.PASSED
    assert judging.grade_of(D(60), D(60), D(90)) == judging.PASSED
    assert judging.grade_of(D("59.99"), D(60), None) == judging.FAILED
    assert judging.grade_of(D(100), D(60), None) == judging.PASSED


def test_no_hit_is_no_outcome():
    assert judging.outcome_of([]) == judging.NONE


def test_a_body_is_judged_only_by_the_items_and_rules_of_its_kind():
    items = [
        ItemSpec("C", "县级项目", D(50), judging.MANUAL, kinds=frozenset({"county"})),
        ItemSpec("D", "部门项目", D(50), judging.MANUAL, kinds=frozenset({"department"})),
    ]
    rules = [
        RuleSpec("VC", "县级不合格", judging.VETO, judging.FAILED_ASSESSMENT, kinds=frozenset({"county"})),
        RuleSpec(
            "VD", "部门不合格", judging.VETO, judging.FAILED_ASSESSMENT, kinds=frozenset({"department"})
        ),
    ]
    facts = {"entries": {"C": {"score": "45"}, "D": {"score": "10"}}}
    county = judging.judge("county", facts, items, rules, pass_score=D(60), excellent_score=D(45))
    # Only C counts: 45 of 50 → 优秀 (at the excellent score) with no veto.
    assert ([s.key for s in county.items], county.total, county.grade) == (["C"], D(45), judging.EXCELLENT)
    department = judging.judge("department", facts, items, rules, pass_score=D(60))
    assert [h.as_dict()["reason"] for h in department.hits] == ["年度考核不合格（总分10.00）"]
    assert [h.key for h in department.hits] == ["VD"]


def _judged(scores, pass_score):
    items = [judging.ItemScore(k, f"项目{k}", D(10), D(s), None, "", [], failed) for k, s, failed in scores]
    total = sum((i.score for i in items), D(0))
    return judging.BodyJudgement(items, total, judging.grade_of(total, pass_score, None), [], judging.NONE)


def test_near_misses_one_failed_item_away_explained():
    rules = [
        RuleSpec("I2", "两项不及格", judging.VETO, judging.FAILED_ITEMS, at_least=2),
        RuleSpec("I3", "三项不及格", judging.YELLOW, judging.FAILED_ITEMS, at_least=3),
    ]
    one_failed = _judged([("a", "2", True), ("b", "9", False)], D(0))
    assert judging.near_misses("county", one_failed, {}, rules, pass_score=D(0)) == [
        judging.NearMiss("I2", "两项不及格", judging.VETO, "item", "已有1个项目不及格，再有1个即达到2个")
    ]
    # None failed yet: no body is "near" (it would be for all); every item failed: none left to fail.
    none_failed = _judged([("a", "9", False), ("b", "9", False)], D(0))
    assert judging.near_misses("county", none_failed, {}, rules, pass_score=D(0)) == []
    all_failed = _judged([("a", "2", True)], D(0))
    assert judging.near_misses("county", all_failed, {}, rules[:1], pass_score=D(0)) == []
    two_failed = _judged([("a", "2", True), ("b", "2", True), ("c", "9", False)], D(0))
    assert [m.key for m in judging.near_misses("county", two_failed, {}, rules[1:], pass_score=D(0))] == [
        "I3"
    ]


def test_near_miss_on_a_failed_assessment_explained_and_its_edge():
    rule = [RuleSpec("F", "不合格", judging.VETO, judging.FAILED_ASSESSMENT)]
    # 0.5 + 0.5 = 1; losing 0.5 leaves 0.5, below 0.8.
    small = _judged([("a", "0.5", False), ("b", "0.5", False)], D("0.8"))
    assert judging.near_misses("county", small, {}, rule, pass_score=D("0.8")) == [
        judging.NearMiss("F", "不合格", judging.VETO, "item", "总分1.0，“项目a”失分即低于合格分0.80")
    ]
    # 9 + 6 = 15; losing the 9 leaves 6, exactly the pass score: still 合格, not near.
    edge = _judged([("a", "9", False), ("b", "6", False)], D(6))
    assert judging.near_misses("county", edge, {}, rule, pass_score=D(6)) == []
    # Nothing scored and nothing asked: nothing to lose.
    empty = _judged([("a", "0", False)], D(0))
    assert judging.near_misses("county", empty, {}, rule, pass_score=D(0)) == []


def test_near_misses_skip_rules_met_or_of_other_kinds_and_explain_accidents():
    facts = {"accidents": [{"grade": "larger", "title": "中毒", "url": ""}]}
    rules = [
        RuleSpec("D", "部门", judging.VETO, judging.ACCIDENTS, grade="larger", at_least=2,
                 kinds=frozenset({"department"})),
        RuleSpec("Y", "两起较大", judging.YELLOW, judging.ACCIDENTS, grade="larger", at_least=2),
        RuleSpec("C", "县级两起较大", judging.VETO, judging.ACCIDENTS, grade="larger", at_least=2,
                 kinds=frozenset({"county"})),
        RuleSpec("M", "一起较大", judging.VETO, judging.ACCIDENTS, grade="larger", at_least=1,
                 kinds=frozenset({"county"})),
    ]  # fmt: skip
    judgement = judging.judge("county", facts, [], rules, pass_score=D(0))
    assert [h.key for h in judgement.hits] == ["M"]
    assert judging.near_misses("county", judgement, facts, rules, pass_score=D(0)) == [
        judging.NearMiss(
            "Y", "两起较大", judging.YELLOW, "accident", "已有较大及以上事故1起，再发生1起即达到2起"
        ),
        judging.NearMiss(
            "C", "县级两起较大", judging.VETO, "accident", "已有较大及以上事故1起，再发生1起即达到2起"
        ),
    ]
