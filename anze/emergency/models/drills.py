"""Government plans and drills (政府应急预案与演练), and which duties they raise."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.emergency.choices import DrillForm, DrillKind, DrillStatus, DutyPurpose, PlanLevel
from anze.emergency.models._scopes import CONFIG_ROLES, DRILL_ROLES


class EmergencyDuty(BaseModel):
    """应急职责配置 — which confirmed event-triggered duty a station gap or a drill raises, per region."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=DutyPurpose.choices)
    duty = models.ForeignKey(
        "duties.Duty", on_delete=models.PROTECT, related_name="+", verbose_name=_("职责")
    )

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("应急职责配置")
        verbose_name_plural = _("应急职责配置")
        constraints = [
            models.UniqueConstraint(fields=["region", "purpose"], name="emergency_duty_once_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.duty}"


class GovernmentPlan(BaseModel):
    """政府应急预案 — a government body's plan; it must be drilled at least every two years (708号令 art. 8).

    `occurrence` is the work item of the current drill cycle: raised when the plan is registered and again
    each time a drill of it is held."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("制定单位")
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    title = models.CharField(_("预案名称"), max_length=200)
    level = models.CharField(_("类别"), max_length=12, choices=PlanLevel.choices)
    published_on = models.DateField(_("印发日期"))
    is_current = models.BooleanField(_("现行有效"), default=True)
    occurrence = models.ForeignKey(
        "duties.Occurrence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("本周期演练事项"),
    )

    scope = Scope(region="region__path", unit="unit_id", roles=DRILL_ROLES)

    class Meta:
        verbose_name = _("政府应急预案")
        verbose_name_plural = _("政府应急预案")
        ordering = ["region__path", "unit", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_list") + f"?plan={self.public_id}"


class GovernmentDrill(BaseModel):
    """政府演练 — a drill a government body organises (its plan's, or a county's social drill), its
    evaluation report, and the work item it answers."""

    kind = models.CharField(_("类别"), max_length=12, choices=DrillKind.choices)
    plan = models.ForeignKey(
        GovernmentPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
        verbose_name=_("预案"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    title = models.CharField(_("演练名称"), max_length=200)
    form = models.CharField(_("形式"), max_length=12, choices=DrillForm.choices)
    planned_on = models.DateField(_("计划日期"))
    held_on = models.DateField(_("举行日期"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    evaluation = models.TextField(_("评估报告"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    occurrence = models.ForeignKey(
        "duties.Occurrence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对应事项"),
    )

    scope = Scope(region="region__path", unit="unit_id", roles=DRILL_ROLES)

    class Meta:
        verbose_name = _("政府演练")
        verbose_name_plural = _("政府演练")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> DrillStatus:
        return DrillStatus(self.status)
