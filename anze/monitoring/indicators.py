"""The on-line rate beside seed task 11's clause (重大危险源在线监测监控率 100%), for the plan and duty pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.monitoring import online, services
from anze.monitoring.models import MonitoringPoint

TASK_NUMBER = "11"
KEYWORDS = ("重大危险源", "在线监测", "监测监控")
WINDOW = dt.timedelta(hours=24)


def _task_11_clauses(clause_ids: Any) -> list[int]:
    from django.db.models import Q

    from anze.plans.models import Clause

    keyword = Q()
    for word in KEYWORDS:
        keyword |= Q(text__contains=word)
    return list(Clause.objects.filter(pk__in=clause_ids, task__number=TASK_NUMBER).filter(keyword)
                .values_list("pk", flat=True))  # fmt: skip


def online_rate_indicator(
    user: Any, clause_ids: Any, *, now: dt.datetime | None = None
) -> dict[int, list[dict]]:
    """{clause_id: [row]} for the clauses of task 11 about major-hazard monitoring: two queries in all."""
    clauses = _task_11_clauses(clause_ids)
    if not clauses:
        return {}
    now = now or timezone.now()
    window = online.Window(now - WINDOW, now)
    points = MonitoringPoint.objects.restrict(user, "view")
    total = online.combine(services.online_counts(points, window, group_by="region_path").values())
    if not total.expected:
        return {}
    row = {
        "label": _("重大危险源数据在线率（近24小时，本平台定义，目标 100%）"),
        "value": f"{total.percent()}%（{total.reporting}/{total.expected}）",
        "url": reverse("monitoring:online_rate"),
        "reporting": total.reporting,
        "expected": total.expected,
        "offline": total.offline,
        "target": 100,
        "formula": online.FORMULA,
    }
    offline = {
        "label": _("未上报的监测点"),
        "value": total.offline,
        "url": reverse("monitoring:point_list") + "?reported=no",
    }
    return {clause_id: [row, offline] for clause_id in clauses}


VEHICLE_TASK_NUMBER = "14"
VEHICLE_KEYWORDS = ("两客一危",)
VEHICLE_FORMULA = "上线率 = 统计时段内至少上报一次定位的在用车辆数 ÷ 统计时段内在用车辆数（本平台定义）"


def vehicle_online_indicator(
    user: Any, clause_ids: Any, *, now: dt.datetime | None = None
) -> dict[int, list[dict]]:
    """{clause_id: [row]} for the clauses of task 14 about 两客一危 vehicles: the vehicle on-line rate of the last
    24 hours in the reader's scope (summed as counts), and the vehicles that sent nothing."""
    from django.db.models import Q

    from anze.monitoring.models import Vehicle
    from anze.monitoring.vehicles import vehicle_online_counts
    from anze.plans.models import Clause

    keyword = Q()
    for word in VEHICLE_KEYWORDS:
        keyword |= Q(text__contains=word)
    clauses = list(
        Clause.objects.filter(pk__in=clause_ids, task__number=VEHICLE_TASK_NUMBER)
        .filter(keyword)
        .values_list("pk", flat=True)
    )
    if not clauses:
        return {}
    now = now or timezone.now()
    window = online.Window(now - WINDOW, now)
    total = online.combine(vehicle_online_counts(Vehicle.objects.restrict(user, "view"), window).values())
    if not total.expected:
        return {}
    row = {
        "label": _("“两客一危”车辆上线率（近24小时，本平台定义）"),
        "value": f"{total.percent()}%（{total.reporting}/{total.expected}）",
        "url": reverse("monitoring:vehicle_list"),
        "reporting": total.reporting,
        "expected": total.expected,
        "offline": total.offline,
        "formula": VEHICLE_FORMULA,
    }
    offline = {
        "label": _("未上报定位的车辆"),
        "value": total.offline,
        "url": reverse("monitoring:vehicle_list") + "?reported=no",
    }
    return {clause_id: [row, offline] for clause_id in clauses}
