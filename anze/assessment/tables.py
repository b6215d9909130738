"""Tables of the assessment pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.assessment.models import Appeal


class AppealTable(tables.Table):
    """申诉。"""

    filed_at = tables.DateTimeColumn(
        verbose_name=_("申诉时间"),
        format="Y-m-d H:i",
        linkify=("assessment:appeal_detail", {"public_id": tables.A("public_id")}),
    )
    body = tables.Column(accessor="result__body", verbose_name=_("考核对象"), orderable=False)
    year = tables.Column(accessor="result__run__scheme__year", verbose_name=_("年度"))
    item = tables.Column(verbose_name=_("项目"), default=_("整体结果"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Appeal
        fields = ("filed_at", "body", "year", "item", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有申诉。")
        order_by = ("-filed_at",)

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_choice.badge, value)
