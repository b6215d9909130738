"""节假日安排 pages: which years have the 国务院办公厅 arrangement, entering or importing one, and the touched
items whose provisional due dates the office settles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from anze.core.permissions import declare
from anze.duties import holidays
from anze.duties.calendar import FIXED_HOLIDAYS, SOURCE_LABELS, DayKind
from anze.duties.choices import ArrangementSource
from anze.duties.errors import DutyError
from anze.duties.forms import HolidayArrangementForm
from anze.duties.holiday_format import format_days
from anze.duties.models import HolidayArrangement, Occurrence, can_manage_holidays

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _year_or_404(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404(_("年度无效。"))
    return year


def _provisional_list_url(year: int) -> str:
    return f"{reverse('duties:occurrence_list')}?provisional=true&year={year}"


@declare("view")
@login_required
@require_safe
def holiday_list(request: HttpRequest) -> HttpResponse:
    """节假日安排 — each year's source of working days, and how many due dates are still provisional."""
    today = timezone.localdate()
    working = holidays.refresh_calendar()
    arrangements = {
        a.year: a
        for a in HolidayArrangement.objects.restrict(request.user, "view").select_related("entered_by")
    }
    scoped = Occurrence.objects.restrict(request.user, "view")
    provisional = dict(
        scoped.filter(due_provisional=True).values_list("due_on__year").annotate(n=Count("id")).order_by()
    )
    years = sorted(
        set(range(today.year - 1, today.year + 2)) | set(arrangements) | set(provisional), reverse=True
    )
    touched = dict(
        holidays.touched_to_settle(working)
        .filter(pk__in=scoped.values("pk"))
        .values_list("due_on__year")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for year in years:
        source = working.source(year)
        rows.append(
            {
                "year": year,
                "source": source.value,
                "source_label": SOURCE_LABELS[source],
                "arrangement": arrangements.get(year),
                "provisional_count": provisional.get(year, 0),
                "provisional_url": _provisional_list_url(year),
                "touched_count": touched.get(year, 0),
            }
        )
    return render(
        request,
        "duties/holiday_list.html",
        {
            "rows": rows,
            "missing": working.provisional_years(today.year, today.year + 1),
            "fixed_holidays": FIXED_HOLIDAYS,
            "may_manage": can_manage_holidays(request.user),
        },
    )


def _year_context(
    request: HttpRequest, year: int, form: HolidayArrangementForm | None = None
) -> dict[str, Any]:
    working = holidays.refresh_calendar()
    arrangement = HolidayArrangement.objects.restrict(request.user, "view").filter(year=year).first()
    days = list(arrangement.days.all()) if arrangement else []
    may_manage = can_manage_holidays(request.user)
    if form is None and may_manage:
        form = HolidayArrangementForm(
            year=year,
            initial={
                "notice": arrangement.notice if arrangement else "",
                "days": format_days([(d.day, d.kind, d.name) for d in days]) if days else "",
                "version": arrangement.version if arrangement else None,
            },
        )
    scoped = Occurrence.objects.restrict(request.user, "view")
    touched = (
        holidays.touched_to_settle(working)
        .filter(pk__in=scoped.values("pk"), due_on__year=year)
        .select_related("duty", "unit", "rule")
        .order_by("due_on", "id")[:200]
    )
    settle_rows = []
    for row in touched:
        due, _provisional = holidays.recomputed_due(
            row.rule, row.duty.kind, row.period_start, row.period_end, working
        )
        settle_rows.append({"occurrence": row, "would_be": due})
    source = working.source(year)
    return {
        "year": year,
        "source": source.value,
        "source_label": SOURCE_LABELS[source],
        "arrangement": arrangement,
        "days": [
            {
                "day": d.day,
                "weekday": WEEKDAYS[d.day.weekday()],
                "is_holiday": d.kind == DayKind.HOLIDAY,
                "row": d,
            }
            for d in days
        ],
        "form": form,
        "may_manage": may_manage,
        "settle_rows": settle_rows,
        "provisional_count": scoped.filter(
            due_provisional=True, due_on__gte=dt.date(year, 1, 1), due_on__lte=dt.date(year, 12, 31)
        ).count(),
        "provisional_url": _provisional_list_url(year),
        "fixed_holidays": FIXED_HOLIDAYS,
    }


@declare("view")
@login_required
@require_safe
def holiday_year(request: HttpRequest, year: int) -> HttpResponse:
    """One year's arrangement: its days, the form to enter or import it, the touched items to settle."""
    return render(request, "duties/holiday_year.html", _year_context(request, _year_or_404(year)))


@declare("change")
@login_required
@require_POST
def holiday_enter(request: HttpRequest, year: int) -> HttpResponse:
    """Save the year's arrangement (typed or imported) and recompute the due dates that depend on it."""
    year = _year_or_404(year)
    if not can_manage_holidays(request.user):
        raise PermissionDenied(_("只有安委会办公室可以录入节假日安排。"))
    form = HolidayArrangementForm(request.POST, request.FILES, year=year)
    if form.is_valid():
        try:
            _arrangement, result = holidays.enter_holiday_arrangement(
                actor=request.user,
                year=year,
                days=form.cleaned_data["parsed"],
                notice=form.cleaned_data["notice"],
                source=ArrangementSource.IMPORTED
                if form.cleaned_data["source_name"]
                else ArrangementSource.ENTERED,
                source_name=form.cleaned_data["source_name"],
                expected_version=form.cleaned_data["version"],
            )
        except DutyError as exc:
            form.add_error(None, exc.message_zh)
        else:
            messages.success(
                request,
                _(
                    "%(year)s 年节假日安排已保存：%(n)s 个未处理的办理事项重算了截止日期；%(t)s 个已处理的事项需要办公室确认。"
                )
                % {"year": year, "n": result.recomputed, "t": len(result.touched)},
            )
            return redirect("duties:holiday_year", year=year)
    return render(request, "duties/holiday_year.html", _year_context(request, year, form), status=400)


@declare("change")
@login_required
@require_POST
def holiday_settle(request: HttpRequest, year: int) -> HttpResponse:
    """The office adopts the arrangement's due date for the chosen touched items, or keeps their current one."""
    year = _year_or_404(year)
    if not can_manage_holidays(request.user):
        raise PermissionDenied(_("只有安委会办公室可以确认截止日期。"))
    chosen = request.POST.getlist("occurrence")
    rows = list(Occurrence.objects.restrict(request.user, "view").filter(public_id__in=_uuids(chosen)))
    if not rows:
        messages.warning(request, _("请先勾选要处理的办理事项。"))
        return redirect("duties:holiday_year", year=year)
    adopt = request.POST.get("decision") == "adopt"
    count = holidays.settle_touched_due_dates(rows, actor=request.user, adopt=adopt)
    messages.success(
        request,
        (_("已对 %(n)s 个事项采用新的截止日期。") if adopt else _("已对 %(n)s 个事项保留原截止日期。"))
        % {"n": count},
    )
    return redirect("duties:holiday_year", year=year)


def _uuids(values: list[str]) -> list[str]:
    import uuid

    result = []
    for value in values:
        try:
            result.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return result
