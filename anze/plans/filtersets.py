"""Filters shared by the plan pages and the API, so both narrow lists the same way."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anze.plans.choices import AssignmentRole, AssignmentStatus
from anze.plans.models import Clause, ClauseAssignment, Plan, PlanVersion


class PlanFilterSet(django_filters.FilterSet):
    """方案列表的筛选：关键词、区划。"""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    region = django_filters.CharFilter(field_name="region__code", label=_("区划代码"))

    class Meta:
        model = Plan
        fields = ["q", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class PlanVersionFilterSet(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="plan__public_id", label=_("方案"))

    class Meta:
        model = PlanVersion
        fields = ["plan"]


class ClauseFilterSet(django_filters.FilterSet):
    """条款筛选：方案（默认现行版本）、版本、关键词。"""

    plan = django_filters.UUIDFilter(field_name="version__plan__public_id", label=_("方案"))
    version = django_filters.UUIDFilter(field_name="version__public_id", label=_("版本"))
    current = django_filters.BooleanFilter(method="only_current", label=_("仅现行版本"))
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("关键词"))

    class Meta:
        model = Clause
        fields = ["plan", "version", "current", "q"]

    def only_current(self, queryset, name, value):
        return queryset.filter(version__current_of__isnull=not value)


class ClauseAssignmentFilterSet(django_filters.FilterSet):
    """分工筛选：单位、人员、角色、对应状态、方案。"""

    unit = django_filters.UUIDFilter(field_name="unit__public_id", label=_("单位"))
    person = django_filters.UUIDFilter(field_name="person__public_id", label=_("人员"))
    group = django_filters.UUIDFilter(field_name="group__public_id", label=_("单位集合"))
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices, label=_("角色"))
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("对应状态"))
    plan = django_filters.UUIDFilter(field_name="version__plan__public_id", label=_("方案"))
    current = django_filters.BooleanFilter(method="only_current", label=_("仅现行版本"))

    class Meta:
        model = ClauseAssignment
        fields = ["unit", "person", "group", "role", "status", "plan", "current"]

    def only_current(self, queryset, name, value):
        return queryset.filter(version__current_of__isnull=not value)
