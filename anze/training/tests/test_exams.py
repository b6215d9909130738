"""Taking an exam through the services: one attempt, shuffles kept, answers saved as given, the server's
clock, automatic scoring, certificates and the enterprise's compliance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.training import services
from anze.training.choices import AttemptStatus, Post
from anze.training.errors import NotAllowedError, TrainingError, TransitionError
from anze.training.models import Answer, Attempt, Certificate
from anze.training.tests.factories import (
    answer_all,
    enlist,
    high_risk_enterprise,
    make_candidate_user,
    make_sitting,
)

pytestmark = pytest.mark.django_db


def test_a_paper_is_drawn_by_its_rules_with_the_total_score(paper):
    items = list(paper.items.select_related("question"))
    assert [i.question.topic for i in items] == ["法规"] * 4 + ["作业"] * 2
    assert paper.total_score == 4 * 2 + 2 * 1 == sum(i.points for i in items)


def test_a_pass_mark_above_the_total_is_refused(bank):
    with pytest.raises(TrainingError, match="超过试卷总分 10"):
        services.create_paper(actor=None, bank=bank, title="卷", duration_minutes=10, pass_score=11,
                              rules=[{"topic": "法规", "count": 5, "points": 2}])  # fmt: skip


def test_starting_twice_gives_the_same_attempt_and_the_database_allows_only_one(sitting):
    # given a listed candidate
    user = make_candidate_user("cand")
    candidate = enlist(sitting, user, post=Post.STAFF)
    # when they start twice (a reload)
    first = services.start_attempt(actor=user, candidate=candidate)
    again = services.start_attempt(actor=user, candidate=candidate)
    # then it is one attempt, and a second row is refused by the database itself
    assert first.pk == again.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(sitting=sitting, candidate=candidate, user=user, started_at=first.started_at,
                               deadline=first.deadline, max_score=10)  # fmt: skip


def test_options_and_questions_are_shuffled_per_candidate_and_stored(sitting):
    attempts = []
    for n in range(6):
        user = make_candidate_user(f"c{n}")
        attempts.append(services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF)))
    orders = {
        tuple(tuple(a.option_orders[str(q)]) for q in sorted(map(int, a.option_orders))) for a in attempts
    }
    assert len(orders) > 1
    stored = Attempt.objects.get(pk=attempts[0].pk)
    assert (
        stored.option_orders == attempts[0].option_orders
        and stored.question_order == attempts[0].question_order
    )
    assert sorted(stored.question_order) == sorted(sitting.paper.items.values_list("question_id", flat=True))


def test_only_the_candidate_may_start_their_exam(sitting):
    user, other = make_candidate_user("cand"), make_candidate_user("other")
    candidate = enlist(sitting, user, post=Post.STAFF)
    with pytest.raises(NotAllowedError):
        services.start_attempt(actor=other, candidate=candidate)
    assert not Attempt.objects.exists()


def test_the_deadline_is_the_papers_time_but_never_past_the_close(paper, org):
    now = timezone.now()
    sitting = make_sitting(paper, org["linyi"], opens_at=now - dt.timedelta(hours=1), hours=1.25)
    user = make_candidate_user("late")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF), now=now)
    assert attempt.deadline == sitting.closes_at == now + dt.timedelta(minutes=15)


def test_an_exam_not_yet_open_cannot_be_started(paper, org):
    sitting = make_sitting(paper, org["linyi"], opens_at=timezone.now() + dt.timedelta(hours=1))
    user = make_candidate_user("early")
    with pytest.raises(TransitionError, match="尚未开始"):
        services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))


def test_an_answer_replaces_the_earlier_one_and_is_stored_in_original_letters(sitting):
    user = make_candidate_user("cand")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    qid = attempt.question_order[0]
    order = attempt.option_orders[str(qid)]
    # when the candidate ticks the option shown first, then changes to the one shown third
    services.save_answer(actor=user, attempt=attempt, question_id=qid, displayed=[0])
    services.save_answer(actor=user, attempt=attempt, question_id=qid, displayed=[2])
    # then one answer remains: the original letter of the option shown third
    assert list(Answer.objects.filter(attempt=attempt).values_list("chosen", flat=True)) == ["ABCD"[order[2]]]


def test_two_ticks_on_a_single_choice_are_refused(sitting):
    user = make_candidate_user("cand")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    with pytest.raises(TrainingError, match="只能选一项"):
        services.save_answer(
            actor=user, attempt=attempt, question_id=attempt.question_order[0], displayed=[0, 1]
        )
    assert not Answer.objects.exists()


def test_answers_after_the_deadline_are_refused_and_the_job_hands_the_paper_in(sitting):
    # given a candidate who answered every question right, then ran out of time
    user = make_candidate_user("cand")
    start = timezone.now()
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF), now=start)
    answer_all(attempt, now=start + dt.timedelta(minutes=1))
    late = attempt.deadline + dt.timedelta(seconds=1)
    # when they try to change an answer after the deadline
    with pytest.raises(TransitionError, match="考试时间已到"):
        services.save_answer(
            actor=user, attempt=attempt, question_id=attempt.question_order[0], displayed=[0], now=late
        )
    # then the timer job hands the paper in with what was saved before the deadline, once
    assert services.expire_attempts(late) == 1
    assert services.expire_attempts(late) == 0
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (AttemptStatus.TIMED_OUT, 10, True)
    assert attempt.submitted_at == attempt.deadline


def test_the_job_leaves_attempts_still_in_time_alone(sitting):
    user = make_candidate_user("cand")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    assert services.expire_attempts(attempt.deadline - dt.timedelta(seconds=1)) == 0
    with pytest.raises(TransitionError):
        services.submit_attempt(
            actor="job:training.expire", attempt=attempt, now=attempt.deadline - dt.timedelta(seconds=1)
        )


def test_submission_scores_each_answer_and_records_them_in_one_audit_event(sitting):
    # given answers right on the four 2-point questions only (8 of 10; the pass mark is 6)
    user = make_candidate_user("cand")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
    two_pointers = set(sitting.paper.items.filter(points=2).values_list("question_id", flat=True))
    chosen = answer_all(attempt, right=two_pointers)
    before = AuditEvent.objects.count()
    # when they hand in
    attempt = services.submit_attempt(actor=user, attempt=attempt)
    # then
    assert (attempt.status, attempt.score, attempt.max_score, attempt.passed) == (
        AttemptStatus.SUBMITTED,
        8,
        10,
        True,
    )
    assert Answer.objects.filter(attempt=attempt, is_correct=True).count() == 4
    event = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == before + 1 and event.action == "training.attempt.submit"
    assert event.after["answers"] == {str(q): c for q, c in chosen.items()}
    with pytest.raises(TransitionError, match="已交卷"):
        services.save_answer(
            actor=user, attempt=attempt, question_id=attempt.question_order[0], displayed=[1]
        )


def test_passing_issues_a_certificate_and_makes_the_enterprise_compliant(reference, paper):
    # given a high-risk enterprise whose principal has no certificate yet
    org = reference
    enterprise = high_risk_enterprise(org["lanshan"])
    rule = _result(enterprise, "principal_certificate")
    assert rule.reason == "missing"
    sitting = make_sitting(paper, org["linyi"])
    user = make_candidate_user("boss")
    attempt = services.start_attempt(
        actor=user, candidate=enlist(sitting, user, enterprise=enterprise, name="王总")
    )
    answer_all(attempt)
    # when the principal passes
    services.submit_attempt(actor=user, attempt=attempt)
    # then a three-year certificate is issued and the rule is met
    certificate = Certificate.objects.get(enterprise=enterprise)
    assert (certificate.holder, certificate.post) == ("王总", Post.PRINCIPAL)
    assert certificate.expires_on == certificate.issued_on.replace(year=certificate.issued_on.year + 3)
    result = _result(enterprise, "principal_certificate")
    assert (result.is_met, result.reason_label) == (True, "王总")


def test_failing_makes_the_enterprise_non_compliant_with_the_reason(reference, paper):
    org = reference
    enterprise = high_risk_enterprise(org["lanshan"])
    sitting = make_sitting(paper, org["linyi"])
    user = make_candidate_user("boss")
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, enterprise=enterprise))
    answer_all(attempt, right=set())
    attempt = services.submit_attempt(actor=user, attempt=attempt)
    assert attempt.passed is False and not Certificate.objects.exists()
    result = _result(enterprise, "principal_certificate")
    assert (result.is_met, result.reason) == (False, "not_passed")
    assert enterprise.summary.compliance == "non_compliant"


def test_an_expired_certificate_makes_the_enterprise_non_compliant(reference):
    from anze.enterprises import engine

    org = reference
    enterprise = high_risk_enterprise(org["lanshan"])
    today = timezone.localdate()
    services.register_certificates(
        actor=None, source="测试",
        rows=[{"enterprise": enterprise, "holder": "李经理", "post": Post.SAFETY_MANAGER, "number": "X1",
               "issued_on": today - dt.timedelta(days=1100), "expires_on": today - dt.timedelta(days=5)}],
    )  # fmt: skip
    engine.reevaluate(enterprise)
    result = _result(enterprise, "safety_manager_certificate")
    assert (result.is_met, result.reason, result.reason_date) == (
        False,
        "expired",
        today - dt.timedelta(days=5),
    )


def test_an_enterprise_outside_the_high_risk_categories_is_not_judged(reference):
    from anze.enterprises.tests.factories import make_enterprise

    enterprise = make_enterprise(reference["lanshan"], industry="52", categories="")
    assert not enterprise.results.filter(rule__requirement="training_certificate").exists()


def test_a_reminder_goes_out_once_per_term_before_expiry(reference):
    from anze.supervision.models import Notification

    org = reference
    enterprise = high_risk_enterprise(org["lanshan"])
    holder = make_candidate_user("holder")
    today = timezone.localdate()
    services.register_certificates(
        actor=None, source="测试",
        rows=[{"enterprise": enterprise, "holder": "赵总", "post": Post.PRINCIPAL, "number": "Y1", "user": holder,
               "issued_on": today - dt.timedelta(days=1000), "expires_on": today + dt.timedelta(days=30)},
              {"enterprise": enterprise, "holder": "钱工", "post": Post.SAFETY_MANAGER, "number": "Y2",
               "issued_on": today - dt.timedelta(days=100), "expires_on": today + dt.timedelta(days=900)}],
    )  # fmt: skip
    now = timezone.now()
    with _commits():
        assert services.remind_expiring(now) == 1
    with _commits():
        assert services.remind_expiring(now) == 0
    notes = Notification.objects.filter(user=holder)
    assert notes.count() == 1 and "赵总" in notes.get().title


def _result(enterprise, code):
    return enterprise.results.get(rule__code=code)


class _commits:
    """Run on_commit callbacks of the block (the test's transaction never commits)."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def _passed_principals(reference, paper, names):
    """Principals of high-risk enterprises, each in a started attempt with every answer right."""
    org = reference
    sitting = make_sitting(paper, org["linyi"])
    attempts = []
    for name in names:
        user = make_candidate_user(name)
        candidate = enlist(sitting, user, enterprise=high_risk_enterprise(org["lanshan"]), name=name)
        attempt = services.start_attempt(actor=user, candidate=candidate)
        answer_all(attempt)
        attempts.append(attempt)
    return attempts


def test_certificate_numbers_stay_unique_when_attempt_ids_share_their_first_digits(reference, paper):
    import uuid

    # given two passed attempts whose public ids begin with the same eight hex digits
    first, second = _passed_principals(reference, paper, ["王总", "李总"])
    for attempt, tail in ((first, "1" * 24), (second, "2" * 24)):
        Attempt.objects.filter(pk=attempt.pk).update(public_id=uuid.UUID("abcdef01" + tail))
        attempt.refresh_from_db()
    # when both hand in
    for attempt in (first, second):
        services.submit_attempt(actor=attempt.user, attempt=attempt)
    # then each holds a certificate of its own number
    numbers = set(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == 2


def test_the_timer_goes_on_past_an_attempt_it_cannot_hand_in_and_logs_it(reference, paper, caplog):
    # given two attempts out of time, the first of which cannot be handed in (its certificate number is
    # already registered)
    stuck, fine = _passed_principals(reference, paper, ["王总", "李总"])
    services.submit_attempt(actor=stuck.user, attempt=stuck)
    taken = Certificate.objects.get(attempt=stuck)
    Attempt.objects.filter(pk=stuck.pk).update(status=AttemptStatus.IN_PROGRESS)
    Certificate.objects.filter(pk=taken.pk).update(attempt=None)
    late = max(stuck.deadline, fine.deadline) + dt.timedelta(seconds=1)
    # when the timer runs
    handed_in = services.expire_attempts(late)
    # then the other attempt is handed in, the stuck one stays as it was, and the failure is logged
    assert handed_in == 1
    fine.refresh_from_db()
    stuck.refresh_from_db()
    assert (fine.status, stuck.status) == (AttemptStatus.TIMED_OUT, AttemptStatus.IN_PROGRESS)
    assert str(stuck.public_id) in caplog.text


def test_a_hand_in_after_the_deadline_is_recorded_as_timed_out_at_the_deadline(sitting):
    # given a candidate who answered in time
    user = make_candidate_user("cand")
    start = timezone.now()
    attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF), now=start)
    answer_all(attempt, now=start + dt.timedelta(minutes=1))
    # when they press 交卷 a minute after the deadline, before the timer has run
    attempt = services.submit_attempt(
        actor=user, attempt=attempt, now=attempt.deadline + dt.timedelta(minutes=1)
    )
    # then the sheet is handed in as timed out, at the deadline, with what was saved in time
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at, attempt.score) == (
        AttemptStatus.TIMED_OUT,
        attempt.deadline,
        10,
    )
