"""The audit log table, and the export of exactly its rows and columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.audit.actions import action_label, model_label
from anze.audit.models import AuditEvent

SOURCE_LABELS = {
    "web": _("网页"),
    "api": _("接口"),
    "job": _("后台任务"),
    "command": _("命令"),
    "system": _("系统"),
}


class AuditEventTable(tables.Table):
    """审计日志 — one row per event, newest first."""

    sequence = tables.Column(
        verbose_name=_("序号"), linkify=("audit:event_detail", {"sequence": tables.A("sequence")})
    )
    occurred_at = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    actor_label = tables.Column(verbose_name=_("操作人"), orderable=False)
    action = tables.Column(verbose_name=_("事件"), orderable=False)
    success = tables.Column(verbose_name=_("结果"), orderable=False)
    ip = tables.Column(verbose_name=_("IP 地址"), orderable=False, default="—")
    object_repr = tables.Column(verbose_name=_("对象"), orderable=False, empty_values=())
    source = tables.Column(verbose_name=_("来源"), orderable=False)

    class Meta:
        model = AuditEvent
        fields = (
            "sequence",
            "occurred_at",
            "actor_label",
            "action",
            "success",
            "ip",
            "object_repr",
            "source",
        )
        order_by = ("-sequence",)
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        empty_text = _("没有符合条件的审计事件。")

    def render_action(self, value: str) -> str:
        return format_html('<span title="{}">{}</span>', value, action_label(value))

    def render_success(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("成功"))
        return format_html('<span class="badge text-bg-danger">{}</span>', _("失败"))

    def render_object_repr(self, record: AuditEvent) -> str:
        if not record.object_type:
            return "—"
        return format_html(
            '<span class="text-secondary small">{}</span> {}',
            model_label(record.object_type),
            record.object_repr or record.object_id,
        )

    def render_source(self, value: str) -> str:
        return str(SOURCE_LABELS.get(value, value))


EXPORT_COLUMNS: list[tuple[str, Any]] = [
    (_("序号"), lambda e: e.sequence),
    (_("时间"), lambda e: timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M:%S")),
    (_("操作人"), lambda e: e.actor_label),
    (_("事件"), lambda e: action_label(e.action)),
    (_("事件代码"), lambda e: e.action),
    (_("结果"), lambda e: str(_("成功")) if e.success else str(_("失败"))),
    (_("IP 地址"), lambda e: e.ip or ""),
    (_("对象类型"), lambda e: model_label(e.object_type) if e.object_type else ""),
    (_("对象"), lambda e: e.object_repr or e.object_id),
    (_("来源"), lambda e: str(SOURCE_LABELS.get(e.source, e.source))),
    (_("原因"), lambda e: e.reason),
    (_("请求或任务编号"), lambda e: e.request_id),
]


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    yield [str(header) for header, _value in EXPORT_COLUMNS]
    for event in events:
        yield [_safe_cell(value(event)) for _header, value in EXPORT_COLUMNS]


def _safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with a quote (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(events: QuerySet) -> Iterator[str]:
    """The rows as CSV text, streamed (UTF-8 with a BOM so Excel opens Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in _rows(events.iterator(chunk_size=2000)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_xlsx(events: QuerySet) -> bytes:
    """The rows as an .xlsx workbook, written row by row (openpyxl write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("审计日志")))
    for row in _rows(events.iterator(chunk_size=2000)):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
