"""`anze demo`: risk points and hidden dangers in every stage of the loop, for a dozen demo enterprises.

Everything goes through the services (graded by the band table in force, audited). The demo enterprise
account's own enterprise comes first, so its home page and 隐患台账 show real work. Running it again adds
nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

DEMO_ENTERPRISES = 12

# (name, place, activity, hazard factors, controls, LEC (L, E, C) or LS (L, S))
RISK_POINTS = [
    ("液氨储罐区", "储罐区", "装卸作业", "液氨泄漏、中毒、火灾爆炸", "双人操作，气体检测报警联锁，应急喷淋", (6, 6, 15)),
    ("配电室", "配电室", "巡检维护", "触电、电气火灾", "持证上岗，停送电票证制度", (3, 6, 7)),
    ("有限空间作业", "污水池", "清淤作业", "缺氧窒息、硫化氢中毒", "先通风再检测后作业，监护人在场", (3, 2, 40)),
    ("叉车作业区", "成品库", "物料搬运", "车辆伤害", "限速，人车分流", (3, 6, 3)),
    ("粉尘除尘系统", "打磨车间", "打磨作业", "粉尘爆炸", "除尘器泄爆、隔爆，定期清灰", (4, 4)),
    ("高处作业平台", "厂房屋面", "检修作业", "高处坠落", "系挂安全带，设置防护栏杆", (2, 4)),
]

# (title, place, grade, days since found, days allowed, stage)
HIDDEN_DANGERS = [
    ("消防通道堆放杂物", "成品库东侧", "general", 5, 10, "registered"),
    ("配电箱门未关闭、无警示标识", "二车间", "general", 40, 15, "registered"),  # overdue
    ("可燃气体报警器未定期检定", "储罐区", "general", 20, 30, "rectifying"),
    ("安全阀超期未校验", "锅炉房", "general", 25, 20, "submitted"),
    ("应急照明损坏", "办公楼楼梯间", "general", 60, 10, "accepted"),
    ("储罐区防火堤破损", "储罐区", "major", 12, 60, "registered"),
]


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(out, format="JPEG")
    return out.getvalue()


def _enterprises() -> list[Any]:
    from anze.enterprises.models import Enterprise, EnterpriseMembership

    own = list(
        Enterprise.objects.filter(memberships__user__username="demo_enterprise").order_by("id")
        if EnterpriseMembership.objects.exists()
        else []
    )
    others = Enterprise.objects.filter(is_high_risk=True).exclude(pk__in=[e.pk for e in own]).order_by("id")
    return (own + list(others[: DEMO_ENTERPRISES - len(own)]))[:DEMO_ENTERPRISES]


def _users() -> tuple[Any, Any]:
    from anze.accounts.models import User

    return User.objects.filter(username="demo_enterprise").first(), User.objects.filter(username="demo_office").first()


def load(*, now: dt.datetime) -> dict[str, int]:
    from anze.prevention import scoring, services
    from anze.prevention.choices import AssessmentMethod, HiddenDangerSource, PhotoStage
    from anze.prevention.models import RiskPoint

    # Other demo steps add hidden dangers of their own (inspection findings); risk points are this step's.
    if RiskPoint.objects.exists():
        return {}
    rectifier, reviewer = _users()
    today = timezone.localdate(now)
    counts = {"risk_points": 0, "hidden_dangers": 0}
    for index, enterprise in enumerate(_enterprises()):
        with transaction.atomic():
            for offset, (name, place, activity, hazards, controls, factors) in enumerate(RISK_POINTS):
                if (index + offset) % 3 == 2:
                    continue  # not every enterprise has every kind of point
                fields: dict[str, Any] = {
                    "name": name,
                    "place": place,
                    "activity": activity,
                    "hazard_factors": hazards,
                    "controls": controls,
                    "responsible_person": "张工",
                    "assessed_on": today - dt.timedelta(days=30 + offset),
                    "reassess_on": today + dt.timedelta(days=335 - offset),
                }
                if len(factors) == 3:
                    fields.update(method=AssessmentMethod.LEC, lec_likelihood=Decimal(factors[0]),
                                  lec_exposure=Decimal(factors[1]), lec_consequence=Decimal(factors[2]))  # fmt: skip
                    level = scoring.DEFAULT_LEC_BANDS.grade(scoring.lec_score(*factors))
                else:
                    fields.update(method=AssessmentMethod.LS, ls_likelihood=factors[0], ls_severity=factors[1])
                    level = scoring.DEFAULT_LS_BANDS.grade(scoring.ls_score(*factors))
                # who controls it follows the level (公司级 for 重大 … 岗位级 for 低)
                fields["control_level"] = scoring.DEFAULT_CONTROL_LEVEL[level or scoring.Level.LOW]
                services.create_risk_point(actor=None, enterprise=enterprise, **fields)
                counts["risk_points"] += 1
            for offset, (title, place, grade, ago, allowed, stage) in enumerate(HIDDEN_DANGERS):
                if grade == "major" and index % 4:
                    continue  # a 重大 one in every fourth enterprise
                if (index + offset) % 4 == 3 and grade != "major":
                    continue
                found = today - dt.timedelta(days=ago + index % 3)
                hd = services.report_hidden_danger(
                    actor=rectifier,
                    enterprise=enterprise,
                    source=HiddenDangerSource.SELF_CHECK if offset % 2 else HiddenDangerSource.GOVERNMENT_INSPECTION,
                    grade=grade,
                    title=title,
                    description=f"{place}：{title}，须按期整改。",
                    place=place,
                    responsible_person="李主任",
                    found_on=found,
                    deadline=found + dt.timedelta(days=allowed),
                    register=True,
                )
                counts["hidden_dangers"] += 1
                if stage in ("rectifying", "submitted", "accepted"):
                    hd = services.start_rectification(actor=rectifier, hd=hd)
                if stage in ("submitted", "accepted"):
                    services.add_photo(actor=rectifier, hd=hd, stage=PhotoStage.AFTER, data=_photo())
                    hd = services.submit_rectification(actor=rectifier, hd=hd, note="已整改完毕，申请验收")
                if stage == "accepted" and reviewer is not None:
                    services.accept_rectification(actor=reviewer, hd=hd, note="现场核查，整改到位")
    return {key: value for key, value in counts.items() if value}


def demo_step(*, stdout: Any, now: dt.datetime) -> None:
    """`anze demo`: risk points and hidden dangers of the demo enterprises."""
    from anze.core.demo import write_counts

    write_counts(stdout, "双重预防演示数据", load(now=now))
