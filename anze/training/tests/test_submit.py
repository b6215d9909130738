"""Handing in does a fixed amount of work: the same number of queries for a paper of 6 questions as for one
of 24 with three point values and every kind of outcome, and the scores stored per answer are the key's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anze.training import scoring, services
from anze.training.choices import Post
from anze.training.models import Answer, Question
from anze.training.tests.factories import enlist, make_bank, make_candidate_user, make_paper, make_sitting

pytestmark = pytest.mark.django_db

# The hand-in request (POST …/submit/) of a staff candidate, after the session and the user are read: the
# candidate's attempt (1), locked with its sitting, paper and candidate (1), the paper's keys (1), the
# answers (1), one UPDATE scoring every answer (1), the attempt's result (1), the audit event (lock the
# chain's head, insert, move the head: 3). Savepoints are left out (a request has BEGIN and COMMIT there).
SUBMIT_QUERIES = 9


def _answered_attempt(paper, org, username, *, rights):
    """An attempt with every question answered: right where `rights` says so (by position), else wrong."""
    sitting = make_sitting(paper, org["linyi"])
    user = make_candidate_user(username)
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    questions = Question.objects.in_bulk(attempt.question_order)
    expected = 0
    points = dict(paper.items.values_list("question_id", "points"))
    for position, qid in enumerate(attempt.question_order):
        question = questions[qid]
        key = scoring.indices(question.answer, len(question.options))
        right = rights(position)
        pick = key if right else frozenset({min(set(range(len(question.options))) - key)})
        expected += points[qid] if right else 0
        order = attempt.option_orders[str(qid)]
        services.save_answer(
            actor=user, attempt=attempt, question_id=qid, displayed=scoring.to_displayed(pick, order)
        )
    return user, attempt, expected


def _submit_queries(client, user, attempt) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("training:exam_submit", args=[attempt.public_id]))
    assert response.status_code == 302
    client.logout()
    sql = [q["sql"] for q in queries.captured_queries]
    # the session and user reads of the authentication middleware are not the hand-in's
    return [
        s
        for s in sql
        if "django_session" not in s and "accounts_" not in s and not s.startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_a_hand_in_costs_the_same_queries_whatever_the_papers_length(client, org):
    small_bank = make_bank(org["linyi"], topics={"法规": 4, "作业": 2})
    small = make_paper(small_bank, rules=[{"topic": "法规", "count": 4, "points": 2},
                                          {"topic": "作业", "count": 2, "points": 1}])  # fmt: skip
    big_bank = make_bank(org["linyi"], topics={"法规": 8, "作业": 8, "管理": 8})
    big = make_paper(big_bank, rules=[{"topic": "法规", "count": 8, "points": 1},
                                      {"topic": "作业", "count": 8, "points": 2},
                                      {"topic": "管理", "count": 8, "points": 3}], pass_score=10)  # fmt: skip
    runs = []
    for name, paper in (("s", small), ("b", big)):
        user, attempt, expected = _answered_attempt(paper, org, f"cand{name}", rights=lambda i: i % 3 != 0)
        sql = _submit_queries(client, user, attempt)
        attempt.refresh_from_db()
        # the oracle: the points of the questions answered right, worked out from the key before hand-in
        assert attempt.score == expected
        stored = Answer.objects.filter(attempt=attempt)
        assert sum(stored.values_list("points", flat=True)) == expected
        assert stored.filter(is_correct=True).count() == sum(
            1 for i in range(len(attempt.question_order)) if i % 3
        )
        runs.append(sql)
    assert len(runs[0]) == len(runs[1]), "\n".join(runs[1])
    assert len(runs[1]) == SUBMIT_QUERIES, "\n".join(runs[1])
    # nothing is read or written once per question
    assert sum("UPDATE" in s and "training_answer" in s for s in runs[1]) == 1
