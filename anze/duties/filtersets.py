"""Filters shared by the duty pages and the API, so every number on a dashboard links to the same list."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.duties.choices import DutyKind, DutyStatus, OccurrenceStatus
from anze.duties.models import Duty, Occurrence, overdue_q
from anze.plans.choices import LEADER_ROLES

# Accepted, and waiting for a leader's 签批 (Occurrence.awaits_sign_off, as a filter).
AWAITS_SIGN_OFF = Q(status=OccurrenceStatus.ACCEPTED, duty__needs_sign_off=True, signed_off_at__isnull=True)

STATE_CHOICES = [
    ("due", _("已到期")),
    ("overdue", _("逾期未办")),
    ("open", _("未办结")),
    ("closed", _("已通过")),
    ("on_time", _("按时完成")),
    ("closed_late", _("逾期完成")),
    ("late", _("逾期")),
    ("review", _("待审核")),
    ("sign_off", _("待签批")),
]


class OccurrenceFilterSet(django_filters.FilterSet):
    """办理事项筛选：年度、状态、口径、任务、单位、县区、领导、职责、截止日期。"""

    year = django_filters.NumberFilter(
        field_name="due_on__year", label=_("年度"), min_value=2000, max_value=2100
    )
    status = django_filters.ChoiceFilter(choices=OccurrenceStatus.choices, label=_("状态"))
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="by_state", label=_("口径"))
    task = django_filters.UUIDFilter(field_name="duty__clause__task__public_id", label=_("任务"))
    unit = django_filters.UUIDFilter(field_name="unit__public_id", label=_("单位"))
    region = django_filters.CharFilter(method="by_region", label=_("县区代码"))
    leader = django_filters.UUIDFilter(method="by_leader", label=_("领导"))
    duty = django_filters.UUIDFilter(field_name="duty__public_id", label=_("职责"))
    clause = django_filters.UUIDFilter(field_name="duty__clause__public_id", label=_("条款"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("截止日期从"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("截止日期至"))
    provisional = django_filters.BooleanFilter(field_name="due_provisional", label=_("截止日期暂定"))
    q = django_filters.CharFilter(method="search", label=_("关键词"))

    class Meta:
        model = Occurrence
        fields = [
            "year",
            "status",
            "state",
            "task",
            "unit",
            "region",
            "leader",
            "duty",
            "clause",
            "due_after",
            "due_before",
            "provisional",
            "q",
        ]

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "due":
            return queryset.filter(due_on__lte=today)
        if value == "overdue":
            return queryset.filter(overdue_q(today))
        if value == "open":
            return queryset.exclude(status=OccurrenceStatus.ACCEPTED)
        if value == "closed":
            return queryset.filter(status=OccurrenceStatus.ACCEPTED)
        if value == "on_time":
            return queryset.filter(status=OccurrenceStatus.ACCEPTED, late=False)
        if value == "late":
            return queryset.filter(late=True)
        if value == "closed_late":
            return queryset.filter(status=OccurrenceStatus.ACCEPTED, late=True)
        if value == "review":
            return queryset.filter(status__in=[OccurrenceStatus.SUBMITTED, OccurrenceStatus.RESUBMITTED])
        if value == "sign_off":
            return queryset.filter(AWAITS_SIGN_OFF)
        return queryset

    def by_region(self, queryset, name, value):
        return queryset.filter(unit__region__path__contains=f"/{value}/")

    def by_leader(self, queryset, name, value):
        from anze.plans.models import ClauseAssignment

        clauses = ClauseAssignment.objects.filter(person__public_id=value, role__in=list(LEADER_ROLES))
        return queryset.filter(duty__clause_id__in=clauses.values("clause_id"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(duty__title__icontains=value) | Q(unit__name__icontains=value))


class DutyFilterSet(django_filters.FilterSet):
    """职责筛选：状态、类型、方案、关键词。"""

    status = django_filters.ChoiceFilter(choices=DutyStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=DutyKind.choices, label=_("类型"))
    plan = django_filters.UUIDFilter(field_name="clause__version__plan__public_id", label=_("方案"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("关键词"))

    class Meta:
        model = Duty
        fields = ["status", "kind", "plan", "q"]
