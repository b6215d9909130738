"""Duty pages for seeing the work: my duties, the list behind every number, overdue, dashboards, calendars."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.accounts.roles import Role
from anze.core import registry
from anze.core.pagination import CappedPaginator
from anze.core.params import int_param, month_param, paginate_table
from anze.core.permissions import PUBLIC, declare
from anze.core.replica import reads_from_replica
from anze.duties import holidays, ics, stats
from anze.duties.filtersets import OccurrenceFilterSet
from anze.duties.models import CalendarFeed, Occurrence, overdue_q
from anze.duties.scheduling import tick_health
from anze.duties.services import feed_token_hash, issue_calendar_feed, revoke_calendar_feed
from anze.duties.tables import OccurrenceTable, OverdueTable

_LIST_RELATED = ("duty", "unit", "committee")


def _year(request: HttpRequest) -> int:
    return int_param(request, "year", timezone.localdate().year, minimum=2000, maximum=2100)


def occurrences_for(user: Any):
    return Occurrence.objects.restrict(user, "view")


class OccurrenceListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """办理事项 — the occurrences behind every number, filtered in the URL."""

    permission_action = "view"
    table_class = OccurrenceTable
    filterset_class = OccurrenceFilterSet
    template_name = "duties/occurrence_list.html"
    # bad ?page= values fall back to a valid page; a province's lists are counted up to pagination.CAP rows
    table_pagination = {"per_page": 25, "paginator_class": CappedPaginator}
    heading = _("办理事项")

    def get_queryset(self):
        return occurrences_for(self.request.user).select_related(*_LIST_RELATED).order_by("due_on", "id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        return context


def may_assign(user: Any) -> bool:
    """The office and county offices start 督办 by hand (交办); the service checks each item's county."""
    if getattr(user, "is_superuser", False):
        return True
    return any(a.role in (Role.OFFICE, Role.COUNTY) for a in user.active_assignments())


def assign_url(user: Any) -> str | None:
    """The 交办 page of the supervision app, when installed and the user may use it (no import of it here:
    duties sits below supervision)."""
    if not may_assign(user):
        return None
    try:
        return reverse("supervision:occurrence_assign")
    except NoReverseMatch:
        return None


class OverdueListView(OccurrenceListView):
    """逾期清单 — open occurrences past their deadline, oldest first; the office picks rows for 交办."""

    heading = _("逾期清单")

    def get_queryset(self):
        today = timezone.localdate()
        return super().get_queryset().filter(overdue_q(today))

    def get_table_class(self):
        return OverdueTable if assign_url(self.request.user) else OccurrenceTable

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["assign_url"] = assign_url(self.request.user)
        return context


@declare("view")
@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    """我的职责 — headline numbers for this year, then what is still open, soonest first, then the compliance
    indicators (企业合规指标) of the clauses the user's duties come from, over the enterprises in scope."""
    today = timezone.localdate()
    year = _year(request)
    scoped = occurrences_for(request.user)
    head = stats.headline(scoped.filter(due_on__year=year), today=today, year=year)
    open_rows = scoped.exclude(status="accepted").select_related(*_LIST_RELATED).order_by("due_on", "id")
    table = OccurrenceTable(open_rows, order_by=request.GET.get("sort") or "due_on")
    paginate_table(table, request, per_page=25)
    # The clauses as a subquery: two queries for the card however many duties, clauses or enterprises.
    indicators = registry.indicators_together(request.user, scoped.values("duty__clause_id"))
    return render(
        request,
        "duties/my_duties.html",
        {
            "cards": stats.cards(head, year=year),
            "table": table,
            "year": year,
            "review_url": stats.list_url(state="review"),
            "review_count": head["review"],
            "calendar_notes": holidays.calendar_notes(scoped, today=today),
            "indicators": indicators,
        },
    )


