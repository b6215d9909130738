"""Tables of the duties pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.duties.choices import badge
from anze.duties.models import Duty, Occurrence


def status_badge(value: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', badge(value), label)


PROVISIONAL_HINT = _("该年度的节假日安排尚未录入，截止日期按暂定日历计算，录入后自动重算")


class OccurrenceTable(tables.Table):
    """办理事项。"""

    due_on = tables.DateColumn(
        verbose_name=_("截止日期"), format="Y-m-d", linkify=lambda record: record.get_absolute_url()
    )
    duty = tables.Column(accessor="duty__title", verbose_name=_("职责"), orderable=False)
    unit = tables.Column(accessor="unit__name", verbose_name=_("责任单位"), order_by=("unit__name",))
    period = tables.Column(accessor="period_start", verbose_name=_("周期"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))
    late = tables.Column(verbose_name=_("逾期"), orderable=True)

    class Meta:
        model = Occurrence
        fields = ("due_on", "duty", "unit", "period", "status", "late")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的办理事项。")
        order_by = ("due_on",)

    def render_due_on(self, value, record):
        if record.due_provisional:
            return format_html(
                '{} <span class="badge text-bg-warning" title="{}">{}</span>',
                f"{value:%Y-%m-%d}",
                PROVISIONAL_HINT,
                _("暂定"),
            )
        return f"{value:%Y-%m-%d}"

    def render_duty(self, value, record):
        who = f"（{record.committee.short_name or record.committee.name}）" if record.committee_id else ""
        return f"{value[:48]}{'…' if len(value) > 48 else ''}{who}"

    def render_period(self, record):
        return f"{record.period_start:%Y-%m-%d} 至 {record.period_end:%Y-%m-%d}"

    def render_status(self, value, record):
        return status_badge(record.status, record.get_status_display())

    def render_late(self, value, record):
        if record.is_overdue:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("逾期未办"))
        if value and record.submitted_at:
            return format_html('<span class="badge text-bg-warning">{}</span>', _("逾期报送"))
        return format_html('<span class="badge text-bg-warning">{}</span>', _("逾期")) if value else "—"


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row that belongs to a form outside the table (the 交办 form of the overdue list)."""

    @property
    def header(self):
        return _("选择")


class OverdueTable(OccurrenceTable):
    """逾期清单, with a checkbox per row to pick items for 交办."""

    select = SelectColumn(
        accessor="public_id",
        attrs={"input": {"name": "occurrence", "form": "assign-form", "aria-label": _("选择此事项")}},
        orderable=False,
    )

    class Meta(OccurrenceTable.Meta):
        sequence = ("select", "...")


class DutyTable(tables.Table):
    """职责。"""

    title = tables.Column(verbose_name=_("职责内容"), linkify=lambda record: record.get_absolute_url())
    clause = tables.Column(accessor="clause__key", verbose_name=_("条款"))
    kind = tables.Column(verbose_name=_("类型"))
    subject = tables.Column(accessor="subject_text", verbose_name=_("主体"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))
    start_on = tables.DateColumn(verbose_name=_("开始日期"), format="Y-m-d")

    class Meta:
        model = Duty
        fields = ("title", "clause", "kind", "subject", "status", "start_on")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("还没有职责。方案导入后，可由安委会办公室生成建议职责并确认。")

    def render_title(self, value):
        return value[:60] + ("…" if len(value) > 60 else "")

    def render_subject(self, record):
        return record.subject_display

    def render_kind(self, record):
        return status_badge(record.kind, record.get_kind_display())

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())
