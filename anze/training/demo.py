"""Training demo data for Linyi: a hazardous-chemicals bank imported through the importer, a paper drawn by
rule, a closed sitting three years ago (its certificates now expiring or expired), a closed sitting last
week with passes and failures, an open sitting for the demo enterprise account, the certificate rules
adopted into the city's compliance rule set, and the study duty with two recorded sessions."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.db import transaction

from anze.training import scoring

CITY_CODE = "371300"
LEAD_UNIT = "临沂市应急管理局"
BANK_NAME = "危险化学品生产经营单位主要负责人考核题库"
DATA = Path(__file__).resolve().parent / "data" / "hazardous_chemicals_questions.json"
TOPICS = ("法律法规", "重大危险源", "特殊作业", "应急管理", "安全管理")
STUDY_TEXT = "理论学习中心组"


def question_rows() -> list[dict[str, str]]:
    """The demo questions as import rows (the template's columns)."""
    rows = []
    for kind, topic, difficulty, stem, options, answer, explanation in json.loads(DATA.read_text("utf-8"))[
        "rows"
    ]:
        row = {
            "kind": kind,
            "topic": topic,
            "difficulty": difficulty,
            "stem": stem,
            "answer": answer,
            "explanation": explanation,
        }
        row.update({f"option{i}": text for i, text in enumerate(options)})
        rows.append(row)
    return rows


def run(*, stdout: Any, now: dt.datetime) -> None:
    from anze.enterprises.models import Enterprise
    from anze.org.models import Region, Unit
    from anze.training.models import QuestionBank

    city = Region.objects.filter(code=CITY_CODE).first()
    unit = Unit.objects.filter(name=LEAD_UNIT).first()
    if city is None or unit is None:
        stdout.write("training: no Linyi organization, skipped")
        return
    if QuestionBank.objects.filter(region=city, name=BANK_NAME).exists():
        stdout.write("training: demo data already present")
        return
    enterprises = list(
        Enterprise.objects.filter(
            region__path__startswith=city.path, categories__contains=",hazardous_chemicals,"
        )
        .exclude(principal="")
        .order_by("pk")[:18]
    )
    with transaction.atomic():
        paper = _bank_and_paper(city, unit)
        expired, expiring = _old_sitting(paper, city, unit, enterprises[:4], now)
        passed, failed = _last_week(paper, city, unit, enterprises[4:16], now)
        open_sitting = _open_sitting(paper, city, unit, enterprises[16:18], now)
        registered = _earlier_certificates(city, now)
        adopted = _adopt_rules(city, now)
        studies = _study(city, now)
    stdout.write(
        f"training: bank “{BANK_NAME}” with paper “{paper.title}”; sittings: 3 years ago ({expired} certificates "
        f"expired, {expiring} expiring), last week ({passed} passed, {failed} failed), open now ({open_sitting}); "
        f"{registered} earlier certificates registered; {adopted} certificate rules adopted; {studies} study sessions"
    )


def _bank_and_paper(city, unit):
    from anze.training import importing, services
    from anze.training.choices import Post

    bank = services.create_bank(
        actor=None,
        name=BANK_NAME,
        post=Post.PRINCIPAL,
        region=city,
        unit=unit,
        category="hazardous_chemicals",
    )
    report = importing.import_questions(
        actor=None, bank=bank, rows=question_rows(), filename="危化品主要负责人题库.xlsx"
    )
    if report.errors:
        raise RuntimeError(f"demo questions refused: {report.errors}")
    return services.create_paper(
        actor=None,
        bank=bank,
        title="危险化学品生产经营单位主要负责人安全生产知识和管理能力考核试卷（A卷）",
        duration_minutes=60,
        pass_score=80,
        rules=[{"topic": topic, "count": 4, "points": 5} for topic in TOPICS],
        seed="linyi-demo",
    )


def _candidate_user(username: str, name: str):
    from anze.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=name)
        user.set_unusable_password()
        user.save()
    return user


