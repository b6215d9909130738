"""The duties panel on the home page: what each role must do next, in its scope, each number a link.

The office and county offices see the work of their area (due this week, overdue by unit and by leader,
reports to review, the on-time rate by month); a unit sees its own items by urgency and its returned
reports; a leader sees what waits for its 签批 and the state of the clauses it leads. Every count is the
count of the list its link opens (the same filter, `OccurrenceFilterSet`), and the number of queries does
not depend on the number of rows: aggregates and short, limited lists only. Rates come from `stats`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts.roles import Role
from anze.duties import stats
from anze.duties.choices import OPEN_STATUSES, REVIEWABLE_STATUSES, OccurrenceStatus
from anze.duties.filtersets import AWAITS_SIGN_OFF
from anze.duties.models import Occurrence, led_clauses, overdue_q

OVERVIEW_ROLES = (Role.OFFICE, Role.COUNTY, Role.AUDITOR)  # the auditor reads the same state
TOP = 8  # rows in a "by unit" / "by leader" list


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    today = timezone.localdate()
    scoped = Occurrence.objects.restrict(user, "view")
    sections = []
    if user.is_superuser or user.has_role(*OVERVIEW_ROLES):
        sections.append(overview(scoped, today=today))
    if user.has_role(Role.UNIT):
        sections.append(unit_view(scoped, today=today))
    if user.has_role(Role.LEADER) and user.person_id:
        sections.append(leader_view(scoped, user.person, today=today))
    if not sections:
        return None
    return {"sections": sections, "today": today}


def _week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def _card(label: str, value: Any, url: str, tone: str = "") -> dict[str, Any]:
    return {"label": label, "value": value, "url": url, "tone": tone}


def overview(scoped: Any, *, today: dt.date) -> dict[str, Any]:
    """The office's (or a county office's) to-do and state over its area.

    A province's office looks over a million items a year, so each query reads only the rows it counts: the
    cards the rows due this week, overdue or waiting (each condition has an index), the lists by unit and by
    leader the overdue rows only, and the year's rates and monthly chart one pass grouped by month.
    """
    week_end = _week_end(today)
    year = today.year
    open_q = ~Q(status=OccurrenceStatus.ACCEPTED)
    this_week_q = open_q & Q(due_on__gte=today, due_on__lte=week_end)
    overdue = overdue_q(today)
    review_q = Q(status__in=REVIEWABLE_STATUSES)
    figures = scoped.filter(this_week_q | overdue | review_q).aggregate(
        this_week=Count("pk", filter=this_week_q),
        overdue=Count("pk", filter=overdue),
        review=Count("pk", filter=review_q),
    )
    sign_off = scoped.filter(AWAITS_SIGN_OFF).count()
    months = _months(scoped, today=today)
    head = stats.rates(
        {key: sum(row[key] for row in months) for key in ("total", "due", "closed", "on_time", "late")}
    )
    cards = [
        _card(
            _("本周到期未办结"),
            figures["this_week"],
            stats.list_url(state="open", due_after=today, due_before=week_end),
            "warning",
        ),
        _card(_("逾期未办"), figures["overdue"], stats.list_url(state="overdue"), "danger"),
        _card(_("待审核报送"), figures["review"], stats.list_url(state="review")),
        _card(_("待领导签批"), sign_off, stats.list_url(state="sign_off")),
        _card(
            _("%(year)s年按时完成率") % {"year": year},
            "—" if head["on_time_rate"] is None else f"{head['on_time_rate']}%",
            stats.list_url(year=year, state="on_time"),
            "success",
        ),
    ]
    late = scoped.filter(overdue)
    by_unit, units = _overdue_by(late, "unit__public_id", "unit__name")
    leader = "duty__clause__assignments__person"
    led = late.filter(
        duty__clause__assignments__role__in=_leader_roles(), duty__clause__assignments__person__isnull=False
    )
    by_leader, leaders = _overdue_by(led, f"{leader}__public_id", f"{leader}__name")
    return {
        "kind": "overview",
        "title": _("职责与进度"),
        "cards": cards,
        "by_unit": [
            {"label": name, "value": n, "url": stats.list_url(state="overdue", unit=key)}
            for key, name, n in by_unit
        ],
        "by_unit_more": max(0, units - TOP),
        "by_leader": [
            {"label": name, "value": n, "url": stats.list_url(state="overdue", leader=key)}
            for key, name, n in by_leader
        ],
        "by_leader_more": max(0, leaders - TOP),
        "overdue_url": stats.list_url(state="overdue"),
        "chart_id": "home-on-time-by-month",
        "chart": stats.chart_option(
            [row for row in months if row["month"] <= today.month],
            _("%(year)s年各月按时完成率") % {"year": year},
        ),
    }


def _overdue_by(late: Any, key: str, name: str) -> tuple[list[tuple[Any, str, int]], int]:
    """The TOP groups with the most overdue rows (most first, then by name), and how many groups have any."""
    groups = late.values(key, name).order_by()
    top = groups.annotate(overdue=Count("pk", distinct=True)).order_by("-overdue", name)[:TOP]
    rows = [(row[key], row[name], row["overdue"]) for row in top]
    total = len(rows) if len(rows) < TOP else late.aggregate(n=Count(key, distinct=True))["n"]
    return rows, total


def _leader_roles() -> list[str]:
    from anze.plans.choices import LEADER_ROLES

    return list(LEADER_ROLES)


def _months(scoped: Any, *, today: dt.date) -> list[dict[str, Any]]:
    """This year's twelve months with their counts and rates.

    One aggregate query grouped by due date (at most 366 rows), folded into months here: grouping by a
    month extracted per row costs a function call a row, which on SQLite is most of a city's page.
    """
    year = today.year
    keys = ("total", "due", "closed", "on_time", "late", "overdue", "review")
    sums = {month: dict.fromkeys(keys, 0) for month in range(1, 13)}
    by_day = (
        scoped.filter(due_on__gte=dt.date(year, 1, 1), due_on__lte=dt.date(year, 12, 31))
        .values("due_on")
        .annotate(**stats.counts(today=today))
        .order_by()
    )
    for row in by_day:
        month = sums[row["due_on"].month]
        for key in keys:
            month[key] += row[key]
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        row = stats.rates(sums[month])
        row["month"] = month
        row["label"] = _("%(month)s月") % {"month": month}
        row["urls"] = {
            state: stats.list_url(state=state, due_after=first, due_before=last)
            for state in ("closed", "on_time")
        }
        months.append(row)
    return months


def unit_view(scoped: Any, *, today: dt.date) -> dict[str, Any]:
    """A unit's own items by urgency, its returned reports and what waits for the office's review."""
    week_end = _week_end(today)
    month_end = today + dt.timedelta(days=30)
    open_q = ~Q(status=OccurrenceStatus.ACCEPTED)
    figures = scoped.aggregate(
        overdue=Count("pk", filter=overdue_q(today)),
        this_week=Count("pk", filter=open_q & Q(due_on__gte=today, due_on__lte=week_end)),
        thirty_days=Count("pk", filter=open_q & Q(due_on__gte=today, due_on__lte=month_end)),
        returned=Count("pk", filter=Q(status=OccurrenceStatus.RETURNED)),
        review=Count("pk", filter=Q(status__in=REVIEWABLE_STATUSES)),
    )
    cards = [
        _card(_("逾期未办"), figures["overdue"], stats.list_url(state="overdue"), "danger"),
        _card(
            _("本周到期"),
            figures["this_week"],
            stats.list_url(state="open", due_after=today, due_before=week_end),
            "warning",
        ),
        _card(
            _("30天内到期"),
            figures["thirty_days"],
            stats.list_url(state="open", due_after=today, due_before=month_end),
        ),
        _card(
            _("被退回待重报"), figures["returned"], stats.list_url(status=OccurrenceStatus.RETURNED), "danger"
        ),
        _card(_("已报送待审核"), figures["review"], stats.list_url(state="review")),
    ]
    # The most urgent first: the open items (pending or returned) by due date, the overdue ones leading.
    urgent = list(
        scoped.filter(status__in=OPEN_STATUSES).select_related("duty", "unit").order_by("due_on", "id")[:TOP]
    )
    return {
        "kind": "unit",
        "title": _("本单位待办"),
        "cards": cards,
        "urgent": urgent,
        "open_url": stats.list_url(state="open"),
        "today": today,
    }


def leader_view(scoped: Any, person: Any, *, today: dt.date) -> dict[str, Any]:
    """What waits for this leader's 签批, and the state of each clause it leads."""
    mine = scoped.filter(duty__clause_id__in=led_clauses(person.pk))  # as the list's `leader` filter
    leader = person.public_id
    sign_off = mine.filter(AWAITS_SIGN_OFF).count()
    head = stats.headline(mine, today=today, year=today.year)
    cards = [
        _card(_("待我签批"), sign_off, stats.list_url(leader=leader, state="sign_off"), "warning"),
        _card(_("分管事项逾期"), head["overdue"], stats.list_url(leader=leader, state="overdue"), "danger"),
        _card(_("分管事项待审核"), head["review"], stats.list_url(leader=leader, state="review")),
        _card(
            _("分管事项按时完成率"),
            "—" if head["on_time_rate"] is None else f"{head['on_time_rate']}%",
            stats.list_url(leader=leader, state="on_time"),
            "success",
        ),
    ]
    clauses = stats.breakdown(
        mine,
        ["duty__clause__public_id", "duty__clause__key", "duty__clause__text"],
        today=today,
        order="duty__clause__key",
    )
    for row in clauses:
        params = {"leader": leader, "clause": row["duty__clause__public_id"]}
        row["label"] = row["duty__clause__key"]
        row["text"] = row["duty__clause__text"]
        row["urls"] = {
            "total": stats.list_url(**params),
            "overdue": stats.list_url(state="overdue", **params),
            "closed": stats.list_url(state="closed", **params),
            "on_time": stats.list_url(state="on_time", **params),
        }
    return {"kind": "leader", "title": _("分管条款"), "cards": cards, "clauses": clauses}
