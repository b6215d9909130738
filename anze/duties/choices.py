"""Choices of the duties app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    """What sort of work a duty asks for (职责类型)."""

    RECURRING = "recurring", _("周期性")
    DEADLINE = "deadline", _("限期完成")
    EVENT = "event", _("事件触发")
    COVERAGE = "coverage", _("覆盖周期")
    ONGOING = "ongoing", _("长期坚持")

    @property
    def is_scheduled(self) -> bool:
        """Whether the job materializes occurrences from a rule (event duties wait for their event)."""
        return self != DutyKind.EVENT

    @property
    def uses_rule(self) -> bool:
        return self in (DutyKind.RECURRING, DutyKind.COVERAGE, DutyKind.ONGOING)


class DutyStatus(models.TextChoices):
    """The office confirms the parser's suggestion before it generates work (职责状态)."""

    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETIRED = "retired", _("已停用")

    def can_confirm(self) -> bool:
        return self == DutyStatus.DRAFT

    def can_update(self) -> bool:
        return self in (DutyStatus.DRAFT, DutyStatus.CONFIRMED)

    def can_retire(self) -> bool:
        return self == DutyStatus.CONFIRMED


class RevisionDecision(models.TextChoices):
    """What the office decided for a duty whose clause a revised plan changed (方案修订处理)."""

    PENDING = "pending", _("方案已修订")
    KEPT = "kept", _("保留原职责")
    UPDATED = "updated", _("按修订更新")
    RETIRED = "retired", _("停用")

    def can_decide(self) -> bool:
        return self == RevisionDecision.PENDING


class SubjectKind(models.TextChoices):
    """Who owes the duty (主体)."""

    CLAUSE_UNITS = "clause_units", _("条款的牵头和责任单位")
    UNIT = "unit", _("单位")
    GROUP = "group", _("单位集合")
    COMMITTEES = "committees", _("各专业委员会")
    PERSON = "person", _("领导")


class OccurrenceStatus(models.TextChoices):
    """pending → submitted → accepted | returned → resubmitted → accepted | returned (办理状态)."""

    PENDING = "pending", _("待报送")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已通过")

    def can_submit(self) -> bool:
        return self == OccurrenceStatus.PENDING

    def can_resubmit(self) -> bool:
        return self == OccurrenceStatus.RETURNED

    def can_review(self) -> bool:
        return self in (OccurrenceStatus.SUBMITTED, OccurrenceStatus.RESUBMITTED)

    @property
    def is_open(self) -> bool:
        """Still owed by the unit (counts as overdue once the due date passes)."""
        return self in (OccurrenceStatus.PENDING, OccurrenceStatus.RETURNED)


OPEN_STATUSES = (OccurrenceStatus.PENDING, OccurrenceStatus.RETURNED)
REVIEWABLE_STATUSES = (OccurrenceStatus.SUBMITTED, OccurrenceStatus.RESUBMITTED)


class ReviewDecision(models.TextChoices):
    """A reviewer's decision (审核意见)."""

    ACCEPT = "accept", _("通过")
    RETURN = "return", _("退回")
    SIGN_OFF = "sign_off", _("领导签批")


class RollRule(models.TextChoices):
    """A due date on a rest day moves to a working day (节假日顺延)."""

    FOLLOWING = "following", _("顺延至下一个工作日")
    PRECEDING = "preceding", _("提前至上一个工作日")
    NONE = "none", _("不调整")


class EventUnit(models.TextChoices):
    """How "within N … after the event" is counted."""

    DAYS = "days", _("日")
    WORKDAYS = "workdays", _("个工作日")
    MONTHS = "months", _("个月")


class HolidayDayKind(models.TextChoices):
    """A day named in the year's holiday arrangement (节假日安排)."""

    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class ArrangementSource(models.TextChoices):
    """How the office entered a year's holiday arrangement."""

    ENTERED = "entered", _("页面录入")
    IMPORTED = "imported", _("文件导入")


_BADGES: dict[str, str] = {
    DutyKind.RECURRING: "primary",
    DutyKind.DEADLINE: "warning",
    DutyKind.EVENT: "info",
    DutyKind.COVERAGE: "success",
    DutyKind.ONGOING: "secondary",
    DutyStatus.DRAFT: "warning",
    DutyStatus.CONFIRMED: "success",
    DutyStatus.RETIRED: "secondary",
    RevisionDecision.PENDING: "warning",
    RevisionDecision.KEPT: "secondary",
    RevisionDecision.UPDATED: "primary",
    OccurrenceStatus.PENDING: "secondary",
    OccurrenceStatus.SUBMITTED: "info",
    OccurrenceStatus.RETURNED: "danger",
    OccurrenceStatus.RESUBMITTED: "primary",
    OccurrenceStatus.ACCEPTED: "success",
    ReviewDecision.ACCEPT: "success",
    ReviewDecision.RETURN: "danger",
    ReviewDecision.SIGN_OFF: "primary",
}


def badge(value: str) -> str:
    """The badge colour of a choice value."""
    return _BADGES.get(value, "secondary")
