"""Choices of the supervision app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """open → resolved | circulated → resolved; open or circulated → cancelled (督办状态)."""

    OPEN = "open", _("督办中")
    CIRCULATED = "circulated", _("已通报")
    RESOLVED = "resolved", _("已办结")
    CANCELLED = "cancelled", _("已撤销")

    @property
    def is_open(self) -> bool:
        return self in (CaseStatus.OPEN, CaseStatus.CIRCULATED)

    def can_request_extension(self) -> bool:
        return self == CaseStatus.OPEN

    def can_resolve(self) -> bool:
        return self.is_open

    def can_cancel(self) -> bool:
        return self.is_open

    def can_circulate(self) -> bool:
        return self == CaseStatus.OPEN


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.CIRCULATED)


class HoldStatus(models.TextChoices):
    """held → released | withdrawn (暂缓督办的批次)."""

    HELD = "held", _("待办公室确认")
    RELEASED = "released", _("已确认放行")
    WITHDRAWN = "withdrawn", _("已整批撤回")

    def can_release(self) -> bool:
        return self == HoldStatus.HELD

    def can_withdraw(self) -> bool:
        return self in (HoldStatus.HELD, HoldStatus.RELEASED)


class CaseSource(models.TextChoices):
    """Where a case came from (督办来源)."""

    OCCURRENCE = "occurrence", _("逾期职责")
    HIDDEN_DANGER = "hidden_danger", _("重大隐患")
    ALARM = "alarm", _("报警")
    PUBLIC_REPORT = "public_report", _("群众举报")
    MANUAL = "manual", _("交办")


class ExtensionStatus(models.TextChoices):
    """pending → approved | refused (延期申请状态)."""

    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")

    def can_decide(self) -> bool:
        return self == ExtensionStatus.PENDING


class EventKind(models.TextChoices):
    """The ladder's rungs and the other events people are told about (提醒类型)."""

    REMIND = "remind", _("到期提醒")
    URGE = "urge", _("催办")
    CASE_OPENED = "case_opened", _("督办通知")
    CIRCULAR = "circular", _("通报")
    DIGEST = "digest", _("每周汇总")
    EXTENSION = "extension", _("延期申请")
    EXTENSION_DECIDED = "extension_decided", _("延期审批结果")
    REPORT_RETURNED = "report_returned", _("报告退回")
    SIGN_OFF = "sign_off", _("待签批")
    MONITORING_ALARM = "monitoring_alarm", _("监测报警")
    ALERT = "alert", _("预警提醒")


class Channel(models.TextChoices):
    """A way to reach people (渠道)."""

    INAPP = "inapp", _("站内信")
    EMAIL = "email", _("电子邮件")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")


class DeliveryStatus(models.TextChoices):
    """pending → sending → sent | retrying → … → failed (投递状态)."""

    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    RETRYING = "retrying", _("待重试")
    FAILED = "failed", _("发送失败")

    @property
    def is_waiting(self) -> bool:
        return self in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


WAITING_DELIVERY_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class SendOutcome(models.TextChoices):
    """sending → sent | failed | throttled: one message to one channel (发送结果)."""

    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    THROTTLED = "throttled", _("被限流")


class Light(models.TextChoices):
    """Traffic light of a clause, unit, county or leader (红黄绿灯)."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


_BADGES: dict[str, str] = {
    CaseStatus.OPEN: "warning",
    CaseStatus.CIRCULATED: "danger",
    CaseStatus.RESOLVED: "success",
    CaseStatus.CANCELLED: "secondary",
    ExtensionStatus.PENDING: "warning",
    ExtensionStatus.APPROVED: "success",
    ExtensionStatus.REFUSED: "danger",
    EventKind.REMIND: "info",
    EventKind.URGE: "warning",
    EventKind.CASE_OPENED: "danger",
    EventKind.CIRCULAR: "dark",
    EventKind.DIGEST: "primary",
    EventKind.EXTENSION: "info",
    EventKind.EXTENSION_DECIDED: "info",
    EventKind.REPORT_RETURNED: "danger",
    EventKind.SIGN_OFF: "primary",
    EventKind.MONITORING_ALARM: "danger",
    EventKind.ALERT: "warning",
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SENDING: "info",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.RETRYING: "warning",
    DeliveryStatus.FAILED: "danger",
    Light.GREEN: "success",
    Light.YELLOW: "warning",
    Light.RED: "danger",
}


def badge(value: str) -> str:
    """The badge colour of a choice value."""
    return _BADGES.get(value, "secondary")
