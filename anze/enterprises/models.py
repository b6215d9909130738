"""Enterprises (企业): the registry, who supervises each one, their own safety records and compliance."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.enterprises.choices import (
    ComplianceStatus,
    EnterpriseStatus,
    HighRiskCategory,
    PlanKind,
    Reason,
    Requirement,
    RescueKind,
    RuleSetStatus,
    SafetyRole,
    Severity,
)

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
_NONE: frozenset[str] = frozenset()

# The registry: the office and counties keep it; departments read what they supervise; an enterprise
# user reads its own entry (and keeps its records, below).
ENTERPRISE_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _VIEW,
    Role.ENTERPRISE.value: _VIEW,
}
# The enterprise's own records: kept by the enterprise, read by those who supervise it.
RECORD_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.ENTERPRISE.value: _ALL,
}
# Rules and the industry → department map are the office's configuration; others read them.
CONFIG_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}

ENTERPRISE_SCOPE = Scope(
    region="region__path", unit="supervising_unit_id", enterprise="pk", roles=ENTERPRISE_ROLES
)
# Compliance results and summaries are computed, never edited: everyone who sees the enterprise reads them.
EVALUATION_SCOPE = Scope(
    region="enterprise__region__path",
    unit="enterprise__supervising_unit_id",
    enterprise="enterprise_id",
    roles={role: _VIEW for role in ENTERPRISE_ROLES},
)
RECORD_SCOPE = Scope(
    region="enterprise__region__path",
    unit="enterprise__supervising_unit_id",
    enterprise="enterprise_id",
    roles=RECORD_ROLES,
)


class Industry(models.Model):
    """国民经济行业 — a GB/T 4754 section, division or class, with its default high-risk category."""

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    section = models.CharField(_("门类"), max_length=1)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    category = models.CharField(_("高危类别"), max_length=32, choices=HighRiskCategory.choices, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustrySupervisor(BaseModel):
    """行业主管部门 — the one department that supervises an industry in a region (管行业必须管安全)."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="supervisors", verbose_name=_("行业")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("主管部门")
    )

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("行业主管部门")
        verbose_name_plural = _("行业主管部门")
        constraints = [
            models.UniqueConstraint(fields=["region", "industry"], name="industrysupervisor_one_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.industry} → {self.unit}"


class Enterprise(BaseModel):
    """企业 — a production or business unit with its 统一社会信用代码, place, industry and size."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所在区划")
    )
    county = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("县区"),
        editable=False,
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("行业")
    )
    # The high-risk categories as ",mining,dust_explosion," so one indexed-free LIKE finds a category on
    # both databases; is_high_risk is derived from it on every write.
    categories = models.CharField(_("高危类别"), max_length=300, blank=True, default="")
    is_high_risk = models.BooleanField(_("高危行业"), default=False, editable=False)
    employee_count = models.PositiveIntegerField(_("从业人员数"))
    is_crowded_place = models.BooleanField(_("人员密集场所"), default=False)
    in_chemical_park = models.BooleanField(_("位于化工园区"), default=False)
    has_major_hazard = models.BooleanField(_("有重大危险源"), default=False)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    actual_controller = models.CharField(_("实际控制人"), max_length=50, blank=True)
    principal = models.CharField(_("主要负责人"), max_length=50, blank=True)
    status = models.CharField(
        _("经营状态"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    supervising_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_enterprises",
        verbose_name=_("行业主管部门"),
        editable=False,
    )

    scope = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name"], name="enterprise_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("credit_code"), 18), name="enterprise_credit_code_18"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", kwargs={"public_id": self.public_id})

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def category_labels(self) -> list[str]:
        labels = dict(HighRiskCategory.choices)
        return [str(labels.get(c, c)) for c in self.category_list]

    # The outcome of the last evaluation lives in ComplianceSummary (a narrow table an evaluation rewrites
    # without touching this wide one); these read it, or say "not evaluated" when there is none.
    @property
    def compliance_summary(self) -> ComplianceSummary | None:
        try:
            return self.summary
        except ComplianceSummary.DoesNotExist:
            return None

    @property
    def compliance(self) -> str:
        summary = self.compliance_summary
        return summary.compliance if summary else ComplianceStatus.NOT_EVALUATED

    def get_compliance_display(self) -> str:
        return str(ComplianceStatus(self.compliance).label)

    @property
    def unmet_count(self) -> int:
        summary = self.compliance_summary
        return summary.unmet_count if summary else 0

    @property
    def evaluated_at(self) -> dt.datetime | None:
        summary = self.compliance_summary
        return summary.evaluated_at if summary else None


def categories_text(categories: list[str] | tuple[str, ...] | set[str]) -> str:
    """The stored form of a set of categories (",a,b," in the choices' order, or "")."""
    chosen = [c for c in HighRiskCategory.values if c in set(categories)]
    return f",{','.join(chosen)}," if chosen else ""


class EnterpriseRecordsAccess(Enterprise):
    """The enterprises whose records (保单, 预案, 演练 …) a user may keep: `restrict(user, "add")`."""

    scope = Scope(region="region__path", unit="supervising_unit_id", enterprise="pk", roles=RECORD_ROLES)

    class Meta:
        proxy = True
        verbose_name = _("企业记录")
        verbose_name_plural = _("企业记录")


class EnterpriseMembership(models.Model):
    """企业用户 — a user who keeps one enterprise's records (read by restrict() for Role.ENTERPRISE)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_memberships"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="enterprise__region__path", unit="enterprise__supervising_unit_id", roles=ENTERPRISE_ROLES
    )

    class Meta:
        verbose_name = _("企业用户")
        verbose_name_plural = _("企业用户")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class EnterpriseRecord(BaseModel):
    """A record an enterprise keeps about itself (abstract)."""

    scope = RECORD_SCOPE

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.enterprise.get_absolute_url()


class PlantArea(EnterpriseRecord):
    """厂区 — a plant area; each needs its own on-site drill."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="plant_areas")
    name = models.CharField(_("厂区名称"), max_length=100)

    class Meta:
        verbose_name = _("厂区")
        verbose_name_plural = _("厂区")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="plantarea_unique_name")]

    def __str__(self) -> str:
        return self.name


class SafetyPerson(EnterpriseRecord):
    """安全管理人员 — a safety director, full-time safety manager or registered safety engineer."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="safety_people")
    role = models.CharField(_("类别"), max_length=32, choices=SafetyRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    certificate = models.CharField(_("证书编号"), max_length=60, blank=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全管理人员")
        verbose_name_plural = _("安全管理人员")
        ordering = ["role", "-started_on"]
        indexes = [models.Index(fields=["enterprise", "role"], name="safetyperson_ent_role")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="safetyperson_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class SafetyCommittee(EnterpriseRecord):
    """安全生产委员会 — the enterprise's own safety committee."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.PROTECT, related_name="safety_committee")
    established_on = models.DateField(_("成立日期"))
    chair = models.CharField(_("主任"), max_length=50)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全生产委员会")
        verbose_name_plural = _("安全生产委员会")

    def __str__(self) -> str:
        return f"{self.enterprise} 安委会"


class CommitteeMeeting(EnterpriseRecord):
    """安委会会议 — a meeting of the enterprise's safety committee."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="committee_meetings")
    held_on = models.DateField(_("召开日期"))
    topic = models.CharField(_("议题"), max_length=200)
    minutes = models.TextField(_("会议纪要"), blank=True)

    class Meta:
        verbose_name = _("安委会会议")
        verbose_name_plural = _("安委会会议")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["enterprise", "held_on"], name="meeting_ent_held")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class InsurancePolicy(EnterpriseRecord):
    """安责险保单 — a work-safety liability policy: insurer, period, persons covered, cover per person."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="insurance_policies")
    insurer = models.CharField(_("保险机构"), max_length=100)
    policy_number = models.CharField(_("保单号"), max_length=60)
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"))
    persons_covered = models.PositiveIntegerField(_("参保人数"))
    cover_per_person = models.PositiveIntegerField(_("每人死亡伤残保额（元）"))

    class Meta:
        verbose_name = _("安责险保单")
        verbose_name_plural = _("安责险保单")
        ordering = ["-ends_on"]
        indexes = [models.Index(fields=["enterprise", "ends_on"], name="policy_ent_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="policy_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


class EmergencyPlan(EnterpriseRecord):
    """应急预案 — one plan of the enterprise, its version, publication and filing (备案)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="emergency_plans")
    kind = models.CharField(_("预案类别"), max_length=16, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=200)
    version = models.CharField(_("版本"), max_length=20, blank=True)
    published_on = models.DateField(_("公布日期"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_authority = models.CharField(_("备案机关"), max_length=100, blank=True)
    is_current = models.BooleanField(_("现行有效"), default=True)
    # Working-day ordinals (anze.enterprises.dates) so lateness is a subtraction in SQL.
    published_workday = models.IntegerField(editable=False, default=0)
    filed_workday = models.IntegerField(editable=False, null=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["kind", "-published_on"]
        indexes = [models.Index(fields=["enterprise", "is_current"], name="plan_ent_current")]
        constraints = [
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True) | Q(filed_on__gte=models.F("published_on")),
                name="plan_filed_after_published",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}".strip()


class Drill(EnterpriseRecord):
    """应急演练 — a drill: date, kind, plant area, participants and its report."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="drills")
    held_on = models.DateField(_("演练日期"))
    kind = models.CharField(_("演练类别"), max_length=16, choices=PlanKind.choices)
    plant_area = models.ForeignKey(
        PlantArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
        verbose_name=_("厂区"),
    )
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    report = models.TextField(_("演练总结"), blank=True)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on"]
        indexes = [
            models.Index(fields=["enterprise", "held_on"], name="drill_ent_held"),
            models.Index(fields=["plant_area", "kind", "held_on"], name="drill_area_kind_held"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class RescueArrangement(EnterpriseRecord):
    """应急救援 — the enterprise's own rescue team or its agreement with a professional team."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="rescue_arrangements")
    kind = models.CharField(_("方式"), max_length=16, choices=RescueKind.choices)
    name = models.CharField(_("队伍或协议单位"), max_length=150)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急救援")
        verbose_name_plural = _("应急救援")
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["enterprise", "valid_until"], name="rescue_ent_until")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class RuleSet(BaseModel):
    """规则集 — a versioned set of enterprise rules for a region, in force from a date."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区划")
    )
    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.TextField(_("依据"), blank=True)

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["region__path", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="ruleset_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:ruleset_detail", kwargs={"public_id": self.public_id})

    def can_edit(self) -> bool:
        return self.status == RuleSetStatus.DRAFT

    def can_publish(self) -> bool:
        return self.status == RuleSetStatus.DRAFT


class Rule(BaseModel):
    """规则 — who it applies to, what the records must show, how serious a miss is, and its clause."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="rules", verbose_name=_("规则集")
    )
    code = models.SlugField(_("代码"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    requirement = models.CharField(_("要求"), max_length=32, choices=Requirement.choices)
    condition = models.JSONField(_("适用条件"), default=dict, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    clause = models.ForeignKey(
        "plans.Clause",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprise_rules",
        verbose_name=_("方案条款"),
    )
    clause_ref = models.TextField(_("条款依据"), blank=True)
    task_number = models.CharField(_("任务编号"), max_length=10, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    scope = Scope(region="rule_set__region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("规则")
        verbose_name_plural = _("规则")
        ordering = ["rule_set", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_unique_code")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("enterprises:rule_detail", kwargs={"public_id": self.public_id})


class ComplianceResult(models.Model):
    """合规结果 — whether one enterprise meets one applicable rule, when that was found, and why."""

    # No single-column indexes: result_unique leads with enterprise, result_rule_met with rule, and each
    # index costs time on every one of the hundreds of thousands of rows an evaluation writes.
    # Derived data, like a materialized view: no database foreign keys (see docs/adr/0005), so a full
    # evaluation is one pass instead of a key check per written row. Deleting an enterprise or a rule
    # through Django still deletes its results, and every full evaluation replaces them all.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="results", db_index=False, db_constraint=False
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.CASCADE, related_name="results", db_index=False, db_constraint=False
    )
    is_met = models.BooleanField(_("满足"))
    reason = models.CharField(_("原因"), max_length=24, choices=Reason.choices)
    reason_date = models.DateField(_("相关日期"), null=True, blank=True)
    reason_value = models.BigIntegerField(_("相关数值"), null=True, blank=True)
    reason_label = models.CharField(_("相关记录"), max_length=200, blank=True, default="")
    evaluated_at = models.DateTimeField(_("评估时间"))

    objects = RestrictedQuerySet.as_manager()
    scope = EVALUATION_SCOPE

    class Meta:
        verbose_name = _("合规结果")
        verbose_name_plural = _("合规结果")
        constraints = [models.UniqueConstraint(fields=["enterprise", "rule"], name="result_unique")]
        indexes = [models.Index(fields=["rule", "is_met"], name="result_rule_met")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.rule_id}: {self.is_met}"

    def describe(self) -> str:
        """The reason in a sentence: which record is missing, expired or short, with its date or number."""
        when = self.reason_date.isoformat() if self.reason_date else ""
        value, label = self.reason_value, self.reason_label
        texts = {
            Reason.OK: _("符合") + (f"（{label}）" if label else ""),
            Reason.MISSING: _("没有相关记录"),
            Reason.EXPIRED: _("最近一项记录已于 %(d)s 到期") % {"d": when},
            Reason.NO_MEETING: _("期内未召开安委会会议")
            + (_("，最近一次在 %(d)s") % {"d": when} if when else ""),
            Reason.TOO_FEW_PERSONS: _("有效保单合计参保 %(n)s 人，少于从业人员数") % {"n": value},
            Reason.COVER_TOO_LOW: _("有效保单每人保额 %(n)s 元，低于最低标准") % {"n": value},
            Reason.FILED_LATE: _("“%(t)s”（%(d)s 公布）用了 %(n)s 个工作日才备案")
            % {"t": label, "d": when, "n": value},
            Reason.NOT_FILED: _("“%(t)s”（%(d)s 公布）已过 %(n)s 个工作日仍未备案")
            % {"t": label, "d": when, "n": value},
            Reason.STALE: _("期内没有演练，最近一次在 %(d)s") % {"d": when},
            Reason.AREA_WITHOUT_DRILL: _("厂区“%(t)s”期内没有现场处置演练") % {"t": label},
            Reason.HAZARD_FILED_LATE: _("重大危险源“%(t)s”（%(d)s 完成评估）未在 %(n)s 日内备案")
            % {"t": label, "d": when, "n": value},
            Reason.HAZARD_NOT_FILED: _("重大危险源“%(t)s”（%(d)s 完成评估）超过 %(n)s 日仍未备案")
            % {"t": label, "d": when, "n": value},
            Reason.EVALUATION_DUE: _("重大危险源“%(t)s”上次安全评估在 %(d)s，已超过 %(n)s 年未重新评估")
            % {"t": label, "d": when, "n": value},
        }
        if self.reason in texts:
            return str(texts[self.reason])
        return str(Reason(self.reason).label) if self.reason in Reason.values else self.reason


class ComplianceSummary(models.Model):
    """合规汇总 — an enterprise's overall outcome of its last evaluation (only evaluated ones have a row).

    Derived from ComplianceResult by every evaluation, in a narrow table of its own so that rewriting it
    for 200,000 enterprises does not rewrite 200,000 wide enterprise rows and their indexes.
    """

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, primary_key=True, related_name="summary", db_constraint=False
    )
    compliance = models.CharField(_("合规状态"), max_length=16, choices=ComplianceStatus.choices)
    unmet_count = models.PositiveIntegerField(_("未满足规则数"))
    evaluated_at = models.DateTimeField(_("评估时间"))

    objects = RestrictedQuerySet.as_manager()
    scope = EVALUATION_SCOPE

    class Meta:
        verbose_name = _("合规汇总")
        verbose_name_plural = _("合规汇总")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.compliance}"
