"""Choices of the enforcement app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anze.enforcement.grading import Grade, Level


class AccidentGrade(models.TextChoices):
    """事故等级 (493号令 art. 3)."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")

    @classmethod
    def of(cls, grade: Grade) -> AccidentGrade:
        return _GRADES[grade]

    @property
    def grade(self) -> Grade:
        return {v: k for k, v in _GRADES.items()}[self]

    @property
    def badge(self) -> str:
        return {"general": "secondary", "larger": "warning", "major": "danger", "especially_major": "dark"}[
            self.value
        ]


_GRADES = {
    Grade.GENERAL: AccidentGrade.GENERAL,
    Grade.LARGER: AccidentGrade.LARGER,
    Grade.MAJOR: AccidentGrade.MAJOR,
    Grade.ESPECIALLY_MAJOR: AccidentGrade.ESPECIALLY_MAJOR,
}


class AccidentType(models.TextChoices):
    """事故类型; road traffic and fire have the 7-day follow-up window (493号令 art. 13)."""

    ROAD_TRAFFIC = "road_traffic", _("道路交通")
    FIRE = "fire", _("火灾")
    MINE = "mine", _("矿山")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    CONSTRUCTION = "construction", _("建筑施工")
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    OTHER = "other", _("其他")

    @property
    def has_short_follow_up(self) -> bool:
        return self in (AccidentType.ROAD_TRAFFIC, AccidentType.FIRE)


class AccidentStatus(models.TextChoices):
    """reported → investigating → report submitted → replied → closed (结案)."""

    REPORTED = "reported", _("已报告")
    INVESTIGATING = "investigating", _("调查中")
    REPORT_SUBMITTED = "report_submitted", _("调查报告已提交")
    REPLIED = "replied", _("已批复")
    CLOSED = "closed", _("已结案")

    @property
    def badge(self) -> str:
        return {
            "reported": "info",
            "investigating": "primary",
            "report_submitted": "secondary",
            "replied": "success",
            "closed": "dark",
        }[self.value]

    def can_follow_up(self) -> bool:
        return self != AccidentStatus.CLOSED

    def can_open_investigation(self) -> bool:
        return self == AccidentStatus.REPORTED

    def can_extend_investigation(self) -> bool:
        return self == AccidentStatus.INVESTIGATING

    def can_submit_investigation(self) -> bool:
        return self == AccidentStatus.INVESTIGATING

    def can_reply(self) -> bool:
        return self == AccidentStatus.REPORT_SUBMITTED

    def can_close(self) -> bool:
        return self == AccidentStatus.REPLIED

    def can_name_responsible(self) -> bool:
        """The investigation's findings name responsible persons once its report is submitted."""
        return self in (AccidentStatus.REPORT_SUBMITTED, AccidentStatus.REPLIED, AccidentStatus.CLOSED)


class ReportLevel(models.IntegerChoices):
    """The level a report reaches (493号令 art. 9–10)."""

    COUNTY = int(Level.COUNTY), _("县级应急管理部门")
    CITY = int(Level.CITY), _("设区的市级应急管理部门")
    PROVINCE = int(Level.PROVINCE), _("省级应急管理部门")
    NATION = int(Level.NATION), _("国务院应急管理部门")


class StepKind(models.TextChoices):
    """A tracked deadline of an accident."""

    REPORT = "report", _("逐级上报")
    INVESTIGATION = "investigation", _("调查报告")
    REPLY = "reply", _("政府批复")
    CLOSING_EVALUATION = "closing_evaluation", _("结案半年评估")
    REPLY_EVALUATION = "reply_evaluation", _("批复一年评估")


class EvaluationPurpose(models.TextChoices):
    """Which event-triggered duty an accident step raises for the investigation's lead unit."""

    CLOSING_EVALUATION = "closing_evaluation", _("较大事故结案半年内评估")
    REPLY_EVALUATION = "reply_evaluation", _("批复后一年内整改评估")


class MisreportKind(models.TextChoices):
    """瞒报/谎报/迟报/漏报 — recorded facts (493号令 art. 36, Safety Law art. 110)."""

    CONCEALED = "concealed", _("瞒报")
    FALSE = "false", _("谎报")
    LATE = "late", _("迟报")
    OMITTED = "omitted", _("漏报")

    @property
    def badge(self) -> str:
        return "danger" if self in (MisreportKind.CONCEALED, MisreportKind.FALSE) else "warning"


class CreditClass(models.TextChoices):
    """信用风险分类 (A 低 … D 高): sets the ratio and frequency of random inspection."""

    A = "A", _("A类（信用风险低）")
    B = "B", _("B类（信用风险一般）")
    C = "C", _("C类（信用风险较高）")
    D = "D", _("D类（信用风险高）")


class ConflictReason(models.TextChoices):
    """回避事由 (行政处罚法 art. 43)."""

    KINSHIP = "kinship", _("近亲属关系")
    FORMER_EMPLOYER = "former_employer", _("曾在该企业任职")
    SAME_HOUSEHOLD = "same_household", _("同一家庭成员任职")
    OTHER = "other", _("其他可能影响公正执法的关系")


