"""Filters of the supervision lists; the API reuses them, so filtering cannot drift."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anze.supervision.choices import (
    CaseSource,
    CaseStatus,
    Channel,
    DeliveryStatus,
    EventKind,
    ExtensionStatus,
)
from anze.supervision.models import Case, Circular, Delivery, ExtensionRequest, Notification


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CaseStatus.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=CaseSource.choices)
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Case
        fields = ["q", "status", "source", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(unit__name__icontains=value)
        )


class NotificationFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=EventKind.choices)
    unread = django_filters.BooleanFilter(label=_("未读"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class DeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DeliveryStatus.choices)
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=[c for c in Channel.choices if c[0] != "inapp"]
    )

    class Meta:
        model = Delivery
        fields = ["status", "channel"]


class CircularFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Circular
        fields = ["year"]


class ExtensionRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ExtensionStatus.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["status"]
