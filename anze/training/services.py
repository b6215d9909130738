"""State changes of training and online exams. Each is atomic, takes `actor=`, checks its guard and writes
one audit event, except `save_answer`: an answer given during an exam is the candidate's working copy, saved
as it is given so that the exam survives a reload; the submission's audit event records every final answer
(and the score it earned), which is the record that counts.

The exam's clock is the server's: an attempt's `deadline` (start + the paper's time, never past the
sitting's close) is stored when the candidate starts; an answer after it is refused, and `expire_attempts`
(a registered job) hands in every attempt whose deadline has passed. Saving, submitting and expiring lock
the attempt row, so an answer and the submission never interleave.

Passing a sitting that grants certificates issues a 考核合格证 to an enterprise's principal or safety
manager; passing or failing re-evaluates the enterprise at once, so the compliance rule 主要负责人和安全管理人员
考核合格 (anze/training/compliance.py) sees it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from anze.audit.services import record, snapshot
from anze.core import notices
from anze.core.restrict import scope_q
from anze.training import drawing, questions, scoring
from anze.training.choices import AttemptStatus, Post, QuestionKind
from anze.training.errors import NotAllowedError, QuestionInvalid, TrainingError, TransitionError
from anze.training.models import (
    EXPIRING_DAYS,
    Answer,
    Attempt,
    Candidate,
    Certificate,
    Paper,
    PaperQuestion,
    PaperRule,
    Question,
    QuestionBank,
    Sitting,
    StudyDuty,
    StudySession,
)

logger = logging.getLogger(__name__)

JOB_ACTOR = "job:training.expire"
REMIND_ACTOR = "job:training.remind"
CERTIFICATE_EXPIRING = "certificate_expiring"  # notice kind: certificate_id, now


def _is_person(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str)


def _allowed(actor: Any, model: Any, action: str, obj: Any = None) -> None:
    """Refuse a change the actor's scope does not cover (None or a job label is the system)."""
    if not _is_person(actor):
        return
    if obj is None:
        if scope_q(model, actor, action) is None:
            raise NotAllowedError("您无权执行此操作。")
        return
    if not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise NotAllowedError("您无权执行此操作。")


# ------------------------------------------------------------------------------------ banks and papers


@transaction.atomic
def create_bank(
    *, actor: Any, name: str, post: str, region: Any, category: str = "", unit: Any = None
) -> QuestionBank:
    """A new, empty question bank of a category and post."""
    _allowed(actor, QuestionBank, "add")
    probe = QuestionBank(name=name, post=post, region=region, category=category, unit=unit)
    if _is_person(actor) and not _covers(actor, QuestionBank, region=region, unit=unit):
        raise NotAllowedError("您只能在自己的辖区或单位建立题库。")
    if QuestionBank.objects.filter(region=region, name=name).exists():
        raise TrainingError(f"本区划已有名为“{name}”的题库，请换一个名称。", "duplicate_bank")
    probe.save()
    record("training.bank.create", actor=actor, obj=probe, after=snapshot(probe))
    return probe


def _covers(actor: Any, model: Any, *, region: Any, unit: Any) -> bool:
    """Whether a new row placed in `region` (and `unit`) would be inside the actor's scope for "add"."""
    for assignment in actor.active_assignments():
        from anze.accounts.roles import actions_for

        if "add" not in actions_for(assignment.role, model.scope.roles):
            continue
        if assignment.region_id and region.path.startswith(assignment.region.path):
            return True
        if assignment.unit_id and unit is not None and assignment.unit_id == unit.pk:
            return True
    return actor.is_superuser


