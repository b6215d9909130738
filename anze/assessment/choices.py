"""Choices of the assessment app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anze.assessment import judging


class BodyKind(models.TextChoices):
    """被考核对象类型."""

    COUNTY = "county", _("县区")
    DEPARTMENT = "department", _("市直部门单位")
    STATE_ENTERPRISE = "state_enterprise", _("市属国有企业")
    COMMITTEE = "committee", _("专业委员会")


class ScoringMethod(models.TextChoices):
    """计分方法."""

    RATE = judging.RATE, _("按比率线性计分")
    BANDS = judging.BANDS, _("分档计分")
    DEDUCTION = judging.DEDUCTION, _("按次扣分")
    BONUS = judging.BONUS, _("按次加分")
    MANUAL = judging.MANUAL, _("填报评分（附佐证、经审核）")


class VetoCondition(models.TextChoices):
    """否决情形."""

    ACCIDENTS = judging.ACCIDENTS, _("统计期内发生某等级及以上事故达到起数")
    MISREPORT = judging.MISREPORT, _("统计期内某等级及以上事故瞒报、谎报")
    FAILED_ASSESSMENT = judging.FAILED_ASSESSMENT, _("年度考核不合格")
    FAILED_ITEMS = judging.FAILED_ITEMS, _("不及格考核项目达到个数")


class VetoOutcome(models.TextChoices):
    """否决 or 黄牌警告; NONE when no rule was met."""

    VETO = judging.VETO, _("一票否决")
    YELLOW = judging.YELLOW, _("黄牌警告")
    NONE = judging.NONE, _("无")

    @property
    def badge(self) -> str:
        return {"veto": "danger", "yellow": "warning", "none": "success"}[self.value]


class AccidentGradeFloor(models.TextChoices):
    """事故等级（及以上）, in 493号令's words; the values match enforcement's AccidentGrade."""

    GENERAL = "general", _("一般事故及以上")
    LARGER = "larger", _("较大事故及以上")
    MAJOR = "major", _("重大事故及以上")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


class ResultGrade(models.TextChoices):
    """考核等次."""

    EXCELLENT = judging.EXCELLENT, _("优秀")
    PASSED = judging.PASSED, _("合格")
    FAILED = judging.FAILED, _("不合格")

    @property
    def badge(self) -> str:
        return {"excellent": "success", "passed": "primary", "failed": "danger"}[self.value]


class RunStatus(models.TextChoices):
    """draft (computed, may be recomputed) → published (frozen) → superseded (by a correction)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正")

    @property
    def badge(self) -> str:
        return {"draft": "secondary", "published": "success", "superseded": "dark"}[self.value]

    def can_recompute(self) -> bool:
        return self == RunStatus.DRAFT

    def can_publish(self) -> bool:
        return self == RunStatus.DRAFT

    def can_correct(self) -> bool:
        return self == RunStatus.PUBLISHED

    def can_appeal(self) -> bool:
        return self == RunStatus.PUBLISHED


class EntryStatus(models.TextChoices):
    """自评/填报: submitted → accepted, or returned and submitted again."""

    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")

    @property
    def badge(self) -> str:
        return {"submitted": "info", "accepted": "success", "returned": "warning"}[self.value]

    def can_submit(self) -> bool:
        return self in (EntryStatus.SUBMITTED, EntryStatus.RETURNED)

    def can_review(self) -> bool:
        return self == EntryStatus.SUBMITTED


class AppealStatus(models.TextChoices):
    """申诉: filed → upheld or rejected."""

    FILED = "filed", _("待裁定")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")

    @property
    def badge(self) -> str:
        return {"filed": "info", "upheld": "success", "rejected": "secondary"}[self.value]

    def can_decide(self) -> bool:
        return self == AppealStatus.FILED
