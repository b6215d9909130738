"""Models of 在线监测: major hazard installations, monitoring points, readings, roll-ups, rejected messages, alarms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.monitoring import alarming
from anze.monitoring.choices import (
    AlarmKind,
    AlarmLevel,
    AlarmStatus,
    HazardLevelChoice,
    PointKind,
    RejectReason,
    Tier,
    UnitKind,
    VehicleClass,
    VehicleRule,
)

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})

# An enterprise keeps its own installations and points and handles its alarms; the county and city offices
# and the supervising department follow them; the auditor reads.
RECORD_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _VIEW,
    Role.ENTERPRISE.value: _EDIT,
    Role.AUDITOR.value: _VIEW,
}


def _enterprise_scope() -> Scope:
    return Scope(
        region="enterprise__region__path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )


class MajorHazard(BaseModel):
    """重大危险源 — a production or storage unit of an enterprise, identified and graded by GB 18218."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="major_hazards",
        verbose_name=_("企业"),
    )
    name = models.CharField(_("单元名称"), max_length=200)
    unit_kind = models.CharField(_("单元类型"), max_length=16, choices=UnitKind.choices)
    people_exposed = models.PositiveIntegerField(_("500米内暴露人数"))
    s_value = models.DecimalField(_("S 值"), max_digits=14, decimal_places=4, editable=False)
    r_value = models.DecimalField(_("R 值"), max_digits=14, decimal_places=3, editable=False)
    alpha = models.DecimalField(_("α"), max_digits=4, decimal_places=1, editable=False)
    is_major = models.BooleanField(_("构成重大危险源"), editable=False)
    level = models.PositiveSmallIntegerField(
        _("等级"), choices=HazardLevelChoice.choices, null=True, blank=True, editable=False
    )
    assessed_on = models.DateField(_("辨识评估日期"))
    # 40号令 art. 23: filed with the county 应急管理部门 within 15 days of the evaluation report; a new
    # evaluation (at least every 3 years, art. 11) is filed again, so re-evaluating clears the filing.
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_authority = models.CharField(_("备案机关"), max_length=100, blank=True)
    main_responsible = models.CharField(_("主要负责人"), max_length=50)
    technical_responsible = models.CharField(_("技术负责人"), max_length=50)
    operating_responsible = models.CharField(_("操作负责人"), max_length=50)

    scope = _enterprise_scope()

    class Meta:
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        ordering = ["level", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="major_hazard_enterprise_name"),
            models.CheckConstraint(
                condition=Q(is_major=True, level__isnull=False) | Q(is_major=False, level__isnull=True),
                name="major_hazard_level_iff_major",
            ),
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True) | Q(filed_on__gte=F("assessed_on")),
                name="major_hazard_filed_after_assessed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:hazard_detail", args=[self.public_id])


