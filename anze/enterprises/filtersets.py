"""One FilterSet per list, used by the pages, their .xlsx export and the API alike.

Related objects are chosen by public_id (regions, units) or code (industries), only among those the
requester may view, so a filter neither reveals integer keys nor probes records outside the scope.
"""

from __future__ import annotations

import uuid
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anze.enterprises.choices import ComplianceStatus, EnterpriseStatus, HighRiskCategory
from anze.enterprises.models import Enterprise, Industry
from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit


def _counties(request: Any) -> QuerySet:
    user = getattr(request, "user", None)
    if user is None:
        return Region.objects.none()
    return Region.objects.restrict(user, "view").filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE])


def _units(request: Any) -> QuerySet:
    user = getattr(request, "user", None)
    if user is None:
        return Unit.objects.none()
    return Unit.objects.restrict(user, "view").filter(supervised_enterprises__isnull=False).distinct()


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select"})


class EnterpriseFilterSet(django_filters.FilterSet):
    """企业名录 filters: search, county, industry, category, status, compliance, department, gaps."""

    q = django_filters.CharFilter(
        label=_("搜索"),
        method="search",
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": _("名称或信用代码")}
        ),
    )
    county = django_filters.ModelChoiceFilter(
        label=_("县区"),
        queryset=_counties,
        to_field_name="public_id",
        empty_label=_("全部"),
        widget=_select(),
    )
    industry = django_filters.CharFilter(
        label=_("行业代码"),
        method="filter_industry",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如 26 或 C")}),
    )
    category = django_filters.ChoiceFilter(
        label=_("高危类别"), choices=HighRiskCategory.choices, method="filter_category", empty_label=_("全部"),
        widget=_select(),
    )  # fmt: skip
    status = django_filters.ChoiceFilter(
        label=_("经营状态"), choices=EnterpriseStatus.choices, empty_label=_("全部"), widget=_select()
    )
    compliance = django_filters.ChoiceFilter(
        label=_("合规状态"),
        choices=ComplianceStatus.choices,
        method="filter_compliance",
        empty_label=_("全部"),
        widget=_select(),
    )
    supervising_unit = django_filters.ModelChoiceFilter(
        label=_("主管部门"),
        queryset=_units,
        to_field_name="public_id",
        empty_label=_("全部"),
        widget=_select(),
    )
    gap = django_filters.BooleanFilter(
        label=_("监管空白"),
        field_name="supervising_unit",
        lookup_expr="isnull",
        widget=forms.Select(
            attrs={"class": "form-select"}, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]
        ),
    )
    rule = django_filters.CharFilter(
        label=_("未满足规则"), method="filter_unmet_rule", widget=forms.HiddenInput()
    )

    class Meta:
        model = Enterprise
        fields = ["q", "county", "industry", "category", "status", "compliance", "supervising_unit", "gap"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value.upper()))

    def filter_industry(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return queryset
        if value.isalpha():
            return queryset.filter(industry__section=value)
        return queryset.filter(industry__code__startswith=value)

    def filter_compliance(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By the last evaluation's outcome; "not evaluated" is an enterprise without a summary row."""
        if not value:
            return queryset
        if value == ComplianceStatus.NOT_EVALUATED:
            return queryset.filter(summary__isnull=True)
        return queryset.filter(summary__compliance=value)

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(categories__contains=f",{value},") if value else queryset

    def filter_unmet_rule(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Enterprises failing one rule (by the rule's public id), as the dashboard links them."""
        if not value:
            return queryset
        try:
            rule_id = uuid.UUID(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(results__rule__public_id=rule_id, results__is_met=False)


class IndustryFilterSet(django_filters.FilterSet):
    """Industries by code prefix or name."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))

    class Meta:
        model = Industry
        fields = ["q", "section", "category"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(code__startswith=value) | Q(name__contains=value)) if value else queryset
