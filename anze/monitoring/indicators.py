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
