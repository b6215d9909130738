"""Pages of 在线监测: major hazards with their GB 18218 calculation, monitoring points coloured by state with a
chart of each, the alarm queue and its actions, the on-line rate by county and enterprise, and 风险预警."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.params import BadQueryParameter
from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.monitoring import hazards, online, services, stats, vehicles, warning
from anze.monitoring.choices import HazardLevelChoice
from anze.monitoring.errors import MonitoringError
from anze.monitoring.filtersets import (
    AlarmFilterSet,
    HazardFilterSet,
    MonthField,
    PointFilterSet,
    VehicleAlarmFilterSet,
    VehicleFilterSet,
    window_of,
)
from anze.monitoring.forms import RAW_UP_TO_HOURS, ChartRangeForm, FilingForm, HandleForm
from anze.monitoring.models import Alarm, MajorHazard, MonitoringPoint, Vehicle, VehicleAlarm
from anze.monitoring.tables import (
    AlarmTable,
    HazardTable,
    PointTable,
    VehicleAlarmTable,
    VehicleTable,
    point_state,
)

# -- major hazards --------------------------------------------------------------------------------------------


class HazardListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """重大危险源 — the count of each grade (each a link), then the list."""

    permission_action = "view"
    table_class = HazardTable
    filterset_class = HazardFilterSet
    template_name = "monitoring/hazard_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return MajorHazard.objects.restrict(self.request.user, "view").select_related("enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        base = reverse("monitoring:hazard_list")
        by_level = dict(
            MajorHazard.objects.restrict(self.request.user, "view")
            .order_by()
            .values_list("level")
            .annotate(n=Count("pk"))
        )
        context["cards"] = [
            {
                "label": level.label,
                "value": by_level.get(level.value, 0),
                "url": f"{base}?level={level.value}",
            }
            for level in HazardLevelChoice
        ]
        from anze.enterprises.models import EnterpriseRecordsAccess

        context["may_register"] = EnterpriseRecordsAccess.objects.restrict(self.request.user, "add").exists()
        return context


def _filing_state(hazard: MajorHazard) -> dict[str, Any]:
    """备案 and re-evaluation of a unit as the page shows them: the dates they fall due and whether late."""
    from anze.monitoring.compliance import EVALUATION_YEARS, FILING_DAYS, years_after

    today = timezone.localdate()
    file_by = hazard.assessed_on + dt.timedelta(days=FILING_DAYS)
    evaluate_by = years_after(hazard.assessed_on, EVALUATION_YEARS)
    return {
        "file_by": file_by,
        "filed_late": hazard.filed_on is not None and hazard.filed_on > file_by,
        "unfiled_late": hazard.filed_on is None and today > file_by,
        "evaluate_by": evaluate_by,
        "evaluation_overdue": today > evaluate_by,
    }


@require_safe
@declare("view")
@login_required
def hazard_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One installation: the GB 18218 calculation term by term, its 包保责任人 and its points."""
    hazard = get_restricted_or_404(
        MajorHazard.objects.select_related("enterprise"), request.user, "view", public_id=public_id
    )
    points = list(MonitoringPoint.objects.filter(hazard=hazard).order_by("code"))
    for point in points:
        point.state_badge = point_state(point)
    assessment = services.assessment_of(hazard)
    terms = [
        {"term": t, "ratio": hazards.shown(t.ratio, 4), "weighted": hazards.shown(t.weighted, 4)}
        for t in assessment.terms
    ]
    may_change = MajorHazard.objects.restrict(request.user, "change").filter(pk=hazard.pk).exists()
    return render(
        request,
        "monitoring/hazard_detail.html",
        {
            "hazard": hazard,
            "filing": _filing_state(hazard),
            "may_change": may_change,
            "filing_form": FilingForm() if may_change and hazard.is_major else None,
            "level_badge": HazardLevelChoice(hazard.level).badge if hazard.level else "",
            "assessment": assessment,
            "terms": terms,
            "s": hazards.shown(assessment.s, 4),
            "r": hazards.shown(assessment.r, 3),
            "points": points,
            "alarms_url": reverse("monitoring:alarm_list") + f"?enterprise={hazard.enterprise.public_id}",
        },
    )


