"""Choices of the emergency app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    """救援队伍类别 (临沂 办字〔2020〕23号 task 15)."""

    PARK_PROFESSIONAL = "park_professional", _("化工园区专业救援队")
    FIRE_STATION = "fire_station", _("消防救援站")
    ENTERPRISE = "enterprise", _("企业救援队")
    SOCIAL = "social", _("社会救援队")


class StationLevel(models.TextChoices):
    """消防站等级 (建标152-2017《城市消防站建设标准》): the key of its checklist in data/station_standards.json."""

    SPECIAL = "special", _("特勤站")
    FIRST = "first", _("一级普通站")
    SECOND = "second", _("二级普通站")
    SMALL = "small", _("小型站")


class Readiness(models.TextChoices):
    """战备状态 of a team."""

    READY = "ready", _("随时可出动")
    LIMITED = "limited", _("部分可出动")
    UNAVAILABLE = "unavailable", _("不可出动")

    @property
    def badge(self) -> str:
        return {"ready": "success", "limited": "warning", "unavailable": "danger"}[self.value]


class TeamStatus(models.TextChoices):
    """A team in service, or disbanded (its agreements end with it)."""

    ACTIVE = "active", _("在编")
    DISBANDED = "disbanded", _("已撤销")

    def can_disband(self) -> bool:
        return self == TeamStatus.ACTIVE

    @property
    def badge(self) -> str:
        return "success" if self == TeamStatus.ACTIVE else "secondary"


class EquipmentCondition(models.TextChoices):
    """装备状况."""

    GOOD = "good", _("完好")
    REPAIR = "repair", _("待维修")
    SCRAPPED = "scrapped", _("已报废")


class DepotKind(models.TextChoices):
    """储备库类别: government reserves and enterprise stock held under agreement (协议储备)."""

    GRAIN_RESERVE = "grain_reserve", _("粮食和储备局储备库")
    EMERGENCY_BUREAU = "emergency_bureau", _("应急管理局储备库")
    ENTERPRISE_AGREEMENT = "enterprise_agreement", _("企业协议储备")


class MoveKind(models.TextChoices):
    """A line of the stock ledger (库存台账): what happened to a batch and how on-hand and allocated change."""

    RECEIVE = "receive", _("入库")
    ALLOCATE = "allocate", _("调拨锁定")
    RELEASE = "release", _("取消调拨")
    DISPATCH = "dispatch", _("出库配送")
    CONSUME = "consume", _("现场消耗")
    RETURN = "return", _("回收入库")
    WRITE_OFF = "write_off", _("报损")


class IncidentStatus(models.TextChoices):
    """An incident being handled, or closed."""

    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已结束")

    def can_request(self) -> bool:
        return self == IncidentStatus.OPEN

    def can_close(self) -> bool:
        return self == IncidentStatus.OPEN

    @property
    def badge(self) -> str:
        return "danger" if self == IncidentStatus.OPEN else "secondary"


class AllocationStatus(models.TextChoices):
    """allocated (stock locked) → dispatched → received → settled (consumed and/or returned); or cancelled."""

    ALLOCATED = "allocated", _("已调拨")
    DISPATCHED = "dispatched", _("配送中")
    RECEIVED = "received", _("已签收")
    SETTLED = "settled", _("已核销")
    CANCELLED = "cancelled", _("已取消")

    def can_dispatch(self) -> bool:
        return self == AllocationStatus.ALLOCATED

    def can_cancel(self) -> bool:
        return self == AllocationStatus.ALLOCATED

    def can_settle(self) -> bool:
        return self == AllocationStatus.RECEIVED

    @property
    def badge(self) -> str:
        return {
            "allocated": "info",
            "dispatched": "primary",
            "received": "success",
            "settled": "secondary",
            "cancelled": "dark",
        }[self.value]


class DispatchStatus(models.TextChoices):
    """en route → arrived → received (签收)."""

    EN_ROUTE = "en_route", _("在途")
    ARRIVED = "arrived", _("已到达")
    RECEIVED = "received", _("已签收")

    def can_arrive(self) -> bool:
        return self == DispatchStatus.EN_ROUTE

    def can_receive(self) -> bool:
        return self in (DispatchStatus.EN_ROUTE, DispatchStatus.ARRIVED)

    @property
    def badge(self) -> str:
        return {"en_route": "primary", "arrived": "info", "received": "success"}[self.value]


class DeploymentStatus(models.TextChoices):
    """A team sent to an incident: sent → on scene → back."""

    SENT = "sent", _("已派出")
    ON_SCENE = "on_scene", _("已到场")
    RETURNED = "returned", _("已归队")

    def can_arrive(self) -> bool:
        return self == DeploymentStatus.SENT

    def can_return(self) -> bool:
        return self in (DeploymentStatus.SENT, DeploymentStatus.ON_SCENE)

    @property
    def badge(self) -> str:
        return {"sent": "primary", "on_scene": "warning", "returned": "secondary"}[self.value]


class PlanLevel(models.TextChoices):
    """政府应急预案 kinds (《突发事件应急预案管理办法》)."""

    OVERALL = "overall", _("总体应急预案")
    SPECIAL = "special", _("专项应急预案")
    DEPARTMENT = "department", _("部门应急预案")
    GRASSROOTS = "grassroots", _("乡镇（街道）应急预案")


class DrillKind(models.TextChoices):
    """政府组织的演练: a government plan's drill (708号令 art. 8), or a county's social drill (task 7)."""

    GOVERNMENT = "government", _("政府预案演练")
    SOCIAL = "social", _("社会化应急演练")


class DrillForm(models.TextChoices):
    """演练形式."""

    TABLETOP = "tabletop", _("桌面推演")
    LIVE = "live", _("实战演练")
    COMBINED = "combined", _("综合演练")


class DrillStatus(models.TextChoices):
    """planned → held (with its evaluation report) or cancelled."""

    PLANNED = "planned", _("计划中")
    HELD = "held", _("已举行")
    CANCELLED = "cancelled", _("已取消")

    def can_record(self) -> bool:
        return self == DrillStatus.PLANNED

    def can_cancel(self) -> bool:
        return self == DrillStatus.PLANNED

    @property
    def badge(self) -> str:
        return {"planned": "info", "held": "success", "cancelled": "secondary"}[self.value]


class DutyPurpose(models.TextChoices):
    """What an emergency duty configuration raises work items for (应急职责配置)."""

    STATION_GAP = "station_gap", _("消防站达标整改")
    GOVERNMENT_DRILL = "government_drill", _("政府预案演练（至少每两年一次）")
    SOCIAL_DRILL = "social_drill", _("县区社会化应急演练")


class AlertKind(models.TextChoices):
    """预警类别 sent to the unit that must act."""

    STOCK_BELOW_MINIMUM = "stock_below_minimum", _("库存低于最低储备")
    BATCH_EXPIRING = "batch_expiring", _("物资批次临期")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("队员证书临期")
    AGREEMENT_EXPIRING = "agreement_expiring", _("救援协议临期")
