"""Tables of the plans app (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anze.plans.models import Plan


class PlanTable(tables.Table):
    """方案列表。"""

    title = tables.Column(
        linkify=("plans:plan_detail", {"public_id": tables.A("public_id")}), verbose_name=_("标题")
    )
    doc_number = tables.Column(verbose_name=_("文号"), default="—")
    issued_on = tables.DateColumn(verbose_name=_("印发日期"), format="Y-m-d", default="—")
    region = tables.Column(verbose_name=_("区划"))
    version_number = tables.Column(
        accessor="current_version__number", verbose_name=_("现行版本"), default="—"
    )
    clause_count = tables.Column(verbose_name=_("条款"), orderable=True)
    unresolved_count = tables.Column(verbose_name=_("未对应名称"), orderable=True)

    class Meta:
        model = Plan
        fields = (
            "title",
            "doc_number",
            "issued_on",
            "region",
            "version_number",
            "clause_count",
            "unresolved_count",
        )
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("还没有责任方案。")

    def render_version_number(self, value):
        return _("第 %(n)s 版") % {"n": value}

    def render_unresolved_count(self, value):
        from django.utils.html import format_html

        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', value)
        return "0"
