"""Set-based statistics: hidden dangers per quarter, county and enterprise; the four-colour risk distribution.

Every figure is one GROUP BY in the database over the user's restricted rows (never a loop over records).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter

from anze.prevention.choices import (
    OPEN_STATUSES,
    RISK_COLOURS,
    HiddenDangerGrade,
    HiddenDangerStatus,
    RiskLevel,
)


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _measures(today: dt.date) -> dict[str, Any]:
    return {
        "total": Count("id"),
        "major": Count("id", filter=Q(grade=HiddenDangerGrade.MAJOR)),
        "closed": Count("id", filter=Q(status=HiddenDangerStatus.CLOSED)),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    }


def hidden_danger_year(queryset: QuerySet, year: int, today: dt.date) -> dict[str, Any]:
    """The year's figures: totals, per quarter, per county (name from org) and the top enterprises."""
    start, end = year_range(year)
    rows = queryset.filter(found_on__range=(start, end)).order_by()
    by_quarter_county = list(
        rows.annotate(quarter=ExtractQuarter("found_on"))
        .values("quarter", "county_id")
        .annotate(**_measures(today))
    )
    totals = dict.fromkeys(("total", "major", "closed", "open", "overdue"), 0)
    quarters = {q: dict(totals) for q in (1, 2, 3, 4)}
    counties: dict[int, dict[str, int]] = {}
    for row in by_quarter_county:
        for key in totals:
            totals[key] += row[key]
            quarters[row["quarter"]][key] += row[key]
            counties.setdefault(row["county_id"], dict.fromkeys(totals, 0))[key] += row[key]
    return {"totals": totals, "quarters": quarters, "counties": counties}


def top_enterprises(queryset: QuerySet, year: int, today: dt.date, limit: int = 20) -> list[dict[str, Any]]:
    """Enterprises with the most open hidden dangers found in the year."""
    start, end = year_range(year)
    return list(
        queryset.filter(found_on__range=(start, end), status__in=OPEN_STATUSES)
        .order_by()
        .values("enterprise_id")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(deadline__lt=today)),
            major=Count("id", filter=Q(grade=HiddenDangerGrade.MAJOR)),
        )
        .order_by("-open", "enterprise_id")[:limit]
    )


def closure_rate(figures: dict[str, int]) -> str:
    return f"{figures['closed'] * 100 / figures['total']:.1f}%" if figures["total"] else "—"


# -- risk distribution ----------------------------------------------------------------------------------------


def risk_distribution(queryset: QuerySet, by: str) -> dict[Any, dict[int, int]]:
    """Counts of risk points per level, grouped by a lookup (e.g. "enterprise__county_id")."""
    result: dict[Any, dict[int, int]] = {}
    for row in queryset.order_by().values(by, "level").annotate(n=Count("id")):
        if row["level"] is None:
            continue
        result.setdefault(row[by], dict.fromkeys((1, 2, 3, 4), 0))[row["level"]] = row["n"]
    return result


def stacked_bar_option(title: str, names: dict[Any, str], distribution: dict[Any, dict[int, int]]) -> dict:
    """An ECharts option: one stacked bar per group, the four reserved risk colours."""
    keys = sorted(distribution, key=lambda k: names.get(k, str(k)))
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 10, "top": 40, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": [names.get(k, str(k)) for k in keys]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": str(level.label),
                "type": "bar",
                "stack": "risk",
                "itemStyle": {"color": RISK_COLOURS[level]},
                "data": [distribution[k][int(level)] for k in keys],
            }
            for level in RiskLevel
        ],
    }


def pie_option(title: str, counts: dict[int, int]) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {
                        "name": str(level.label),
                        "value": counts.get(int(level), 0),
                        "itemStyle": {"color": RISK_COLOURS[level]},
                    }
                    for level in RiskLevel
                ],
            }
        ],
    }


def quarter_bar_option(title: str, quarters: dict[int, dict[str, int]]) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 10, "top": 40, "bottom": 50, "containLabel": True},
        "xAxis": {"type": "category", "data": ["一季度", "二季度", "三季度", "四季度"]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": label, "type": "bar", "data": [quarters[q][key] for q in (1, 2, 3, 4)]}
            for key, label in (("total", "发现"), ("closed", "已销号"), ("overdue", "逾期未改"))
        ],
    }


# -- the summary table (a job rebuilds it; statistics pages read it) ------------------------------------------


def refresh_tally(*, today: dt.date) -> int:
    """Rebuild HiddenDangerTally from every hidden danger in one INSERT … SELECT … GROUP BY. Returns rows."""
    from django.db import connection, transaction
    from django.db.models import Value
    from django.db.models.functions import ExtractYear

    from anze.prevention.models import HiddenDanger, HiddenDangerTally

    measures = _measures(today)
    measures["open_major"] = Count("id", filter=Q(status__in=OPEN_STATUSES, grade=HiddenDangerGrade.MAJOR))
    columns = [
        "year",
        "quarter",
        "enterprise_id",
        "county_id",
        "region_path",
        "supervising_unit_id",
        "as_of",
        "total",
        "major",
        "closed",
        "open",
        "open_major",
        "overdue",
    ]
    source = (
        HiddenDanger.objects.order_by()
        .annotate(year=ExtractYear("found_on"), quarter=ExtractQuarter("found_on"))
        .values("year", "quarter", "enterprise_id", "county_id", "region_path", "supervising_unit_id")
        .annotate(as_of=Value(today), **measures)
        .values_list(*columns)
    )
    sql, params = source.query.sql_with_params()
    table = connection.ops.quote_name(HiddenDangerTally._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one big GROUP BY: let it hash in memory, not spill to disk
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({quoted}) {sql}", params)
        rows = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")  # fresh statistics for the planner right away
        return rows


def tally_year(tally: QuerySet, year: int) -> dict[str, Any]:
    """The same figures as hidden_danger_year, summed from the tally."""
    from django.db.models import Sum

    keys = ("total", "major", "closed", "open", "overdue")
    rows = (
        tally.filter(year=year)
        .order_by()
        .values("quarter", "county_id")
        .annotate(**{f"sum_{key}": Sum(key) for key in keys})
    )
    totals = dict.fromkeys(keys, 0)
    quarters = {q: dict(totals) for q in (1, 2, 3, 4)}
    counties: dict[int, dict[str, int]] = {}
    for row in rows:
        for key in keys:
            value = row[f"sum_{key}"] or 0
            totals[key] += value
            quarters[row["quarter"]][key] += value
            counties.setdefault(row["county_id"], dict.fromkeys(keys, 0))[key] += value
    return {"totals": totals, "quarters": quarters, "counties": counties}


def tally_top_enterprises(tally: QuerySet, year: int, limit: int = 20) -> list[dict[str, Any]]:
    """Enterprises with the most open hidden dangers found in the year, from the tally."""
    from django.db.models import Sum

    rows = (
        tally.filter(year=year, open__gt=0)
        .order_by()
        .values("enterprise_id")
        .annotate(sum_open=Sum("open"), sum_overdue=Sum("overdue"), sum_major=Sum("open_major"))
        .order_by("-sum_open", "enterprise_id")[:limit]
    )
    return [
        {
            "enterprise_id": r["enterprise_id"],
            "open": r["sum_open"],
            "overdue": r["sum_overdue"] or 0,
            "major": r["sum_major"] or 0,
        }
        for r in rows
    ]
