"""The story of the tests: 临沂's 2025 safety assessment of 兰山区政府 (a county), 市应急局 and 罗庄区应急局
(city departments), with a Hunan-style veto rule set counted from 2024-12-01 to 2025-11-30.

Facts come through the normal services: work items reported and reviewed, a 督办 case opened, accidents
reported (two 较大 in 兰山区, one 较大 under 罗庄区应急局), a self-assessment with evidence accepted.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anze.accounts.roles import Role
from anze.assessment import services
from anze.assessment.choices import BodyKind, ScoringMethod, VetoCondition, VetoOutcome

YEAR = 2025


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture(autouse=True)
def early_2025():
    with time_machine.travel(at("2025-01-02"), tick=False) as traveller:
        yield traveller


def evidence() -> SimpleUploadedFile:
    from anze.duties.tests.test_reports import PDF

    return SimpleUploadedFile("专题询问记录.pdf", PDF, content_type="application/pdf")


def make_rule_set(actor, region):
    rule_set = services.create_rule_set(
        actor=actor, region=region, year=YEAR, name="2025年度安全生产一票否决规则",
        window_start=dt.date(2024, 12, 1), window_end=dt.date(2025, 11, 30), basis="参照湖南、扬州做法",
    )  # fmt: skip
    county, department = [BodyKind.COUNTY], [BodyKind.DEPARTMENT]
    rules = [
        ("V1", "县区发生重大及以上事故", county, VetoCondition.ACCIDENTS, "major", 1, VetoOutcome.VETO),
        ("V2", "县区发生3起及以上较大事故", county, VetoCondition.ACCIDENTS, "larger", 3, VetoOutcome.VETO),
        ("V3", "瞒报、谎报较大及以上事故", [], VetoCondition.MISREPORT, "larger", 1, VetoOutcome.VETO),
        ("V4", "年度考核不合格", [], VetoCondition.FAILED_ASSESSMENT, "general", 1, VetoOutcome.VETO),
        (
            "D1",
            "部门监管行业发生较大及以上事故",
            department,
            VetoCondition.ACCIDENTS,
            "larger",
            1,
            VetoOutcome.VETO,
        ),
        ("Y1", "县区发生2起较大事故", county, VetoCondition.ACCIDENTS, "larger", 2, VetoOutcome.YELLOW),
    ]
    for key, title, kinds, condition, grade, at_least, outcome in rules:
        services.add_rule(
            actor=actor, rule_set=rule_set, key=key, title=title, kinds=kinds, condition=condition, grade=grade,
            at_least=at_least, outcome=outcome,
        )  # fmt: skip
    return rule_set


def make_scheme(actor, org, rule_set):
    scheme = services.create_scheme(
        actor=actor, region=org["linyi"], year=YEAR, name="2025年度安全生产工作考核细则", pass_score=60,
        excellent_score=90, veto_rule_set=rule_set,
    )  # fmt: skip
    services.add_item(actor=actor, scheme=scheme, key="A", title="工作事项按时完成", points=40,
                      method=ScoringMethod.RATE, fact="duties.on_time_rate", target=95, floor=60)  # fmt: skip
    services.add_item(actor=actor, scheme=scheme, key="B", title="被督办", points=20,
                      method=ScoringMethod.DEDUCTION, fact="supervision.cases", per=5, cap=20)  # fmt: skip
    services.add_item(actor=actor, scheme=scheme, key="C", title="生产安全事故", points=20,
                      method=ScoringMethod.DEDUCTION, fact="enforcement.accidents", per=10)  # fmt: skip
    services.add_item(
        actor=actor, scheme=scheme, key="D", title="人大专题询问", points=20, method=ScoringMethod.MANUAL
    )
    services.add_body(actor=actor, scheme=scheme, kind=BodyKind.COUNTY, unit=org["lanshan_gov"], order=1)
    services.add_body(
        actor=actor, scheme=scheme, kind=BodyKind.DEPARTMENT, unit=org["city_emergency"], order=2
    )
    services.add_body(
        actor=actor, scheme=scheme, kind=BodyKind.DEPARTMENT, unit=org["luozhuang_emergency"], order=3
    )
    return scheme


@pytest.fixture
def year(org, alice, charlie, early_2025):
    """The scheme, the rule set and the year's facts, recorded through each app's services."""
    from anze.duties import services as duties
    from anze.duties.models import Occurrence
    from anze.duties.scheduling import materialize_occurrences
    from anze.duties.tests.factories import make_clause, make_duty
    from anze.duties.tests.test_reports import PDF
    from anze.enforcement.tests.factories import accident, make_enterprise
    from anze.org.services import appoint, create_person, create_post
    from anze.supervision.services import open_case

    rule_set = make_rule_set(alice, org["linyi"])
    scheme = make_scheme(alice, org, rule_set)
    chief = create_person(actor=alice, name="王局长", region=org["luozhuang"])
    post = create_post(actor=alice, unit=org["luozhuang_emergency"], title="局长")
    appoint(actor=alice, post=post, person=chief, started_on=dt.date(2024, 1, 1))
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["city_emergency"]], leader=chief)
    duty = make_duty(clause, start_on=dt.date(2025, 1, 1))
    materialize_occurrences(now=at("2025-01-02"), horizon_days=200)
    # Only the second quarter's items are kept, so each department has one item in the year.
    Occurrence.objects.filter(duty=duty).exclude(period_start=dt.date(2025, 4, 1)).delete()
    q2 = Occurrence.objects.filter(duty=duty, period_start=dt.date(2025, 4, 1))
    luozhuang_item, city_item = q2.get(unit=org["luozhuang_emergency"]), q2.get(unit=org["city_emergency"])
    early_2025.move_to(at("2025-06-20"))
    duties.submit_report(
        luozhuang_item,
        actor=charlie,
        text="已召开。",
        evidence_on=dt.date(2025, 6, 20),
        files=[("纪要.pdf", PDF)],
    )
    early_2025.move_to(at("2025-07-15"))
    duties.submit_report(
        city_item, actor=alice, text="已召开。", evidence_on=dt.date(2025, 7, 15), files=[("纪要.pdf", PDF)]
    )
    duties.accept_report(luozhuang_item, actor=alice)
    duties.accept_report(city_item, actor=alice)
    open_case(
        actor=alice, unit=org["city_emergency"], title="危化品专项整治进度滞后", deadline=dt.date(2025, 8, 1)
    )
    lanshan_plant = make_enterprise(
        org["lanshan"], county=org["lanshan"], supervising_unit=org["city_transport"]
    )
    luozhuang_plant = make_enterprise(
        org["luozhuang"], county=org["luozhuang"], supervising_unit=org["luozhuang_emergency"]
    )
    early_2025.move_to(at("2025-09-01"))
    accidents = [
        accident(
            alice,
            enterprise=lanshan_plant,
            deaths=3,
            occurred_at=at("2025-03-02"),
            title="兰山某化工厂爆炸事故",
        ),
        accident(
            alice,
            enterprise=lanshan_plant,
            deaths=4,
            occurred_at=at("2025-05-10"),
            title="兰山某仓库火灾事故",
        ),
        accident(
            alice,
            enterprise=luozhuang_plant,
            deaths=3,
            occurred_at=at("2025-08-08"),
            title="罗庄某厂中毒事故",
        ),
        accident(
            alice,
            enterprise=lanshan_plant,
            deaths=1,
            occurred_at=at("2024-11-20"),
            title="统计期外的一般事故",
        ),
    ]
    items = {i.key: i for i in scheme.items.all()}
    bodies = {b.unit_id: b for b in scheme.bodies.all()}
    lanshan = bodies[org["lanshan_gov"].pk]
    from conftest import make_user

    clerk = make_user(
        "lanshan_clerk", (Role.UNIT, {"unit": org["lanshan_gov"]}), display_name="兰山区政府 办事员"
    )
    entry = services.submit_entry(
        actor=clerk, body=lanshan, item=items["D"], score=18, note="专题询问满意度较高。", evidence=evidence()
    )
    services.review_entry(actor=alice, entry=entry, accept=True)
    services.submit_entry(
        actor=charlie,
        body=bodies[org["luozhuang_emergency"].pk],
        item=items["A"],
        score=40,
        note="均按时完成。",
    )
    early_2025.move_to(at("2025-12-10"))
    return {
        "scheme": scheme, "items": items, "chief": chief, "accidents": accidents, "lanshan": lanshan,
        "city": bodies[org["city_emergency"].pk], "luozhuang": bodies[org["luozhuang_emergency"].pk],
        "lanshan_plant": lanshan_plant, "clock": early_2025,
    }  # fmt: skip


def fresh(signed_in, user):
    """Sign in on the travelled-to day (the password was set months earlier, at setup)."""
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
    return signed_in(user)
