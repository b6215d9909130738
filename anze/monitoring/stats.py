"""Read-side figures of the monitoring pages: the point chart's series, on-line rate tables, 风险预警.

Every function takes querysets already restricted to the reader and runs a number of queries independent of
the rows (grouped aggregates), so a city-wide page costs what an enterprise's does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.monitoring import online, services, warning
from anze.monitoring.choices import OPEN_ALARM_STATUSES, AlarmKind, AlarmStatus
from anze.monitoring.models import HourlyRollup, MonitoringPoint, Reading

# The most raw readings one chart draws (a point every 10 s for a day is 8,640).
RAW_LIMIT = 20_000

THRESHOLD_LINES = (
    ("high_high", "高高限", "#d9262c"),
    ("high", "高限", "#f08c00"),
    ("low", "低限", "#f08c00"),
    ("low_low", "低低限", "#d9262c"),
)


def _ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


def raw_series(point: MonitoringPoint, start: dt.datetime, end: dt.datetime) -> list[list[float]]:
    """[[epoch ms, value], ...] of a point's readings in [start, end), oldest first."""
    rows = (
        Reading.objects.filter(point_id=point.pk, at__gte=start, at__lt=end)
        .order_by("at")
        .values_list("at", "value")[:RAW_LIMIT]
    )
    return [[_ms(at), value] for at, value in rows]


def hourly_series(point: MonitoringPoint, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """[(hour, min, avg, max), ...]: the stored roll-ups, and the hours not rolled up yet from the raw readings."""
    stored = {
        r.hour: (r.minimum, r.average, r.maximum)
        for r in HourlyRollup.objects.filter(point_id=point.pk, hour__gte=start, hour__lt=end)
    }
    fresh = (
        Reading.objects.filter(point_id=point.pk, at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at", tzinfo=dt.UTC))
        .values("hour")
        .annotate(n=Count("id"), low=Min("value"), high=Max("value"), total=Sum("value"))
        .order_by()
    )
    hours = dict(stored)
    for row in fresh:
        hours.setdefault(row["hour"], (row["low"], row["total"] / row["n"], row["high"]))
    return [(hour, *hours[hour]) for hour in sorted(hours)]


def chart_option(point: MonitoringPoint, *, hours: int, raw_up_to: int, now: dt.datetime) -> dict[str, Any]:
    """An ECharts option: the readings (or hourly min/avg/max) with the thresholds drawn as lines."""
    start = now - dt.timedelta(hours=hours)
    lines = []
    for field, label, colour in THRESHOLD_LINES:
        value = getattr(point, field)
        if value is not None:
            lines.append(
                {
                    "yAxis": float(value),
                    "name": _(label),
                    "label": {"formatter": f"{_(label)} {float(value):g}", "position": "insideEndTop"},
                    "lineStyle": {"color": colour, "type": "dashed"},
                }
            )
    mark = {"symbol": "none", "silent": True, "data": lines}
    unit = point.unit
    if hours <= raw_up_to:
        series = [
            {"name": _("读数"), "type": "line", "showSymbol": False, "data": raw_series(point, start, now),
             "markLine": mark}  # fmt: skip
        ]
    else:
        rows = hourly_series(point, start, now)
        series = [
            {"name": _("小时平均"), "type": "line", "showSymbol": False, "markLine": mark,
             "data": [[_ms(h), round(avg, 4)] for h, _low, avg, _high in rows]},  # fmt: skip
            {"name": _("小时最大"), "type": "line", "showSymbol": False, "lineStyle": {"opacity": 0.4},
             "data": [[_ms(h), high] for h, _low, _avg, high in rows]},  # fmt: skip
            {"name": _("小时最小"), "type": "line", "showSymbol": False, "lineStyle": {"opacity": 0.4},
             "data": [[_ms(h), low] for h, low, _avg, _high in rows]},  # fmt: skip
        ]
    low = min([float(point.range_min)] + [ln["yAxis"] for ln in lines])
    high = max([float(point.range_max)] + [ln["yAxis"] for ln in lines])
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 24, "top": 32, "bottom": 48},
        "xAxis": {"type": "time", "min": _ms(start), "max": _ms(now)},
        "yAxis": {"type": "value", "name": unit, "min": low, "max": high},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 18, "bottom": 6}],
        "series": series,
    }


# -- on-line rate ---------------------------------------------------------------------------------------------


