"""Tables of the monitoring pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anze.monitoring.choices import AlarmStatus, HazardLevelChoice
from anze.monitoring.models import Alarm, MajorHazard, MonitoringPoint, Vehicle, VehicleAlarm


def point_state(point: MonitoringPoint) -> tuple[str, str]:
    """(badge colour, label) of a point's present state: alarm level first, then faults, then normal."""
    from anze.monitoring.choices import AlarmLevel

    if point.level:
        return ("danger" if abs(point.level) == 2 else "warning"), str(AlarmLevel(point.level).label)
    if "offline" in point.faults:
        return "secondary", str(_("离线"))
    if point.faults:
        return "info", str(_("故障"))
    return "success", str(_("正常"))


class HazardTable(tables.Table):
    """重大危险源。"""

    level = tables.Column(verbose_name=_("等级"))
    name = tables.Column(verbose_name=_("单元名称"), linkify=lambda record: record.get_absolute_url())
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",))
    unit_kind = tables.Column(verbose_name=_("单元类型"))
    s_value = tables.Column(verbose_name=_("S 值"))
    r_value = tables.Column(verbose_name=_("R 值"))
    main_responsible = tables.Column(verbose_name=_("主要负责人"))
    assessed_on = tables.DateColumn(verbose_name=_("辨识评估日期"), format="Y-m-d")
    filed_on = tables.DateColumn(verbose_name=_("备案日期"), format="Y-m-d", default="—")

    class Meta:
        model = MajorHazard
        fields = ("level", "name", "enterprise", "unit_kind", "s_value", "r_value", "main_responsible",
                  "assessed_on", "filed_on")  # fmt: skip
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的重大危险源。")
        order_by = ("level",)

    def render_level(self, value, record):
        if record.level is None:
            return format_html('<span class="badge text-bg-light">{}</span>', _("未构成"))
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', HazardLevelChoice(record.level).badge, value
        )


class PointTable(tables.Table):
    """监测点, coloured by state."""

    state = tables.Column(empty_values=(), verbose_name=_("状态"), orderable=False)
    code = tables.Column(verbose_name=_("点位编码"), linkify=lambda record: record.get_absolute_url())
    name = tables.Column(verbose_name=_("点位名称"), linkify=lambda record: record.get_absolute_url())
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",))
    kind = tables.Column(verbose_name=_("类型"))
    last_value = tables.Column(verbose_name=_("最新读数"))
    last_at = tables.DateTimeColumn(verbose_name=_("最近上报"), format="m-d H:i:s")

    class Meta:
        model = MonitoringPoint
        fields = ("state", "code", "name", "enterprise", "kind", "last_value", "last_at")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的监测点。")
        order_by = ("enterprise", "code")

    def render_state(self, record):
        colour, label = point_state(record)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)

    def render_last_value(self, value, record):
        return f"{value:g} {record.unit}"


class AlarmTable(tables.Table):
    """报警队列。"""

    raised_at = tables.DateTimeColumn(
        verbose_name=_("报警时间"), format="m-d H:i", linkify=lambda record: record.get_absolute_url()
    )
    status = tables.Column(verbose_name=_("状态"))
    kind = tables.Column(verbose_name=_("类型"), linkify=lambda record: record.get_absolute_url())
    level = tables.Column(verbose_name=_("级别"))
    point = tables.Column(accessor="point__name", verbose_name=_("监测点"), order_by=("point__code",))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("企业"), order_by=("enterprise__name",))
    value = tables.Column(verbose_name=_("报警值"))
    tier = tables.Column(verbose_name=_("推送层级"))
    is_active = tables.BooleanColumn(verbose_name=_("持续中"))

    class Meta:
        model = Alarm
        fields = ("raised_at", "status", "kind", "level", "point", "enterprise", "value", "tier", "is_active")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的报警。")
        order_by = ("-raised_at",)

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', AlarmStatus(record.status).badge, value)

    def render_level(self, value, record):
        if not record.level:
            return "—"
        colour = "danger" if abs(record.level) == 2 else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, value)

    def render_value(self, value, record):
        return f"{value:g}"


class VehicleTable(tables.Table):
    """车辆动态, coloured by the rules that hold."""

    state = tables.Column(accessor="active_rules", verbose_name=_("状态"), orderable=False, empty_values=())
    plate = tables.Column(verbose_name=_("车牌号"))
    vehicle_class = tables.Column(verbose_name=_("车辆类别"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("运输企业"), order_by=("enterprise__name",))
    driver_name = tables.Column(verbose_name=_("驾驶员"))
    speed_kmh = tables.Column(verbose_name=_("速度(km/h)"))
    last_at = tables.DateTimeColumn(verbose_name=_("最近定位"), format="m-d H:i:s")

    class Meta:
        model = Vehicle
        fields = ("state", "plate", "vehicle_class", "enterprise", "driver_name", "speed_kmh", "last_at")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的车辆。")

    def render_state(self, value, record):
        from anze.monitoring.choices import VehicleRule

        if not value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("正常"))
        return format_html_join(
            " ", '<span class="badge text-bg-{}">{}</span>',
            (("secondary" if rule == "offline" else "danger", VehicleRule(rule).label) for rule in value.split(",")),
        )  # fmt: skip


class VehicleAlarmTable(tables.Table):
    """车辆报警。"""

    raised_at = tables.DateTimeColumn(verbose_name=_("报警时间"), format="m-d H:i:s")
    rule = tables.Column(verbose_name=_("类型"))
    vehicle = tables.Column(accessor="vehicle__plate", verbose_name=_("车牌号"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("运输企业"))
    value = tables.Column(verbose_name=_("报警值/限值"), empty_values=())
    status = tables.Column(verbose_name=_("状态"))
    tier = tables.Column(verbose_name=_("推送层级"))
    is_active = tables.BooleanColumn(verbose_name=_("持续中"))
    act = tables.TemplateColumn(template_name="monitoring/_vehicle_alarm_act.html", verbose_name="", orderable=False)

    class Meta:
        model = VehicleAlarm
        fields = ("raised_at", "rule", "vehicle", "enterprise", "value", "status", "tier", "is_active", "act")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的车辆报警。")

    def render_value(self, record):
        return f"{record.value} / {record.limit}" if record.value is not None else "—"

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', AlarmStatus(record.status).badge, value)
