"""Models of enforcement: accidents and their tracked deadlines (more: plans, draws, inspections, listings)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.enforcement.choices import (
    AccidentGrade,
    AccidentStatus,
    AccidentType,
    CheckResult,
    ConflictReason,
    CreditClass,
    DrawStatus,
    EvaluationPurpose,
    FindingKind,
    InspectionKind,
    InspectionStatus,
    ListingRule,
    ListingStatus,
    MisreportKind,
    PartyKind,
    PenaltyType,
    PlanStatus,
    ReportLevel,
    StepKind,
)
from anze.enforcement.disclosure import mask_name

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})

# Accidents are government records: the office and county offices keep them, supervising departments and
# inspectors register and follow them up, an enterprise sees its own.
ACCIDENT_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _EDIT,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _VIEW,
}
# Plans, directories and draws belong to the department's region; the office and county offices keep them,
# departments (unit) keep their own, inspectors and auditors read.
PLAN_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
CONFIG_ROLES = {Role.OFFICE.value: _ALL, Role.COUNTY.value: _VIEW, Role.AUDITOR.value: _VIEW}


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


class Inspection(BaseModel):
    """执法检查 — an inspection of an enterprise by at least two inspectors: checklist, findings, decisions."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("企业")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    department = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("执法部门")
    )
    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    selection = models.OneToOneField(
        DrawSelection, on_delete=models.PROTECT, null=True, blank=True, related_name="inspection"
    )
    kind = models.CharField(_("检查类型"), max_length=12, choices=InspectionKind.choices)
    inspectors = models.ManyToManyField(Inspector, related_name="inspections", verbose_name=_("执法人员"))
    scheduled_on = models.DateField(_("计划日期"))
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
        editable=False,
    )
    summary = models.TextField(_("检查情况"), blank=True, editable=False)

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")
        ordering = ["scheduled_on", "id"]
        indexes = [models.Index(fields=["status", "scheduled_on"], name="inspection_status_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.scheduled_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:inspection_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> InspectionStatus:
        return InspectionStatus(self.status)


class InspectionCheck(BaseModel):
    """检查记录 — one checklist item's result in an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("检查事项"), max_length=200)
    result = models.CharField(
        _("结果"), max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    note = models.CharField(_("情况"), max_length=300, blank=True)

    scope = Scope(
        region="inspection__region_path",
        unit="inspection__supervising_unit_id",
        enterprise="inspection__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Finding(BaseModel):
    """发现问题 — a hidden danger (prevention's loop) or a violation, with 责令限期整改 when ordered."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("类别"), max_length=16, choices=FindingKind.choices)
    description = models.TextField(_("问题描述"))
    hidden_danger = models.OneToOneField(
        "prevention.HiddenDanger", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rectify_by = models.DateField(_("责令限期整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True, editable=False)

    scope = Scope(
        region="inspection__region_path",
        unit="inspection__supervising_unit_id",
        enterprise="inspection__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["rectify_by"],
                condition=Q(rectified_on__isnull=True, overdue_at__isnull=True),
                name="finding_open_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="hidden_danger") | Q(hidden_danger__isnull=False),
                name="finding_danger_linked",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class Penalty(BaseModel):
    """行政处罚决定 — legal basis, type, amount, date; published within 7 working days (Safety Law art. 78)."""

    decision_number = models.CharField(_("决定书文号"), max_length=60, unique=True)
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="penalties"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="penalties"
    )
    party_kind = models.CharField(_("当事人类型"), max_length=12, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人"), max_length=200)
    # A natural person's identity number, encrypted like a tip's identity (public.crypto, SM4-GCM, bound to
    # the decision number); it goes into the 决定书 only, never on a page or into the audit trail.
    party_id_ciphertext = models.BinaryField(_("证件号码（加密）"), null=True, blank=True, editable=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    department = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关")
    )
    county = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县区")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    facts = models.TextField(_("违法事实"))
    legal_basis = models.CharField(_("处罚依据"), max_length=300)
    penalty_type = models.CharField(_("处罚种类"), max_length=20, choices=PenaltyType.choices)
    amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, default=Decimal(0))
    decided_on = models.DateField(_("决定日期"))
    without_permit = models.BooleanField(
        _("未取得安全生产许可或在暂扣、吊销期间生产经营"),
        default=False,
        help_text=_("严重失信主体名单的列入情形"),
    )
    disclosure_due = models.DateField(_("公开期限"), editable=False)
    published_on = models.DateField(_("公开日期"), null=True, blank=True, editable=False)
    # The public search text: decision number, the party as shown to the public, the facts' opening.
    search_text = models.CharField(max_length=400, editable=False, default="")

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("行政处罚决定")
        verbose_name_plural = _("行政处罚决定")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(
                fields=["-published_on", "-id"],
                condition=Q(published_on__isnull=False),
                name="penalty_published",
            ),
            models.Index(
                fields=["county", "-published_on"],
                condition=Q(published_on__isnull=False),
                name="penalty_county_published",
            ),
            models.Index(
                fields=["disclosure_due"], condition=Q(published_on__isnull=True), name="penalty_unpublished"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="penalty_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(penalty_type="fine") | Q(amount__gt=0), name="penalty_fine_has_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.decision_number

    def get_absolute_url(self) -> str:
        return reverse("enforcement:penalty_detail", kwargs={"public_id": self.public_id})

    @property
    def public_party(self) -> str:
        if self.party_kind == PartyKind.PERSON:
            return mask_name(self.party_name)
        return self.party_name

    def party_id_number(self) -> str:
        """The decrypted identity number (for the 决定书), or an empty string."""
        if not self.party_id_ciphertext:
            return ""
        from anze.public.crypto import decrypt_identity

        return decrypt_identity(bytes(self.party_id_ciphertext), associated=self.decision_number.encode())[
            "id_number"
        ]

    @property
    def published_late(self) -> bool:
        return self.published_on is not None and self.published_on > self.disclosure_due


# -- the blacklist (严重失信主体名单, 应急管理部令第11号) -------------------------------------------------------------


class Listing(BaseModel):
    """严重失信主体名单 — a listing proposed by a rule over recorded facts and decided by the department."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="listings", verbose_name=_("企业")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    rule = models.CharField(_("列入情形"), max_length=32, choices=ListingRule.choices)
    fact_key = models.CharField(_("依据事实"), max_length=40, editable=False)
    fact_on = models.DateField(_("事实日期"), editable=False)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ListingStatus.choices,
        default=ListingStatus.PROPOSED,
        editable=False,
    )
    department = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定部门"),
    )
    noticed_on = models.DateField(_("告知日期"), null=True, blank=True, editable=False)
    objection_until = models.DateField(_("陈述申辩期限"), null=True, blank=True, editable=False)
    objection = models.TextField(_("陈述申辩意见"), blank=True, editable=False)
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True, editable=False)
    listed_on = models.DateField(_("列入日期"), null=True, blank=True, editable=False)
    expires_on = models.DateField(_("届满日期"), null=True, blank=True, editable=False)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(_("移出理由"), max_length=300, blank=True, editable=False)

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=ACCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("严重失信主体名单")
        verbose_name_plural = _("严重失信主体名单")
        ordering = ["-fact_on", "-id"]
        indexes = [
            models.Index(fields=["expires_on"], condition=Q(status="listed"), name="listing_live_expiry"),
            models.Index(fields=["enterprise", "status"], name="listing_enterprise_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "rule", "fact_key"], name="listing_once_per_fact"),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_on__isnull=False, expires_on__isnull=False),
                name="listing_listed_has_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_rule_display()}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:listing_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> ListingStatus:
        return ListingStatus(self.status)
