"""One FilterSet per model, used by the list pages, their exports and the API alike.

Related objects are chosen by public_id and only among those the requester may view, so a filter can
neither reveal integer keys nor probe records outside the requester's scope.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anze.org.choices import CommitteeKind, RegionLevel, UnitGroupRule, UnitKind
from anze.org.models import Committee, Person, Region, Unit, UnitGroup

_ACTIVE_CHOICES = [("true", _("在用")), ("false", _("已停用"))]


def _visible(model: type) -> Any:
    def queryset(request: Any) -> QuerySet:
        user = getattr(request, "user", None)
        return model.objects.restrict(user, "view") if user is not None else model.objects.none()

    return queryset


def _search() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("搜索"),
        method="search",
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": _("名称、简称或别称")}
        ),
    )


def _select_attrs() -> dict[str, str]:
    return {"class": "form-select"}


class _OrgFilterSet(django_filters.FilterSet):
    """Shared pieces: a search box and an in-use filter, every widget styled."""

    q = _search()
    is_active = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=_ACTIVE_CHOICES,
        empty_label=_("全部"),
        method="filter_active",
        widget=forms.Select(attrs=_select_attrs()),
    )
    search_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and "class" not in widget.attrs:
                widget.attrs.update(_select_attrs())

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        queryset = queryset.filter(condition)
        # Searching across a to-many relation (aliases, posts) would repeat rows.
        return queryset.distinct() if any("__" in f for f in self.search_fields) else queryset

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == "true") if value in ("true", "false") else queryset

    def within_region(self, queryset: QuerySet, name: str, value: Region | None) -> QuerySet:
        return queryset.filter(region__path__startswith=value.path) if value else queryset


def _region_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("区划（含下级）"),
        queryset=_visible(Region),
        to_field_name="public_id",
        method="within_region",
    )


class RegionFilterSet(_OrgFilterSet):
    """行政区划筛选."""

    search_fields = ("name", "short_name", "code")
    level = django_filters.ChoiceFilter(label=_("级别"), choices=RegionLevel.choices, empty_label=_("全部"))
    parent = django_filters.ModelChoiceFilter(
        label=_("上级"), queryset=_visible(Region), to_field_name="public_id"
    )

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "is_active"]


class UnitFilterSet(_OrgFilterSet):
    """单位筛选 — by kind, region (with everything below it), group and state."""

    search_fields = ("name", "short_name", "aliases__name")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=UnitKind.choices, empty_label=_("全部"))
    region = _region_filter()
    group = django_filters.ModelChoiceFilter(
        label=_("单位集合"), queryset=_visible(UnitGroup), to_field_name="public_id", method="in_group"
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "region", "group", "is_active"]

    def in_group(self, queryset: QuerySet, name: str, value: UnitGroup | None) -> QuerySet:
        return queryset.filter(pk__in=value.members().values("pk")) if value else queryset


class UnitGroupFilterSet(_OrgFilterSet):
    """单位集合筛选."""

    search_fields = ("name", "description")
    rule = django_filters.ChoiceFilter(
        label=_("成员确定方式"), choices=UnitGroupRule.choices, empty_label=_("全部")
    )
    region = _region_filter()

    class Meta:
        model = UnitGroup
        fields = ["q", "rule", "region", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # Aliases are a JSON list: match its text, which works the same on SQLite and PostgreSQL.
        aliases = queryset.select_related(None).values_list("pk", "aliases")
        matches = [pk for pk, names in aliases if any(value in a for a in names or [])]
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Q(pk__in=matches))


class PersonFilterSet(_OrgFilterSet):
    """人员筛选."""

    search_fields = ("name", "note", "holdings__post__title")
    region = _region_filter()
    holds_post = django_filters.BooleanFilter(
        label=_("现任职务"),
        method="filter_holds_post",
        widget=forms.Select(
            choices=[("", _("全部")), ("true", _("有")), ("false", _("无"))], attrs=_select_attrs()
        ),
    )

    class Meta:
        model = Person
        fields = ["q", "region", "holds_post", "is_active"]

    def filter_holds_post(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        current = Q(pk__in=Person.objects.filter(holdings__ended_on__isnull=True).values("pk"))
        return queryset.filter(current if value else ~current)


class CommitteeFilterSet(_OrgFilterSet):
    """委员会筛选."""

    search_fields = ("name", "short_name")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CommitteeKind.choices, empty_label=_("全部"))
    region = _region_filter()
    parent = django_filters.ModelChoiceFilter(
        label=_("所属安委会"), queryset=_visible(Committee), to_field_name="public_id"
    )

    class Meta:
        model = Committee
        fields = ["q", "kind", "region", "parent", "is_active"]
