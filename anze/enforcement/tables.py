"""Tables of the enforcement pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.enforcement.models import Accident


class AccidentTable(tables.Table):
    """生产安全事故。"""

    occurred_at = tables.DateTimeColumn(
        verbose_name=_("发生时间"), format="Y-m-d H:i", linkify=lambda record: record.get_absolute_url()
    )
    title = tables.Column(verbose_name=_("事故名称"), linkify=lambda record: record.get_absolute_url())
    unit_name = tables.Column(verbose_name=_("事故单位"))
    county = tables.Column(accessor="county__name", verbose_name=_("县区"), order_by=("county__code",))
    grade = tables.Column(verbose_name=_("等级"))
    casualties = tables.Column(accessor="deaths", verbose_name=_("死亡/重伤"), orderable=True)
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Accident
        fields = ("occurred_at", "title", "unit_name", "county", "grade", "casualties", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的事故。")
        order_by = ("-occurred_at",)

    def render_grade(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.grade_choice.badge, value)

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_choice.badge, value)

    def render_casualties(self, value, record):
        return f"{record.deaths} / {record.serious_injuries}"