class PlanStatus(models.TextChoices):
    """年度监督检查计划: draft → approved (then draws may be committed)."""

    DRAFT = "draft", _("草拟")
    APPROVED = "approved", _("已批准")

    @property
    def badge(self) -> str:
        return "success" if self == PlanStatus.APPROVED else "secondary"

    def can_approve(self) -> bool:
        return self == PlanStatus.DRAFT

    def can_edit(self) -> bool:
        return self == PlanStatus.DRAFT

    def can_commit_draw(self) -> bool:
        return self == PlanStatus.APPROVED


class DrawStatus(models.TextChoices):
    """committed (pool frozen, digests published) → drawn (seed revealed); a re-run supersedes, never deletes."""

    COMMITTED = "committed", _("已公布承诺")
    DRAWN = "drawn", _("已抽取")
    SUPERSEDED = "superseded", _("已作废（重抽）")

    @property
    def badge(self) -> str:
        return {"committed": "info", "drawn": "success", "superseded": "secondary"}[self.value]

    def can_draw(self) -> bool:
        return self == DrawStatus.COMMITTED

    def can_rerun(self) -> bool:
        return self in (DrawStatus.COMMITTED, DrawStatus.DRAWN)


class InspectionKind(models.TextChoices):
    """检查类型."""

    RANDOM = "random", _("双随机抽查")
    KEY = "key", _("重点检查")
    COMPLAINT = "complaint", _("举报核查")
    OTHER = "other", _("其他")


class InspectionStatus(models.TextChoices):
    """planned → completed."""

    PLANNED = "planned", _("待检查")
    COMPLETED = "completed", _("已完成")

    @property
    def badge(self) -> str:
        return "success" if self == InspectionStatus.COMPLETED else "info"

    def can_record(self) -> bool:
        return self == InspectionStatus.PLANNED

    def can_complete(self) -> bool:
        return self == InspectionStatus.PLANNED


class CheckResult(models.TextChoices):
    PENDING = "pending", _("未检查")
    COMPLIANT = "compliant", _("符合")
    FINDING = "finding", _("发现问题")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class FindingKind(models.TextChoices):
    """A finding is a hidden danger (prevention's loop) or a violation (may lead to a penalty)."""

    HIDDEN_DANGER = "hidden_danger", _("事故隐患")
    VIOLATION = "violation", _("违法行为")


class PartyKind(models.TextChoices):
    """当事人: a unit, or a natural person whose personal data is masked on the public page."""

    UNIT = "unit", _("单位")
    PERSON = "person", _("自然人")


class PenaltyType(models.TextChoices):
    """行政处罚种类 (行政处罚法 art. 9, Safety Law)."""

    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得")
    SUSPENSION = "suspension", _("责令停产停业整顿")
    PERMIT_SUSPENSION = "permit_suspension", _("暂扣许可证")
    PERMIT_REVOCATION = "permit_revocation", _("吊销许可证")
    CLOSURE = "closure", _("关闭")


class ListingRule(models.TextChoices):
    """列入情形 (应急管理部令第11号)."""

    MAJOR_ACCIDENT = "major_accident", _("发生重大及以上生产安全事故")
    TWO_LARGER_ACCIDENTS = "two_larger_accidents", _("12个月内发生2起以上较大生产安全事故")
    CONCEALED_OR_FALSE_REPORT = "concealed_or_false_report", _("瞒报、谎报生产安全事故")
    AGGRAVATED_FINE = "aggravated_fine", _("情节特别严重，处2至5倍罚款")
    WITHOUT_PERMIT = "without_permit", _("未取得或在暂扣、吊销期间从事生产经营")
    AGENCY_MISCONDUCT = "agency_misconduct", _("中介机构出租出借资质、挂靠或出具虚假报告、证书")
    REFUSED_ENFORCEMENT = "refused_enforcement", _("有履行能力而拒不履行行政处罚")
    OTHER_SERIOUS = "other_serious", _("其他性质恶劣、情节严重的违法失信行为")


class ListingStatus(models.TextChoices):
    """proposed → noticed → listed (or dismissed); listed → repaired / expired; a fraudulent repair → listed."""

    PROPOSED = "proposed", _("拟列入")
    NOTICED = "noticed", _("已告知")
    LISTED = "listed", _("已列入")
    DISMISSED = "dismissed", _("不予列入")
    REPAIRED = "repaired", _("信用修复移出")
    EXPIRED = "expired", _("届满移出")

    @property
    def badge(self) -> str:
        return {
            "proposed": "info",
            "noticed": "warning",
            "listed": "danger",
            "dismissed": "secondary",
            "repaired": "success",
            "expired": "secondary",
        }[self.value]

    def can_notify(self) -> bool:
        return self == ListingStatus.PROPOSED

    def can_decide(self) -> bool:
        return self == ListingStatus.NOTICED

    def can_repair(self) -> bool:
        return self == ListingStatus.LISTED

    def can_restore(self) -> bool:
        return self == ListingStatus.REPAIRED


# 联合惩戒 on a listed subject (Safety Law art. 78 ¶1; 应急管理部令第11号).
JOINT_PUNISHMENTS = (
    _("列为重点监管对象，提高检查频次"),
    _("暂停审批新建、改建、扩建项目"),
    _("提高安全生产责任保险费率"),
    _("依法实施行业或者职业禁入"),
)
