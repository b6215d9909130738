"""Scoring, shuffling and drawing: pure logic, checked against hand-counted papers and a plainer oracle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.training import drawing, scoring


def oracle_points(kind: str, key: str, chosen: str, points: int, partial: bool) -> int:
    """The paper's printed rule, read letter by letter: a wrong letter earns nothing; every right letter and
    nothing else earns the points; for a multiple choice with partial credit, some right letters and no
    wrong one earn half (rounded down); an empty answer earns nothing."""
    if chosen == "":
        return 0
    wrong = [letter for letter in chosen if letter not in key]
    missing = [letter for letter in key if letter not in chosen]
    if wrong:
        return 0
    if not missing:
        return points
    if kind == "multiple" and partial:
        return points // 2
    return 0


def test_a_hand_counted_paper():
    # given a paper of a single (2 points), a multiple (4) and a true/false (1) question
    items = {
        1: scoring.Item("single", scoring.indices("B", 4), 2),
        2: scoring.Item("multiple", scoring.indices("ACD", 4), 4),
        3: scoring.Item("true_false", scoring.indices("A", 2), 1),
    }
    # when the single is right, the multiple misses D, the true/false is left unanswered
    answers = {1: scoring.indices("B", 4), 2: scoring.indices("AC", 4)}
    # then without partial credit 2 of 7; with it 2 + 2 = 4
    assert scoring.score(items, answers).score == 2
    assert scoring.score(items, answers, partial_credit=True).score == 4
    assert scoring.score(items, answers).max_score == 7
    assert scoring.score(items, answers).points == {1: 2, 2: 0, 3: 0}


def test_a_wrong_letter_in_a_multiple_choice_earns_nothing_even_with_partial_credit():
    item = scoring.Item("multiple", scoring.indices("AB", 4), 4)
    assert scoring.points_for(item, scoring.indices("ABC", 4), partial_credit=True) == 0
    assert scoring.points_for(item, scoring.indices("C", 4), partial_credit=True) == 0


def test_passing_is_at_or_above_the_pass_mark():
    result = scoring.Result(score=80, max_score=100, points={})
    assert result.passed(80) and not result.passed(81)


def test_letters_beyond_the_options_are_refused():
    with pytest.raises(scoring.ScoringError, match="选项“E”不存在"):
        scoring.indices("AE", 4)


kinds = st.sampled_from(["single", "multiple", "true_false"])


@st.composite
def questions(draw):
    kind = draw(kinds)
    count = 2 if kind == "true_false" else draw(st.integers(2, 6))
    letters = scoring.LETTERS[:count]
    # Subsets of a few letters are drawn as a permutation's prefix or a mask, never by rejecting duplicates.
    if kind == "multiple":
        key = draw(st.permutations(letters))[: draw(st.integers(2, count))]
    else:
        key = draw(st.sampled_from(letters))
    mask = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    chosen = {letter for letter, ticked in zip(letters, mask, strict=True) if ticked}
    return kind, "".join(sorted(key)), "".join(sorted(chosen)), count, draw(st.integers(1, 10))


@given(st.lists(questions(), min_size=1, max_size=12), st.booleans())
def test_scores_agree_with_the_oracle(paper, partial):
    items = {
        i: scoring.Item(kind, scoring.indices(key, n), pts) for i, (kind, key, _c, n, pts) in enumerate(paper)
    }
    answers = {i: scoring.indices(chosen, n) for i, (_k, _key, chosen, n, _p) in enumerate(paper)}
    result = scoring.score(items, answers, partial_credit=partial)
    expected = [oracle_points(kind, key, chosen, pts, partial) for kind, key, chosen, _n, pts in paper]
    assert [result.points[i] for i in range(len(paper))] == expected
    assert result.score == sum(expected)
    assert result.max_score == sum(p[4] for p in paper)


@given(st.text(min_size=1, max_size=12), st.integers(2, 8), st.data())
def test_a_shuffle_is_a_permutation_and_ticks_map_back(seed, count, data):
    order = scoring.shuffled(seed, count)
    assert sorted(order) == list(range(count))
    assert scoring.shuffled(seed, count) == order  # stored seeds give the same order after a reload
    mask = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))
    original = frozenset(i for i, ticked in enumerate(mask) if ticked)
    shown = scoring.to_displayed(original, order)
    # the option shown at each ticked position is the one the candidate meant
    assert {order[position] for position in shown} == set(original)
    assert scoring.to_original(shown, order) == original


def test_a_position_outside_the_options_is_refused():
    for position in (-1, 4):
        with pytest.raises(scoring.ScoringError, match="超出本题范围"):
            scoring.to_original([position], [2, 0, 3, 1])


def test_different_seeds_shuffle_differently():
    orders = {tuple(scoring.shuffled(f"candidate-{n}", 6)) for n in range(50)}
    assert len(orders) > 30


# ------------------------------------------------------------------------------------ drawing

POOL = [drawing.Candidate(i, "法规" if i < 10 else "作业", 1 if i % 2 else 2) for i in range(16)]


def test_a_paper_follows_its_rules():
    rules = [drawing.Rule("法规", 1, 3, 2), drawing.Rule("作业", None, 4, 1), drawing.Rule("", None, 2, 5)]
    drawn = drawing.draw(POOL, rules, "seed")
    ids = [qid for qid, _points in drawn]
    assert len(ids) == len(set(ids)) == 9
    by_id = {q.id: q for q in POOL}
    assert all(by_id[q].topic == "法规" and by_id[q].difficulty == 1 for q in ids[:3])
    assert all(by_id[q].topic == "作业" for q in ids[3:7])
    assert [p for _q, p in drawn] == [2, 2, 2, 1, 1, 1, 1, 5, 5]
    assert drawing.draw(POOL, rules, "seed") == drawn


def test_a_rule_the_bank_cannot_fill_names_itself_and_the_shortfall():
    # 法规 has 5 questions of difficulty 1 (ids 1, 3, 5, 7, 9); the first rule takes 4, the second wants 2
    rules = [drawing.Rule("法规", 1, 4, 1), drawing.Rule("法规", 1, 2, 1)]
    with pytest.raises(drawing.DrawError, match="第 2 条抽题规则需要 2 题.*只有 1 题"):
        drawing.draw(POOL, rules, "seed")


@given(
    st.lists(
        st.tuples(st.sampled_from(["", "法规", "作业"]), st.sampled_from([None, 1, 2]), st.integers(1, 4)),
        max_size=4,
    ),
    st.text(max_size=5),
)
def test_drawn_questions_are_distinct_and_each_fits_its_rule(specs, seed):
    rules = [drawing.Rule(topic, difficulty, count, 1) for topic, difficulty, count in specs]
    try:
        drawn = drawing.draw(POOL, rules, seed)
    except drawing.DrawError:
        return
    ids = [qid for qid, _p in drawn]
    assert len(ids) == len(set(ids)) == sum(r.count for r in rules)
    by_id = {q.id: q for q in POOL}
    position = 0
    for rule in rules:
        for qid in ids[position : position + rule.count]:
            assert rule.accepts(by_id[qid])
        position += rule.count