@transaction.atomic
def create_paper(
    *,
    actor: Any,
    bank: QuestionBank,
    title: str,
    duration_minutes: int,
    pass_score: int,
    rules: list[dict[str, Any]],
    partial_credit: bool = False,
    seed: str | None = None,
) -> Paper:
    """A paper drawn from the bank's active questions by `rules` ({topic, difficulty, count, points})."""
    _allowed(actor, QuestionBank, "change", bank)
    if not rules:
        raise TrainingError("请至少填写一条抽题规则。", "no_rules")
    parsed = [
        drawing.Rule(topic=(r.get("topic") or "").strip(), difficulty=r.get("difficulty") or None,
                     count=int(r["count"]), points=int(r["points"]))
        for r in rules
    ]  # fmt: skip
    pool = [
        drawing.Candidate(id=qid, topic=topic, difficulty=difficulty)
        for qid, topic, difficulty in bank.questions.current()
        .filter(is_active=True)
        .values_list("id", "topic", "difficulty")
    ]
    seed = seed or secrets.token_hex(8)
    try:
        drawn = drawing.draw(pool, parsed, seed)
    except drawing.DrawError as error:
        raise TrainingError(f"{error}。请减少题数或补充题库。", "bank_too_small") from None
    total = sum(points for _qid, points in drawn)
    if pass_score > total:
        raise TrainingError(
            f"合格分数 {pass_score} 超过试卷总分 {total}，请调低合格分数。", "pass_unreachable"
        )
    paper = Paper.objects.create(
        bank=bank, title=title, duration_minutes=duration_minutes, pass_score=pass_score,
        partial_credit=partial_credit, seed=seed, total_score=total,
    )  # fmt: skip
    PaperRule.objects.bulk_create(
        PaperRule(
            paper=paper, position=i, topic=r.topic, difficulty=r.difficulty, count=r.count, points=r.points
        )
        for i, r in enumerate(parsed, start=1)
    )
    PaperQuestion.objects.bulk_create(
        PaperQuestion(paper=paper, question_id=qid, position=i, points=points)
        for i, (qid, points) in enumerate(drawn, start=1)
    )
    record(
        "training.paper.create",
        actor=actor,
        obj=paper,
        after=snapshot(paper) | {"rules": [r.__dict__ for r in parsed], "questions": [q for q, _p in drawn]},
    )
    return paper


# ------------------------------------------------------------------------------------ editing one question


def _question_for_change(actor: Any, question: Question) -> Question:
    """The question's row, locked (two edits of one question queue; the second sees the first's revision)."""
    _allowed(actor, QuestionBank, "change", question.bank)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if not locked.is_current:
        raise TransitionError("该试题已被修订，请打开最新版本再修改。", "question_superseded")
    return locked


@transaction.atomic
def edit_question(
    *, actor: Any, question: Question, now: dt.datetime | None = None, **changes: Any
) -> Question:
    """修订试题: change any of the question's text, options, key, explanation, topic and difficulty (fields
    not given stay as they are). Returns the question as it now stands.

    A question no paper has drawn is changed in place. A question on a paper is copied on write: the edit
    becomes a new row (its `previous` the old one) and the old row is marked superseded, untouched, so every
    paper, attempt and answer that points to it keeps the text and key the candidates saw and scored against;
    papers drawn from now on draw the revision."""
    now = now or timezone.now()
    unknown = set(changes) - set(questions.FIELDS)
    if unknown:
        raise TrainingError(f"不能修改：{'、'.join(sorted(unknown))}。", "unknown_field")
    locked = _question_for_change(actor, question)
    before = {name: getattr(locked, name) for name in questions.FIELDS}
    fields = questions.clean_question(**(before | changes))
    if fields == before:
        return locked
    if (
        Question.objects.current()
        .filter(bank_id=locked.bank_id, stem=fields["stem"])
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise QuestionInvalid("stem", "题库中已有相同题干的试题。")
    on_paper = PaperQuestion.objects.filter(question_id=locked.pk).exists()
    if on_paper:
        locked.superseded_at = now
        locked.save(update_fields=["superseded_at", "updated_at"])
        edited = Question.objects.create(
            bank_id=locked.bank_id, is_active=locked.is_active, previous=locked, **fields
        )
    else:
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*questions.FIELDS, "updated_at"])
        edited = locked
    record(
        "training.question.edit",
        actor=actor,
        obj=edited,
        before=before | {"question": str(locked.public_id)},
        after=fields | {"question": str(edited.public_id), "revision": on_paper},
    )
    return edited


@transaction.atomic
def retire_question(*, actor: Any, question: Question) -> Question:
    """停用: papers drawn from now on leave the question out; papers that have it keep it."""
    return _set_active(actor, question, False)


@transaction.atomic
def restore_question(*, actor: Any, question: Question) -> Question:
    """恢复启用: a retired question is drawn again."""
    return _set_active(actor, question, True)


