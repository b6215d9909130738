"""Choices of the enterprises app, each with a label and a badge colour."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    """经营状态 of an enterprise; only operating enterprises are evaluated."""

    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("已关闭")


class HighRiskCategory(models.TextChoices):
    """The plan's high-risk categories (高危行业领域, 临沂 办字〔2020〕23号 task 8)."""

    MINING = "mining", _("矿山")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    TRANSPORT = "transport", _("交通运输")
    CONSTRUCTION = "construction", _("建筑施工")
    CIVIL_EXPLOSIVES = "civil_explosives", _("民用爆炸物品")
    METALLURGY = "metallurgy", _("金属冶炼")
    DUST_EXPLOSION = "dust_explosion", _("粉尘涉爆")
    AMMONIA_REFRIGERATION = "ammonia_refrigeration", _("涉氨制冷")
    FISHERY = "fishery", _("渔业生产")


class ComplianceStatus(models.TextChoices):
    """An enterprise's overall result: every applicable rule met, some unmet, or not evaluated."""

    COMPLIANT = "compliant", _("合规")
    NON_COMPLIANT = "non_compliant", _("不合规")
    NOT_EVALUATED = "not_evaluated", _("未评估")


class SafetyRole(models.TextChoices):
    """安全管理人员 kinds kept as records."""

    SAFETY_DIRECTOR = "safety_director", _("安全总监")
    FULL_TIME_MANAGER = "full_time_manager", _("专职安全管理人员")
    REGISTERED_ENGINEER = "registered_engineer", _("注册安全工程师")


class PlanKind(models.TextChoices):
    """应急预案 kinds (《生产安全事故应急预案管理办法》 art. 6); drills use the same kinds."""

    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ON_SITE = "on_site", _("现场处置方案")


class RescueKind(models.TextChoices):
    """How an enterprise secures rescue: its own team, or an agreement with a professional team."""

    OWN_TEAM = "own_team", _("自建救援队伍")
    AGREEMENT = "agreement", _("救援协议")


class Severity(models.TextChoices):
    """How serious an unmet rule is."""

    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


class RuleSetStatus(models.TextChoices):
    """A rule set is edited as a draft, then published (active) and later retired by a newer version."""

    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("生效")
    RETIRED = "retired", _("已废止")


class Requirement(models.TextChoices):
    """What a rule asks of an enterprise's records; each is one set-based check in rules.py."""

    SAFETY_PERSON = "safety_person", _("配备安全管理人员")
    SAFETY_COMMITTEE = "safety_committee", _("设立安全生产委员会并定期开会")
    INSURANCE = "insurance", _("投保安全生产责任保险")
    PLAN_FILING = "plan_filing", _("应急预案按时备案")
    DRILL = "drill", _("定期开展应急演练")
    ON_SITE_DRILL = "on_site_drill", _("各厂区现场处置演练")
    RESCUE = "rescue", _("应急救援队伍或救援协议")
    # Judged by the training app (registered with engine.register_requirement).
    TRAINING_CERTIFICATE = "training_certificate", _("主要负责人和安全管理人员考核合格")
    # Judged by the monitoring app, from the major hazards it keeps.
    MAJOR_HAZARD_FILING = "major_hazard_filing", _("重大危险源评估后按时备案")
    MAJOR_HAZARD_EVALUATION = "major_hazard_evaluation", _("重大危险源定期安全评估")


class Reason(models.TextChoices):
    """Why a rule is met or not: which record is missing, expired or short."""

    OK = "ok", _("符合")
    MISSING = "missing", _("无记录")
    EXPIRED = "expired", _("已过期")
    NO_MEETING = "no_meeting", _("期内未召开会议")
    TOO_FEW_PERSONS = "too_few_persons", _("参保人数不足")
    COVER_TOO_LOW = "cover_too_low", _("每人保额不足")
    FILED_LATE = "filed_late", _("逾期备案")
    NOT_FILED = "not_filed", _("逾期未备案")
    STALE = "stale", _("期内无演练")
    AREA_WITHOUT_DRILL = "area_without_drill", _("厂区期内无现场处置演练")
    NOT_PASSED = "not_passed", _("考核未通过")
    HAZARD_FILED_LATE = "hazard_filed_late", _("评估后逾期备案")
    HAZARD_NOT_FILED = "hazard_not_filed", _("评估后逾期未备案")
    EVALUATION_DUE = "evaluation_due", _("超期未重新评估")


_BADGES: dict[str, str] = {
    EnterpriseStatus.OPERATING: "success",
    EnterpriseStatus.SUSPENDED: "warning",
    EnterpriseStatus.CLOSED: "secondary",
    ComplianceStatus.COMPLIANT: "success",
    ComplianceStatus.NON_COMPLIANT: "danger",
    ComplianceStatus.NOT_EVALUATED: "secondary",
    Severity.LOW: "info",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "danger",
    RuleSetStatus.DRAFT: "secondary",
    RuleSetStatus.ACTIVE: "success",
    RuleSetStatus.RETIRED: "dark",
}


def badge(value: str) -> str:
    """The badge colour of a choice value; plain grey for values without one."""
    return _BADGES.get(value, "secondary")
