"""`anze demo` for enforcement: the chain plan → commitment → draw → verify → inspection → penalty → disclosure,
and one 较大 accident with its reporting deadlines, investigation, reply, closing and the six-month evaluation
duty of the investigation's lead unit. Everything goes through the services, so each change has its audit
event. Safe to run again: when the plan of the year exists nothing is added."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

CITY_CODE = "371300"
LEAD_UNIT = "临沂市应急管理局"
EVALUATION_TEXT = "较大事故结案半年内"


def run(*, stdout: Any, now: dt.datetime) -> None:
    from anze.accounts.models import User
    from anze.enforcement.models import InspectionPlan
    from anze.enterprises.models import Enterprise
    from anze.org.models import Region, Unit

    city = Region.objects.filter(code=CITY_CODE).first()
    unit = Unit.objects.filter(name=LEAD_UNIT).first()
    office = User.objects.filter(username="demo_office").first()
    enterprises = (
        list(Enterprise.objects.filter(region__path__startswith=city.path).order_by("pk")[:400])
        if city
        else []
    )
    if city is None or unit is None or office is None or len(enterprises) < 20:
        stdout.write(
            "enforcement: the Linyi organization, demo accounts and enterprises are needed first; skipped"
        )
        return
    if InspectionPlan.objects.filter(department=unit, year=now.year).exists():
        stdout.write("enforcement: demo data already present")
        return
    with transaction.atomic():
        evaluation = _evaluation_duty(city, office, now)
        accident = _larger_accident(office, unit, enterprises[0], now)
        listed, expired = _listings(office, unit, enterprises, now)
        draw, penalties = _inspection_chain(office, city, unit, enterprises, now)
    stdout.write(
        f"enforcement: 较大事故 “{accident.title}” with its steps"
        f"{' and six-month evaluation duty' if evaluation else ''}; draw {draw.label} "
        f"({draw.selections.count()} inspections); {penalties} penalties published; "
        f"blacklist: {listed} listed, {expired} expired"
    )


def _evaluation_duty(city, office, now: dt.datetime):
    """The Linyi clause on evaluating a 较大 accident's handling within six months of closing, as a confirmed
    event-triggered duty (created as a draft and confirmed through the duties service when the plan's
    suggestions did not make one), configured as the closing evaluation."""
    from anze.duties.choices import DutyKind, DutyStatus, EventUnit
    from anze.duties.models import Duty, DutyRule
    from anze.duties.services import confirm_duty
    from anze.enforcement import services
    from anze.enforcement.choices import EvaluationPurpose
    from anze.plans.models import Clause

    clause = (
        Clause.objects.filter(text__contains=EVALUATION_TEXT, version__plan__region=city)
        .order_by("-pk")
        .first()
    )
    if clause is None:
        return None
    duty = Duty.objects.filter(clause=clause, kind=DutyKind.EVENT).first()
    if duty is None:
        duty = Duty.objects.create(
            clause=clause,
            region=city,
            title="较大事故结案半年内，由事故调查组牵头部门（单位）对事故处理意见落实情况进行评估",
            kind=DutyKind.EVENT,
            start_on=dt.date(now.year, 1, 1),
        )
        DutyRule.objects.create(
            duty=duty, effective_from=duty.start_on, event_within=6, event_unit=EventUnit.MONTHS, roll="none"
        )
    if duty.status != DutyStatus.CONFIRMED:
        duty = confirm_duty(duty, actor=office)
    services.configure_evaluation_duty(
        actor=office, region=city, purpose=EvaluationPurpose.CLOSING_EVALUATION, duty=duty
    )
    return duty


def _larger_accident(office, unit, enterprise, now: dt.datetime):
    """A 较大 accident a hundred days ago: reported up to the province, investigated, replied, closed."""
    from anze.enforcement import services
    from anze.enforcement.choices import ReportLevel

    occurred = now - dt.timedelta(days=100, hours=3)
    accident = services.report_accident(
        actor=office,
        title=f"{enterprise.name}“{occurred:%m·%d}”中毒窒息事故",
        occurred_at=occurred,
        received_at=occurred + dt.timedelta(minutes=45),
        place="污水处理池",
        accident_type="industry_trade",
        enterprise=enterprise,
        deaths=3,
        serious_injuries=2,
        direct_loss=Decimal("560"),
        description="作业人员未经检测进入污水池清淤，发生硫化氢中毒窒息，施救人员盲目施救导致伤亡扩大。",
        measures="停止作业，救出被困人员送医，现场设置警戒，开展有限空间作业专项检查。",
    )
    services.reach_level(
        actor=office, accident=accident, level=ReportLevel.CITY, reached_at=occurred + dt.timedelta(hours=2)
    )
    services.reach_level(
        actor=office,
        accident=accident,
        level=ReportLevel.PROVINCE,
        reached_at=occurred + dt.timedelta(hours=3, minutes=30),
    )
    day = timezone.localtime(occurred).date()
    services.open_investigation(
        actor=office, accident=accident, lead_unit=unit, opened_on=day + dt.timedelta(days=1)
    )
    services.submit_investigation(actor=office, accident=accident, submitted_on=day + dt.timedelta(days=55))
    services.record_reply(actor=office, accident=accident, replied_on=day + dt.timedelta(days=66))
    services.close_accident(actor=office, accident=accident, closed_on=day + dt.timedelta(days=70))
    return accident


def _listings(office, unit, enterprises, now: dt.datetime) -> tuple[int, int]:
    """Two penalties for operating without a permit: one 20 months ago (listed now), one 40 months ago (its
    three years have passed: removed at expiry, no longer published)."""
    from anze.enforcement import services
    from anze.enforcement.models import Listing

    today = timezone.localtime(now).date()
    for n, months in ((1, 20), (2, 40)):
        enterprise = enterprises[4 + n]
        decided = today - dt.timedelta(days=months * 30)
        services.decide_penalty(
            actor=office,
            decision_number=f"（临）应急罚〔{decided.year}〕无证{n}号",
            department=unit,
            party_kind="unit",
            party_name=enterprise.name,
            facts="未取得安全生产许可证擅自从事危险化学品生产活动",
            legal_basis="《安全生产许可证条例》第十九条",
            penalty_type="fine",
            amount=Decimal(100000),
            decided_on=decided,
            enterprise=enterprise,
            without_permit=True,
        )
    services.propose_listings(actor=office)
    for row in Listing.objects.filter(rule="without_permit", enterprise__in=enterprises[5:7]):
        row = services.notify_listing(actor=office, listing_row=row, department=unit, noticed_on=row.fact_on)
        services.decide_listing(
            actor=office,
            listing_row=row,
            decided_on=row.fact_on + dt.timedelta(days=10),
            list_it=True,
            decision_number=f"临应急失信〔{row.fact_on.year}〕{row.pk}号",
            objection="当事人未提出陈述申辩",
        )
    expired = services.expire_listings(now=now)
    return Listing.objects.filter(status="listed").count(), expired


def _inspection_chain(office, city, unit, enterprises, now: dt.datetime):
    """A plan with one sector and items, inspectors with one conflict, a committed and drawn draw, the
    inspections, one finished with findings, penalties decided and published (one of them late)."""
    from anze.enforcement import services
    from anze.enforcement.choices import CheckResult

    year = now.year
    today = timezone.localtime(now).date()
    plan = services.create_plan(
        actor=office, department=unit, region=city, year=year, title=f"临沂市应急管理局{year}年度监督检查计划"
    )
    services.add_key_inspection(
        actor=office, plan=plan, enterprise=enterprises[1], times=2, reason="重大危险源"
    )
    share = services.set_sector_share(
        actor=office,
        plan=plan,
        name="全部行业",
        ratios={"A": "0.02", "B": "0.03", "C": "0.08", "D": "0.2"},
        frequency={"A": 1, "B": 1, "C": 2, "D": 2},
        listed_ratio=Decimal("0.5"),
    )
    for code, title, basis in (
        ("01", "安全生产许可证", "《安全生产许可证条例》第二条"),
        ("02", "安全生产教育和培训", "《安全生产法》第二十八条"),
        ("03", "事故隐患排查治理制度", "《安全生产法》第四十一条"),
    ):
        services.add_item(actor=office, plan=plan, code=code, title=title, basis=basis)
    for n, enterprise in enumerate(enterprises[2:40]):
        services.rate_enterprise(
            actor=office, enterprise=enterprise, credit_class="ABCD"[n % 4], rated_on=dt.date(year, 1, 10)
        )
    counties = sorted({e.county for e in enterprises}, key=lambda r: r.code)
    people = [
        services.add_inspector(
            actor=office,
            name=f"执法员{n + 1:02d}",
            certificate=f"37130026{n + 1:04d}",
            department=unit,
            region=counties[n % len(counties)],
        )
        for n in range(10)
    ]
    from anze.accounts.models import User

    inspector_user = User.objects.filter(username="demo_inspector").first()
    if inspector_user is not None:
        people[0].user = inspector_user
        people[0].save(update_fields=["user", "updated_at"])
    services.declare_conflict(
        actor=office,
        inspector=people[1],
        enterprise=enterprises[2],
        reason="former_employer",
        declared_on=dt.date(year, 1, 5),
    )
    plan = services.approve_plan(actor=office, plan=plan)
    draw = services.commit_draw(actor=office, plan=plan, sector=share, round=1)
    draw = services.perform_draw(actor=office, draw=draw)
    services.schedule_from_draw(actor=office, draw=draw, scheduled_on=today)
    published = 0
    inspections = list(draw.selections.select_related("inspection")[:3])
    for n, selection in enumerate(inspections):
        inspection = selection.inspection
        for check in inspection.checks.all():
            services.record_check(
                actor=office,
                check=check,
                result=CheckResult.FINDING if check.title.startswith("02") else CheckResult.COMPLIANT,
            )
        services.add_finding(
            actor=office,
            inspection=inspection,
            kind="violation",
            description="未按规定对从业人员进行安全生产教育和培训",
            rectify_by=today + dt.timedelta(days=15),
        )
        services.add_finding(
            actor=office,
            inspection=inspection,
            kind="hidden_danger",
            description="有限空间作业未设置警示标志",
            rectify_by=today + dt.timedelta(days=10),
            place="污水处理站",
        )
        services.complete_inspection(
            actor=office,
            inspection=inspection,
            inspected_on=today,
            summary="现场检查三项事项，发现问题两项。",
        )
        decided = today - dt.timedelta(days=20 - 5 * n)
        penalty = services.decide_penalty(
            actor=office,
            decision_number=f"（临）应急罚〔{year}〕{n + 1}号",
            department=unit,
            party_kind="unit",
            party_name=inspection.enterprise.name,
            facts="未按规定对从业人员进行安全生产教育和培训",
            legal_basis="《中华人民共和国安全生产法》第九十七条第三项",
            penalty_type="fine",
            amount=Decimal(20000 + 10000 * n),
            decided_on=decided,
            inspection=inspection,
        )
        if n < 2:
            late = penalty.disclosure_due + dt.timedelta(days=3) if n == 1 else decided + dt.timedelta(days=2)
            services.publish_penalty(actor=office, penalty=penalty, published_on=min(late, today))
            published += 1
    services.decide_penalty(
        actor=office,
        decision_number=f"（临）应急罚〔{year}〕9号",
        department=unit,
        party_kind="person",
        party_name="张建国",
        party_id_number="371302198001011234",
        facts="特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
        legal_basis="《中华人民共和国安全生产法》第九十七条第七项",
        penalty_type="warning",
        decided_on=today - dt.timedelta(days=1),
        county=enterprises[0].county,
    )
    return draw, published