# -- points ---------------------------------------------------------------------------------------------------


class PointListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """监测点 coloured by state, refreshed every 30 seconds; the counts of each state link to their list."""

    permission_action = "view"
    table_class = PointTable
    filterset_class = PointFilterSet
    template_name = "monitoring/point_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return MonitoringPoint.objects.restrict(self.request.user, "view").select_related("enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        points = MonitoringPoint.objects.restrict(self.request.user, "view")
        counts = points.aggregate(
            total=Count("pk"),
            alarm=Count("pk", filter=~Q(level=0)),
            fault=Count("pk", filter=~Q(faults="")),
            offline=Count("pk", filter=Q(faults__contains="offline")),
        )
        base = reverse("monitoring:point_list")
        context["cards"] = [
            {"label": _("监测点"), "value": counts["total"], "url": base},
            {
                "label": _("超限报警中"),
                "value": counts["alarm"],
                "url": f"{base}?state=alarm",
                "tone": "danger",
            },
            {"label": _("故障"), "value": counts["fault"], "url": f"{base}?state=fault"},
            {"label": _("离线"), "value": counts["offline"], "url": f"{base}?state=offline"},
        ]
        return context


@require_safe
@declare("view")
@login_required
def point_detail(request: HttpRequest, public_id) -> HttpResponse:
    """A point: its thresholds, present state, a chart of its readings over a chosen range, its alarms."""
    point = get_restricted_or_404(
        MonitoringPoint.objects.select_related("enterprise", "hazard"),
        request.user,
        "view",
        public_id=public_id,
    )
    form = ChartRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise BadQueryParameter("hours", "、".join(str(h) for h, _label in form.fields["hours"].choices))
    hours = form.cleaned_data["hours"] if form.is_bound else form.fields["hours"].initial
    now = timezone.now()
    option = stats.chart_option(point, hours=hours, raw_up_to=RAW_UP_TO_HOURS, now=now)
    alarms = Alarm.objects.restrict(request.user, "view").filter(point=point).order_by("-raised_at")[:20]
    return render(
        request,
        "monitoring/point_detail.html",
        {
            "point": point,
            "state": point_state(point),
            "form": form if form.is_bound else ChartRangeForm(initial={"hours": hours}),
            "hours": hours,
            "option": option,
            "alarms": alarms,
            "alarms_url": reverse("monitoring:alarm_list") + f"?point={point.public_id}",
        },
    )


# -- alarms ---------------------------------------------------------------------------------------------------


class AlarmListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """报警队列 — what waits for whom (each count a link), then the alarms, refreshed every 30 seconds."""

    permission_action = "view"
    table_class = AlarmTable
    filterset_class = AlarmFilterSet
    template_name = "monitoring/alarm_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return Alarm.objects.restrict(self.request.user, "view").select_related("point", "enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cards"] = stats.alarm_cards(
            Alarm.objects.restrict(self.request.user, "view"),
            base=reverse("monitoring:alarm_list"),
            today=timezone.localdate(),
        )
        return context


@require_safe
@declare("view")
@login_required
def alarm_detail(request: HttpRequest, public_id) -> HttpResponse:
    """An alarm: what was measured, its life cycle so far, and the next step for whoever may take it."""
    alarm = get_restricted_or_404(
        Alarm.objects.select_related(
            "point", "enterprise", "acknowledged_by", "handled_by", "case", "hidden_danger"
        ),  # fmt: skip
        request.user,
        "view",
        public_id=public_id,
    )
    may_change = Alarm.objects.restrict(request.user, "change").filter(pk=alarm.pk).exists()
    status = alarm.status_choice
    return render(
        request,
        "monitoring/alarm_detail.html",
        {
            "alarm": alarm,
            "status": status,
            "may_change": may_change,
            "handle_form": HandleForm() if may_change and status.can_handle() else None,
        },
    )


