"""`anze demo` for assessment: Linyi's year assessed from the demo's own facts — the counties and the main
city departments, a Hunan/Yangzhou-style veto rule set counted from 12-01 to 11-30, self-assessments with
evidence reviewed, the results computed and published. (The demo's rule set leaves out "不合格 vetoes": the
demo's young work items and hidden dangers would fail most counties.) The 较大 accident of the enforcement demo gives its
county a 黄牌警告 and its supervising department a 一票否决. Safe to run again: nothing is added when the
year's scheme exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

CITY_CODE = "371300"
DEPARTMENTS = (
    "临沂市应急管理局",
    "临沂市交通运输局",
    "临沂市住房和城乡建设局",
    "临沂市公安局",
    "临沂市工业和信息化局",
    "临沂市自然资源和规划局",
    "临沂市市场监督管理局",
    "临沂市消防救援支队",
)


def run(*, stdout: Any, now: dt.datetime) -> None:
    from anze.accounts.models import User
    from anze.assessment.models import Scheme
    from anze.enforcement.models import Accident
    from anze.org.models import Region

    city = Region.objects.filter(code=CITY_CODE).first()
    office = User.objects.filter(username="demo_office").first()
    accident = Accident.objects.filter(
        grade="larger", region_path__startswith=city.path if city else "-"
    ).first()
    if city is None or office is None or accident is None:
        stdout.write(
            "assessment: the Linyi organization, demo accounts and the enforcement demo are needed first; skipped"
        )
        return
    occurred = timezone.localtime(accident.occurred_at).date()
    year = occurred.year + (1 if occurred.month == 12 else 0)
    if Scheme.objects.filter(region=city, year=year).exists():
        stdout.write("assessment: demo data already present")
        return
    with transaction.atomic():
        run_ = _year(office, city, year, accident, now)
    results = run_.results.all()
    stdout.write(
        f"assessment: {year}年度考核 {results.count()} bodies published; "
        f"{results.filter(outcome='veto').count()} 否决, {results.filter(outcome='yellow').count()} 黄牌"
    )  # fmt: skip


def _year(office, city, year: int, accident, now: dt.datetime):
    from anze.assessment import services
    from anze.assessment.choices import BodyKind, ScoringMethod, VetoCondition, VetoOutcome
    from anze.org.choices import UnitKind
    from anze.org.models import Unit

    rule_set = services.create_rule_set(
        actor=office, region=city, year=year, name=f"{year}年度安全生产“一票否决”和黄牌警告情形",
        window_start=dt.date(year - 1, 12, 1), window_end=dt.date(year, 11, 30),
        basis="参照《湖南省安全生产工作考核办法》《扬州市安全生产一票否决办法》",
    )  # fmt: skip
    county, department = [BodyKind.COUNTY], [BodyKind.DEPARTMENT]
    for key, title, kinds, condition, grade, at_least, outcome in (
        ("F1", "发生特别重大事故", [], VetoCondition.ACCIDENTS, "especially_major", 1, VetoOutcome.VETO),
        ("F2", "县区发生重大事故，或较大事故3起及以上", county, VetoCondition.ACCIDENTS, "major", 1, VetoOutcome.VETO),
        ("F3", "县区发生较大事故3起及以上", county, VetoCondition.ACCIDENTS, "larger", 3, VetoOutcome.VETO),
        ("F4", "瞒报、谎报较大及以上事故", [], VetoCondition.MISREPORT, "larger", 1, VetoOutcome.VETO),
        ("F5", "市直部门监管行业领域发生较大及以上事故", department, VetoCondition.ACCIDENTS, "larger", 1, VetoOutcome.VETO),
        ("H1", "县区发生较大事故", county, VetoCondition.ACCIDENTS, "larger", 1, VetoOutcome.YELLOW),
    ):  # fmt: skip
        services.add_rule(actor=office, rule_set=rule_set, key=key, title=title, kinds=kinds, condition=condition,
                          grade=grade, at_least=at_least, outcome=outcome)  # fmt: skip
    scheme = services.create_scheme(
        actor=office, region=city, year=year, name=f"临沂市{year}年度安全生产工作考核细则", pass_score=60,
        excellent_score=90, veto_rule_set=rule_set, basis="临沂市安全生产委员会",
    )  # fmt: skip
    items = [
        ("1", "责任清单工作事项按时完成", 25, ScoringMethod.RATE, "duties.on_time_rate", {"target": 90, "floor": 0}),
        ("2", "被督办", 10, ScoringMethod.DEDUCTION, "supervision.cases", {"per": 1, "cap": 5}),
        ("3", "被通报", 10, ScoringMethod.DEDUCTION, "supervision.circulars", {"per": 5, "cap": 10}),
        ("4", "隐患按期整改销号", 15, ScoringMethod.RATE, "prevention.hidden_dangers_on_time", {"target": 90, "floor": 0}),
        ("5", "企业主体责任合规", 15, ScoringMethod.RATE, "enterprises.compliance_rate", {"target": 90, "floor": 0}),
        ("6", "行政处罚按时公开", 5, ScoringMethod.RATE, "enforcement.penalty_disclosure", {"target": 100, "floor": 50}),
        ("7", "生产安全事故", 10, ScoringMethod.DEDUCTION, "enforcement.accidents", {"per": 2, "cap": 10}),
        ("8", "人大专题询问及述职评议", 10, ScoringMethod.MANUAL, "", {}),
    ]  # fmt: skip
    for key, title, points, method, fact, extra in items:
        services.add_item(
            actor=office,
            scheme=scheme,
            key=key,
            title=title,
            points=points,
            method=method,
            fact=fact,
            **extra,
        )
    bodies = []
    counties = Unit.objects.filter(
        kind=UnitKind.COUNTY_GOVERNMENT, region__path__startswith=city.path, is_active=True
    )
    for order, unit in enumerate(counties.order_by("region__code"), start=1):
        bodies.append(
            services.add_body(actor=office, scheme=scheme, kind=BodyKind.COUNTY, unit=unit, order=order)
        )
    names = list(DEPARTMENTS)
    if accident.supervising_unit_id and accident.supervising_unit.name not in names:
        names.append(accident.supervising_unit.name)
    for order, unit in enumerate(Unit.objects.filter(name__in=names).order_by("name"), start=100):
        bodies.append(
            services.add_body(actor=office, scheme=scheme, kind=BodyKind.DEPARTMENT, unit=unit, order=order)
        )
    manual = scheme.items.get(key="8")
    for number, body in enumerate(bodies):
        evidence = ContentFile(f"{body} {year}年度专题询问记录".encode(), name="专题询问记录.txt")
        # The bodies' own entries (the demo has no account in most of them); the office reviews each.
        entry = services.submit_entry(actor="demo", body=body, item=manual, score=10 - number % 3, note="专题询问意见已逐项整改。",
                                      evidence=evidence, now=now)  # fmt: skip
        services.review_entry(actor=office, entry=entry, accept=True, now=now)
    _self_assess([bodies[0], bodies[-1]], manual, now)
    run = services.compute_results(actor=office, scheme=scheme, as_of=timezone.localdate(now))
    return services.publish_results(actor=office, run=run, today=timezone.localdate(now))


def _self_assess(bodies, manual, now: dt.datetime) -> None:
    """Two bodies (a county and a department) score themselves on every item before the office's assessment,
    generously as bodies do, so the 自评对照 page shows where the office's score differs."""
    from anze.assessment.services_entries import applicable_items, submit_entry, submit_self_assessment

    for body in bodies:
        for item in applicable_items(body):
            if item.pk == manual.pk:
                continue  # entered and reviewed above
            submit_entry(
                actor="demo",
                body=body,
                item=item,
                score=item.points,
                note="已按要求完成，详见台账。",
                now=now,
            )
        submit_self_assessment(actor="demo", body=body, note="经逐项自查，各项工作均已完成。", now=now)
