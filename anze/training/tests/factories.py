"""Test data for training: a bank imported through the importer, a paper drawn by rule, a sitting with
candidates, and an exam taken answer by answer, each through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from anze.training import importing, scoring, services
from anze.training.choices import Post
from anze.training.models import Question

_serials = itertools.count(1)


def question_rows(topics: dict[str, int], *, kind: str = "单选题") -> list[dict[str, str]]:
    """Rows of distinct questions: for each topic, that many; single choice with the key "B"."""
    rows = []
    for topic, count in topics.items():
        for _ in range(count):
            n = next(_serials)
            row = {"kind": kind, "topic": topic, "difficulty": "中", "stem": f"{topic}第{n}题：下列说法正确的是？",
                   "answer": "B", "explanation": f"EXPLAIN-{n}"}  # fmt: skip
            if kind == "判断题":
                row["answer"] = "正确"
            else:
                row.update({"option0": "甲", "option1": "乙", "option2": "丙", "option3": "丁"})
                if kind == "多选题":
                    row["answer"] = "BD"
            rows.append(row)
    return rows


def make_bank(region, *, actor=None, unit=None, topics=None, name=None, post=Post.PRINCIPAL):
    bank = services.create_bank(
        actor=actor, name=name or f"题库{next(_serials)}", post=post, region=region, unit=unit,
        category="hazardous_chemicals",
    )  # fmt: skip
    report = importing.import_questions(
        actor=actor, bank=bank, rows=question_rows(topics or {"法规": 6, "作业": 4})
    )
    assert not report.errors, report.errors
    return bank


def make_paper(bank, *, rules=None, pass_score=6, duration=30, actor=None, partial_credit=False):
    return services.create_paper(
        actor=actor, bank=bank, title=f"试卷{next(_serials)}", duration_minutes=duration, pass_score=pass_score,
        rules=rules or [{"topic": "法规", "count": 4, "points": 2}, {"topic": "作业", "count": 2, "points": 1}],
        partial_credit=partial_credit, seed="test",
    )  # fmt: skip


def make_sitting(paper, region, *, opens_at=None, hours=4, actor=None, **fields):
    opens_at = opens_at or timezone.now() - dt.timedelta(minutes=5)
    return services.create_sitting(
        actor=actor, paper=paper, title=f"场次{next(_serials)}", opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(hours=hours), region=region, **fields,
    )  # fmt: skip


def make_candidate_user(username: str):
    from conftest import make_user

    return make_user(username)


def enlist(sitting, user, *, enterprise=None, post=Post.PRINCIPAL, name=None, now=None):
    return services.add_candidates(
        actor=None, sitting=sitting, entries=[{"user": user, "name": name or user.username, "post": post, "enterprise": enterprise}],
        now=now,
    )[0]  # fmt: skip


def answer_all(attempt, *, right: set[int] | None = None, now: dt.datetime | None = None) -> dict[int, str]:
    """Answer every question: the key where the question id is in `right` (all when None), else a wrong
    option. Returns {question id: original letters chosen}."""
    questions = Question.objects.in_bulk(attempt.question_order)
    chosen = {}
    for qid in attempt.question_order:
        question = questions[qid]
        key = scoring.indices(question.answer, len(question.options))
        pick = (
            key
            if right is None or qid in right
            else frozenset({min(set(range(len(question.options))) - key)})
        )
        order = attempt.option_orders[str(qid)]
        services.save_answer(
            actor=attempt.user,
            attempt=attempt,
            question_id=qid,
            displayed=scoring.to_displayed(pick, order),
            now=now,
        )
        chosen[qid] = scoring.letters(pick)
    return chosen


def high_risk_enterprise(region, **fields: Any):
    from anze.enterprises.tests.factories import make_enterprise

    return make_enterprise(region, industry="26", employees=120, categories=",hazardous_chemicals,", **fields)