@require_POST
@declare("change")
@login_required
def alarm_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """确认 / 处置 / 消警 through the alarm's services (each checks its guard and writes its audit event)."""
    alarm = get_restricted_or_404(Alarm.objects, request.user, "change", public_id=public_id)
    if action not in ("acknowledge", "handle", "close"):
        raise Http404
    try:
        if action == "acknowledge":
            services.acknowledge_alarm(alarm, actor=request.user)
            messages.success(request, _("已确认报警。"))
        elif action == "close":
            services.close_alarm(alarm, actor=request.user)
            messages.success(request, _("已消警。"))
        else:
            form = HandleForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "monitoring/alarm_detail.html",
                    {"alarm": alarm, "status": alarm.status_choice, "may_change": True, "handle_form": form},
                    status=400,
                )
            data = form.cleaned_data
            services.handle_alarm(
                alarm,
                actor=request.user,
                note=data["note"],
                reveals_hazard=data["reveals_hazard"],
                hazard_grade=data["hazard_grade"],
            )
            messages.success(request, _("已登记处置。"))
    except MonitoringError as exc:
        messages.error(request, exc.message)
    return redirect(alarm)


# -- on-line rate ---------------------------------------------------------------------------------------------


def _window_params(request: HttpRequest):
    """The statistics window from ?day= or ?month= (neither: the last 24 hours); junk is a 400."""
    from django import forms

    day = month = None
    raw_day, raw_month = request.GET.get("day", "").strip(), request.GET.get("month", "").strip()
    try:
        if raw_day:
            day = forms.DateField().clean(raw_day)
    except forms.ValidationError:
        raise BadQueryParameter("day", _("日期，如 2026-12-01")) from None
    try:
        if raw_month:
            month = MonthField().clean(raw_month)
    except forms.ValidationError:
        raise BadQueryParameter("month", _("年月，如 2026-03")) from None
    return day, month


@require_safe
@declare("view")
@login_required
def online_rate(request: HttpRequest) -> HttpResponse:
    """数据在线率 by county (or by enterprise within one county), for a day, a month or the last 24 hours.

    Every figure links to the points it counts: expected, reporting, and the silent ones.
    """
    day, month = _window_params(request)
    region = request.GET.get("region", "").strip()
    if region and not (region.isascii() and region.isdigit() and len(region) <= 12):
        raise BadQueryParameter("region", _("区划代码（数字）"))
    window = window_of(day, month)
    points = MonitoringPoint.objects.restrict(request.user, "view")
    by = "enterprise" if region else "county"
    if region:
        points = points.filter(enterprise__county__code=region)
    rows, total = stats.online_rows(points, window, by=by)
    period = {"day": day.isoformat()} if day else {"month": month.strftime("%Y-%m")} if month else {}
    base = reverse("monitoring:point_list")

    def links(key_params: dict[str, Any]) -> dict[str, str]:
        params = {**key_params, **period}
        return {
            name: f"{base}?{urlencode({**params, 'reported': value})}"
            for name, value in (("expected", "expected"), ("reporting", "yes"), ("offline", "no"))
        }

    for row in rows:
        row["links"] = links({"region": row["key"]} if by == "county" else {"enterprise": row["key"]})
        if by == "county":
            row["drill"] = (
                reverse("monitoring:online_rate") + "?" + urlencode({"region": row["key"], **period})
            )
    total_links = links({"region": region} if region else {})
    return render(
        request,
        "monitoring/online_rate.html",
        {
            "rows": rows,
            "total": total,
            "total_links": total_links,
            "by": by,
            "region": region,
            "day": day,
            "month": month,
            "window": window,
            "formula": online.FORMULA,
            "target": 100,
        },
    )


# -- 风险预警 --------------------------------------------------------------------------------------------------