def _sit(sitting, people, now: dt.datetime, rng: random.Random, skills) -> tuple[int, int]:
    """Each (user, name, enterprise) takes the sitting at `now` with the given chance of a right answer."""
    from anze.training import services
    from anze.training.choices import Post
    from anze.training.models import Question

    candidates = services.add_candidates(
        actor=None,
        sitting=sitting,
        entries=[{"user": u, "name": n, "post": Post.PRINCIPAL, "enterprise": e} for u, n, e in people],
        now=now,
    )
    keys = dict(Question.objects.filter(bank=sitting.paper.bank).values_list("id", "answer"))
    options = dict(Question.objects.filter(bank=sitting.paper.bank).values_list("id", "options"))
    passed = failed = 0
    for candidate, skill in zip(candidates, skills, strict=False):
        attempt = services.start_attempt(actor=candidate.user, candidate=candidate, now=now)
        for step, qid in enumerate(attempt.question_order):
            order = attempt.option_orders[str(qid)]
            key = scoring.indices(keys[qid], len(options[qid]))
            if rng.random() < skill:
                chosen = key
            else:
                wrong = [i for i in range(len(order)) if i not in key]
                chosen = frozenset({rng.choice(wrong)}) if wrong else frozenset()
            services.save_answer(
                actor=candidate.user, attempt=attempt, question_id=qid,
                displayed=scoring.to_displayed(chosen, order), now=now + dt.timedelta(minutes=1 + step * 2),
            )  # fmt: skip
        attempt = services.submit_attempt(
            actor=candidate.user, attempt=attempt, now=now + dt.timedelta(minutes=48)
        )
        passed += bool(attempt.passed)
        failed += not attempt.passed
    return passed, failed


def _people(enterprises, prefix: str) -> list[tuple[Any, str, Any]]:
    return [
        (_candidate_user(f"{prefix}{i:02d}", e.principal), e.principal, e)
        for i, e in enumerate(enterprises, start=1)
    ]


def _old_sitting(paper, city, unit, enterprises, now: dt.datetime) -> tuple[int, int]:
    """Three years ago, less two weeks for the first two and plus two weeks for the others: the certificates
    of the first two expire within the reminder window, the others have just expired."""
    from anze.training import services

    counts = [0, 0]
    for index, (days, batch) in enumerate(((3 * 365 - 14, enterprises[:2]), (3 * 365 + 14, enterprises[2:]))):
        opens = now - dt.timedelta(days=days)
        sitting = services.create_sitting(
            actor=None, paper=paper, title=f"{opens:%Y}年危险化学品企业主要负责人考核（第{index + 1}批）",
            opens_at=opens, closes_at=opens + dt.timedelta(hours=3), region=city, unit=unit,
        )  # fmt: skip
        passed, _failed = _sit(sitting, _people(batch, f"demo_cand{opens:%Y}{index}"), opens + dt.timedelta(minutes=5),
                               random.Random(f"old{index}"), [1.0] * len(batch))  # fmt: skip
        counts[1 - index] += passed
    return counts[0], counts[1]


def _last_week(paper, city, unit, enterprises, now: dt.datetime) -> tuple[int, int]:
    from anze.training import services

    opens = now - dt.timedelta(days=7)
    sitting = services.create_sitting(
        actor=None, paper=paper, title=f"{opens:%Y}年第四季度危险化学品企业主要负责人考核",
        opens_at=opens, closes_at=opens + dt.timedelta(hours=4), region=city, unit=unit, one_per_page=True,
    )  # fmt: skip
    rng = random.Random("last-week")
    skills = [0.98, 0.95, 0.92, 0.9, 0.88, 0.85, 0.82, 0.75, 0.7, 0.65, 0.6, 0.55]
    return _sit(sitting, _people(enterprises, "demo_cand_q4_"), opens + dt.timedelta(minutes=10), rng, skills)


def _open_sitting(paper, city, unit, enterprises, now: dt.datetime) -> int:
    """Open for a week: the demo enterprise account (its enterprise's principal) and two others."""
    from anze.accounts.models import User
    from anze.enterprises.models import EnterpriseMembership
    from anze.training import services
    from anze.training.choices import Post

    sitting = services.create_sitting(
        actor=None, paper=paper, title="危险化学品企业主要负责人考核（补考及新任）", opens_at=now - dt.timedelta(hours=2),
        closes_at=now + dt.timedelta(days=7), region=city, unit=unit,
    )  # fmt: skip
    entries = [
        {"user": u, "name": n, "post": Post.PRINCIPAL, "enterprise": e}
        for u, n, e in _people(enterprises, "demo_cand_open")
    ]
    user = User.objects.filter(username="demo_enterprise").first()
    membership = (
        EnterpriseMembership.objects.filter(user=user).select_related("enterprise").first() if user else None
    )
    if membership is not None:
        enterprise = membership.enterprise
        entries.append(
            {
                "user": user,
                "name": enterprise.principal or user.display_name,
                "post": Post.PRINCIPAL,
                "enterprise": enterprise,
            }
        )
    services.add_candidates(actor=None, sitting=sitting, entries=entries)
    return len(entries)