def _set_active(actor: Any, question: Question, active: bool) -> Question:
    locked = _question_for_change(actor, question)
    if locked.is_active == active:
        raise TransitionError("该试题已启用。" if active else "该试题已停用。", "no_change")
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    record(
        "training.question.restore" if active else "training.question.retire",
        actor=actor,
        obj=locked,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return locked


# ------------------------------------------------------------------------------------ sittings and candidates


@transaction.atomic
def create_sitting(
    *,
    actor: Any,
    paper: Paper,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    region: Any,
    unit: Any = None,
    one_per_page: bool = False,
    grants_certificate: bool = True,
    certificate_years: int = 3,
) -> Sitting:
    """考试场次: the paper is open to its candidates from `opens_at` until `closes_at`."""
    _allowed(actor, Paper, "view", paper)
    if closes_at <= opens_at:
        raise TrainingError("截止时间应晚于开考时间。", "window_reversed")
    if closes_at - opens_at < dt.timedelta(minutes=paper.duration_minutes):
        raise TrainingError(
            f"考试窗口短于试卷时长 {paper.duration_minutes} 分钟，请延后截止时间。", "window_too_short"
        )
    if _is_person(actor) and not _covers(actor, Sitting, region=region, unit=unit):
        raise NotAllowedError("您只能在自己的辖区或单位组织考试。")
    sitting = Sitting.objects.create(
        paper=paper, title=title, opens_at=opens_at, closes_at=closes_at, region=region, unit=unit,
        one_per_page=one_per_page, grants_certificate=grants_certificate, certificate_years=certificate_years,
    )  # fmt: skip
    record("training.sitting.create", actor=actor, obj=sitting, after=snapshot(sitting))
    return sitting


@transaction.atomic
def add_candidates(
    *, actor: Any, sitting: Sitting, entries: Iterable[dict[str, Any]], now: dt.datetime | None = None
) -> list[Candidate]:
    """List people for a sitting ({user, name, post, enterprise, unit}); a person already listed is refused."""
    _allowed(actor, Sitting, "change", sitting)
    if (now or timezone.now()) >= sitting.closes_at:
        raise TransitionError("该场次已截止，不能再添加考生。", "sitting_closed")
    rows = []
    for entry in entries:
        post = Post(entry["post"])
        if post.needs_certificate and entry.get("enterprise") is None:
            raise TrainingError(f"{entry['name']}：{post.label}应填写所在企业。", "enterprise_required")
        rows.append(Candidate(sitting=sitting, **entry))
    try:
        with transaction.atomic():
            Candidate.objects.bulk_create(rows)
    except IntegrityError:
        raise TrainingError(
            "名单中有人已在本场次考生之列（同一账号每场只能报名一次）。", "already_listed"
        ) from None
    record(
        "training.sitting.add_candidates",
        actor=actor,
        obj=sitting,
        after={"candidates": [{"name": c.name, "user": c.user_id, "post": c.post} for c in rows]},
    )
    return rows


# ------------------------------------------------------------------------------------ taking the exam


@transaction.atomic
def start_attempt(*, actor: Any, candidate: Candidate, now: dt.datetime | None = None) -> Attempt:
    """The candidate starts (or, after a reload, resumes) their one attempt; the clock starts here."""
    now = now or timezone.now()
    if not _is_person(actor) or actor.pk != candidate.user_id:
        raise NotAllowedError("只有考生本人可以参加考试。")
    existing = Attempt.objects.filter(candidate=candidate).first()
    if existing is not None:
        return existing
    sitting = candidate.sitting
    if not sitting.is_open(now):
        raise TransitionError(
            "考试尚未开始。" if now < sitting.opens_at else "考试已截止，不能再开始作答。", "sitting_not_open"
        )
    paper = sitting.paper
    items = list(
        PaperQuestion.objects.filter(paper=paper)
        .order_by("position")
        .values_list("question_id", "question__options")
    )
    seed = secrets.token_hex(8)
    question_order = [qid for qid, _options in items]
    question_order = [question_order[i] for i in scoring.shuffled(seed, len(question_order))]
    option_orders = {str(qid): scoring.shuffled(f"{seed}:{qid}", len(options)) for qid, options in items}
    attempt = Attempt(
        sitting=sitting, candidate=candidate, user_id=candidate.user_id, started_at=now,
        deadline=min(now + dt.timedelta(minutes=paper.duration_minutes), sitting.closes_at),
        seed=seed, question_order=question_order, option_orders=option_orders, max_score=paper.total_score,
    )  # fmt: skip
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Two tabs started at once: the database kept one attempt, and that one is the candidate's.
        return Attempt.objects.get(candidate=candidate)
    record(
        "training.attempt.start", actor=actor, obj=attempt, after={"deadline": attempt.deadline.isoformat()}
    )
    return attempt


@transaction.atomic
def save_answer(
    *,
    actor: Any,
    attempt: Attempt,
    question_id: int,
    displayed: Iterable[int],
    now: dt.datetime | None = None,
) -> Answer:
    """Save the options a candidate ticked on one question (positions as shown to them), replacing any
    earlier answer to it. Refused once handed in or after the deadline."""
    now = now or timezone.now()
    if not _is_person(actor) or actor.pk != attempt.user_id:
        raise NotAllowedError("只能修改自己的答卷。")
    locked = (
        Attempt.objects.select_for_update()
        .only("pk", "status", "deadline", "option_orders", "user_id")
        .get(pk=attempt.pk)
    )
    if not locked.status_choice.can_answer():
        raise TransitionError("本场考试已交卷，答案不能再修改。", "already_submitted")
    if now >= locked.deadline:
        raise TransitionError("考试时间已到，本次作答未保存，系统将自动交卷。", "time_up")
    order = locked.option_orders.get(str(question_id))
    if order is None:
        raise TrainingError("该题不在您的试卷上。", "not_on_paper")
    kind = Question.objects.values_list("kind", flat=True).get(pk=question_id)
    positions = set(displayed)
    if kind != QuestionKind.MULTIPLE and len(positions) > 1:
        raise TrainingError("单选题和判断题只能选一项。", "one_choice_only")
    try:
        chosen = scoring.letters(scoring.to_original(positions, order))
    except scoring.ScoringError as error:
        raise TrainingError(str(error), "bad_choice") from None
    answer = Answer(attempt_id=locked.pk, question_id=question_id, chosen=chosen, answered_at=now)
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["chosen", "answered_at"],
    )
    return answer


