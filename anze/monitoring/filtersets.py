"""Filters shared by the monitoring pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from anze.monitoring import alarming, online
from anze.monitoring.choices import (
    OPEN_ALARM_STATUSES,
    AlarmKind,
    AlarmLevel,
    AlarmStatus,
    HazardLevelChoice,
    PointKind,
    VehicleClass,
    VehicleRule,
)
from anze.monitoring.models import (
    Alarm,
    MajorHazard,
    MonitoringPoint,
    Reading,
    Vehicle,
    VehicleAlarm,
    VehiclePosition,
)

POINT_STATES = [
    ("alarm", _("超限报警中")),
    ("fault", _("故障（超量程/冻结/离线）")),
    ("offline", _("离线")),
    ("normal", _("正常")),
]
REPORTED = [("expected", _("统计时段内应上报")), ("yes", _("统计时段内有上报")), ("no", _("统计时段内无上报"))]
ESCALATED = [("yes", _("已督办")), ("no", _("未督办"))]
ALARM_QUEUES = [("open", _("未消警")), ("unacknowledged", _("待确认")), ("active", _("报警持续中"))]

# The on-line rate's default window when a list is asked "who reported" without a day or month.
DEFAULT_WINDOW = dt.timedelta(hours=24)


class MonthField(forms.CharField):
    """A month as YYYY-MM (years 2000–2100)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            first = dt.date.fromisoformat(value + "-01") if value.isascii() and len(value) == 7 else None
        except ValueError:
            first = None
        if first is None or not 2000 <= first.year <= 2100:
            raise forms.ValidationError(_("请填写年月，如 2026-03。"))
        return first


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    """A filter over a month written YYYY-MM (a string in the API schema)."""

    field_class = MonthField


def window_of(day: dt.date | None, month: dt.date | None, *, now: dt.datetime | None = None) -> online.Window:
    """The statistics window of a day, a month, or (neither) the last 24 hours, in local time."""
    tz = timezone.get_current_timezone()
    if day is not None:
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        return online.Window(start, start + dt.timedelta(days=1))
    if month is not None:
        start = dt.datetime.combine(month, dt.time(), tzinfo=tz)
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return online.Window(start, dt.datetime.combine(following, dt.time(), tzinfo=tz))
    now = now or timezone.now()
    return online.Window(now - DEFAULT_WINDOW, now)


class HazardFilterSet(django_filters.FilterSet):
    """重大危险源筛选：等级、单元类型、企业、县区、关键词。"""

    level = django_filters.TypedChoiceFilter(choices=HazardLevelChoice.choices, coerce=int, label=_("等级"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("企业"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), max_length=12)
    q = django_filters.CharFilter(method="search", label=_("关键词"), max_length=100)

    class Meta:
        model = MajorHazard
        fields = ["level", "unit_kind", "enterprise", "region", "q"]

    def by_region(self, queryset, name, value):
        return queryset.filter(enterprise__county__code=value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value))


class PointFilterSet(django_filters.FilterSet):
    """监测点筛选：状态、类型、企业、危险源、县区；统计时段（日或月）内是否上报。"""

    state = django_filters.ChoiceFilter(choices=POINT_STATES, method="by_state", label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=PointKind.choices, label=_("类型"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("企业"))
    hazard = django_filters.UUIDFilter(field_name="hazard__public_id", label=_("重大危险源"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), max_length=12)
    day = django_filters.DateFilter(method="noop", label=_("统计日"))
    month = MonthFilter(method="noop", label=_("统计月（YYYY-MM）"))
    reported = django_filters.ChoiceFilter(choices=REPORTED, method="noop", label=_("是否上报"))
    q = django_filters.CharFilter(method="search", label=_("关键词"), max_length=100)

    class Meta:
        model = MonitoringPoint
        fields = ["state", "kind", "enterprise", "hazard", "region", "day", "month", "reported", "q"]

    def noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset (a window needs both day/month and reported)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("day") or data.get("month") or data.get("reported"):
            window = window_of(data.get("day"), data.get("month"))
            queryset = queryset.filter(in_service_from__lt=window.end).exclude(
                in_service_until__lte=window.start
            )
            if data.get("reported") in ("yes", "no"):
                seen = Reading.objects.filter(point_id=OuterRef("pk"), at__gte=window.start, at__lt=window.end)
                if data["reported"] == "yes":
                    queryset = queryset.filter(Exists(seen))
                elif data["reported"] == "no":
                    queryset = queryset.exclude(Exists(seen))
        return queryset

    def by_state(self, queryset, name, value):
        offline = Q(faults__contains=alarming.Fault.OFFLINE.value)
        if value == "alarm":
            return queryset.exclude(level=0)
        if value == "fault":
            return queryset.exclude(faults="")
        if value == "offline":
            return queryset.filter(offline)
        return queryset.filter(level=0, faults="")

    def by_region(self, queryset, name, value):
        return queryset.filter(enterprise__county__code=value)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(enterprise__name__icontains=value)
        )