@declare("view")
@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """进度看板 — completion and on-time rates by task, unit, county and leader; each number opens its list."""
    today = timezone.localdate()
    year = _year(request)
    data = stats.dashboard(occurrences_for(request.user), today=today, year=year)
    charts = {
        "chart-task": stats.chart_option(data["by_task"], _("各任务完成情况")),
        "chart-county": stats.chart_option(data["by_county"], _("各县区完成情况")),
    }
    return render(
        request,
        "duties/dashboard.html",
        {
            **data,
            "cards": stats.cards(data["head"], year=year),
            "year": year,
            "charts": charts,
            "health": tick_health(),
            "calendar_notes": holidays.calendar_notes(occurrences_for(request.user), today=today),
            "years": range(today.year - 3, today.year + 2),
        },
    )


@declare("view")
@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """日历 — due dates of a month for what the user answers for (a unit's or a leader's)."""
    today = timezone.localdate()
    first = month_param(request, "month", today.replace(day=1))
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    rows = (
        occurrences_for(request.user)
        .filter(due_on__range=(first, last))
        .select_related(*_LIST_RELATED)
        .order_by("due_on", "unit__name")[:2000]
    )
    by_day: dict[dt.date, list[Occurrence]] = {}
    for row in rows:
        by_day.setdefault(row.due_on, []).append(row)
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "items": by_day.get(day, []),
                    "today": day == today,
                }
                for day in week
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    working = holidays.refresh_calendar()
    return render(
        request,
        "duties/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "feed": feed,
            "new_feed_url": request.session.pop("duties_new_feed_url", None),
            "provisional_note": holidays.missing_year_message(first.year)
            if working.is_provisional(first.year) or working.is_provisional(last.year)
            else "",
        },
    )


@declare("change")
@login_required
@require_POST
def feed_issue(request: HttpRequest) -> HttpResponse:
    """Make a new private calendar URL (the old one stops working); shown once."""
    _feed, token = issue_calendar_feed(actor=request.user)
    from django.urls import reverse

    request.session["duties_new_feed_url"] = request.build_absolute_uri(
        reverse("duties:calendar_feed", kwargs={"token": token})
    )
    messages.success(request, _("已生成新的日历订阅地址，旧地址已失效。"))
    return redirect("duties:calendar")


@declare("change")
@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    revoke_calendar_feed(actor=request.user)
    messages.info(request, _("日历订阅地址已撤销。"))
    return redirect("duties:calendar")


def _feed_state(row: Occurrence, today: dt.date) -> str:
    """逾期 for open items past their deadline (due date or granted extension), else the status."""
    if row.state.is_open and row.deadline < today:
        return str(_("逾期"))
    return row.get_status_display()


@declare(PUBLIC)
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """iCalendar feed at a private, revocable token URL: the due dates its owner may see."""
    feed = (
        CalendarFeed.objects.filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404("unknown calendar")
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    today = timezone.localdate(now)
    rows = (
        Occurrence.objects.restrict(feed.user, "view")
        .filter(due_on__gte=today - dt.timedelta(days=90), due_on__lte=today + dt.timedelta(days=400))
        .select_related(*_LIST_RELATED)
        .order_by("due_on", "id")[:5000]
    )
    rows = list(rows)
    titles = ics.short_titles(row.duty.title for row in rows)
    events = [
        {
            "uid": row.public_id,
            "day": row.due_on,
            "summary": f"【{_feed_state(row, today)}】{titles[row.duty.title]} — {row.committee or row.unit}",
            "description": "\n".join(
                part
                for part in (
                    row.duty.title,
                    f"周期 {row.period_start:%Y-%m-%d} 至 {row.period_end:%Y-%m-%d}；截止 {row.due_on:%Y-%m-%d}"
                    + ("（暂定：该年度的节假日安排尚未录入）" if row.due_provisional else ""),
                )
                if part
            ),
            "url": request.build_absolute_uri(row.get_absolute_url()),
        }
        for row in rows
    ]
    body = ics.calendar(events, name=f"安责 · {feed.user}", now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="anze-duties.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@declare(PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """Whether the duties tick is running (for monitoring): 200 when fresh, 503 when stale."""
    state = tick_health()
    body = {
        "job": state["job"],
        "stale": state["stale"],
        "last_finished_at": state["last_finished_at"].isoformat() if state["last_finished_at"] else None,
    }
    return JsonResponse(body, status=503 if state["stale"] else 200)
