"""Choices of the public app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TipKind(models.TextChoices):
    """举报类别."""

    HIDDEN_DANGER = "hidden_danger", _("重大事故隐患")
    VIOLATION = "violation", _("安全生产违法行为")
    CONCEALED_ACCIDENT = "concealed_accident", _("瞒报谎报事故")


class TipStatus(models.TextChoices):
    """submitted → assigned → verified | unfounded; or duplicate (the first valid report wins)."""

    SUBMITTED = "submitted", _("已受理")
    ASSIGNED = "assigned", _("核查中")
    VERIFIED = "verified", _("经核查属实")
    UNFOUNDED = "unfounded", _("经核查不属实")
    DUPLICATE = "duplicate", _("重复举报")

    @property
    def badge(self) -> str:
        return {
            "submitted": "info",
            "assigned": "primary",
            "verified": "success",
            "unfounded": "secondary",
            "duplicate": "light",
        }[self.value]

    def can_assign(self) -> bool:
        return self in (TipStatus.SUBMITTED, TipStatus.ASSIGNED)

    def can_mark_duplicate(self) -> bool:
        return self in (TipStatus.SUBMITTED, TipStatus.ASSIGNED)

    def can_verify(self) -> bool:
        return self == TipStatus.ASSIGNED


class AccidentGrade(models.TextChoices):
    """事故等级 (国务院令493号 art. 3), the final grade of a concealed accident."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


class RewardStatus(models.TextChoices):
    """proposed → approved → paid."""

    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已发放")

    @property
    def badge(self) -> str:
        return {"proposed": "info", "approved": "primary", "paid": "success"}[self.value]

    def can_approve(self) -> bool:
        return self == RewardStatus.PROPOSED

    def can_pay(self) -> bool:
        return self == RewardStatus.APPROVED
