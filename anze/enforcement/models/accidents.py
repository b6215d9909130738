"""Accidents (生产安全事故): the report, its reporting steps, follow-ups, misreports and evaluation duties."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.enforcement.choices import (
    AccidentGrade,
    AccidentStatus,
    AccidentType,
    EvaluationPurpose,
    MisreportKind,
    ReportLevel,
    StepKind,
)
from anze.enforcement.models._roles import ACCIDENT_ROLES, CONFIG_ROLES


class Accident(BaseModel):
    """生产安全事故 — its report, its grade by 493号令, the investigation and its closing."""

    title = models.CharField(_("事故名称"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("事故单位（企业）"),
    )
    unit_name = models.CharField(_("事故单位名称"), max_length=200)
    county = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县区")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("行业主管部门"),
    )
    accident_type = models.CharField(_("事故类型"), max_length=24, choices=AccidentType.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    serious_injuries = models.PositiveIntegerField(
        _("重伤人数（含急性工业中毒）"), default=0, help_text=_("重伤包括急性工业中毒")
    )
    direct_loss = models.DecimalField(
        _("直接经济损失（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    description = models.TextField(_("事故简要经过"), blank=True)
    measures = models.TextField(_("已经采取的措施"), blank=True)
    grade = models.CharField(_("事故等级"), max_length=20, choices=AccidentGrade.choices, editable=False)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AccidentStatus.choices,
        default=AccidentStatus.REPORTED,
        editable=False,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("登记人"),
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("调查组牵头单位"),
    )
    investigation_opened_on = models.DateField(_("调查组成立日期"), null=True, blank=True, editable=False)
    investigation_extension_days = models.PositiveSmallIntegerField(
        _("调查延期天数"), default=0, editable=False
    )
    investigation_submitted_on = models.DateField(
        _("调查报告提交日期"), null=True, blank=True, editable=False
    )
    replied_on = models.DateField(_("批复日期"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "occurred_at"], name="accident_region_time"),
            models.Index(fields=["enterprise", "grade", "occurred_at"], name="accident_enterprise_grade"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(investigation_extension_days__lte=60), name="accident_extension_at_most_60"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(replied_on__isnull=False),
                name="accident_closed_after_reply",
            ),
            models.CheckConstraint(condition=Q(direct_loss__gte=0), name="accident_loss_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enforcement:accident_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> AccidentStatus:
        return AccidentStatus(self.status)

    @property
    def grade_choice(self) -> AccidentGrade:
        return AccidentGrade(self.grade)

    @property
    def type_choice(self) -> AccidentType:
        return AccidentType(self.accident_type)


class AccidentStep(BaseModel):
    """事故时限节点 — a tracked deadline of an accident: a report up one level, the investigation, the reply,
    an evaluation; done or overdue."""

    accident = models.ForeignKey(
        Accident, on_delete=models.CASCADE, related_name="steps", verbose_name=_("事故")
    )
    kind = models.CharField(_("节点"), max_length=24, choices=StepKind.choices)
    level = models.PositiveSmallIntegerField(
        _("上报层级"), choices=ReportLevel.choices, null=True, blank=True
    )
    due_at = models.DateTimeField(_("期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    occurrence = models.ForeignKey(
        "duties.Occurrence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("职责办理事项"),
    )

    scope = Scope(
        region="accident__region_path",
        unit="accident__supervising_unit_id",
        enterprise="accident__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("事故时限节点")
        verbose_name_plural = _("事故时限节点")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, overdue_at__isnull=True),
                name="accident_step_open_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["accident", "kind", "level"],
                condition=Q(level__isnull=False),
                name="accident_step_level_once",
            ),
            models.UniqueConstraint(
                fields=["accident", "kind"], condition=Q(level__isnull=True), name="accident_step_kind_once"
            ),
            models.CheckConstraint(
                condition=Q(kind=StepKind.REPORT, level__isnull=False)
                | (~Q(kind=StepKind.REPORT) & Q(level__isnull=True)),
                name="accident_step_level_only_for_reports",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_level_display() if self.level else self.get_kind_display()
        return f"{self.accident} · {label}"

    @property
    def is_evaluation(self) -> bool:
        return self.kind in (StepKind.CLOSING_EVALUATION, StepKind.REPLY_EVALUATION)

    def is_late(self, now) -> bool:
        if self.done_at is not None:
            return self.done_at > self.due_at
        return now > self.due_at


class AccidentFollowUp(BaseModel):
    """事故补报 — a change of the casualty count or loss within the follow-up window; may regrade."""

    accident = models.ForeignKey(
        Accident, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("事故")
    )
    reported_at = models.DateTimeField(_("补报时间"))
    deaths = models.PositiveIntegerField(_("死亡人数"))
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"))
    direct_loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=12, decimal_places=2)
    grade_before = models.CharField(_("原等级"), max_length=20, choices=AccidentGrade.choices)
    grade_after = models.CharField(_("补报后等级"), max_length=20, choices=AccidentGrade.choices)
    note = models.TextField(_("补报说明"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="accident__region_path",
        unit="accident__supervising_unit_id",
        enterprise="accident__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("事故补报")
        verbose_name_plural = _("事故补报")
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.accident} 补报 {self.reported_at:%Y-%m-%d}"

    @property
    def regraded(self) -> bool:
        return self.grade_before != self.grade_after


class Misreport(BaseModel):
    """瞒报/谎报/迟报/漏报 — a recorded fact about an accident's report, read by the listing rules."""

    accident = models.ForeignKey(
        Accident, on_delete=models.PROTECT, related_name="misreports", verbose_name=_("事故")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=MisreportKind.choices)
    found_on = models.DateField(_("认定日期"))
    description = models.TextField(_("事实"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="accident__region_path",
        unit="accident__supervising_unit_id",
        enterprise="accident__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("瞒报谎报迟报")
        verbose_name_plural = _("瞒报谎报迟报")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "kind"], name="misreport_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.accident} {self.get_kind_display()}"


class EvaluationDuty(BaseModel):
    """事故评估职责配置 — which confirmed event-triggered duty an accident's evaluation raises, per region."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    purpose = models.CharField(_("用途"), max_length=24, choices=EvaluationPurpose.choices)
    duty = models.ForeignKey(
        "duties.Duty", on_delete=models.PROTECT, related_name="+", verbose_name=_("职责")
    )

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("事故评估职责")
        verbose_name_plural = _("事故评估职责")
        constraints = [
            models.UniqueConstraint(fields=["region", "purpose"], name="evaluation_duty_once_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.duty}"


# -- 一单两库一细则: plans, the item list, the enterprise and inspector directories -----------------------------
