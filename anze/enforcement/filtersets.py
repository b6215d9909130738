"""Filters shared by the enforcement pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.enforcement.choices import (
    AccidentGrade,
    AccidentStatus,
    AccidentType,
    InspectionStatus,
    ListingRule,
    ListingStatus,
)
from anze.enforcement.models import Accident, AccidentStep, Inspection, Listing

ACCIDENT_STATES = [("overdue", _("有逾期节点")), ("open", _("未结案"))]


class AccidentFilterSet(django_filters.FilterSet):
    """事故筛选：年度、等级、类型、状态、口径、县区、关键词。"""

    year = django_filters.NumberFilter(
        field_name="occurred_at__year", label=_("年度"), min_value=2000, max_value=2100
    )
    grade = django_filters.ChoiceFilter(choices=AccidentGrade.choices, label=_("等级"))
    accident_type = django_filters.ChoiceFilter(choices=AccidentType.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=AccidentStatus.choices, label=_("状态"))
    state = django_filters.ChoiceFilter(choices=ACCIDENT_STATES, method="by_state", label=_("口径"))
    region = django_filters.CharFilter(method="by_region", label=_("县区代码"))
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("企业"))
    q = django_filters.CharFilter(method="search", label=_("关键词"))

    class Meta:
        model = Accident
        fields = ["year", "grade", "accident_type", "status", "state", "region", "enterprise", "q"]

    def by_state(self, queryset, name, value):
        if value == "overdue":
            late = AccidentStep.objects.filter(
                accident=OuterRef("pk"), done_at__isnull=True, due_at__lt=timezone.now()
            )
            return queryset.filter(Exists(late))
        if value == "open":
            return queryset.exclude(status=AccidentStatus.CLOSED)
        return queryset

    def by_region(self, queryset, name, value):
        return queryset.filter(county__code=value)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(unit_name__icontains=value) | Q(place__icontains=value)
        )


class InspectionFilterSet(django_filters.FilterSet):
    """执法检查筛选：状态；mine = the signed-in inspector's own open ones (今日检查)."""

    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))
    mine = django_filters.BooleanFilter(method="by_mine", label=_("本人待检查"))

    class Meta:
        model = Inspection
        fields = ["status", "mine"]

    def by_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(inspectors__user=user, status=InspectionStatus.PLANNED)


class ListingFilterSet(django_filters.FilterSet):
    """严重失信主体名单筛选：状态、列入情形。"""

    status = django_filters.ChoiceFilter(choices=ListingStatus.choices, label=_("状态"))
    rule = django_filters.ChoiceFilter(choices=ListingRule.choices, label=_("列入情形"))

    class Meta:
        model = Listing
        fields = ["status", "rule"]