@require_safe
@declare("view")
@login_required
def risk_warning(request: HttpRequest) -> HttpResponse:
    """风险预警: each enterprise's four colours from its alarms, open hidden dangers and on-line rate, rule shown."""
    from anze.prevention.choices import RiskLevel
    from anze.prevention.models import HiddenDanger

    colour = request.GET.get("colour", "").strip()
    if colour and colour not in ("1", "2", "3", "4"):
        raise BadQueryParameter("colour", "1、2、3、4")
    rows = stats.warnings(
        MonitoringPoint.objects.restrict(request.user, "view"),
        Alarm.objects.restrict(request.user, "view"),
        HiddenDanger.objects.restrict(request.user, "view"),
        now=timezone.now(),
    )
    base = reverse("monitoring:risk_warning")
    labels = {1: _("红色预警"), 2: _("橙色预警"), 3: _("黄色预警"), 4: _("蓝色（正常）")}
    tally = dict.fromkeys(RiskLevel, 0)
    for row in rows:
        row["level"] = RiskLevel(row["warning"].colour)
        row["label"] = labels[row["warning"].colour]
        tally[row["level"]] += 1
    cards = [
        {
            "label": labels[int(level)],
            "value": n,
            "url": f"{base}?colour={int(level)}",
            "tone": f"risk-{level.css_class.rsplit('-', 1)[-1]}",
        }  # fmt: skip
        for level, n in tally.items()
    ]
    if colour:
        rows = [r for r in rows if r["warning"].colour == int(colour)]
    return render(
        request,
        "monitoring/risk_warning.html",
        {"rows": rows, "cards": cards, "rule": warning.RULE, "colour": colour},
    )


# -- 两客一危 vehicles -----------------------------------------------------------------------------------------


class VehicleListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """车辆动态 — vehicles coloured by the rules that hold, the on-line rate of the last 24 hours per company."""

    permission_action = "view"
    table_class = VehicleTable
    filterset_class = VehicleFilterSet
    template_name = "monitoring/vehicle_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return Vehicle.objects.restrict(self.request.user, "view").select_related("enterprise")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from anze.enterprises.models import Enterprise

        context = super().get_context_data(**kwargs)
        scoped = Vehicle.objects.restrict(self.request.user, "view")
        counts = vehicles.vehicle_online_counts(scoped, window_of(None, None))
        total = online.combine(counts.values())
        names = dict(Enterprise.objects.filter(pk__in=counts).values_list("pk", "name"))
        ids = dict(Enterprise.objects.filter(pk__in=counts).values_list("pk", "public_id"))
        base = reverse("monitoring:vehicle_list")
        active = scoped.aggregate(
            overspeed=Count("pk", filter=Q(active_rules__contains="overspeed")),
            fatigue=Count("pk", filter=Q(active_rules__contains="fatigue")),
        )
        context["cards"] = [
            {"label": _("应上线车辆"), "value": total.expected, "url": f"{base}?reported=expected"},
            {"label": _("近24小时上线"), "value": total.reporting, "url": f"{base}?reported=yes"},
            {"label": _("未上线"), "value": total.offline, "url": f"{base}?reported=no", "tone": "danger"},
            {"label": _("超速中"), "value": active["overspeed"], "url": f"{base}?state=overspeed"},
            {"label": _("疲劳驾驶中"), "value": active["fatigue"], "url": f"{base}?state=fatigue"},
        ]
        context["rate"] = total
        context["companies"] = sorted(
            (
                {
                    "name": names[pk],
                    "count": c,
                    "url": f"{base}?enterprise={ids[pk]}&reported=no",
                    "expected_url": f"{base}?enterprise={ids[pk]}&reported=expected",
                }
                for pk, c in counts.items()
            ),  # fmt: skip
            key=lambda r: (r["count"].rate if r["count"].rate is not None else 2, r["name"]),
        )
        return context


class VehicleAlarmListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """车辆报警 — overspeed, fatigue and offline alarms, the company acknowledges each."""

    permission_action = "view"
    table_class = VehicleAlarmTable
    filterset_class = VehicleAlarmFilterSet
    template_name = "monitoring/vehicle_alarm_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return VehicleAlarm.objects.restrict(self.request.user, "view").select_related(
            "vehicle", "enterprise"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_change"] = scope_q(VehicleAlarm, self.request.user, "change") is not None
        return context


@require_POST
@declare("change")
@login_required
def vehicle_alarm_acknowledge(request: HttpRequest, public_id) -> HttpResponse:
    """确认车辆报警 through its service."""
    alarm = get_restricted_or_404(VehicleAlarm.objects, request.user, "change", public_id=public_id)
    try:
        vehicles.acknowledge_vehicle_alarm(alarm, actor=request.user)
        messages.success(request, _("已确认车辆报警。"))
    except MonitoringError as exc:
        messages.error(request, exc.message)
    return redirect("monitoring:vehicle_alarm_list")
