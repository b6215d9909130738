"""双随机: credit ratings, inspectors and their conflicts, annual inspection plans and the verifiable draw."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.enforcement.choices import (
    ConflictReason,
    CreditClass,
    DrawStatus,
    PlanStatus,
)
from anze.enforcement.models._roles import PLAN_ROLES


class CreditRating(BaseModel):
    """信用风险分类 — an enterprise's credit-risk class (A–D) for the random draw; B when none is recorded."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="credit_rating",
        verbose_name=_("企业"),
    )
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices)
    rated_on = models.DateField(_("分类日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope = Scope(
        region="enterprise__region__path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=PLAN_ROLES,
    )

    class Meta:
        verbose_name = _("信用风险分类")
        verbose_name_plural = _("信用风险分类")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.credit_class}"


class Inspector(BaseModel):
    """执法人员 — the inspector directory: a certified officer of a department, working in a region."""

    name = models.CharField(_("姓名"), max_length=50)
    certificate = models.CharField(_("执法证号"), max_length=40, unique=True)
    department = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属部门")
    )
    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("工作区划"),
        help_text=_("异地执法时不抽取与企业同一县区的执法人员"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector",
        verbose_name=_("系统账号"),
    )
    is_active = models.BooleanField(_("在岗"), default=True)

    scope = Scope(region="region__path", unit="department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["certificate"]
        indexes = [models.Index(fields=["department", "is_active"], name="inspector_department_active")]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate}）"


class ConflictOfInterest(BaseModel):
    """回避 — a declared relationship between an inspector and an enterprise; the draw never pairs them."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("执法人员")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("企业")
    )
    reason = models.CharField(_("回避事由"), max_length=20, choices=ConflictReason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_on = models.DateField(_("申报日期"))

    scope = Scope(region="inspector__region__path", unit="inspector__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


class InspectionPlan(BaseModel):
    """年度监督检查计划 (Safety Law art. 62) — a department's year: 重点检查 plus 双随机 shares per sector."""

    department = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("检查区域")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, editable=False
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True, editable=False)

    scope = Scope(region="region_path", unit="department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("年度监督检查计划")
        verbose_name_plural = _("年度监督检查计划")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="inspection_plan_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enforcement:plan_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> PlanStatus:
        return PlanStatus(self.status)


class KeyInspection(BaseModel):
    """重点检查 — a named enterprise the plan inspects outside the draw."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="key_inspections")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    times = models.PositiveSmallIntegerField(_("年度检查次数"), default=1)
    reason = models.CharField(_("列为重点的理由"), max_length=200, blank=True)

    scope = Scope(region="plan__region_path", unit="plan__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("重点检查企业")
        verbose_name_plural = _("重点检查企业")
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="key_inspection_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.enterprise}"


class SectorShare(BaseModel):
    """双随机 share of a sector: ratio and yearly frequency per credit-risk class (configurable, no national number)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField(_("行业领域"), max_length=100)
    industry_prefix = models.CharField(
        _("行业代码前缀"),
        max_length=5,
        blank=True,
        help_text=_("国民经济行业代码的前缀，如 C26；空表示全部行业"),
    )
    ratios = models.JSONField(
        _("抽查比例"), help_text=_('如 {"A": "0.03", "B": "0.05", "C": "0.1", "D": "0.2"}')
    )
    frequency = models.JSONField(_("年度抽查频次"), default=dict, blank=True)
    listed_ratio = models.DecimalField(
        _("严重失信主体抽查比例"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    inspectors_per_inspection = models.PositiveSmallIntegerField(_("每次检查执法人员数"), default=2)

    scope = Scope(region="plan__region_path", unit="plan__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("双随机抽查领域")
        verbose_name_plural = _("双随机抽查领域")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="sector_share_name_once"),
            models.CheckConstraint(
                condition=Q(inspectors_per_inspection__gte=2), name="sector_two_inspectors"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.name}"


class InspectionItem(BaseModel):
    """事项清单 — one item of the inspection list: what is checked, on what legal basis, how."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("事项编号"), max_length=20)
    title = models.CharField(_("检查事项"), max_length=200)
    basis = models.CharField(_("检查依据"), max_length=300)
    method = models.CharField(_("检查方式"), max_length=100, blank=True)

    scope = Scope(region="plan__region_path", unit="plan__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="inspection_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Draw(BaseModel):
    """双随机抽取 — a committed pool snapshot and seed digest, then the draw with the seed revealed.

    A re-run supersedes the draw (kept, with its reason) and commits a new one; nothing is deleted.
    """

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="draws")
    sector = models.ForeignKey(
        SectorShare, on_delete=models.PROTECT, related_name="draws", verbose_name=_("领域")
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    label = models.CharField(_("名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED, editable=False
    )
    departments = models.ManyToManyField("org.Unit", related_name="+", verbose_name=_("参与部门"))
    joint = models.BooleanField(_("联合执法"), default=False)
    remote = models.BooleanField(_("异地执法"), default=False)
    snapshot = models.TextField(_("名单快照"), editable=False)
    pool_digest = models.CharField(_("快照摘要 SHA-256"), max_length=64, editable=False)
    seed_digest = models.CharField(_("种子摘要 SHA-256"), max_length=64, editable=False)
    # Secret until the draw: pages, exports and the API show it only once drawn_at is set.
    seed = models.CharField(_("随机种子"), max_length=128, editable=False)
    enterprise_count = models.PositiveIntegerField(_("名录企业数"), default=0, editable=False)
    inspector_count = models.PositiveIntegerField(_("名录执法人员数"), default=0, editable=False)
    committed_at = models.DateTimeField(_("公布承诺时间"), editable=False)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    result = models.JSONField(_("抽取结果"), null=True, blank=True, editable=False)
    result_digest = models.CharField(_("结果摘要 SHA-256"), max_length=64, blank=True, editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
        verbose_name=_("重抽前的抽取"),
    )
    rerun_reason = models.CharField(_("重抽理由"), max_length=300, blank=True, editable=False)

    scope = Scope(region="plan__region_path", unit="plan__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-committed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "round"],
                condition=~Q(status=DrawStatus.SUPERSEDED),
                name="draw_round_live_once",
            ),
            models.CheckConstraint(
                condition=Q(status=DrawStatus.COMMITTED)
                | Q(drawn_at__isnull=False)
                | Q(status=DrawStatus.SUPERSEDED),
                name="draw_drawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("enforcement:draw_detail", kwargs={"public_id": self.public_id})

    def get_public_url(self) -> str:
        return reverse("enforcement_public:draw", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> DrawStatus:
        return DrawStatus(self.status)

    @property
    def seed_revealed(self) -> str:
        """The seed once the draw has been made, else an empty string."""
        return self.seed if self.drawn_at else ""


class DrawSelection(BaseModel):
    """One drawn inspection: the enterprise and its inspectors, in draw order."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="selections")
    order = models.PositiveIntegerField(_("顺序"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    inspectors = models.ManyToManyField(Inspector, related_name="selections", verbose_name=_("执法人员"))

    scope = Scope(region="draw__plan__region_path", unit="draw__plan__department_id", roles=PLAN_ROLES)

    class Meta:
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")
        ordering = ["draw", "order"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "order"], name="draw_selection_order_once"),
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_selection_enterprise_once"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} #{self.order}"


# -- inspections, findings, penalties ---------------------------------------------------------------------------