def online_rows(points, window: online.Window, *, by: str) -> tuple[list[dict[str, Any]], online.Count]:
    """Rows of the on-line rate table grouped by county ("county") or by enterprise ("enterprise")."""
    from anze.enterprises.models import Enterprise
    from anze.org.models import Region

    column = "enterprise__county_id" if by == "county" else "enterprise_id"
    counts = services.online_counts(points, window, group_by=column)
    if by == "county":
        names = dict(Region.objects.filter(pk__in=counts).values_list("pk", "code"))
        labels = dict(Region.objects.filter(pk__in=counts).values_list("pk", "name"))
        rows = [{"key": names[k], "name": labels[k], "count": c} for k, c in counts.items()]
    else:
        ents = Enterprise.objects.filter(pk__in=counts).values_list("pk", "public_id", "name")
        rows = [{"key": public_id, "name": name, "count": counts[pk]} for pk, public_id, name in ents]
    rows.sort(key=lambda r: (r["count"].rate if r["count"].rate is not None else 2, r["name"]))
    return rows, online.combine(counts.values())


# -- 风险预警 --------------------------------------------------------------------------------------------------


def warnings(points, alarms, dangers, *, now: dt.datetime) -> list[dict[str, Any]]:
    """Each enterprise with monitoring points in scope, with its 风险预警 (colour and reasons), red first.

    Five queries whatever the number of enterprises: on-line counts, alarm counts, hidden danger counts, names.
    """
    from anze.enterprises.models import Enterprise
    from anze.prevention.choices import OPEN_STATUSES, HiddenDangerGrade

    window = online.Window(now - dt.timedelta(hours=24), now)
    rates = services.online_counts(points, window, group_by="enterprise_id")
    limit = Q(kind=AlarmKind.LIMIT, is_active=True)
    alarm_rows = {
        r["enterprise_id"]: r
        for r in alarms.filter(status__in=OPEN_ALARM_STATUSES)
        .values("enterprise_id")
        .annotate(
            second=Count("pk", filter=limit & Q(level__in=(2, -2))),
            first=Count("pk", filter=limit & Q(level__in=(1, -1))),
            escalated=Count("pk", filter=Q(case__isnull=False)),
            open=Count("pk"),
        )
        .order_by()
    }
    danger_rows = {
        r["enterprise_id"]: r
        for r in dangers.filter(status__in=OPEN_STATUSES, enterprise_id__in=list(rates))
        .values("enterprise_id")
        .annotate(
            major=Count("pk", filter=Q(grade=HiddenDangerGrade.MAJOR)),
            general=Count("pk", filter=~Q(grade=HiddenDangerGrade.MAJOR)),
        )
        .order_by()
    }
    out = []
    for pk, public_id, name in Enterprise.objects.filter(pk__in=list(rates)).values_list("pk", "public_id", "name"):
        a, d = alarm_rows.get(pk, {}), danger_rows.get(pk, {})
        facts = warning.Facts(
            second_level_active=a.get("second", 0),
            first_level_active=a.get("first", 0),
            escalated_open=a.get("escalated", 0),
            open_alarms=a.get("open", 0),
            major_dangers_open=d.get("major", 0),
            general_dangers_open=d.get("general", 0),
            online=rates[pk],
        )
        out.append({"pk": pk, "public_id": public_id, "name": name, "facts": facts,
                    "warning": warning.assess(facts)})  # fmt: skip
    out.sort(key=lambda r: (r["warning"].colour, r["name"]))
    return out


def alarm_cards(alarms, *, base: str, today: dt.date) -> list[dict[str, Any]]:
    """The alarm queue's headline: by status, still active, raised today — each a link to its list."""
    counts = alarms.aggregate(
        raised=Count("pk", filter=Q(status=AlarmStatus.RAISED)),
        acknowledged=Count("pk", filter=Q(status=AlarmStatus.ACKNOWLEDGED)),
        handled=Count("pk", filter=Q(status=AlarmStatus.HANDLED)),
        active=Count("pk", filter=Q(is_active=True)),
        escalated=Count("pk", filter=Q(case__isnull=False, status__in=OPEN_ALARM_STATUSES)),
    )
    window_start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    counts["today"] = alarms.filter(raised_at__gte=window_start).count()
    return [
        {"label": _("待确认"), "value": counts["raised"], "url": f"{base}?status=raised", "tone": "danger"},
        {"label": _("已确认待处置"), "value": counts["acknowledged"], "url": f"{base}?status=acknowledged"},
        {"label": _("已处置待消警"), "value": counts["handled"], "url": f"{base}?status=handled"},
        {"label": _("报警持续中"), "value": counts["active"], "url": f"{base}?queue=active"},
        {"label": _("被督办"), "value": counts["escalated"], "url": f"{base}?queue=open&escalated=yes"},
        {"label": _("今日报警"), "value": counts["today"], "url": f"{base}?day={today.isoformat()}"},
    ]
