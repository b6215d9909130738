"""Completion and on-time rates over a restricted set of occurrences: one aggregate query per table."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.duties.choices import REVIEWABLE_STATUSES, OccurrenceStatus
from anze.duties.models import overdue_q
from anze.plans.choices import AssignmentRole


def counts(*, today: dt.date) -> dict[str, Any]:
    """The aggregate expressions every breakdown uses."""
    accepted = Q(status=OccurrenceStatus.ACCEPTED)
    return {
        "total": Count("pk"),
        "due": Count("pk", filter=Q(due_on__lte=today)),
        "closed": Count("pk", filter=accepted),
        "on_time": Count("pk", filter=accepted & Q(late=False)),
        "late": Count("pk", filter=accepted & Q(late=True)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "review": Count("pk", filter=Q(status__in=REVIEWABLE_STATUSES)),
    }


def rates(row: dict[str, Any]) -> dict[str, Any]:
    due = row.get("due") or 0
    row["completion_rate"] = round(100 * row["closed"] / due, 1) if due else None
    row["on_time_rate"] = round(100 * row["on_time"] / due, 1) if due else None
    return row


def list_url(**params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("duties:occurrence_list") + (f"?{query}" if query else "")


def headline(queryset: QuerySet, *, today: dt.date, year: int) -> dict[str, Any]:
    return rates(queryset.aggregate(**counts(today=today)))


def breakdown(
    queryset: QuerySet, keys: list[str], *, today: dt.date, order: str = "-due"
) -> list[dict[str, Any]]:
    rows = list(queryset.values(*keys).annotate(**counts(today=today)).order_by(order, *keys))
    return [rates(row) for row in rows]


def dashboard(queryset: QuerySet, *, today: dt.date, year: int) -> dict[str, Any]:
    """Cards and the four breakdowns (task, unit, county, leader) for one year's occurrences."""
    base = queryset.filter(due_on__year=year)
    head = headline(base, today=today, year=year)
    by_task = breakdown(
        base,
        ["duty__clause__task__public_id", "duty__clause__task__number", "duty__clause__task__title"],
        today=today,
    )
    by_unit = breakdown(base, ["unit__public_id", "unit__name"], today=today)
    by_county = breakdown(base, ["unit__region__code", "unit__region__name"], today=today)
    by_leader = breakdown(
        base.filter(
            duty__clause__assignments__role=AssignmentRole.LEAD_LEADER,
            duty__clause__assignments__person__isnull=False,
        ),
        ["duty__clause__assignments__person__public_id", "duty__clause__assignments__person__name"],
        today=today,
    )
    openings = _task_openings(
        [row["duty__clause__task__public_id"] for row in by_task if not row["duty__clause__task__title"]]
    )
    for row in by_task:
        task = row["duty__clause__task__public_id"]
        row["params"] = {"task": task}
        row["label"] = (
            f"{row['duty__clause__task__number']}. {row['duty__clause__task__title'] or openings.get(task, '')}"
        )
    for row in by_unit:
        row["params"] = {"unit": row["unit__public_id"]}
        row["label"] = row["unit__name"]
    for row in by_county:
        row["params"] = {"region": row["unit__region__code"]}
        row["label"] = row["unit__region__name"]
    for row in by_leader:
        row["params"] = {"leader": row["duty__clause__assignments__person__public_id"]}
        row["label"] = row["duty__clause__assignments__person__name"]
    for rows in (by_task, by_unit, by_county, by_leader):
        for row in rows:
            row["urls"] = {
                state: list_url(year=year, state=state, **row["params"])
                for state in ("due", "closed", "on_time", "closed_late", "overdue", "review")
            }
            row["urls"]["total"] = list_url(year=year, **row["params"])
    return {
        "head": head,
        "by_task": by_task,
        "by_unit": by_unit,
        "by_county": by_county,
        "by_leader": by_leader,
    }


def _task_openings(task_ids: list[Any], length: int = 24) -> dict[Any, str]:
    """The start of each task's first clause, to name the tasks a plan gives no heading (one query)."""
    if not task_ids:
        return {}
    from anze.plans.models import Clause

    openings: dict[Any, str] = {}
    rows = Clause.objects.filter(task__public_id__in=task_ids).order_by("task_id", "order")
    for task, text in rows.values_list("task__public_id", "text"):
        if task not in openings:
            openings[task] = text[:length] + ("…" if len(text) > length else "")
    return openings


def cards(head: dict[str, Any], *, year: int, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    extra = extra or {}

    def pct(value: Any) -> str:
        return "—" if value is None else f"{value}%"

    return [
        {
            "label": _("%(year)s年应办") % {"year": year},
            "value": head["total"],
            "url": list_url(year=year, **extra),
            "tone": "",
        },
        {
            "label": _("已到期"),
            "value": head["due"],
            "url": list_url(year=year, state="due", **extra),
            "tone": "",
        },
        {
            "label": _("已通过"),
            "value": head["closed"],
            "url": list_url(year=year, state="closed", **extra),
            "tone": "success",
        },
        {
            "label": _("完成率"),
            "value": pct(head["completion_rate"]),
            "url": list_url(year=year, state="closed", **extra),
            "tone": "success",
        },
        {
            "label": _("按时完成率"),
            "value": pct(head["on_time_rate"]),
            "url": list_url(year=year, state="on_time", **extra),
            "tone": "warning",
        },
        {
            "label": _("逾期未办"),
            "value": head["overdue"],
            "url": list_url(year=year, state="overdue", **extra),
            "tone": "danger",
        },
    ]


def chart_option(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """An ECharts bar chart of completion and on-time rates; clicking a bar opens its occurrences."""
    rows = rows[:20]
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": [r["label"][:10] for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": _("完成率"),
                "type": "bar",
                "data": [{"value": r["completion_rate"] or 0, "url": r["urls"]["closed"]} for r in rows],
            },
            {
                "name": _("按时完成率"),
                "type": "bar",
                "data": [{"value": r["on_time_rate"] or 0, "url": r["urls"]["on_time"]} for r in rows],
            },
        ],
    }
