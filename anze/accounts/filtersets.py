"""Filters for the user list (the security administrator's page)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.models import User
from anze.accounts.roles import Role


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("用户名、姓名或手机号")}),
    )
    role = django_filters.ChoiceFilter(
        label=_("角色"),
        choices=Role.choices,
        method="with_role",
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[
            ("active", _("正常")),
            ("locked", _("已锁定")),
            ("inactive", _("已停用")),
            ("expired", _("已过期")),
        ],
        method="in_state",
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value) | Q(display_name__icontains=value) | Q(phone__icontains=value)
        )

    def with_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        return queryset.filter(
            Q(role_assignments__valid_until__isnull=True) | Q(role_assignments__valid_until__gt=now),
            role_assignments__role=value,
            role_assignments__valid_from__lte=now,
        ).distinct()

    def in_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        if value == "locked":
            return queryset.filter(locked_until__gt=now)
        if value == "inactive":
            return queryset.filter(is_active=False)
        if value == "expired":
            return queryset.filter(valid_until__lte=now)
        return queryset.filter(is_active=True).exclude(locked_until__gt=now).exclude(valid_until__lte=now)
