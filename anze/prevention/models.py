"""Models of 双重预防: band tables, risk points, hidden dangers, their rectification plans and photos."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.prevention.choices import (
    AssessmentMethod,
    ControlLevel,
    HiddenDangerGrade,
    HiddenDangerSource,
    HiddenDangerStatus,
    PhotoStage,
    RiskLevel,
)
from anze.prevention.scoring import BandTable

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
_NONE: frozenset[str] = frozenset()

# An enterprise keeps its own risk points and hidden dangers; governments read them and the office and
# county offices, inspectors and supervising departments (unit) may register and follow them up.
RECORD_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _EDIT,
    Role.ENTERPRISE.value: _EDIT,
}
CONFIG_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.ENTERPRISE.value: _VIEW,
}


class RiskBandTable(BaseModel):
    """风险分级标准 — a region's band table for one method, in force from a date (sources disagree)."""

    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用区划"),
        help_text=_("空表示全部区划的默认标准"),
    )
    method = models.CharField(_("评价方法"), max_length=8, choices=AssessmentMethod.choices)
    effective_from = models.DateField(_("生效日期"))
    bands = models.JSONField(_("分级阈值"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("风险分级标准")
        verbose_name_plural = _("风险分级标准")
        ordering = ["method", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "method", "effective_from"],
                condition=Q(region__isnull=False),
                name="band_table_region_method_date",
            ),
            models.UniqueConstraint(
                fields=["method", "effective_from"],
                condition=Q(region__isnull=True),
                name="band_table_default_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.effective_from}"

    def table(self) -> BandTable:
        return BandTable.from_json(self.bands)


class RiskPoint(BaseModel):
    """风险点 — a place or activity of an enterprise, its hazard factors, controls and assessed level."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_points", verbose_name=_("企业")
    )
    name = models.CharField(_("风险点名称"), max_length=200)
    place = models.CharField(_("场所/部位"), max_length=200, blank=True)
    activity = models.CharField(_("作业活动"), max_length=200, blank=True)
    hazard_factors = models.TextField(_("危险有害因素"))
    controls = models.TextField(_("管控措施"))
    responsible_person = models.CharField(_("责任人"), max_length=50)
    method = models.CharField(_("评价方法"), max_length=8, choices=AssessmentMethod.choices)
    lec_likelihood = models.DecimalField(_("L 可能性"), max_digits=6, decimal_places=2, null=True, blank=True)
    lec_exposure = models.DecimalField(_("E 暴露频率"), max_digits=6, decimal_places=2, null=True, blank=True)
    lec_consequence = models.DecimalField(_("C 后果"), max_digits=6, decimal_places=2, null=True, blank=True)
    ls_likelihood = models.PositiveSmallIntegerField(
        _("L 可能性"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ls_severity = models.PositiveSmallIntegerField(
        _("S 严重性"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    score = models.DecimalField(
        _("风险值"), max_digits=12, decimal_places=3, editable=False, default=Decimal(0)
    )
    level = models.PositiveSmallIntegerField(
        _("风险等级"), choices=RiskLevel.choices, null=True, blank=True, editable=False
    )
    control_level = models.CharField(_("管控层级"), max_length=16, choices=ControlLevel.choices)
    band_table = models.ForeignKey(
        RiskBandTable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("分级标准"),
    )
    assessed_on = models.DateField(_("评价日期"))
    reassess_on = models.DateField(_("复评日期"))

    scope = Scope(
        region="enterprise__region__path",
        unit="enterprise__supervising_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["level", "name", "id"]
        indexes = [
            models.Index(fields=["enterprise", "level"], name="risk_point_enterprise_level"),
            models.Index(fields=["reassess_on"], name="risk_point_reassess_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reassess_on__gte=models.F("assessed_on")), name="risk_point_reassess_after_assess"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        method=AssessmentMethod.LEC,
                        lec_likelihood__gt=0,
                        lec_exposure__gt=0,
                        lec_consequence__gt=0,
                    )
                    | Q(method=AssessmentMethod.LS, ls_likelihood__range=(1, 5), ls_severity__range=(1, 5))
                ),
                name="risk_point_factors_match_method",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prevention:risk_point_detail", kwargs={"public_id": self.public_id})

    @property
    def risk_level(self) -> RiskLevel | None:
        return RiskLevel(self.level) if self.level else None


class HiddenDanger(BaseModel):
    """隐患 — found at an enterprise, graded 一般/重大, rectified, accepted by another person, closed (销号)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="hidden_dangers",
        verbose_name=_("企业"),
    )
    # Copied from the enterprise when the record is made, so scoping and statistics over millions of rows
    # need no join: the region path (restrict), the county and industry (statistics), the supervisor.
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False, db_index=False)
    county = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("县区")
    )
    supervising_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("行业主管部门"),
    )
    industry_code = models.CharField(_("行业代码"), max_length=5, editable=False, default="")
    risk_point = models.ForeignKey(
        RiskPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hidden_dangers",
        verbose_name=_("风险点"),
    )
    source = models.CharField(_("来源"), max_length=32, choices=HiddenDangerSource.choices)
    grade = models.CharField(_("隐患等级"), max_length=8, choices=HiddenDangerGrade.choices)
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=HiddenDangerStatus.choices,
        default=HiddenDangerStatus.FOUND,
        editable=False,
    )
    title = models.CharField(_("隐患名称"), max_length=200)
    description = models.TextField(_("隐患描述"))
    place = models.CharField(_("部位"), max_length=200)
    responsible_person = models.CharField(_("整改责任人"), max_length=50)
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改期限"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("发现人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True, editable=False)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("整改人"),
    )
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True, editable=False)
    rectification_note = models.TextField(_("整改情况"), blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("验收人"),
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True, editable=False)
    acceptance_note = models.TextField(_("验收意见"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("逾期升级时间"), null=True, blank=True, editable=False)
    reported_at = models.DateTimeField(_("重大隐患报告时间"), null=True, blank=True, editable=False)

    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=RECORD_ROLES
    )

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="hd_enterprise_status"),
            models.Index(fields=["status", "deadline"], name="hd_status_deadline"),
            # Statistics read only this index (an index-only scan on PostgreSQL).
            models.Index(
                fields=["found_on", "county", "grade", "status", "region_path", "deadline", "enterprise"],
                name="hd_found_county_grade",
            ),
            models.Index(fields=["region_path", "id"], name="hd_region_path_id"),
            models.Index(fields=["grade", "status", "region_path"], name="hd_grade_status"),
            models.Index(fields=["deadline"], condition=Q(escalated_at__isnull=True), name="hd_unescalated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("found_on")), name="hd_deadline_after_found"
            ),
            models.CheckConstraint(
                condition=~Q(status=HiddenDangerStatus.CLOSED) | Q(accepted_at__isnull=False),
                name="hd_closed_only_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True) | ~Q(accepted_by=models.F("rectified_by")),
                name="hd_acceptor_not_rectifier",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prevention:hidden_danger_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> HiddenDangerStatus:
        return HiddenDangerStatus(self.status)

    @property
    def grade_choice(self) -> HiddenDangerGrade:
        return HiddenDangerGrade(self.grade)

    @property
    def is_major(self) -> bool:
        return self.grade == HiddenDangerGrade.MAJOR


class RectificationPlan(BaseModel):
    """重大隐患治理方案 — the six elements of 16号令 art. 15."""

    hidden_danger = models.OneToOneField(
        HiddenDanger, on_delete=models.CASCADE, related_name="plan", verbose_name=_("隐患")
    )
    objectives = models.TextField(_("治理的目标和任务"))
    methods = models.TextField(_("采取的方法和措施"))
    funding = models.TextField(_("经费和物资的落实"))
    organization = models.TextField(_("负责治理的机构和人员"))
    timeline = models.TextField(_("治理的时限和要求"))
    safety_measures = models.TextField(_("安全措施和应急预案"))

    ELEMENTS = ("objectives", "methods", "funding", "organization", "timeline", "safety_measures")

    scope = Scope(
        region="hidden_danger__region_path",
        unit="hidden_danger__supervising_unit_id",
        enterprise="hidden_danger__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("治理方案")
        verbose_name_plural = _("治理方案")

    def __str__(self) -> str:
        return f"{self.hidden_danger} 治理方案"

    def missing_elements(self) -> list[str]:
        return [name for name in self.ELEMENTS if not (getattr(self, name) or "").strip()]


class HiddenDangerPhoto(BaseModel):
    """隐患照片 — found, before or after rectification; stored re-encoded without metadata."""

    hidden_danger = models.ForeignKey(
        HiddenDanger, on_delete=models.CASCADE, related_name="photos", verbose_name=_("隐患")
    )
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    file = models.FileField(_("文件"), upload_to="photos/", max_length=200)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="hidden_danger__region_path",
        unit="hidden_danger__supervising_unit_id",
        enterprise="hidden_danger__enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["stage", "id"]

    def __str__(self) -> str:
        return f"{self.hidden_danger} {self.get_stage_display()}"


class HiddenDangerTally(models.Model):
    """隐患统计汇总 — counts per enterprise, year and quarter, rebuilt set-based by a job.

    Statistics pages read these rows (tens of thousands a year) instead of millions of hidden dangers;
    `as_of` says which day the open and overdue counts describe.
    """

    as_of = models.DateField(_("统计日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    county = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    region_path = models.CharField(max_length=200)
    supervising_unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    total = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    open_major = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="region_path", unit="supervising_unit_id", enterprise="enterprise_id", roles=RECORD_ROLES
    )

    class Meta:
        verbose_name = _("隐患统计汇总")
        verbose_name_plural = _("隐患统计汇总")
        # Covering indexes: the statistics page reads only these (PostgreSQL index-only scans).
        indexes = [
            models.Index(
                fields=[
                    "year",
                    "quarter",
                    "county",
                    "region_path",
                    "total",
                    "major",
                    "closed",
                    "open",
                    "overdue",
                ],
                name="hd_tally_year_county",
            ),
            models.Index(
                fields=["year", "enterprise", "region_path", "open", "overdue", "open_major"],
                condition=Q(open__gt=0),
                name="hd_tally_open_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.enterprise_id}"
