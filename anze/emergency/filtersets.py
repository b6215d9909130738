"""Filters shared by the emergency pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.emergency.choices import (
    DepotKind,
    DrillKind,
    DrillStatus,
    IncidentStatus,
    Readiness,
    TeamKind,
    TeamStatus,
)
from anze.emergency.models import Depot, GovernmentDrill, Incident, RescueTeam, StockBatch

_REGION_CODE = [RegexValidator(r"^[0-9]{2,12}$", _("区划代码应为 2 到 12 位数字。"))]

BATCH_STATES = [
    ("expiring", _("临期（30日内）")),
    ("expired", _("已过期")),
    ("in_stock", _("有库存")),
    ("usable", _("计入最低储备（在用储备库、未过期、有可调拨数量）")),
]


def _region(queryset, lookup: str, value: str):
    return queryset.filter(**{f"{lookup}__contains": f"/{value}/"})


class TeamFilterSet(django_filters.FilterSet):
    """救援队伍筛选：类别、战备状态、状态、区划代码、关键词。"""

    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("类别"))
    readiness = django_filters.ChoiceFilter(choices=Readiness.choices, label=_("战备状态"))
    status = django_filters.ChoiceFilter(choices=TeamStatus.choices, label=_("状态"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), validators=_REGION_CODE)
    q = django_filters.CharFilter(method="search", label=_("关键词"), max_length=50)

    class Meta:
        model = RescueTeam
        fields = ["kind", "readiness", "status", "region", "q"]

    def by_region(self, queryset, name, value):
        return _region(queryset, "region__path", value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(specialties__icontains=value))


class DepotFilterSet(django_filters.FilterSet):
    """储备库筛选。"""

    kind = django_filters.ChoiceFilter(choices=DepotKind.choices, label=_("类别"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), validators=_REGION_CODE)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称"), max_length=50)

    class Meta:
        model = Depot
        fields = ["kind", "region", "q"]

    def by_region(self, queryset, name, value):
        return _region(queryset, "region__path", value)


class BatchFilterSet(django_filters.FilterSet):
    """物资批次筛选：品目、储备库、口径（临期、过期、有库存）。"""

    item = django_filters.CharFilter(
        field_name="item__code",
        label=_("品目代码"),
        max_length=40,
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$")],
    )
    depot = django_filters.UUIDFilter(field_name="depot__public_id", label=_("储备库"))
    state = django_filters.ChoiceFilter(choices=BATCH_STATES, method="by_state", label=_("口径"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), validators=_REGION_CODE)

    class Meta:
        model = StockBatch
        fields = ["item", "depot", "state", "region"]

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expiring":
            return queryset.filter(
                on_hand__gt=0, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)
            )
        if value == "expired":
            return queryset.filter(on_hand__gt=0, expires_on__lt=today)
        if value == "in_stock":
            return queryset.filter(on_hand__gt=F("allocated"))
        if value == "usable":
            # What the minimum levels count (services.alerts.usable_stock): available units in active depots,
            # not expired.
            return queryset.filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today),
                depot__is_active=True,
                on_hand__gt=F("allocated"),
            )
        return queryset

    def by_region(self, queryset, name, value):
        return _region(queryset, "depot__region__path", value)


class IncidentFilterSet(django_filters.FilterSet):
    """突发事件筛选。"""

    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("状态"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码"), validators=_REGION_CODE)
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("关键词"), max_length=50
    )

    class Meta:
        model = Incident
        fields = ["status", "region", "q"]

    def by_region(self, queryset, name, value):
        return _region(queryset, "region__path", value)


class DrillFilterSet(django_filters.FilterSet):
    """政府演练筛选：类别、状态、年度、预案。"""

    kind = django_filters.ChoiceFilter(choices=DrillKind.choices, label=_("类别"))
    status = django_filters.ChoiceFilter(choices=DrillStatus.choices, label=_("状态"))
    year = django_filters.NumberFilter(
        field_name="planned_on__year", label=_("年度"), min_value=2000, max_value=2100
    )
    plan = django_filters.UUIDFilter(field_name="plan__public_id", label=_("预案"))

    class Meta:
        model = GovernmentDrill
        fields = ["kind", "status", "year", "plan"]
