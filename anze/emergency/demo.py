"""`anze demo` for emergency capacity, in Linyi: the catalogue, depots with stock (one batch about to expire,
one expired, the city short of tents), a chemical park team, a 特勤站 with a gap (a work item of the 消防救援
支队), a social team, rescue agreements that cover chemical enterprises of 罗庄, government plans and drills
as duty work items, and one leak incident run end to end: requests → allocation from the nearest depots →
dispatch → receipt → consumption and return, teams sent and back. Everything goes through the services, so
each change has its audit event. Safe to run again: once the park team exists nothing is added."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

CITY = "371300"
PARK_TEAM = "临沂化工产业园专业应急救援队"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ITEMS = [  # code, name, unit, category, shelf life (days)
    ("tent", "救灾帐篷", "顶", "生活类", None),
    ("quilt", "棉被", "床", "生活类", None),
    ("folding_bed", "折叠床", "张", "生活类", None),
    ("water", "瓶装饮用水", "箱", "生活类", 365),
    ("instant_food", "方便食品", "箱", "生活类", 270),
    ("sandbag", "编织袋", "条", "抢险类", None),
    ("life_jacket", "救生衣", "件", "抢险类", None),
    ("generator", "移动发电机组", "台", "抢险类", None),
    ("absorbent", "化学吸附棉", "千克", "危化处置类", 1095),
    ("chem_suit", "防化服", "套", "危化处置类", 1825),
]

DEPOTS = [  # name, kind, county code, owner unit, lat, lon, address
    ("临沂市应急物资储备库", "emergency_bureau", "371302", "临沂市应急管理局", "35.0630", "118.3390", "兰山区金雀山路"),
    ("临沂市粮食和物资储备局中心库", "grain_reserve", "371312", "临沂市粮食和物资储备局", "35.0890", "118.4020",
     "河东区凤仪街"),
    ("罗庄区应急物资储备库", "emergency_bureau", "371311", "临沂市罗庄区应急管理局", "34.9970", "118.2840",
     "罗庄区罗七路"),
    ("沂水县应急物资储备库", "emergency_bureau", "371323", "沂水县应急管理局", "35.7900", "118.6280", "沂水县城北"),
]  # fmt: skip

STOCK = {  # depot → [(item, batch, quantity, days to expiry or None)]
    "临沂市应急物资储备库": [("tent", "LY-2024-01", 180, None), ("quilt", "LY-2024-02", 600, None),
                          ("folding_bed", "LY-2024-03", 300, None), ("water", "LY-2026-07", 400, 20),
                          ("generator", "LY-2023-05", 12, None), ("chem_suit", "LY-2025-02", 30, 900)],
    "临沂市粮食和物资储备局中心库": [("tent", "LS-2023-11", 150, None), ("quilt", "LS-2023-12", 800, None),
                                ("instant_food", "LS-2026-03", 500, 160), ("water", "LS-2025-01", 120, -10)],
    "罗庄区应急物资储备库": [("absorbent", "LZ-2025-04", 260, 700), ("chem_suit", "LZ-2025-05", 24, 1200),
                           ("sandbag", "LZ-2024-06", 5000, None), ("tent", "LZ-2024-07", 40, None)],
    "沂水县应急物资储备库": [("tent", "YS-2024-02", 60, None), ("life_jacket", "YS-2024-03", 400, None),
                          ("sandbag", "YS-2024-04", 8000, None)],
}  # fmt: skip

MINIMUMS = [("tent", 500), ("quilt", 1000), ("absorbent", 200), ("chem_suit", 40), ("water", 300)]


def run(*, stdout: Any, now: dt.datetime) -> None:
    from anze.accounts.models import User
    from anze.emergency.models import RescueTeam
    from anze.org.models import Region, Unit

    city = Region.objects.filter(code=CITY).first()
    office = User.objects.filter(username="demo_office").first()
    if city is None or office is None or not Unit.objects.filter(name="临沂市消防救援支队").exists():
        stdout.write("emergency: the Linyi organization and demo accounts are needed first; skipped")
        return
    if RescueTeam.objects.filter(name=PARK_TEAM).exists():
        stdout.write("emergency: demo data already present")
        return
    with transaction.atomic():
        items = _catalogue()
        depots = _depots(office, now, items)
        for code, minimum in MINIMUMS:
            from anze.emergency import services

            services.set_minimum_level(actor=office, region=city, item=items[code], minimum=minimum,
                                       unit=Unit.objects.get(name="临沂市应急管理局"),
                                       source="临沂市应急物资储备规划（演示值）")  # fmt: skip
        duties = _duties(city, office, now)
        teams = _teams(office, now)
        covered = _agreements(office, teams["park"], now)
        drills = _drills(now)
        incident = _incident(office, items, teams, now)
    from anze.emergency.services import run_alerts

    with transaction.atomic():
        alerts = run_alerts(now)
    stdout.write(
        f"emergency: {len(items)} items, {len(depots)} depots, {len(teams)} teams, {covered} agreements, "
        f"{duties} duty configurations, {drills} drills, incident “{incident.title}” run end to end, "
        f"{alerts} alerts"
    )


def _catalogue() -> dict[str, Any]:
    from anze.emergency import services
    from anze.emergency.models import SupplyItem

    found = {}
    for code, name, unit, category, shelf in ITEMS:
        found[code] = SupplyItem.objects.filter(code=code).first() or services.create_item(
            actor=None, code=code, name=name, unit=unit, category=category, shelf_life_days=shelf
        )
    return found


def _depots(office, now: dt.datetime, items) -> dict[str, Any]:
    from anze.emergency import services
    from anze.org.models import Region, Unit

    today = timezone.localdate(now)
    depots = {}
    for name, kind, county, owner, lat, lon, address in DEPOTS:
        depots[name] = services.create_depot(
            actor=office, name=name, kind=kind, region=Region.objects.get(code=county),
            owner_unit=Unit.objects.filter(name=owner).first(), latitude=Decimal(lat), longitude=Decimal(lon),
            address=address, contact="值班室", phone="0539-8" + county[-3:] + "110",
        )  # fmt: skip
        for code, batch, quantity, expiry in STOCK[name]:
            expires_on = today + dt.timedelta(days=expiry) if expiry is not None else None
            received = min(today - dt.timedelta(days=60), expires_on - dt.timedelta(days=200)) if expires_on else (
                today - dt.timedelta(days=400))  # fmt: skip
            services.receive_stock(actor=office, depot=depots[name], item=items[code], batch_number=batch,
                                   quantity=quantity, received_on=received, expires_on=expires_on, now=now)  # fmt: skip
    return depots


def _event_duty(city, office, now: dt.datetime, text: str, title: str, months: int):
    """A confirmed event-triggered duty on the Linyi clause containing `text` (created as a draft and confirmed
    through the duties service when the plan's suggestions did not make one)."""
    from anze.duties.choices import DutyKind, DutyStatus, EventUnit
    from anze.duties.models import Duty, DutyRule
    from anze.duties.services import confirm_duty
    from anze.plans.models import Clause

    clause = Clause.objects.filter(text__contains=text, version__plan__region=city).order_by("-pk").first()
    if clause is None:
        return None
    duty = Duty.objects.filter(clause=clause, kind=DutyKind.EVENT, title=title).first()
    if duty is None:
        duty = Duty.objects.create(clause=clause, region=city, title=title, kind=DutyKind.EVENT,
                                   start_on=dt.date(now.year - 3, 1, 1))  # fmt: skip
        DutyRule.objects.create(duty=duty, effective_from=duty.start_on, event_within=months,
                                event_unit=EventUnit.MONTHS, roll="none")  # fmt: skip
    if duty.status != DutyStatus.CONFIRMED:
        duty = confirm_duty(duty, actor=office)
    return duty


def _duties(city, office, now: dt.datetime) -> int:
    from anze.emergency import services
    from anze.emergency.choices import DutyPurpose

    configured = 0
    for purpose, text, title, months in (
        (DutyPurpose.STATION_GAP, "特勤站标准", "消防站按建设标准补齐人员和装备", 6),
        (DutyPurpose.GOVERNMENT_DRILL, "应急演练“三到位”", "政府生产安全事故应急救援预案至少每2年演练一次（708号令第八条）",
         24),
        (DutyPurpose.SOCIAL_DRILL, "社会应急演练计划", "县区社会应急演练按计划举行并提交评估报告", 1),
    ):  # fmt: skip
        duty = _event_duty(city, office, now, text, title, months)
        if duty is not None:
            services.configure_duty(actor=office, region=city, purpose=purpose, duty=duty)
            configured += 1
    return configured


def _teams(office, now: dt.datetime) -> dict[str, Any]:
    from anze.emergency import services, standards
    from anze.emergency.choices import EquipmentCondition, StationLevel, TeamKind
    from anze.org.models import Region, Unit

    today = timezone.localdate(now)
    luozhuang = Region.objects.get(code="371311")
    park = services.register_team(
        actor=office, name=PARK_TEAM, kind=TeamKind.PARK_PROFESSIONAL, region=luozhuang,
        owner_unit=Unit.objects.filter(name="临沂市罗庄区应急管理局").first(), address="罗庄区临沂化工产业园",
        latitude=Decimal("34.9850"), longitude=Decimal("118.2620"), phone="0539-8260119",
        specialties="危化品泄漏堵漏、洗消、有限空间救援",
    )  # fmt: skip
    for n, (name, post) in enumerate([("王建国", "队长"), ("刘洋", "副队长"), ("陈磊", "堵漏组长"), ("赵强", "洗消员"),
                                      ("孙伟", "侦检员"), ("周涛", "驾驶员")]):  # fmt: skip
        member = services.add_member(actor=office, team=park, name=name, post=post,
                                     joined_on=today - dt.timedelta(days=900 - n * 30))  # fmt: skip
        services.add_certificate(actor=office, member=member, name="危险化学品应急救援员",
                                 number=f"WH{2024000 + n}", issued_on=today - dt.timedelta(days=700),
                                 expires_on=today + dt.timedelta(days=25 if n == 3 else 400 + n * 20))  # fmt: skip
    for code, name, quantity in (("", "堵漏工具组", 4), ("", "正压式空气呼吸器", 20), ("", "洗消帐篷", 2)):
        services.add_equipment(actor=office, team=park, code=code, name=name, quantity=quantity,
                               last_inspected_on=today - dt.timedelta(days=200),
                               next_inspection_on=today + dt.timedelta(days=165))  # fmt: skip

    station = services.register_team(
        actor=office, name="临沂市消防救援支队罗庄特勤站", kind=TeamKind.FIRE_STATION,
        station_level=StationLevel.SPECIAL, region=luozhuang,
        owner_unit=Unit.objects.get(name="临沂市消防救援支队"), address="罗庄区沂河路",
        latitude=Decimal("35.0010"), longitude=Decimal("118.2950"), phone="0539-8119119",
        specialties="化工火灾扑救、危化品处置",
    )  # fmt: skip
    for n in range(43):  # the standard asks 45
        services.add_member(actor=office, team=station, name=f"指战员{n + 1:02d}", post="消防员",
                            joined_on=today - dt.timedelta(days=1000))  # fmt: skip
    special = standards.standards()[StationLevel.SPECIAL]
    for item in special.items:
        if item.kind == "equipment" and item.code != "hazmat_engine":  # no 防化洗消消防车 yet
            services.add_equipment(actor=office, team=station, code=item.code, name=item.name, quantity=item.minimum,
                                   condition=EquipmentCondition.GOOD, last_inspected_on=today - dt.timedelta(days=90),
                                   next_inspection_on=today + dt.timedelta(days=275))  # fmt: skip
    services.assess_station(actor=office, team=station, assessed_on=today - dt.timedelta(days=3))

    social = services.register_team(
        actor=office, name="临沂蓝天救援队", kind=TeamKind.SOCIAL, region=Region.objects.get(code="371302"),
        address="兰山区通达路", latitude=Decimal("35.0710"), longitude=Decimal("118.3450"), phone="0539-8999999",
        specialties="水域救援、山地搜救",
    )  # fmt: skip
    for name in ("马超", "韩梅", "李明"):
        services.add_member(actor=office, team=social, name=name, post="队员")
    services.set_readiness(
        actor=office, team=social, readiness="limited", note="部分队员在外地执行任务", now=now
    )
    return {"park": park, "station": station, "social": social}


def _agreements(office, team, now: dt.datetime) -> int:
    """Chemical enterprises of 罗庄 without their own team sign with the park team; one agreement ends soon."""
    from anze.emergency import services
    from anze.enterprises.models import Enterprise

    today = timezone.localdate(now)
    enterprises = list(
        Enterprise.objects.filter(region__path__contains="/371311/", is_high_risk=True).order_by("pk")[:4]
    )
    for n, enterprise in enumerate(enterprises):
        services.sign_agreement(
            actor=office, enterprise=enterprise, team=team, number=f"LZJY-{today.year}-{n + 1:03d}",
            signed_on=today - dt.timedelta(days=330), valid_from=today - dt.timedelta(days=330),
            valid_until=today + dt.timedelta(days=20 if n == 0 else 35 + 365),
        )  # fmt: skip
    return len(enterprises)


def _drills(now: dt.datetime) -> int:
    from anze.accounts.models import User
    from anze.emergency import services
    from anze.emergency.choices import DrillForm, DrillKind, PlanLevel
    from anze.org.models import Unit

    today = timezone.localdate(now)
    county = User.objects.filter(username="demo_county").first()
    office = User.objects.get(username="demo_office")
    lanshan = Unit.objects.filter(name="临沂市兰山区人民政府").first()
    luozhuang = Unit.objects.filter(name="临沂市罗庄区人民政府").first()
    city = Unit.objects.filter(name="临沂市人民政府").first()
    count = 0
    if city:
        services.register_plan(actor=office, unit=city, title="临沂市生产安全事故应急预案", level=PlanLevel.OVERALL,
                               published_on=today - dt.timedelta(days=800))  # fmt: skip
    if lanshan and county:
        plan = services.register_plan(actor=county, unit=lanshan, title="兰山区危险化学品事故应急预案",
                                      level=PlanLevel.SPECIAL, published_on=today - dt.timedelta(days=500))  # fmt: skip
        drill = services.plan_drill(actor=county, kind=DrillKind.GOVERNMENT, unit=lanshan, plan=plan,
                                    title="兰山区危化品道路运输泄漏综合演练", form=DrillForm.COMBINED,
                                    planned_on=today - dt.timedelta(days=40))  # fmt: skip
        services.record_drill(actor=county, drill=drill, held_on=today - dt.timedelta(days=40), participants=120,
                              evaluation="预警响应和现场警戒到位；多部门通讯频道不统一，已明确由区应急局统一调度频道。",
                              files=[("演练评估报告.pdf", PDF)])  # fmt: skip
        services.plan_drill(actor=county, kind=DrillKind.SOCIAL, unit=lanshan, title="兰山区社区高层住宅火灾疏散演练",
                            form=DrillForm.LIVE, planned_on=today + dt.timedelta(days=14))  # fmt: skip
        count += 2
    if luozhuang:
        services.plan_drill(actor=office, kind=DrillKind.SOCIAL, unit=luozhuang, title="罗庄区化工园区社会化联合演练",
                            form=DrillForm.LIVE, planned_on=today + dt.timedelta(days=30))  # fmt: skip
        count += 1
    return count


def _incident(office, items, teams, now: dt.datetime):
    """A leak in the chemical park three days ago, run end to end."""
    from anze.emergency import services
    from anze.org.models import Region, Unit

    occurred = now - dt.timedelta(days=3, hours=5)
    incident = services.open_incident(
        actor=office, title="罗庄区某化工企业储罐泄漏", region=Region.objects.get(code="371311"),
        lead_unit=Unit.objects.filter(name="临沂市罗庄区应急管理局").first(), place="临沂化工产业园某企业罐区",
        latitude=Decimal("34.9800"), longitude=Decimal("118.2700"), occurred_at=occurred,
        description="储罐法兰泄漏，现场设置警戒，疏散周边人员约 300 人。",
    )  # fmt: skip
    t = occurred + dt.timedelta(minutes=20)
    deployments = [
        services.send_team(
            actor=office, incident=incident, team=teams["park"], people=6, vehicles=2, sent_at=t
        ),
        services.send_team(
            actor=office,
            incident=incident,
            team=teams["station"],
            people=20,
            vehicles=4,
            sent_at=t + dt.timedelta(minutes=3),
        ),  # fmt: skip
    ]
    requests = [
        services.request_supplies(
            actor=office,
            incident=incident,
            item=items[code],
            quantity=quantity,
            requested_by="现场指挥部",
            now=t + dt.timedelta(minutes=30 + n),
        )  # fmt: skip
        for n, (code, quantity) in enumerate((("absorbent", 200), ("chem_suit", 30), ("tent", 60)))
    ]
    allocations = []
    for supply_request in requests:
        allocations += services.allocate(
            actor=office, request=supply_request, now=t + dt.timedelta(minutes=40)
        )
    by_depot: dict[int, list] = {}
    for allocation in allocations:
        by_depot.setdefault(allocation.batch.depot_id, []).append(allocation)
    plates = iter(["鲁Q·E1101", "鲁Q·E1102", "鲁Q·E1103", "鲁Q·E1104"])
    for n, rows in enumerate(by_depot.values()):
        departed = t + dt.timedelta(minutes=55 + 5 * n)
        trip = services.dispatch(actor=office, allocations=rows, vehicle=next(plates), driver="值班驾驶员",
                                 departed_at=departed)  # fmt: skip
        services.mark_arrived(
            actor=office, trip=trip, arrived_at=departed + dt.timedelta(minutes=25 + 10 * n)
        )
        services.receive(actor=office, trip=trip, received_at=departed + dt.timedelta(minutes=30 + 10 * n),
                         received_by="现场指挥部 李明")  # fmt: skip
    for deployment in deployments:
        services.team_arrived(
            actor=office, deployment=deployment, arrived_at=deployment.sent_at + dt.timedelta(minutes=15)
        )
    settled_at = occurred + dt.timedelta(hours=20)
    for allocation in allocations:
        allocation.refresh_from_db()
        used = allocation.quantity if allocation.batch.item.code == "absorbent" else allocation.quantity // 3
        services.settle(actor=office, allocation=allocation, consumed=used, returned=allocation.quantity - used,
                        now=settled_at)  # fmt: skip
    for deployment in deployments:
        services.team_returned(actor=office, deployment=deployment, returned_at=settled_at)
    services.close_incident(actor=office, incident=incident, now=settled_at + dt.timedelta(hours=1))
    return incident
