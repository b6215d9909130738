"""List tables of the enterprise pages; their visible columns are also what an export writes."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.enterprises.choices import ComplianceStatus, badge
from anze.enterprises.models import Enterprise

_ATTRS = {"class": "table table-sm table-hover align-middle mb-0"}


class _BadgeColumn(tables.Column):
    """A choice shown as its badge on the page and as its label in an export.

    `choices` is for a value that is not a model field with choices (a property), whose label
    django-tables2 cannot look up by itself.
    """

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels = dict(choices or ())

    def render(self, value: Any, record: Any, bound_column: Any) -> str:
        raw = getattr(record, bound_column.accessor)
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', badge(raw), self.labels.get(raw, value)
        )

    def value(self, value: Any, **kwargs: Any) -> str:
        return str(self.labels.get(value, value))


class EnterpriseTable(tables.Table):
    """企业名录."""

    name = tables.Column(
        verbose_name=_("企业名称"),
        linkify=("enterprises:enterprise_detail", {"public_id": tables.A("public_id")}),
    )
    credit_code = tables.Column(verbose_name=_("统一社会信用代码"))
    county = tables.Column(verbose_name=_("县区"), accessor="county__name")
    industry = tables.Column(verbose_name=_("行业"), accessor="industry__name", order_by=("industry__code",))
    categories = tables.Column(verbose_name=_("高危类别"), orderable=False)
    employee_count = tables.Column(verbose_name=_("从业人员"), attrs={"td": {"class": "text-end"}})
    supervising_unit = tables.Column(
        verbose_name=_("主管部门"), accessor="supervising_unit__short_name", default=_("（空白）")
    )
    status = _BadgeColumn(verbose_name=_("经营状态"))
    compliance = _BadgeColumn(
        verbose_name=_("合规状态"), choices=ComplianceStatus.choices, order_by=("summary__compliance",)
    )
    unmet_count = tables.Column(
        verbose_name=_("未满足"), order_by=("summary__unmet_count",), attrs={"td": {"class": "text-end"}}
    )
    flags = tables.Column(verbose_name=_("提示"), accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Enterprise
        fields = (
            "name", "credit_code", "county", "industry", "categories", "employee_count", "supervising_unit",
            "status", "compliance", "unmet_count", "flags",
        )  # fmt: skip
        order_by = ("name",)
        attrs = _ATTRS
        empty_text = _("没有符合条件的企业。")

    # {enterprise id: [registry.Badge]}: what the apps above add (a listing's 联合惩戒), set by the view for
    # the rows it shows.
    flags_by_enterprise: dict[int, list[Any]] = {}

    def render_flags(self, value: Any, record: Enterprise) -> str:
        return render_to_string(
            "core/_enterprise_badges.html", {"badges": self.flags_by_enterprise.get(record.pk, [])}
        )

    def value_flags(self, value: Any, record: Enterprise) -> str:
        return "、".join(b.label for b in self.flags_by_enterprise.get(record.pk, []))

    def render_categories(self, value: str, record: Enterprise) -> str:
        return "、".join(record.category_labels()) or "—"

    def value_categories(self, value: str, record: Enterprise) -> str:
        return "、".join(record.category_labels())
