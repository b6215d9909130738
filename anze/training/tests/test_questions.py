"""Editing one question of a bank: the rules name the field to fix, a question on no paper changes in
place, a question on a paper is revised without changing what its candidates saw or how they are scored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.training import services
from anze.training.choices import Post
from anze.training.errors import NotAllowedError, QuestionInvalid, TrainingError, TransitionError
from anze.training.models import Answer, Question
from anze.training.tests.factories import enlist, make_candidate_user, make_paper

pytestmark = pytest.mark.django_db


def _unused(bank) -> Question:
    """A question of the bank that no paper drew."""
    return bank.questions.current().exclude(pk__in=bank.papers.values("items__question")).first()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "multiple", "answer": "AE"}, "answer"),  # a key letter with no option (four options)
        ({"kind": "true_false", "answer": "正确"}, "options"),  # a true/false with options of its own
        ({"answer": "AB"}, "answer"),  # a single choice with two keys
        ({"kind": "multiple", "answer": "A"}, "answer"),
        ({"options": ["甲", "", "丙"]}, "options"),  # a gap in the options
        ({"options": ["甲", "甲"], "answer": "A"}, "options"),
        ({"stem": "  "}, "stem"),
        ({"topic": ""}, "topic"),
        ({"difficulty": 7}, "difficulty"),
        ({"kind": "essay"}, "kind"),
    ],
)
def test_an_edit_that_breaks_a_rule_names_the_field_and_changes_nothing(bank, alice, changes, field):
    question = _unused(bank)
    before = Question.objects.filter(bank=bank).values().order_by("pk")
    before = list(before)
    with pytest.raises(QuestionInvalid) as raised:
        services.edit_question(actor=alice, question=question, **changes)
    assert raised.value.field == field
    assert list(Question.objects.filter(bank=bank).values().order_by("pk")) == before


def test_a_true_false_question_is_edited_with_its_fixed_options(bank, alice):
    question = _unused(bank)
    edited = services.edit_question(
        actor=alice,
        question=question,
        kind="true_false",
        options=[],
        answer="错误",
        stem="动火作业无需审批。",
    )
    edited.refresh_from_db()
    assert (edited.kind, edited.options, edited.answer) == ("true_false", ["正确", "错误"], "B")


def test_a_question_on_no_paper_is_changed_in_place_and_audited(bank, alice):
    question = _unused(bank)
    edited = services.edit_question(
        actor=alice,
        question=question,
        stem="新题干？",
        options=["一", "二", "三"],
        answer="C",
        explanation="因为",
    )
    assert edited.pk == question.pk and edited.previous_id is None
    stored = Question.objects.get(pk=question.pk)
    assert (stored.stem, stored.options, stored.answer, stored.explanation) == (
        "新题干？",
        ["一", "二", "三"],
        "C",
        "因为",
    )
    event = AuditEvent.objects.get(action="training.question.edit")
    assert event.before["stem"] == question.stem and event.after["stem"] == "新题干？"
    assert event.actor_id == alice.pk


def test_a_stem_already_in_the_bank_is_refused_on_the_stem(bank, alice):
    first, second = bank.questions.current().order_by("pk")[:2]
    with pytest.raises(QuestionInvalid) as raised:
        services.edit_question(actor=alice, question=second, stem=first.stem)
    assert raised.value.field == "stem"


def test_an_attempt_taken_before_an_edit_keeps_its_text_and_is_scored_by_the_old_key(sitting, alice):
    # given a candidate who answered every question with the key as it stood
    user = make_candidate_user("cand")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    qid = attempt.question_order[0]
    old = Question.objects.get(pk=qid)
    assert old.answer == "B"  # the factory's key
    for question_id in attempt.question_order:
        order = attempt.option_orders[str(question_id)]
        services.save_answer(actor=user, attempt=attempt, question_id=question_id, displayed=[order.index(1)])
    # when the bank's owner changes that question's stem and key (B → C)
    revised = services.edit_question(actor=alice, question=old, stem="改过的题干？", answer="C")
    # then the edit is a new version and the old row is untouched
    assert revised.pk != old.pk and revised.previous_id == old.pk
    kept = Question.objects.get(pk=old.pk)
    assert (kept.stem, kept.answer, kept.is_current) == (old.stem, "B", False)
    # the candidate still sees the old text while answering
    client_html = _exam_page(user, attempt)
    assert old.stem in client_html and "改过的题干" not in client_html
    # and the hand-in scores every answer by the key the candidate saw: full marks (4×2 + 2×1)
    submitted = services.submit_attempt(actor=user, attempt=attempt)
    assert submitted.score == 10 and submitted.passed
    assert Answer.objects.get(attempt=attempt, question_id=old.pk).is_correct
    # the department's view of the attempt shows the old text
    from django.test import Client

    office = Client()
    office.force_login(alice)
    html = office.get(reverse("training:attempt_detail", args=[attempt.public_id])).content.decode()
    assert old.stem in html and "改过的题干" not in html


def _exam_page(user, attempt) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("training:exam", args=[attempt.public_id])).content.decode()


def test_the_bank_shows_and_new_papers_draw_the_revision_only(paper, alice):
    bank = paper.bank
    old = paper.items.order_by("position").first().question
    revised = services.edit_question(actor=alice, question=old, stem="修订后的题干？")
    current = set(bank.questions.current().values_list("pk", flat=True))
    assert revised.pk in current and old.pk not in current
    # a new paper of every question of the topic draws the revision, never the superseded version
    whole = make_paper(bank, rules=[{"topic": old.topic, "count": 6, "points": 1}], pass_score=1)
    drawn = set(whole.items.values_list("question_id", flat=True))
    assert revised.pk in drawn and old.pk not in drawn
    # the old paper keeps the old version, marked as revised on its page
    assert paper.items.filter(question=old).exists()
    from django.test import Client

    office = Client()
    office.force_login(alice)
    html = office.get(paper.get_absolute_url()).content.decode()
    assert old.stem in html and "已修订" in html and "修订后的题干" not in html
    # and a superseded version cannot be edited again
    with pytest.raises(TransitionError):
        services.edit_question(actor=alice, question=old, stem="再改")


def test_a_retired_question_is_not_drawn_until_restored(bank, alice):
    question = bank.questions.current().filter(topic="作业").first()
    services.retire_question(actor=alice, question=question)
    with pytest.raises(TrainingError, match="只有 3 题"):
        make_paper(bank, rules=[{"topic": "作业", "count": 4, "points": 1}], pass_score=1)
    services.restore_question(actor=alice, question=question)
    assert (
        make_paper(bank, rules=[{"topic": "作业", "count": 4, "points": 1}], pass_score=1).items.count() == 4
    )
    assert list(
        AuditEvent.objects.filter(action__in=["training.question.retire", "training.question.restore"])
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["training.question.retire", "training.question.restore"]


def test_only_the_banks_owner_may_edit_or_retire_and_a_refusal_changes_nothing(bank, bob, dave, charlie):
    question = _unused(bank)
    for outsider in (bob, dave, charlie):  # a county office, the auditor, another county's department
        with pytest.raises(NotAllowedError):
            services.edit_question(actor=outsider, question=question, stem="越权修改")
        with pytest.raises(NotAllowedError):
            services.retire_question(actor=outsider, question=question)
    question.refresh_from_db()
    assert question.stem != "越权修改" and question.is_active
    assert not AuditEvent.objects.filter(action__startswith="training.question.e").exists()


def test_the_bank_page_edits_one_question_with_the_error_beside_the_field(signed_in, bank, alice, bob):
    question = _unused(bank)
    client = signed_in(alice)
    url = reverse("training:question_edit", args=[question.public_id])
    page = client.get(url)
    assert page.status_code == 200 and question.stem in page.content.decode()
    form = {"kind": "multiple", "topic": question.topic, "difficulty": "2", "stem": question.stem,
            "option0": "甲", "option1": "乙", "answer": "AC", "explanation": ""}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert refused.context["form"].errors["answer"]
    form.update(option2="丙", explanation="丙也对")
    assert client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.answer, question.options) == ("multiple", "AC", ["甲", "乙", "丙"])
    # retire and restore from the bank page
    client.post(reverse("training:question_retire", args=[question.public_id]))
    question.refresh_from_db()
    assert not question.is_active
    assert "已停用" in client.get(bank.get_absolute_url()).content.decode()
    client.post(reverse("training:question_restore", args=[question.public_id]))
    question.refresh_from_db()
    assert question.is_active
    # a county office outside the bank gets 404 and changes nothing
    client.logout()
    other = signed_in(bob)
    assert other.post(url, form | {"stem": "越权"}).status_code == 404
    assert other.post(reverse("training:question_retire", args=[question.public_id])).status_code == 404
    question.refresh_from_db()
    assert question.stem != "越权" and question.is_active