@transaction.atomic
def submit_attempt(*, actor: Any, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """交卷: score every answer, decide pass or fail, issue the certificate, re-evaluate the enterprise.

    The candidate submits their own; a job (actor a label) submits an attempt whose deadline has passed,
    marked 超时自动交卷.
    """
    now = now or timezone.now()
    by_job = not _is_person(actor)
    if not by_job and actor.pk != attempt.user_id:
        raise NotAllowedError("只能提交自己的答卷。")
    # Only the attempt's row is locked; the sitting, paper and candidate come along for the certificate
    # and the audit event's place, read once.
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("sitting__paper__bank", "sitting__region", "candidate__enterprise__region")
        .get(pk=attempt.pk)
    )
    if not locked.status_choice.can_submit():
        raise TransitionError("本场考试已交卷。", "already_submitted")
    if by_job and now < locked.deadline:
        raise TransitionError("考试时间未到，不能代为交卷。", "not_expired")
    paper = locked.sitting.paper
    items = {
        qid: scoring.Item(kind=kind, key=scoring.indices(answer, len(options)), points=points)
        # .order_by(): the model's ordering would join the paper only to sort by it.
        for qid, kind, answer, options, points in PaperQuestion.objects.filter(paper_id=paper.pk)
        .order_by()
        .values_list("question_id", "question__kind", "question__answer", "question__options", "points")
    }
    answers = list(Answer.objects.filter(attempt_id=locked.pk).order_by("question_id"))
    chosen = {a.question_id: scoring.indices(a.chosen, 8) for a in answers}
    result = scoring.score(items, chosen, partial_credit=paper.partial_credit)
    # One UPDATE for the whole sheet, whatever its length: a CASE branch per distinct number of points (a
    # handful), not one per answer, and the right answers as one list.
    earned: dict[int, list[int]] = defaultdict(list)
    right = []
    for answer in answers:
        answer.points = result.points.get(answer.question_id, 0)
        answer.is_correct = (
            answer.question_id in items and chosen[answer.question_id] == items[answer.question_id].key
        )
        if answer.points:
            earned[answer.points].append(answer.pk)
        if answer.is_correct:
            right.append(answer.pk)
    if answers:
        Answer.objects.filter(attempt_id=locked.pk).update(
            points=Case(
                *(When(pk__in=ids, then=Value(points)) for points, ids in earned.items()), default=Value(0)
            ),
            is_correct=Case(When(pk__in=right, then=Value(True)), default=Value(False)),
        )
    # A hand-in at or after the deadline (the candidate's own before the timer ran, or the timer's) counts as
    # 超时自动交卷 at the deadline: answers after it were refused, so the sheet is as it stood then.
    timed_out = by_job or now >= locked.deadline
    locked.status = AttemptStatus.TIMED_OUT if timed_out else AttemptStatus.SUBMITTED
    locked.submitted_at = min(now, locked.deadline)
    locked.score = result.score
    locked.max_score = result.max_score
    locked.passed = result.passed(paper.pass_score)
    locked.version += 1  # the row is locked: no one else can have moved it on
    locked.save(
        update_fields=["status", "submitted_at", "score", "max_score", "passed", "version", "updated_at"]
    )
    certificate = _issue_certificate(locked, now) if locked.passed else None
    if locked.candidate.enterprise_id:
        from anze.enterprises import engine

        engine.reevaluate(locked.candidate.enterprise, now=now)
    record(
        "training.attempt.submit",
        actor=actor,
        obj=locked,
        after={
            "status": locked.status,
            "score": locked.score,
            "max_score": locked.max_score,
            "passed": locked.passed,
            "answers": {str(a.question_id): a.chosen for a in answers},
            "certificate": certificate.number if certificate else None,
        },
    )
    return locked


