"""The exam through the API, with the pages' services and rules: a candidate lists, starts, reads the
questions without the key, answers and hands in; the departments organise sittings, list candidates and
edit questions; nobody reaches what the pages would not show them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.training import scoring, services
from anze.training.choices import Post
from anze.training.models import Answer, Attempt, Question, Sitting
from anze.training.tests.factories import enlist, make_candidate_user

pytestmark = pytest.mark.django_db


def _api(client, user):
    client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _keys_and_explanations(attempt) -> list[str]:
    """What must never reach the candidate before hand-in: each explanation, and each key's letters as the
    question stores them paired with its stem."""
    return list(Question.objects.filter(pk__in=attempt.question_order).values_list("explanation", flat=True))


def test_a_candidate_sits_the_whole_exam_through_the_api(client, sitting):
    ann = make_candidate_user("ann")
    candidate = enlist(sitting, ann, post=Post.STAFF)
    api = _api(client, ann)
    # my exams lists the sitting, not started
    mine = api.get(reverse("api:training-my-exam-list")).json()
    assert [(row["id"], row["status"]) for row in mine["results"]] == [(str(candidate.public_id), None)]
    # start: the clock starts on the server; starting again resumes the same attempt
    started = _post(api, reverse("api:training-my-exam-start", args=[candidate.public_id]))
    assert started.status_code == 200
    exam = started.json()
    assert (
        _post(api, reverse("api:training-my-exam-start", args=[candidate.public_id])).json()["id"]
        == exam["id"]
    )
    attempt = Attempt.objects.get(public_id=exam["id"])
    assert exam["deadline"] and exam["total"] == 6 and len(exam["questions"]) == 6
    # the questions carry no key and no explanation
    body = json.dumps(exam, ensure_ascii=False)
    assert "answer" not in {k for q in exam["questions"] for k in q}
    assert not any(text in body for text in _keys_and_explanations(attempt))
    # answer every question with the key, as shown (the oracle is the stored key and the stored shuffle)
    questions = Question.objects.in_bulk(attempt.question_order)
    for position, qid in enumerate(attempt.question_order, start=1):
        key = scoring.indices(questions[qid].answer, len(questions[qid].options))
        shown = sorted(scoring.to_displayed(key, attempt.option_orders[str(qid)]))
        saved = _post(
            api,
            reverse("api:training-exam-answer", args=[attempt.public_id]),
            {"q": position, "choices": shown},
        )
        assert saved.status_code == 200, saved.content
    assert Answer.objects.filter(attempt=attempt).count() == 6
    again = api.get(reverse("api:training-exam-detail", args=[attempt.public_id])).json()
    assert again["answered"] == 6 and all(any(o["checked"] for o in q["options"]) for q in again["questions"])
    # hand in: the score (4×2 + 2×1), no questions any more
    result = _post(api, reverse("api:training-exam-submit", args=[attempt.public_id]))
    assert result.status_code == 200
    assert (result.json()["score"], result.json()["passed"], result.json()["questions"]) == (10, True, [])
    assert AuditEvent.objects.filter(action="training.attempt.submit", source="api").count() == 1
    # and an answer after hand-in is refused
    late = _post(api, reverse("api:training-exam-answer", args=[attempt.public_id]), {"q": 1, "choices": [0]})
    assert late.status_code == 409 and late.json()["code"] == "already_submitted"


def test_the_key_never_reaches_a_candidate_through_any_endpoint_before_hand_in(client, sitting, alice):
    # given a staff member of the office who is also a candidate of the sitting (a department role that reads
    # banks and results)
    staff = make_candidate_user("staff")
    from anze.accounts.models import RoleAssignment
    from anze.accounts.roles import Role

    RoleAssignment.objects.create(user=staff, role=Role.OFFICE, region=sitting.region)
    candidate = enlist(sitting, staff, post=Post.STAFF)
    api = _api(client, staff)
    attempt_id = _post(api, reverse("api:training-my-exam-start", args=[candidate.public_id])).json()["id"]
    attempt = Attempt.objects.get(public_id=attempt_id)
    bank = sitting.paper.bank
    question = Question.objects.get(pk=attempt.question_order[0])
    # then neither the exam nor the question endpoints give a key while they are sitting
    texts = []
    for url in (
        reverse("api:training-exam-detail", args=[attempt_id]),
        reverse("api:training-question-list") + f"?bank={bank.public_id}",
        reverse("api:training-question-detail", args=[question.public_id]),
        reverse("api:training-bank-detail", args=[bank.public_id]),
    ):
        response = api.get(url)
        texts.append(response.content.decode())
    assert json.loads(texts[1])["count"] == 0
    assert api.get(reverse("api:training-question-detail", args=[question.public_id])).status_code == 404
    assert not any(e in text for text in texts for e in _keys_and_explanations(attempt))
    # after hand-in, as a department member, they read the bank's questions with their keys again
    _post(api, reverse("api:training-exam-submit", args=[attempt_id]))
    detail = api.get(reverse("api:training-question-detail", args=[question.public_id]))
    assert detail.status_code == 200 and detail.json()["answer"] == question.answer


def test_another_candidates_exam_answers_404_and_nothing_changes(client, sitting):
    ann, ben = make_candidate_user("ann"), make_candidate_user("ben")
    attempt = services.start_attempt(actor=ann, candidate=enlist(sitting, ann, post=Post.STAFF))
    enlist(sitting, ben, post=Post.STAFF)
    api = _api(client, ben)
    assert api.get(reverse("api:training-exam-detail", args=[attempt.public_id])).status_code == 404
    answer = _post(
        api, reverse("api:training-exam-answer", args=[attempt.public_id]), {"q": 1, "choices": [0]}
    )
    assert answer.status_code == 404
    assert _post(api, reverse("api:training-exam-submit", args=[attempt.public_id])).status_code == 404
    ann_candidate = sitting.candidates.get(user=ann)
    assert (
        _post(api, reverse("api:training-my-exam-start", args=[ann_candidate.public_id])).status_code == 404
    )
    attempt.refresh_from_db()
    assert attempt.status == "in_progress" and not Answer.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor_id=ben.pk).exists()


def test_the_server_deadline_holds_through_the_api(client, paper, org):
    # given a sitting that closed a minute ago for a candidate who started in time
    now = timezone.now()
    sitting = services.create_sitting(
        actor=None, paper=paper, title="场次", opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(minutes=30), region=org["linyi"],
    )  # fmt: skip
    ann = make_candidate_user("ann")
    candidate = enlist(sitting, ann, post=Post.STAFF)
    attempt = services.start_attempt(actor=ann, candidate=candidate, now=now - dt.timedelta(minutes=40))
    assert attempt.deadline < now  # 30 minutes from a start 40 minutes ago
    api = _api(client, ann)
    # when they send an answer after the deadline, it is refused and nothing is stored
    late = _post(api, reverse("api:training-exam-answer", args=[attempt.public_id]), {"q": 1, "choices": [0]})
    assert late.status_code == 409 and late.json()["code"] == "time_up"
    assert not Answer.objects.exists()
    # and reading the exam hands it in as the timer would
    exam = api.get(reverse("api:training-exam-detail", args=[attempt.public_id])).json()
    assert exam["status"] == "timed_out" and exam["score"] == 0 and exam["questions"] == []


def test_the_office_organises_a_sitting_and_lists_candidates_through_the_api(client, paper, alice, bob):
    ann = make_candidate_user("ann")
    api = _api(client, alice)
    opens = timezone.now() + dt.timedelta(days=1)
    body = {"paper": str(paper.public_id), "title": "API 场次", "opens_at": opens.isoformat(),
            "closes_at": (opens + dt.timedelta(hours=2)).isoformat()}  # fmt: skip
    created = _post(api, reverse("api:training-sitting-list"), body)
    assert created.status_code == 201, created.content
    sitting = Sitting.objects.get(public_id=created.json()["id"])
    assert sitting.region == paper.bank.region and sitting.paper == paper
    # a window shorter than the paper is refused as on the page
    short = _post(
        api,
        reverse("api:training-sitting-list"),
        body | {"closes_at": (opens + dt.timedelta(minutes=5)).isoformat()},
    )
    assert short.status_code == 400 and short.json()["code"] == "window_too_short"
    url = reverse("api:training-sitting-candidates", args=[sitting.public_id])
    # an unknown account adds nobody
    bad = _post(
        api,
        url,
        {"candidates": [{"username": "ann", "post": "staff"}, {"username": "nobody", "post": "staff"}]},
    )
    assert bad.status_code == 400 and not sitting.candidates.exists()
    added = _post(api, url, {"candidates": [{"username": "ann", "name": "安", "post": "staff"}]})
    assert added.status_code == 201 and added.json() == {"added": 1}
    assert list(sitting.candidates.values_list("user", "name")) == [(ann.pk, "安")]
    # a county office outside the sitting's scope reaches neither
    other = _api(client, bob)
    assert _post(other, url, {"candidates": [{"username": "bob", "post": "staff"}]}).status_code == 404
    assert sitting.candidates.count() == 1


def test_a_candidate_may_not_organise_a_sitting(client, paper):
    ann = make_candidate_user("ann")
    api = _api(client, ann)
    opens = timezone.now()
    body = {"paper": str(paper.public_id), "title": "越权", "opens_at": opens.isoformat(),
            "closes_at": (opens + dt.timedelta(hours=2)).isoformat()}  # fmt: skip
    assert _post(api, reverse("api:training-sitting-list"), body).status_code == 404
    assert not Sitting.objects.filter(title="越权").exists()


def test_the_banks_owner_edits_a_question_through_the_api_and_errors_name_the_field(client, bank, alice, bob):
    question = bank.questions.current().first()
    url = reverse("api:training-question-detail", args=[question.public_id])
    api = _api(client, alice)
    refused = api.patch(
        url, json.dumps({"kind": "multiple", "answer": "AF"}), content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "answer"
    refused = api.patch(
        url, json.dumps({"kind": "true_false", "answer": "正确"}), content_type="application/json"
    )
    assert refused.json()["field"] == "options"
    edited = api.patch(
        url, json.dumps({"stem": "经 API 修订？", "answer": "D"}), content_type="application/json"
    )
    assert edited.status_code == 200 and (edited.json()["stem"], edited.json()["answer"]) == (
        "经 API 修订？",
        "D",
    )
    retired = _post(api, reverse("api:training-question-retire", args=[edited.json()["id"]]))
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    # a county office outside the bank gets 404 and nothing changes
    other = _api(client, bob)
    assert other.patch(url, json.dumps({"stem": "越权"}), content_type="application/json").status_code == 404
    assert Question.objects.filter(stem="越权").count() == 0
