"""List tables of the organization pages; their visible columns are also what an export writes."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anze.org.choices import badge
from anze.org.models import Committee, Person, Region, Unit, UnitGroup

_ATTRS = {"class": "table table-sm table-hover align-middle mb-0"}


def _badge(value: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', badge(value), label)


class _StateColumn(tables.BooleanColumn):
    """在用 / 已停用, as a badge on the page and as text in an export."""

    def render(self, value: Any, record: Any, bound_column: Any) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("在用"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("已停用"))

    def value(self, value: Any, **kwargs: Any) -> str:
        return str(_("在用") if value else _("已停用"))


def _state() -> _StateColumn:
    return _StateColumn(verbose_name=_("状态"), accessor="is_active")


def _link(url_name: str) -> tuple[str, dict[str, tables.A]]:
    return (url_name, {"public_id": tables.A("public_id")})


class RegionTable(tables.Table):
    """行政区划."""

    code = tables.Column(verbose_name=_("区划代码"), linkify=_link("org:region_detail"))
    name = tables.Column(verbose_name=_("名称"), linkify=_link("org:region_detail"))
    level = tables.Column(verbose_name=_("级别"))
    parent = tables.Column(verbose_name=_("上级"), accessor="parent__name", default="—")
    unit_count = tables.Column(verbose_name=_("单位数"), attrs={"td": {"class": "text-end"}})
    is_active = _state()

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "unit_count", "is_active")
        order_by = ("code",)
        attrs = _ATTRS
        empty_text = _("没有符合条件的行政区划。")

    def render_level(self, value: str, record: Region) -> str:
        return _badge(record.level, value)

    def value_level(self, record: Region) -> str:
        return record.get_level_display()


class UnitTable(tables.Table):
    """单位."""

    name = tables.Column(verbose_name=_("全称"), linkify=_link("org:unit_detail"))
    short_name = tables.Column(verbose_name=_("简称"), default="—")
    kind = tables.Column(verbose_name=_("类型"))
    region = tables.Column(verbose_name=_("所属区划"), accessor="region__name", order_by=("region__path",))
    parent = tables.Column(verbose_name=_("上级单位"), accessor="parent__name", default="—")
    aliases = tables.Column(verbose_name=_("别称"), accessor="pk", orderable=False, empty_values=())
    is_active = _state()

    class Meta:
        model = Unit
        fields = ("name", "short_name", "kind", "region", "parent", "aliases", "is_active")
        attrs = _ATTRS
        empty_text = _("没有符合条件的单位。")

    def render_kind(self, record: Unit) -> str:
        return record.get_kind_display()

    def value_kind(self, record: Unit) -> str:
        return record.get_kind_display()

    def render_aliases(self, record: Unit) -> str:
        return "、".join(alias.name for alias in record.aliases.all()) or "—"

    def value_aliases(self, record: Unit) -> str:
        return "、".join(alias.name for alias in record.aliases.all())


class UnitGroupTable(tables.Table):
    """单位集合."""

    name = tables.Column(verbose_name=_("名称"), linkify=_link("org:unitgroup_detail"))
    aliases = tables.Column(verbose_name=_("别称"), orderable=False, empty_values=())
    rule = tables.Column(verbose_name=_("成员确定方式"))
    committee = tables.Column(verbose_name=_("所依据的委员会"), accessor="committee__name", default="—")
    region = tables.Column(verbose_name=_("适用区划"), accessor="region__name", order_by=("region__path",))
    member_count = tables.Column(verbose_name=_("逐一指定的成员数"), attrs={"td": {"class": "text-end"}})
    is_active = _state()

    class Meta:
        model = UnitGroup
        fields = ("name", "aliases", "rule", "committee", "region", "member_count", "is_active")
        attrs = _ATTRS
        empty_text = _("没有符合条件的单位集合。")

    def render_aliases(self, value: list[str]) -> str:
        return "、".join(value or []) or "—"

    def value_aliases(self, value: list[str]) -> str:
        return "、".join(value or [])


class PersonTable(tables.Table):
    """人员."""

    name = tables.Column(verbose_name=_("姓名"), linkify=_link("org:person_detail"))
    region = tables.Column(verbose_name=_("所属区划"), accessor="region__name", order_by=("region__path",))
    posts = tables.Column(verbose_name=_("现任职务"), accessor="pk", orderable=False, empty_values=())
    note = tables.Column(verbose_name=_("备注"), default="—")
    is_active = _state()

    class Meta:
        model = Person
        fields = ("name", "region", "posts", "note", "is_active")
        attrs = _ATTRS
        empty_text = _("没有符合条件的人员。")

    def render_posts(self, record: Person) -> str:
        return self.value_posts(record) or "—"

    def value_posts(self, record: Person) -> str:
        return "；".join(f"{h.post.unit}{h.post}" for h in record.current_holdings)


class CommitteeTable(tables.Table):
    """委员会."""

    name = tables.Column(verbose_name=_("名称"), linkify=_link("org:committee_detail"))
    kind = tables.Column(verbose_name=_("类型"))
    parent = tables.Column(verbose_name=_("所属安委会"), accessor="parent__name", default="—")
    office_unit = tables.Column(verbose_name=_("办公室所在单位"), accessor="office_unit__name", default="—")
    leaders = tables.Column(verbose_name=_("领导"), accessor="pk", orderable=False, empty_values=())
    member_count = tables.Column(verbose_name=_("成员单位数"), attrs={"td": {"class": "text-end"}})
    is_active = _state()

    class Meta:
        model = Committee
        fields = ("name", "kind", "parent", "office_unit", "leaders", "member_count", "is_active")
        attrs = _ATTRS
        empty_text = _("没有符合条件的委员会。")

    def render_kind(self, record: Committee) -> str:
        return _badge(record.kind, record.get_kind_display())

    def value_kind(self, record: Committee) -> str:
        return record.get_kind_display()

    def render_leaders(self, record: Committee) -> str:
        return format_html_join("、", "{}", ((v,) for v in self._leaders(record))) or "—"

    def value_leaders(self, record: Committee) -> str:
        return "、".join(self._leaders(record))

    @staticmethod
    def _leaders(record: Committee) -> list[str]:
        return [f"{leader.get_role_display()} {leader.person.name}" for leader in record.leaders.all()]