def _issue_certificate(attempt: Attempt, now: dt.datetime) -> Certificate | None:
    """The 考核合格证 a passed attempt earns, when the sitting grants one and the post needs one."""
    sitting, candidate = attempt.sitting, attempt.candidate
    if (
        not sitting.grants_certificate
        or not Post(candidate.post).needs_certificate
        or candidate.enterprise is None
    ):
        return None
    issued = timezone.localdate(now)
    return Certificate.objects.create(
        # The whole of the attempt's public id: unique as the attempt is (a shortened id could collide and
        # refuse the hand-in).
        number=f"AQ{issued:%Y}{candidate.enterprise.region.code[:6]}{attempt.public_id.hex.upper()}",
        holder=candidate.name,
        user_id=candidate.user_id,
        post=candidate.post,
        category=sitting.paper.bank.category,
        enterprise=candidate.enterprise,
        region_path=candidate.enterprise.region.path,
        attempt=attempt,
        issued_on=issued,
        expires_on=_years_after(issued, sitting.certificate_years),
    )


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def register_certificates(*, actor: Any, rows: Iterable[dict[str, Any]], source: str) -> int:
    """Enter certificates issued outside this system (the 存量 certificates of an earlier register) as
    {enterprise, holder, post, number, issued_on, expires_on, category}; one audit event for the batch."""
    _allowed(actor, Certificate, "add")
    certificates = []
    for row in rows:
        enterprise = row["enterprise"]
        if _is_person(actor) and not _covers(actor, Certificate, region=enterprise.region, unit=None):
            raise NotAllowedError(f"{enterprise.name} 不在您的辖区内。")
        if row["expires_on"] <= row["issued_on"]:
            raise TrainingError(f"证书 {row['number']} 的有效期应晚于发证日期。", "term_reversed")
        certificates.append(Certificate(**row, region_path=enterprise.region.path))
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(certificates)
    except IntegrityError:
        raise TrainingError("证书编号与已登记的证书重复。", "duplicate_number") from None
    record(
        "training.certificate.register",
        actor=actor,
        obj=("training.certificate", "", source),
        after={"count": len(certificates), "numbers": [c.number for c in certificates][:500]},
    )
    return len(certificates)