class AlarmFilterSet(django_filters.FilterSet):
    """报警筛选：队列、状态、类型、级别、推送层级、企业、县区、监测点。"""

    queue = django_filters.ChoiceFilter(choices=ALARM_QUEUES, method="by_queue", label=_("队列"))
    status = django_filters.ChoiceFilter(choices=AlarmStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=AlarmKind.choices, label=_("类型"))
    level = django_filters.TypedChoiceFilter(choices=AlarmLevel.choices, coerce=int, label=_("级别"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("企业"))
    point = django_filters.UUIDFilter(field_name="point__public_id", label=_("监测点"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), max_length=12)
    day = django_filters.DateFilter(method="by_day", label=_("报警日"))
    escalated = django_filters.ChoiceFilter(choices=ESCALATED, method="by_escalated", label=_("督办"))

    class Meta:
        model = Alarm
        fields = ["queue", "status", "kind", "level", "enterprise", "point", "region", "day", "escalated"]

    def by_escalated(self, queryset, name, value):
        return queryset.filter(case__isnull=value != "yes")

    def by_queue(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_ALARM_STATUSES)
        if value == "unacknowledged":
            return queryset.filter(status=AlarmStatus.RAISED)
        return queryset.filter(is_active=True)

    def by_region(self, queryset, name, value):
        return queryset.filter(enterprise__county__code=value)

    def by_day(self, queryset, name, value):
        window = window_of(value, None)
        return queryset.filter(raised_at__gte=window.start, raised_at__lt=window.end)


VEHICLE_STATES = [("overspeed", _("超速中")), ("fatigue", _("疲劳驾驶中")), ("offline", _("离线")),
                  ("normal", _("正常"))]  # fmt: skip


class VehicleFilterSet(django_filters.FilterSet):
    """车辆筛选：类别、状态、运输企业、县区；近24小时是否上线。"""

    vehicle_class = django_filters.ChoiceFilter(choices=VehicleClass.choices, label=_("车辆类别"))
    state = django_filters.ChoiceFilter(choices=VEHICLE_STATES, method="by_state", label=_("状态"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("运输企业"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), max_length=12)
    reported = django_filters.ChoiceFilter(choices=REPORTED, method="by_reported", label=_("近24小时上线"))
    q = django_filters.CharFilter(method="search", label=_("车牌/驾驶员"), max_length=50)

    class Meta:
        model = Vehicle
        fields = ["vehicle_class", "state", "enterprise", "region", "reported", "q"]

    def by_state(self, queryset, name, value):
        if value == "normal":
            return queryset.filter(active_rules="")
        return queryset.filter(active_rules__contains=value)

    def by_region(self, queryset, name, value):
        return queryset.filter(enterprise__county__code=value)

    def by_reported(self, queryset, name, value):
        window = window_of(None, None)
        queryset = queryset.filter(in_service_from__lt=window.end).exclude(in_service_until__lte=window.start)
        seen = VehiclePosition.objects.filter(vehicle_id=OuterRef("pk"), at__gte=window.start, at__lt=window.end)
        if value == "yes":
            return queryset.filter(Exists(seen))
        if value == "no":
            return queryset.exclude(Exists(seen))
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(Q(plate__icontains=value) | Q(driver_name__icontains=value))


class VehicleAlarmFilterSet(django_filters.FilterSet):
    """车辆报警筛选：类型、状态、运输企业、车辆、持续中。"""

    rule = django_filters.ChoiceFilter(choices=VehicleRule.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=AlarmStatus.choices, label=_("状态"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("运输企业"))
    vehicle = django_filters.UUIDFilter(field_name="vehicle__public_id", label=_("车辆"))
    is_active = django_filters.BooleanFilter(label=_("报警持续中"))

    class Meta:
        model = VehicleAlarm
        fields = ["rule", "status", "enterprise", "vehicle", "is_active"]