class HazardSubstance(models.Model):
    """危险化学品 held in a unit: design maximum quantity q and its class when not named in 表1."""

    hazard = models.ForeignKey(MajorHazard, on_delete=models.CASCADE, related_name="substances")
    name = models.CharField(_("品名"), max_length=100)
    hazard_class = models.CharField(_("危险性类别"), max_length=8, blank=True)
    quantity_t = models.DecimalField(_("设计最大量(吨)"), max_digits=14, decimal_places=3)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="hazard__enterprise__region__path",
        unit="hazard__enterprise__supervising_unit_id",
        enterprise="hazard__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("危险化学品")
        verbose_name_plural = _("危险化学品")
        ordering = ["hazard", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "name", "hazard_class"], name="hazard_substance_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity_t__gte=0), name="hazard_substance_quantity_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MonitoringPoint(BaseModel):
    """监测点 — a sensor of an enterprise with its thresholds, and the alarm state machine's memory."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="monitoring_points",
        verbose_name=_("企业"),
    )
    hazard = models.ForeignKey(
        MajorHazard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("重大危险源"),
    )
    # Copied from the enterprise so the on-line rate of a county or the city is one indexed scan.
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    code = models.CharField(_("点位编码"), max_length=64, help_text=_("网关上报时使用的编码，企业内唯一"))
    name = models.CharField(_("点位名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=PointKind.choices)
    unit = models.CharField(_("单位"), max_length=16)
    range_min = models.DecimalField(_("量程下限"), max_digits=14, decimal_places=4)
    range_max = models.DecimalField(_("量程上限"), max_digits=14, decimal_places=4)
    low_low = models.DecimalField(_("低低限"), max_digits=14, decimal_places=4, null=True, blank=True)
    low = models.DecimalField(_("低限"), max_digits=14, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(_("高限（一级）"), max_digits=14, decimal_places=4, null=True, blank=True)
    high_high = models.DecimalField(
        _("高高限（二级）"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    deadband = models.DecimalField(_("回差"), max_digits=14, decimal_places=4, default=Decimal(0))
    debounce = models.PositiveSmallIntegerField(_("消抖次数"), default=2)
    frozen_after = models.PositiveSmallIntegerField(
        _("冻结判定次数"),
        null=True,
        blank=True,
        help_text=_("连续相同读数达到此次数视为数据冻结；空表示不判定"),
    )
    expected_period_s = models.PositiveIntegerField(_("上报周期(秒)"), default=60)
    in_service_from = models.DateTimeField(_("投用时间"))
    in_service_until = models.DateTimeField(_("停用时间"), null=True, blank=True)

    # The state machine's memory (alarming.State), written by ingest and the offline job.
    level = models.SmallIntegerField(_("当前级别"), choices=AlarmLevel.choices, default=0, editable=False)
    pending = models.SmallIntegerField(default=0, editable=False)
    pending_count = models.PositiveSmallIntegerField(default=0, editable=False)
    faults = models.CharField(max_length=64, default="", blank=True, editable=False)
    last_value = models.FloatField(_("最新读数"), null=True, blank=True, editable=False)
    same_count = models.PositiveIntegerField(default=0, editable=False)
    last_at = models.DateTimeField(_("最近上报"), null=True, blank=True, editable=False)

    scope = Scope(
        region="region_path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("监测点")
        verbose_name_plural = _("监测点")
        ordering = ["enterprise", "code"]
        indexes = [models.Index(fields=["region_path", "in_service_from"], name="point_region_service")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="point_enterprise_code"),
            models.CheckConstraint(condition=Q(range_min__lt=F("range_max")), name="point_range_ordered"),
            models.CheckConstraint(condition=Q(expected_period_s__gt=0), name="point_period_positive"),
            models.CheckConstraint(condition=Q(debounce__gte=1), name="point_debounce_positive"),
            models.CheckConstraint(condition=Q(deadband__gte=0), name="point_deadband_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:point_detail", args=[self.public_id])

    def limits(self) -> alarming.Limits:
        return alarming.Limits(
            low_low=self.low_low,
            low=self.low,
            high=self.high,
            high_high=self.high_high,
            range_min=self.range_min,
            range_max=self.range_max,
            deadband=self.deadband,
            debounce=self.debounce,
            frozen_after=self.frozen_after,
            expected_period=dt.timedelta(seconds=self.expected_period_s),
        )

    def state(self) -> alarming.State:
        return alarming.State(
            level=alarming.Level(self.level),
            pending=alarming.Level(self.pending),
            pending_count=self.pending_count,
            faults=frozenset(alarming.Fault(f) for f in self.faults.split(",") if f),
            last_value=Decimal(repr(self.last_value)) if self.last_value is not None else None,
            same_count=self.same_count,
            last_at=self.last_at,
        )

    def set_state(self, state: alarming.State) -> None:
        self.level = int(state.level)
        self.pending = int(state.pending)
        self.pending_count = state.pending_count
        self.faults = ",".join(sorted(f.value for f in state.faults))
        self.last_value = float(state.last_value) if state.last_value is not None else None
        self.same_count = state.same_count
        self.last_at = state.last_at


STATE_FIELDS = ["level", "pending", "pending_count", "faults", "last_value", "same_count", "last_at"]


class Reading(models.Model):
    """实时数据 — one value of a point. On PostgreSQL the table is partitioned by month (see migrations)."""

    id = models.BigAutoField(primary_key=True)
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    at = models.DateTimeField(_("采集时间"))
    value = models.FloatField(_("读数"))
    received_at = models.DateTimeField(_("接收时间"))

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="point__region_path",
        unit="point__enterprise__supervising_unit_id",
        enterprise="point__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("实时数据")
        verbose_name_plural = _("实时数据")
        indexes = [models.Index(fields=["point", "at"], name="reading_point_at")]

    def __str__(self) -> str:
        return f"{self.point_id}@{self.at}={self.value}"


class HourlyRollup(models.Model):
    """小时统计 — a point's readings of one hour: count, min, max and sum (kept for years)."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.PROTECT, related_name="+")
    hour = models.DateTimeField(_("小时"))
    count = models.PositiveIntegerField(_("条数"))
    minimum = models.FloatField(_("最小值"))
    maximum = models.FloatField(_("最大值"))
    total = models.FloatField(_("合计"))

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="point__region_path",
        unit="point__enterprise__supervising_unit_id",
        enterprise="point__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("小时统计")
        verbose_name_plural = _("小时统计")
        constraints = [models.UniqueConstraint(fields=["point", "hour"], name="rollup_point_hour")]

    def __str__(self) -> str:
        return f"{self.point_id}@{self.hour}"

    @property
    def average(self) -> float:
        return self.total / self.count


