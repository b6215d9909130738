"""Choices of the prevention app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.IntegerChoices):
    """风险等级 (安委办〔2016〕11号): 1 重大 red … 4 低 blue. These four colours are reserved for risk."""

    MAJOR = 1, _("重大风险")
    LARGER = 2, _("较大风险")
    GENERAL = 3, _("一般风险")
    LOW = 4, _("低风险")

    @property
    def colour(self) -> str:
        return RISK_COLOURS[self]

    @property
    def css_class(self) -> str:
        return f"anze-risk-{RISK_COLOUR_NAMES[self]}"


RISK_COLOUR_NAMES = {
    RiskLevel.MAJOR: "red",
    RiskLevel.LARGER: "orange",
    RiskLevel.GENERAL: "yellow",
    RiskLevel.LOW: "blue",
}
RISK_COLOURS = {
    RiskLevel.MAJOR: "#d9262c",
    RiskLevel.LARGER: "#f08c00",
    RiskLevel.GENERAL: "#f5d000",
    RiskLevel.LOW: "#1f6fd1",
}


class AssessmentMethod(models.TextChoices):
    """评价方法."""

    LEC = "lec", _("LEC 作业条件危险性分析法")
    LS = "ls", _("LS 风险矩阵法")


class ControlLevel(models.TextChoices):
    """管控层级."""

    COMPANY = "company", _("公司级")
    DEPARTMENT = "department", _("部门级")
    WORKSHOP = "workshop", _("车间级")
    POST = "post", _("岗位（班组）级")


class HiddenDangerSource(models.TextChoices):
    """隐患来源."""

    SELF_CHECK = "self_check", _("企业自查")
    GOVERNMENT_INSPECTION = "government_inspection", _("政府检查")
    INSURER_SERVICE = "insurer_service", _("保险机构事故预防服务")
    PUBLIC_REPORT = "public_report", _("群众举报")
    MONITORING_ALARM = "monitoring_alarm", _("监测预警")


class HiddenDangerGrade(models.TextChoices):
    """隐患等级 (16号令 art. 3)."""

    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")

    @property
    def badge(self) -> str:
        return "dark" if self == HiddenDangerGrade.MAJOR else "secondary"


class HiddenDangerStatus(models.TextChoices):
    """found → registered → rectifying → awaiting acceptance → accepted → closed (销号)."""

    FOUND = "found", _("已发现")
    REGISTERED = "registered", _("已登记")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
    ACCEPTED = "accepted", _("已验收")
    CLOSED = "closed", _("已销号")

    @property
    def badge(self) -> str:
        return {
            "found": "light",
            "registered": "info",
            "rectifying": "primary",
            "awaiting_acceptance": "secondary",
            "accepted": "success",
            "closed": "dark",
        }[self.value]

    def can_register(self) -> bool:
        return self == HiddenDangerStatus.FOUND

    def can_start_rectification(self) -> bool:
        return self == HiddenDangerStatus.REGISTERED

    def can_submit_rectification(self) -> bool:
        return self == HiddenDangerStatus.RECTIFYING

    def can_accept(self) -> bool:
        return self == HiddenDangerStatus.AWAITING_ACCEPTANCE

    def can_reject(self) -> bool:
        return self == HiddenDangerStatus.AWAITING_ACCEPTANCE

    def can_close(self) -> bool:
        return self == HiddenDangerStatus.ACCEPTED

    @property
    def is_open(self) -> bool:
        return self not in (HiddenDangerStatus.ACCEPTED, HiddenDangerStatus.CLOSED)


OPEN_STATUSES = tuple(s.value for s in HiddenDangerStatus if s.is_open)


class PhotoStage(models.TextChoices):
    """When a photo was taken."""

    FOUND = "found", _("发现")
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