def _earlier_certificates(city, now: dt.datetime) -> int:
    """The certificates high-risk enterprises hold from before this system (存量证书): their principals and
    safety managers, except one enterprise in ten that holds none for its safety managers, and the
    enterprises whose principals sit the demo exams."""
    from anze.enterprises.models import Enterprise
    from anze.training import services
    from anze.training.choices import Post
    from anze.training.models import Candidate

    sitting = set(Candidate.objects.exclude(enterprise=None).values_list("enterprise_id", flat=True))
    rng = random.Random("earlier-certificates")
    rows = []
    for enterprise in Enterprise.objects.filter(
        region__path__startswith=city.path, is_high_risk=True
    ).order_by("pk"):
        category = enterprise.categories.strip(",").split(",")[0]
        posts = [] if enterprise.pk in sitting else [Post.PRINCIPAL]
        if rng.random() >= 0.1:
            posts.append(Post.SAFETY_MANAGER)
        for post in posts:
            issued = now.date() - dt.timedelta(days=rng.randrange(30, 3 * 365 - 100))
            rows.append(
                {
                    "enterprise": enterprise, "holder": enterprise.principal if post == Post.PRINCIPAL else f"{enterprise.principal[:1]}安全",
                    "post": post, "number": f"LY{issued:%Y}{enterprise.pk:06d}{'Z' if post == Post.PRINCIPAL else 'A'}",
                    "issued_on": issued, "expires_on": issued.replace(year=issued.year + 3) if not (issued.month == 2 and issued.day == 29) else issued + dt.timedelta(days=3 * 365),
                    "category": category,
                }
            )  # fmt: skip
    return services.register_certificates(actor=None, rows=rows, source="存量证书（省考核系统导出）")


def _adopt_rules(city, now: dt.datetime) -> int:
    from anze.enterprises import engine
    from anze.training.compliance import adopt_certificate_rules

    added = adopt_certificate_rules(actor=None, region=city, effective_from=now.date())
    if added:
        engine.evaluate(now=now)
    return added


def _study(city, now: dt.datetime) -> int:
    """The plan's clause on theory study (task 1) as a confirmed event duty: each session is owed within
    10 working days as an item with its evidence; two sessions recorded."""
    from anze.duties.choices import DutyKind, DutyStatus, EventUnit
    from anze.duties.models import Duty, DutyRule
    from anze.duties.services import confirm_duty
    from anze.org.models import Unit
    from anze.plans.models import Clause
    from anze.training import services
    from anze.training.choices import StudyKind

    clause = (
        Clause.objects.filter(text__contains=STUDY_TEXT, version__plan__region=city).order_by("-pk").first()
    )
    if clause is None:
        return 0
    duty = Duty.objects.filter(clause=clause, kind=DutyKind.EVENT).first()
    if duty is None:
        duty = Duty.objects.create(
            clause=clause, region=city, title="安全生产专题学习和培训（上传签到表、学习记录和照片）",
            kind=DutyKind.EVENT, start_on=dt.date(now.year, 1, 1),
        )  # fmt: skip
        DutyRule.objects.create(
            duty=duty,
            effective_from=duty.start_on,
            event_within=10,
            event_unit=EventUnit.WORKDAYS,
            roll="none",
        )
    if duty.status != DutyStatus.CONFIRMED:
        duty = confirm_duty(duty, actor=None)
    for kind in StudyKind.values:
        services.configure_study_duty(actor=None, region=city, kind=kind, duty=duty)
    recorded = 0
    for name, kind, title, days in (
        (
            "临沂市应急管理局",
            StudyKind.THEORY,
            "党组理论学习中心组专题学习习近平总书记关于安全生产的重要论述",
            12,
        ),
        ("临沂市应急管理局", StudyKind.TRAINING, "全市危险化学品安全监管执法人员培训班", 3),
    ):
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            continue
        services.record_study(actor=None, unit=unit, kind=kind, title=title, held_on=(now - dt.timedelta(days=days)).date(),
                              hours=3 if kind == StudyKind.THEORY else 16, participants=18 if kind == StudyKind.THEORY else 64)  # fmt: skip
        recorded += 1
    return recorded
