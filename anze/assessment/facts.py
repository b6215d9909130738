"""The facts an assessment reads, gathered from the other apps with one grouped query per fact.

Each fact provider is registered here under a key an item names (`Item.fact`). A provider takes the bodies
of a scheme and the counting period and answers `{body id: metric}` with, for every body it has data for,
the value (a rate in %, or a count), the link to the list it counts and, for counted records (cases,
circulars, accidents), each record with its link. A body a provider has no row for has no data: a rate item
then scores full points ("无应统计事项"), a count is zero.

How a fact is attributed to a body depends on the body's kind: a county by its region (accidents, hidden
dangers and enterprises in it) and by its own unit (work items, cases); a city department by its unit (its
work items and cases) and as the supervising department (行业主管部门) of enterprises; a state enterprise by
its enterprise record; a specialized committee by the work items given to it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.assessment.choices import BodyKind


@dataclass(frozen=True)
class Period:
    """What is counted: the assessment year, the veto window, and the day the data is read up to."""

    year: int
    window_start: dt.date
    window_end: dt.date
    as_of: dt.date


@dataclass(frozen=True)
class Provider:
    """A fact an item can be scored on."""

    key: str
    label: Any
    unit: str  # "%" for a rate, "次" or "起" for a count
    read: Callable[[list[Any], Period], dict[int, dict[str, Any]]]


PROVIDERS: dict[str, Provider] = {}


def provider(key: str, label: Any, unit: str):
    def register(func):
        PROVIDERS[key] = Provider(key, label, unit, func)
        return func

    return register


def choices() -> list[tuple[str, str]]:
    return [(p.key, f"{p.label}（{p.unit}）") for p in PROVIDERS.values()]


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _rate(part: int, whole: int) -> str | None:
    return str(round(100 * part / whole, 1)) if whole else None


def _index(bodies: list[Any], kind: str, attr: str) -> dict[Any, list[Any]]:
    """Bodies of `kind` by the value of `attr` (several bodies may share one, e.g. two schemes' copies)."""
    found: dict[Any, list[Any]] = defaultdict(list)
    for body in bodies:
        if body.kind == kind and getattr(body, attr) is not None:
            found[getattr(body, attr)].append(body)
    return found


def _unit_bodies(bodies: list[Any]) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    for body in bodies:
        if body.kind != BodyKind.COMMITTEE:
            found[body.unit_id].append(body)
    return found


# -- work items (duties): the on-time rate the progress board shows ----------------------------------------


@provider("duties.on_time_rate", _("工作事项按时完成率"), "%")
def on_time_rate(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """按时完成率 = accepted on time ÷ due, by the duties board's own counts (`anze.duties.stats`)."""
    from anze.duties import stats
    from anze.duties.models import Occurrence

    found: dict[int, dict[str, Any]] = {}
    year = Occurrence.objects.filter(due_on__year=period.year)
    counts = stats.counts(today=period.as_of)
    for key, index in (
        ("unit_id", _unit_bodies(bodies)),
        ("committee_id", _index(bodies, BodyKind.COMMITTEE, "committee_id")),
    ):
        if not index:
            continue
        rows = year.filter(**{f"{key}__in": list(index)}).order_by().values(key).annotate(**counts)
        for row in rows:
            stats.rates(row)
            for body in index[row[key]]:
                found[body.pk] = {
                    "value": None if row["on_time_rate"] is None else str(row["on_time_rate"]),
                    "numerator": row["on_time"],
                    "denominator": row["due"],
                    "label": f"按时完成{row['on_time']}项 / 已到期{row['due']}项",
                    "url": stats.list_url(year=period.year, state="on_time", unit=body.unit.public_id)
                    if key == "unit_id"
                    else stats.list_url(year=period.year, state="on_time"),
                }
    return found  # fmt: skip


# -- 督办 and 通报 (supervision) ---------------------------------------------------------------------------


@provider("supervision.cases", _("被督办次数"), "次")
def cases(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """督办 cases opened against the body's unit in the year."""
    from anze.supervision.models import Case

    index = _unit_bodies(bodies)
    found: dict[int, dict[str, Any]] = {}
    rows = Case.objects.filter(year=period.year, unit_id__in=list(index)).order_by("opened_at", "id")
    for unit_id, public_id, number, title in rows.values_list("unit_id", "public_id", "number", "title"):
        record = {
            "title": f"{number} {title[:40]}",
            "url": reverse("supervision:case_detail", args=[public_id]),
        }
        for body in index[unit_id]:
            found.setdefault(body.pk, {"count": 0, "records": []})
            found[body.pk]["count"] += 1
            found[body.pk]["records"].append(record)
    return found


@provider("supervision.circulars", _("被通报次数"), "次")
def circulars(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Times the body's unit was named in a 通报 counted for the year (计入考核)."""
    from anze.supervision.models import CircularEntry

    index = _unit_bodies(bodies)
    found: dict[int, dict[str, Any]] = {}
    rows = CircularEntry.objects.filter(year=period.year, unit_id__in=list(index)).order_by(
        "circular_id", "id"
    )
    for unit_id, public_id, number, case in rows.values_list(
        "unit_id", "circular__public_id", "circular__number", "case__number"
    ):
        record = {
            "title": f"{number}（{case}）",
            "url": reverse("supervision:circular_detail", args=[public_id]),
        }
        for body in index[unit_id]:
            found.setdefault(body.pk, {"count": 0, "records": []})
            found[body.pk]["count"] += 1
            found[body.pk]["records"].append(record)
    return found


# -- rates over records grouped by county, supervising department and enterprise ----------------------------


def _grouped_rate(
    bodies: list[Any],
    queryset: Any,
    *,
    part: Q,
    keys: dict[str, str],
    label: str,
    url: Callable[[Any, Any], str],
) -> dict[int, dict[str, Any]]:
    """One grouped count per attribution (county → `keys["county"]` …) of `part` over all rows."""
    found: dict[int, dict[str, Any]] = {}
    attrs = {
        BodyKind.COUNTY: "region_id",
        BodyKind.DEPARTMENT: "unit_id",
        BodyKind.STATE_ENTERPRISE: "enterprise_id",
    }
    for kind, column in keys.items():
        index = _index_attr(bodies, kind, attrs[kind])
        if not index:
            continue
        rows = (
            queryset.filter(**{f"{column}__in": list(index)})
            .order_by()
            .values(column)
            .annotate(whole=Count("pk"), part=Count("pk", filter=part))
        )
        for row in rows:
            for body in index[row[column]]:
                found[body.pk] = {
                    "value": _rate(row["part"], row["whole"]),
                    "numerator": row["part"],
                    "denominator": row["whole"],
                    "label": label % {"part": row["part"], "whole": row["whole"]},
                    "url": url(kind, body),
                }
    return found  # fmt: skip


def _index_attr(bodies: list[Any], kind: str, attr: str) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    for body in bodies:
        if body.kind != kind:
            continue
        value = body.unit.region_id if attr == "region_id" else getattr(body, attr)
        if value is not None:
            found[value].append(body)
    return found


@provider("prevention.hidden_dangers_on_time", _("隐患按期整改销号率"), "%")
def hidden_dangers_on_time(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Hidden dangers whose deadline fell in the year (and has passed): closed (销号) by their deadline."""
    from anze.prevention.models import HiddenDanger

    due = HiddenDanger.objects.filter(deadline__year=period.year, deadline__lt=period.as_of)
    return _grouped_rate(
        bodies,
        due,
        part=Q(closed_at__isnull=False, closed_at__date__lte=F("deadline")),
        keys={BodyKind.COUNTY: "county_id", BodyKind.DEPARTMENT: "supervising_unit_id", BodyKind.STATE_ENTERPRISE: "enterprise_id"},
        label="按期销号%(part)s项 / 到期%(whole)s项",
        url=lambda kind, body: _url("prevention:hidden_danger_list", county=body.unit.region.code)
        if kind == BodyKind.COUNTY
        else _url("prevention:hidden_danger_list"),
    )  # fmt: skip


@provider("enterprises.compliance_rate", _("企业主体责任合规率"), "%")
def compliance_rate(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Compliant enterprises ÷ evaluated ones, in the county or under the supervising department (now)."""
    from anze.enterprises.choices import ComplianceStatus
    from anze.enterprises.models import Enterprise

    evaluated = Enterprise.objects.filter(summary__isnull=False)
    return _grouped_rate(
        bodies,
        evaluated,
        part=Q(summary__compliance=ComplianceStatus.COMPLIANT),
        keys={BodyKind.COUNTY: "county_id", BodyKind.DEPARTMENT: "supervising_unit_id"},
        label="合规%(part)s家 / 已评估%(whole)s家",
        url=lambda kind, body: _url("enterprises:enterprise_list", county=body.unit.region_id)
        if kind == BodyKind.COUNTY
        else _url("enterprises:enterprise_list", supervising_unit=body.unit_id),
    )  # fmt: skip


@provider("enforcement.penalty_disclosure", _("行政处罚按时公开率"), "%")
def penalty_disclosure(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Penalties decided in the year whose disclosure was due: published by the due date."""
    from anze.enforcement.models import Penalty

    due = Penalty.objects.filter(decided_on__year=period.year, disclosure_due__lt=period.as_of)
    return _grouped_rate(
        bodies,
        due,
        part=Q(published_on__isnull=False, published_on__lte=F("disclosure_due")),
        keys={BodyKind.COUNTY: "county_id", BodyKind.DEPARTMENT: "department_id"},
        label="按时公开%(part)s件 / 应公开%(whole)s件",
        url=lambda kind, body: _url("enforcement:penalty_list"),
    )  # fmt: skip


@provider("enforcement.accidents", _("生产安全事故起数"), "起")
def accidents(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Accidents in the counting window (any grade), each linked."""
    found: dict[int, dict[str, Any]] = {}
    for body_id, rows in accident_facts(bodies, period).items():
        found[body_id] = {
            "count": len(rows),
            "records": [{"title": r["title"], "url": r["url"]} for r in rows],
        }
    return found


# -- monitoring: the on-line rate of the body's monitoring points -------------------------------------------

# The on-line rate is read over the last days of the count: "reported at least once" over a whole year says
# nothing about a point that was silent for months.
ONLINE_DAYS = 30


def online_window(period: Period) -> Any:
    """The 30 days up to the end of the count (the day the data is read, at most the window's end)."""
    from anze.monitoring import online

    last = min(period.as_of, period.window_end)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    return online.Window(end - dt.timedelta(days=ONLINE_DAYS), end)


@provider("monitoring.online_rate", _("重大危险源监测数据在线率"), "%")
def online_rate(bodies: list[Any], period: Period) -> dict[int, dict[str, Any]]:
    """Monitoring points that reported at least once in the 30 days up to the end of the count ÷ the points in
    service then (`anze.monitoring.online`), of the enterprises in the county, under the supervising
    department, or of the state enterprise: one grouped query per attribution."""
    from anze.monitoring import services as monitoring
    from anze.monitoring.models import MonitoringPoint

    window = online_window(period)
    days = f"{timezone.localtime(window.start):%m-%d}至{timezone.localtime(window.end) - dt.timedelta(days=1):%m-%d}"
    found: dict[int, dict[str, Any]] = {}
    attributions = (
        (BodyKind.COUNTY, "region_id", "enterprise__county_id"),
        (BodyKind.DEPARTMENT, "unit_id", "enterprise__supervising_unit_id"),
        (BodyKind.STATE_ENTERPRISE, "enterprise_id", "enterprise_id"),
    )
    for kind, attr, column in attributions:
        index = _index_attr(bodies, kind, attr)
        if not index:
            continue
        points = MonitoringPoint.objects.filter(**{f"{column}__in": list(index)})
        for key, count in monitoring.online_counts(points, window, group_by=column).items():
            if not count.expected:
                continue
            for body in index[key]:
                found[body.pk] = {
                    "value": str(count.percent()),
                    "numerator": count.reporting,
                    "denominator": count.expected,
                    "label": f"{days}上报{count.reporting}个 / 应上报{count.expected}个监测点",
                    "url": reverse("monitoring:online_rate"),
                }
    return found  # fmt: skip


# -- the facts the veto rules read ---------------------------------------------------------------------------


def _attributions(bodies: list[Any]) -> tuple[dict, dict, dict]:
    return (
        _index_attr(bodies, BodyKind.COUNTY, "region_id"),
        _index_attr(bodies, BodyKind.DEPARTMENT, "unit_id"),
        _index_attr(bodies, BodyKind.STATE_ENTERPRISE, "enterprise_id"),
    )


def _attribute(row: dict[str, Any], counties: dict, departments: dict, enterprises: dict) -> list[Any]:
    return [
        *counties.get(row["county_id"], ()),
        *departments.get(row["supervising_unit_id"], ()),
        *enterprises.get(row["enterprise_id"], ()),
    ]


def accident_facts(bodies: list[Any], period: Period) -> dict[int, list[dict[str, Any]]]:
    """Accidents that occurred in the window, per body: the county it happened in, its supervising
    department, the state enterprise it happened at."""
    from anze.enforcement.models import Accident

    counties, departments, enterprises = _attributions(bodies)
    start, end = period.window_start, period.window_end
    rows = (
        Accident.objects.filter(occurred_at__date__gte=start, occurred_at__date__lte=end)
        .filter(
            Q(county_id__in=list(counties))
            | Q(supervising_unit_id__in=list(departments))
            | Q(enterprise_id__in=list(enterprises))
        )
        .order_by("occurred_at", "id")
        .values(
            "public_id", "title", "grade", "occurred_at", "county_id", "supervising_unit_id", "enterprise_id"
        )
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        fact = {
            "title": row["title"],
            "grade": row["grade"],
            "on": timezone.localtime(row["occurred_at"]).date().isoformat(),
            "url": reverse("enforcement:accident_detail", args=[row["public_id"]]),
        }
        for body in _attribute(row, counties, departments, enterprises):
            found[body.pk].append(fact)
    return found


def misreport_facts(bodies: list[Any], period: Period) -> dict[int, list[dict[str, Any]]]:
    """瞒报 and 谎报 found for accidents that occurred in the window, per body (attributed as accidents)."""
    from anze.enforcement.models import Misreport

    counties, departments, enterprises = _attributions(bodies)
    rows = (
        Misreport.objects.filter(
            accident__occurred_at__date__gte=period.window_start,
            accident__occurred_at__date__lte=period.window_end,
            kind__in=["concealed", "false"],
        )
        .filter(
            Q(accident__county_id__in=list(counties))
            | Q(accident__supervising_unit_id__in=list(departments))
            | Q(accident__enterprise_id__in=list(enterprises))
        )
        .order_by("found_on", "id")
        .values(
            "kind",
            "accident__public_id",
            "accident__title",
            "accident__grade",
            county_id=F("accident__county_id"),
            supervising_unit_id=F("accident__supervising_unit_id"),
            enterprise_id=F("accident__enterprise_id"),
        )
    )
    labels = {"concealed": "瞒报", "false": "谎报"}
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        fact = {
            "title": f"{row['accident__title']}（{labels[row['kind']]}）",
            "kind": row["kind"],
            "grade": row["accident__grade"],
            "url": reverse("enforcement:accident_detail", args=[row["accident__public_id"]]),
        }
        for body in _attribute(row, counties, departments, enterprises):
            found[body.pk].append(fact)
    return found
