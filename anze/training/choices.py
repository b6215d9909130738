"""Choices of the training app, each with a label and a badge colour; transitions guarded by can_<action>()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    """考核对象 — whom a bank, a sitting and a certificate are for (Safety Law art. 27)."""

    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全生产管理人员")
    STAFF = "staff", _("机关工作人员")

    @property
    def needs_certificate(self) -> bool:
        """高危行业 principals and safety managers must pass and hold a certificate (art. 27 para. 2)."""
        return self in (Post.PRINCIPAL, Post.SAFETY_MANAGER)


class QuestionKind(models.TextChoices):
    """题型."""

    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")


class Difficulty(models.IntegerChoices):
    """难度."""

    EASY = 1, _("易")
    MEDIUM = 2, _("中")
    HARD = 3, _("难")


class AttemptStatus(models.TextChoices):
    """答卷: in progress → submitted by the candidate, or submitted by the timer when time runs out."""

    IN_PROGRESS = "in_progress", _("作答中")
    SUBMITTED = "submitted", _("已交卷")
    TIMED_OUT = "timed_out", _("超时自动交卷")

    @property
    def badge(self) -> str:
        return {"in_progress": "primary", "submitted": "success", "timed_out": "warning"}[self.value]

    def can_answer(self) -> bool:
        return self == AttemptStatus.IN_PROGRESS

    def can_submit(self) -> bool:
        return self == AttemptStatus.IN_PROGRESS


class CertificateState(models.TextChoices):
    """A certificate's state on a day (derived from its dates, never stored)."""

    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")

    @property
    def badge(self) -> str:
        return {"valid": "success", "expiring": "warning", "expired": "danger"}[self.value]


class StudyKind(models.TextChoices):
    """政府工作人员学习: theory study of the 党委（党组）中心组 and training sessions."""

    THEORY = "theory", _("理论学习")
    TRAINING = "training", _("培训班")


def pass_badge(passed: bool | None) -> str:
    return "secondary" if passed is None else "success" if passed else "danger"
