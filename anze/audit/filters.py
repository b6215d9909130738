"""The audit log's filters, shared by the page, its export and the API so they cannot drift."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.audit.models import AuditEvent

SOURCE_CHOICES = [
    ("web", _("网页")),
    ("api", _("接口")),
    ("job", _("后台任务")),
    ("command", _("命令")),
    ("system", _("系统")),
]
SUCCESS_CHOICES = [("true", _("成功")), ("false", _("失败"))]


def object_type_choices() -> list[tuple[str, str]]:
    """Every Anze model (and the user model) as "app.model" with its Chinese name."""
    choices = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label == "audit" or not model.__module__.startswith("anze."):
            continue
        area = apps.get_app_config(meta.app_label).verbose_name
        choices.append((f"{meta.app_label}.{meta.model_name}", f"{meta.verbose_name}（{area}）"))
    return sorted(choices, key=lambda c: c[0])


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _text(label: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": label})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"})


class IPAddressFilter(django_filters.Filter):
    """An exact IP address, validated and written in the form the database stores."""

    field_class = forms.GenericIPAddressField


class AuditEventFilterSet(django_filters.FilterSet):
    """审计日志筛选 — time range, actor, action, result, object, IP and source; all of it in the URL."""

    since = django_filters.DateFilter(label=_("起始日期"), method="filter_since", widget=_date())
    until = django_filters.DateFilter(label=_("截止日期"), method="filter_until", widget=_date())
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_label", widget=_text(_("用户名")))
    action = django_filters.CharFilter(
        label=_("事件"), field_name="action", lookup_expr="startswith", widget=_text("auth.login")
    )
    success = django_filters.ChoiceFilter(
        label=_("结果"),
        choices=SUCCESS_CHOICES,
        method="filter_success",
        empty_label=_("全部"),
        widget=_select(),
    )
    object_type = django_filters.ChoiceFilter(
        label=_("对象类型"), choices=object_type_choices, empty_label=_("全部"), widget=_select()
    )
    object_id = django_filters.CharFilter(label=_("对象编号"), widget=_text(_("编号")))
    ip = IPAddressFilter(label=_("IP 地址"), field_name="ip", widget=_text("10.0.0.1"))
    source = django_filters.ChoiceFilter(
        label=_("来源"), choices=SOURCE_CHOICES, empty_label=_("全部"), widget=_select()
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_since(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        # A range on the indexed column, not a __date lookup that would scan every row.
        return queryset.filter(occurred_at__gte=_local_midnight(value))

    def filter_until(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(occurred_at__lt=_local_midnight(value + dt.timedelta(days=1)))

    def filter_success(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(success=value == "true")
