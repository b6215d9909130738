"""Choices of the monitoring app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """GB 18218 单元: a production unit or a storage unit."""

    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


class HazardLevelChoice(models.IntegerChoices):
    """重大危险源等级 (一级 the highest)."""

    FIRST = 1, _("一级")
    SECOND = 2, _("二级")
    THIRD = 3, _("三级")
    FOURTH = 4, _("四级")

    @property
    def badge(self) -> str:
        return {1: "danger", 2: "warning", 3: "info", 4: "primary"}[self.value]


class PointKind(models.TextChoices):
    """监测点类型 with its usual unit."""

    LEVEL = "level", _("液位")
    TEMPERATURE = "temperature", _("温度")
    PRESSURE = "pressure", _("压力")
    FLOW = "flow", _("流量")
    COMBUSTIBLE_GAS = "combustible_gas", _("可燃气体")
    TOXIC_GAS = "toxic_gas", _("有毒气体")
    OXYGEN = "oxygen", _("氧气")

    @property
    def default_unit(self) -> str:
        return {
            "level": "m",
            "temperature": "℃",
            "pressure": "MPa",
            "flow": "m³/h",
            "combustible_gas": "%LEL",
            "toxic_gas": "ppm",
            "oxygen": "%VOL",
        }[self.value]

    @property
    def is_detector(self) -> bool:
        return self in (PointKind.COMBUSTIBLE_GAS, PointKind.TOXIC_GAS, PointKind.OXYGEN)


def detector_defaults(kind: str, *, oel_ppm: Decimal | None = None) -> dict[str, Decimal]:
    """GB/T 50493-2019 §5.5.2 set-points offered for a detector (the enterprise may set them lower).

    Combustible gas: 一级 25 %LEL, 二级 50 %LEL. Toxic gas: 一级 100 % OEL, 二级 200 % OEL (needs the OEL).
    Oxygen: high 23.5 %VOL, low 19.5 %VOL.
    """
    if kind == PointKind.COMBUSTIBLE_GAS:
        return {"high": Decimal(25), "high_high": Decimal(50)}
    if kind == PointKind.TOXIC_GAS and oel_ppm is not None:
        return {"high": oel_ppm, "high_high": oel_ppm * 2}
    if kind == PointKind.OXYGEN:
        return {"low": Decimal("19.5"), "high": Decimal("23.5")}
    return {}


class AlarmKind(models.TextChoices):
    """报警类型: a limit level, or a fault of the measurement."""

    LIMIT = "limit", _("超限报警")
    OUT_OF_RANGE = "out_of_range", _("超量程")
    FROZEN = "frozen", _("数据冻结")
    OFFLINE = "offline", _("离线")


class AlarmLevel(models.IntegerChoices):
    """The limit level an alarm reached (一级 = 高/低, 二级 = 高高/低低); 0 for faults."""

    LOW_LOW = -2, _("低低报")
    LOW = -1, _("低报")
    NONE = 0, _("—")
    HIGH = 1, _("高报（一级）")
    HIGH_HIGH = 2, _("高高报（二级）")


class Tier(models.IntegerChoices):
    """Who an alarm has been pushed to, rising while it is not acknowledged."""

    ENTERPRISE = 1, _("企业")
    COUNTY = 2, _("县区")
    CITY = 3, _("市")


class AlarmStatus(models.TextChoices):
    """raised → acknowledged → handled → closed (消警)."""

    RAISED = "raised", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已消警")

    @property
    def badge(self) -> str:
        return {"raised": "danger", "acknowledged": "warning", "handled": "info", "closed": "secondary"}[
            self.value
        ]

    def can_acknowledge(self) -> bool:
        return self == AlarmStatus.RAISED

    def can_handle(self) -> bool:
        return self in (AlarmStatus.RAISED, AlarmStatus.ACKNOWLEDGED)

    def can_close(self) -> bool:
        return self == AlarmStatus.HANDLED

    def can_escalate(self) -> bool:
        return self in (AlarmStatus.RAISED, AlarmStatus.ACKNOWLEDGED)

    def can_push(self) -> bool:
        return self == AlarmStatus.RAISED


OPEN_ALARM_STATUSES = (AlarmStatus.RAISED, AlarmStatus.ACKNOWLEDGED, AlarmStatus.HANDLED)


class RejectReason(models.TextChoices):
    """Why an incoming message or reading was not stored."""

    MALFORMED = "malformed", _("格式错误")
    UNKNOWN_GATEWAY = "unknown_gateway", _("未知网关")
    UNKNOWN_POINT = "unknown_point", _("未知监测点")
    UNKNOWN_VEHICLE = "unknown_vehicle", _("未登记车辆")
    BAD_VALUE = "bad_value", _("数值无效")
    BAD_TIME = "bad_time", _("时间无效")


class VehicleClass(models.TextChoices):
    """两客一危: 班线客运, 旅游包车, 危险货物运输 (the driving rules' classes)."""

    PASSENGER = "passenger", _("班线客运")
    CHARTER = "charter", _("旅游包车")
    DANGEROUS = "dangerous", _("危险货物运输")


class VehicleRule(models.TextChoices):
    """车辆报警类型."""

    OVERSPEED = "overspeed", _("超速")
    FATIGUE = "fatigue", _("疲劳驾驶")
    OFFLINE = "offline", _("车辆离线")
