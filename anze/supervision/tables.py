"""Tables of the supervision pages (django-tables2); each also exports as .xlsx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.supervision.choices import badge
from anze.supervision.models import Case, Circular, Delivery, ExtensionRequest, Notification


class LocalDateTimeColumn(tables.DateTimeColumn):
    """A time shown and exported in local time (ANZE_TIME_ZONE), never as a UTC ISO string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="Y-m-d H:i", **kwargs)

    def value(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        return super().value(value=value, **kwargs)


def status_badge(value: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', badge(value), label)


class CaseTable(tables.Table):
    """督办案件。"""

    number = tables.Column(
        verbose_name=_("督办文号"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("year", "sequence"),
    )
    unit = tables.Column(accessor="unit__name", verbose_name=_("督办对象"), order_by=("unit__name",))
    title = tables.Column(verbose_name=_("事项"), orderable=False)
    deadline = tables.DateColumn(verbose_name=_("办理期限"), format="Y-m-d")
    extensions = tables.Column(verbose_name=_("延期次数"))
    delay_days = tables.Column(verbose_name=_("延期天数"))
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Case
        fields = ("number", "unit", "title", "deadline", "extensions", "delay_days", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的督办案件。")
        order_by = ("-number",)

    def render_title(self, value):
        return f"{value[:40]}{'…' if len(value) > 40 else ''}"

    def render_status(self, value, record):
        return status_badge(record.status, value)

    def value_status(self, value, record):
        return record.get_status_display()


class NotificationTable(tables.Table):
    """催办提醒。"""

    created_at = LocalDateTimeColumn(verbose_name=_("时间"))
    kind = tables.Column(verbose_name=_("类型"))
    unit = tables.Column(accessor="unit__name", verbose_name=_("收件单位"), default="—")
    person = tables.Column(accessor="person__name", verbose_name=_("收件人"), default="—")
    title = tables.Column(verbose_name=_("标题"), orderable=False)
    read_at = LocalDateTimeColumn(verbose_name=_("已读"), default="—")

    class Meta:
        model = Notification
        fields = ("created_at", "kind", "unit", "person", "title", "read_at")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有提醒。")

    def render_kind(self, value, record):
        return status_badge(record.kind, value)

    def value_kind(self, value, record):
        return record.get_kind_display()


class DeliveryTable(tables.Table):
    """投递记录。"""

    created_at = LocalDateTimeColumn(verbose_name=_("创建"))
    channel = tables.Column(verbose_name=_("渠道"))
    endpoint = tables.Column(accessor="endpoint__name", verbose_name=_("接收方"))
    title = tables.Column(accessor="notification__title", verbose_name=_("消息"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))
    attempts = tables.Column(verbose_name=_("尝试次数"))
    next_attempt_at = LocalDateTimeColumn(verbose_name=_("下次尝试"))
    sent_at = LocalDateTimeColumn(verbose_name=_("发送时间"), default="—")
    last_error = tables.Column(verbose_name=_("最近错误"), orderable=False, default="")

    class Meta:
        model = Delivery
        fields = (
            "created_at",
            "channel",
            "endpoint",
            "title",
            "status",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "last_error",
        )
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有投递记录。")

    def render_status(self, value, record):
        return status_badge(record.status, value)

    def value_status(self, value, record):
        return record.get_status_display()

    def render_last_error(self, value):
        return value[:80]


class CircularTable(tables.Table):
    """通报。"""

    number = tables.Column(
        verbose_name=_("文号"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("year", "sequence"),
    )
    title = tables.Column(verbose_name=_("标题"))
    issued_on = tables.DateColumn(verbose_name=_("印发日期"), format="Y-m-d")
    issuing_office = tables.Column(verbose_name=_("发文机关"))
    units = tables.Column(verbose_name=_("被通报单位数"), orderable=False, empty_values=())

    class Meta:
        model = Circular
        fields = ("number", "title", "issued_on", "issuing_office", "units")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有通报。")
        order_by = ("-issued_on",)

    def render_units(self, record):
        return record.unit_count

    def value_units(self, record):
        return record.unit_count


class ExtensionRequestTable(tables.Table):
    """延期申请。"""

    created_at = LocalDateTimeColumn(verbose_name=_("申请时间"))
    case = tables.Column(
        accessor="case__number",
        verbose_name=_("督办文号"),
        linkify=lambda record: record.case.get_absolute_url(),
    )
    unit = tables.Column(accessor="case__unit__name", verbose_name=_("申请单位"))
    current_deadline = tables.DateColumn(verbose_name=_("原期限"), format="Y-m-d")
    requested_deadline = tables.DateColumn(verbose_name=_("申请延至"), format="Y-m-d")
    reason = tables.Column(verbose_name=_("理由"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = ExtensionRequest
        fields = ("created_at", "case", "unit", "current_deadline", "requested_deadline", "reason", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有延期申请。")

    def render_reason(self, value):
        return f"{value[:40]}{'…' if len(value) > 40 else ''}"

    def render_status(self, value, record):
        return status_badge(record.status, value)

    def value_status(self, value, record):
        return record.get_status_display()