class RejectedMessage(models.Model):
    """拒收报文 — an incoming message or reading that was not stored, with the reason (nothing is dropped)."""

    received_at = models.DateTimeField(_("接收时间"), db_index=True)
    channel = models.CharField(_("通道"), max_length=8)
    topic = models.CharField(_("主题/来源"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=20, choices=RejectReason.choices)
    detail = models.CharField(_("说明"), max_length=500)
    payload = models.TextField(_("报文"))

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(region="enterprise__region__path", enterprise="enterprise_id", roles=RECORD_ROLES)

    class Meta:
        verbose_name = _("拒收报文")
        verbose_name_plural = _("拒收报文")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.received_at}"


class Alarm(BaseModel):
    """报警 — raised by a point, pushed by tier, acknowledged, handled with a note, closed (消警)."""

    point = models.ForeignKey(MonitoringPoint, on_delete=models.PROTECT, related_name="alarms")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=AlarmKind.choices)
    level = models.SmallIntegerField(_("级别"), choices=AlarmLevel.choices, default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.RAISED
    )
    # The condition is still present (the point has not recovered); at most one active alarm per point and kind.
    is_active = models.BooleanField(_("报警持续中"), default=True)
    value = models.FloatField(_("报警值"), null=True, blank=True)
    raised_at = models.DateTimeField(_("报警时间"))
    recovered_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(_("推送层级"), choices=Tier.choices, default=Tier.ENTERPRISE)
    pushed_at = models.DateTimeField(_("最近推送"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handling_note = models.TextField(_("处置说明"), blank=True)
    closed_at = models.DateTimeField(_("消警时间"), null=True, blank=True)
    case = models.ForeignKey(
        "supervision.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办"),
    )
    hidden_danger = models.ForeignKey(
        "prevention.HiddenDanger",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("隐患"),
    )

    scope = Scope(
        region="region_path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["status", "raised_at"], name="alarm_status_raised"),
            models.Index(fields=["region_path", "status"], name="alarm_region_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "kind"], condition=Q(is_active=True), name="alarm_one_active_per_point_kind"
            ),
            models.CheckConstraint(
                condition=~Q(status=AlarmStatus.CLOSED) | Q(is_active=False, handled_at__isnull=False),
                name="alarm_closed_after_recovery_and_handling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:alarm_detail", args=[self.public_id])

    @property
    def status_choice(self) -> AlarmStatus:
        return AlarmStatus(self.status)


class IngestToken(BaseModel):
    """上传凭据 — an enterprise's token for the HTTP batch upload; only its SHA-256 is stored."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    label = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    scope = _enterprise_scope()

    class Meta:
        verbose_name = _("上传凭据")
        verbose_name_plural = _("上传凭据")
        ordering = ["enterprise", "-created_at"]

    def __str__(self) -> str:
        return self.label


# -- 两客一危 vehicles ------------------------------------------------------------------------------------------


class Vehicle(BaseModel):
    """车辆 — a 两客一危 vehicle of a transport company, its terminal (JT/T 808 phone number) and the rules' memory."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("运输企业")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    plate = models.CharField(_("车牌号"), max_length=16, unique=True)
    vehicle_class = models.CharField(_("车辆类别"), max_length=16, choices=VehicleClass.choices)
    terminal_phone = models.CharField(
        _("终端手机号"), max_length=20, unique=True, help_text=_("JT/T 808 消息头中的终端手机号，去掉前导零")
    )
    driver_name = models.CharField(_("驾驶员"), max_length=50, blank=True)
    driver_licence = models.CharField(_("从业资格证号"), max_length=30, blank=True)
    in_service_from = models.DateTimeField(_("入网时间"))
    in_service_until = models.DateTimeField(_("退网时间"), null=True, blank=True)

    # The driving rules' memory (driving.State) and the last position.
    last_at = models.DateTimeField(_("最近定位"), null=True, blank=True, editable=False)
    moving_since = models.DateTimeField(null=True, blank=True, editable=False)
    standing_since = models.DateTimeField(null=True, blank=True, editable=False)
    over_since = models.DateTimeField(null=True, blank=True, editable=False)
    active_rules = models.CharField(max_length=64, default="", blank=True, editable=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, editable=False)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True, editable=False)
    speed_kmh = models.DecimalField(_("速度"), max_digits=5, decimal_places=1, null=True, blank=True, editable=False)

    scope = _enterprise_scope()

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        ordering = ["enterprise", "plate"]

    def __str__(self) -> str:
        return self.plate


VEHICLE_STATE_FIELDS = ["last_at", "moving_since", "standing_since", "over_since", "active_rules", "latitude",
                        "longitude", "speed_kmh"]  # fmt: skip


class VehiclePosition(models.Model):
    """定位数据 — one position report of a vehicle (kept ≥ 6 months)."""

    id = models.BigAutoField(primary_key=True)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("定位时间"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    speed_kmh = models.DecimalField(_("速度"), max_digits=5, decimal_places=1)
    direction = models.PositiveSmallIntegerField(_("方向"), default=0)
    road = models.CharField(_("道路类别"), max_length=12, blank=True)
    alarm_flags = models.BigIntegerField(_("终端报警标志"), default=0)
    status_flags = models.BigIntegerField(_("终端状态"), default=0)
    received_at = models.DateTimeField(_("接收时间"))

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="vehicle__region_path",
        unit="vehicle__enterprise__supervising_unit_id",
        enterprise="vehicle__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("定位数据")
        verbose_name_plural = _("定位数据")
        indexes = [models.Index(fields=["vehicle", "at"], name="position_vehicle_at")]

    def __str__(self) -> str:
        return f"{self.vehicle_id}@{self.at}"


class VehicleAlarm(BaseModel):
    """车辆报警 — overspeed, fatigue or offline; told to the company, then to the 交通运输 department."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="alarms", verbose_name=_("车辆"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    rule = models.CharField(_("类型"), max_length=16, choices=VehicleRule.choices)
    status = models.CharField(_("状态"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.RAISED)
    is_active = models.BooleanField(_("报警持续中"), default=True)
    value = models.DecimalField(_("报警值"), max_digits=7, decimal_places=1, null=True, blank=True)
    limit = models.DecimalField(_("限值"), max_digits=7, decimal_places=1, null=True, blank=True)
    raised_at = models.DateTimeField(_("报警时间"))
    recovered_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(_("推送层级"), choices=Tier.choices, default=Tier.ENTERPRISE)
    pushed_at = models.DateTimeField(_("最近推送"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="region_path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("车辆报警")
        verbose_name_plural = _("车辆报警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "rule"], condition=Q(is_active=True), name="vehicle_alarm_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.get_rule_display()}"

    @property
    def status_choice(self) -> AlarmStatus:
        return AlarmStatus(self.status)
