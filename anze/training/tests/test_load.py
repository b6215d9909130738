"""500 candidates sitting one exam at once on PostgreSQL: no answer lost, every score right.

All 500 attempts are open together; their answers (including changed answers) arrive in one shuffled
stream served by a pool of threads, each with its own database connection (the pool is smaller than 500
because the server's connections are shared), then all 500 hand in concurrently. The expected answers and
scores are worked out beforehand from the key, independently of the service's scoring.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from anze.training import scoring, services
from anze.training.choices import Post
from anze.training.models import Answer, Attempt, Candidate, Question
from anze.training.tests.factories import make_bank, make_paper, make_sitting

CANDIDATES = 500
THREADS = 16

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(func):
    def run(*args):
        try:
            return func(*args)
        finally:
            connections.close_all()

    return run


def test_five_hundred_candidates_at_once(org):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrent load test runs on PostgreSQL")
    from anze.accounts.models import User

    # given a 10-question paper (single and multiple choice) and 500 listed candidates
    bank = make_bank(org["linyi"], topics={"法规": 6, "作业": 4})
    from anze.training import importing
    from anze.training.tests.factories import question_rows

    importing.import_questions(actor=None, bank=bank, rows=question_rows({"多选": 4}, kind="多选题"))
    paper = make_paper(bank, rules=[{"topic": "法规", "count": 4, "points": 2}, {"topic": "多选", "count": 4, "points": 3},
                                    {"topic": "作业", "count": 2, "points": 1}])  # fmt: skip
    sitting = make_sitting(paper, org["linyi"])
    users = User.objects.bulk_create(User(username=f"load{n:03d}", password="!") for n in range(CANDIDATES))
    services.add_candidates(
        actor=None,
        sitting=sitting,
        entries=[{"user": u, "name": u.username, "post": Post.STAFF} for u in users],
    )
    candidates = list(Candidate.objects.filter(sitting=sitting).select_related("user", "sitting__paper"))

    # when all start at once
    attempts = list(
        ThreadPoolExecutor(THREADS).map(
            _in_thread(lambda c: services.start_attempt(actor=c.user, candidate=c)), candidates
        )
    )
    assert Attempt.objects.filter(sitting=sitting).count() == CANDIDATES

    # and every answer (a first pick, then for some questions a changed one) arrives in one shuffled stream
    questions = Question.objects.in_bulk(attempts[0].question_order)
    rng = random.Random(2026)
    final: dict[tuple[int, int], frozenset[int]] = {}
    first_picks, changes = [], []
    for attempt in attempts:
        for qid in attempt.question_order:
            count = len(questions[qid].options)
            pick = frozenset(
                rng.sample(range(count), rng.choice([1, 2]) if questions[qid].kind == "multiple" else 1)
            )
            if questions[qid].kind == "multiple" and rng.random() < 0.5:
                pick = scoring.indices(questions[qid].answer, count)
            first = frozenset({rng.randrange(count)})
            if rng.random() < 0.3:
                first_picks.append((attempt, qid, first))
                changes.append((attempt, qid, pick))
            else:
                first_picks.append((attempt, qid, pick))
            final[(attempt.pk, qid)] = pick
    errors: list[Exception] = []
    lock = threading.Lock()

    def save(item):
        attempt, qid, original = item
        try:
            services.save_answer(actor=attempt.user, attempt=attempt, question_id=qid,
                                 displayed=scoring.to_displayed(original, attempt.option_orders[str(qid)]))  # fmt: skip
        except Exception as error:  # noqa: BLE001 - collected and reported below
            with lock:
                errors.append(error)

    for stream in (first_picks, changes):  # a change always comes after the pick it replaces
        rng.shuffle(stream)
        list(ThreadPoolExecutor(THREADS).map(_in_thread(save), stream))
    assert errors == []

    # and all hand in at once
    submitted = list(
        ThreadPoolExecutor(THREADS).map(
            _in_thread(lambda a: services.submit_attempt(actor=a.user, attempt=a)), attempts
        )
    )

    # then no answer is lost or altered
    stored = {
        (a.attempt_id, a.question_id): a.chosen for a in Answer.objects.filter(attempt__sitting=sitting)
    }
    assert len(stored) == CANDIDATES * 10
    assert stored == {key: scoring.letters(pick) for key, pick in final.items()}
    # and every score is the sum of the points of the questions answered exactly right
    points = dict(paper.items.values_list("question_id", "points"))
    keys = {qid: q.answer for qid, q in questions.items()}
    expected = {
        a.pk: sum(points[qid] for qid in a.question_order if scoring.letters(final[(a.pk, qid)]) == keys[qid])
        for a in attempts
    }
    assert {a.pk: a.score for a in submitted} == expected
    assert dict(Attempt.objects.filter(sitting=sitting).values_list("pk", "score")) == expected
    assert Attempt.objects.filter(sitting=sitting, status="submitted").count() == CANDIDATES