def finish_if_expired(attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Hand in an attempt whose time is up (as the timer job would) when its page is opened first."""
    now = now or timezone.now()
    if attempt.status_choice.can_submit() and now >= attempt.deadline:
        try:
            return submit_attempt(actor=JOB_ACTOR, attempt=attempt, now=now)
        except TransitionError:
            attempt.refresh_from_db()
    return attempt


def expire_attempts(now: dt.datetime, *, batch: int = 200) -> int:
    """The timer: hand in every attempt still in progress whose deadline has passed (bounded batches, each
    attempt in its own transaction, safe to run twice)."""
    done, failed = 0, set()
    while True:
        ids = list(
            Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=now)
            .exclude(pk__in=failed)
            .order_by("deadline", "id")
            .values_list("id", flat=True)[:batch]
        )
        for attempt in Attempt.objects.filter(pk__in=ids):
            try:
                submit_attempt(actor=JOB_ACTOR, attempt=attempt, now=now)
                done += 1
            except TransitionError:
                continue  # handed in meanwhile
            except Exception:
                # One attempt that cannot be handed in (its transaction rolled back) must not stop the
                # others, on this run or the next.
                logger.exception("training: could not hand in attempt %s", attempt.public_id)
                failed.add(attempt.pk)
        if len(ids) < batch:
            return done


# ------------------------------------------------------------------------------------ refresher reminders


def remind_expiring(now: dt.datetime, *, batch: int = 500) -> int:
    """Tell each holder whose certificate expires within EXPIRING_DAYS to take a refresher exam; once per
    term (claimed on `reminded_for`), through the registered notice handlers."""
    today = timezone.localdate(now)
    due = (
        Certificate.objects.filter(
            expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=EXPIRING_DAYS)
        )
        .exclude(reminded_for=F("expires_on"))
        .order_by("expires_on", "id")
        .values_list("id", flat=True)[:batch]
    )
    sent = 0
    for certificate_id in list(due):
        with transaction.atomic():
            claimed = (
                Certificate.objects.filter(pk=certificate_id)
                .exclude(reminded_for=F("expires_on"))
                .update(reminded_for=F("expires_on"), updated_at=now)
            )
            if claimed != 1:
                continue
            certificate = Certificate.objects.get(pk=certificate_id)
            record(
                "training.certificate.remind",
                actor=REMIND_ACTOR,
                obj=certificate,
                after={"expires_on": certificate.expires_on.isoformat()},
            )
            notices.announce(CERTIFICATE_EXPIRING, certificate_id=certificate_id, now=now)
            sent += 1
    return sent


# ------------------------------------------------------------------------------------ staff study


@transaction.atomic
def configure_study_duty(*, actor: Any, region: Any, kind: str, duty: Any) -> StudyDuty:
    """Which event-triggered duty a study session of `kind` in `region` raises for its unit."""
    from anze.duties.choices import DutyKind, DutyStatus

    _allowed(actor, StudyDuty, "add")
    if duty.kind != DutyKind.EVENT or duty.status != DutyStatus.CONFIRMED:
        raise TrainingError("请选择一项已确认的事件触发类职责。", "not_event_duty")
    row, created = StudyDuty.objects.update_or_create(region=region, kind=kind, defaults={"duty": duty})
    record("training.study_duty.configure", actor=actor, obj=row, after=snapshot(row) | {"created": created})
    return row


def _study_duty(unit: Any, kind: str) -> StudyDuty | None:
    rows = [r for r in StudyDuty.objects.filter(kind=kind).select_related("region", "duty")
            if unit.region.path.startswith(r.region.path)]  # fmt: skip
    return max(rows, key=lambda r: len(r.region.path)) if rows else None


@transaction.atomic
def record_study(
    *,
    actor: Any,
    unit: Any,
    kind: str,
    title: str,
    held_on: dt.date,
    hours: Decimal,
    participants: int,
) -> StudySession:
    """A unit's theory study or training session. When the region has configured a study duty, the session
    becomes a duty item of the unit (through the duties service): its minutes, sign-in sheet and photos are
    reported there as evidence and reviewed like every other duty."""
    from anze.duties.errors import DutyError
    from anze.duties.services import trigger_event

    if _is_person(actor) and not _covers(actor, StudySession, region=unit.region, unit=unit):
        raise NotAllowedError("您只能登记本辖区或本单位的学习。")
    if held_on > timezone.localdate():
        raise TrainingError("学习日期不能晚于今天。", "future_date")
    occurrence = None
    config = _study_duty(unit, kind)
    if config is not None:
        try:
            occurrence = trigger_event(config.duty, actor=None, unit=unit, event_on=held_on, note=title)
        except DutyError as error:
            raise TrainingError(f"无法生成学习职责事项：{error.message_zh}", "study_duty_failed") from None
    session = StudySession.objects.create(
        unit=unit, region_path=unit.region.path, kind=kind, title=title, held_on=held_on, hours=hours,
        participants=participants, occurrence=occurrence,
    )  # fmt: skip
    record("training.study.record", actor=actor, obj=session, after=snapshot(session))
    return session
