"""Assessment (考核): schemes per year and jurisdiction, the bodies assessed, items and how each is scored,
veto rule sets (一票否决), hand entries and self-assessments, the year's results (frozen on publication),
appeals and the awards list (评先树优)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.assessment import judging
from anze.assessment.choices import (
    AccidentGradeFloor,
    AppealStatus,
    BodyKind,
    EntryStatus,
    ResultGrade,
    RunStatus,
    ScoringMethod,
    VetoCondition,
    VetoOutcome,
)
from anze.core.models import BaseModel
from anze.core.restrict import Scope

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
# Schemes and rule sets are the office's; every official in the region may read them (they are published).
CONFIG_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
# Results: the office computes and publishes; a county office, a leader and the auditor read those in their
# area; an assessed unit reads its own.
RESULT_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
# Self-assessments, hand entries and appeals: the assessed unit writes its own, the office reviews.
ENTRY_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _EDIT,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
POINTS = {"max_digits": 6, "decimal_places": 2}


class Scheme(BaseModel):
    """考核方案 — who is assessed in a year and jurisdiction, on which items; each revision a new version."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=200)
    basis = models.CharField(_("依据文件"), max_length=300, blank=True)
    pass_score = models.DecimalField(_("合格分"), **POINTS, default=Decimal(60))
    excellent_score = models.DecimalField(_("优秀分"), **POINTS, null=True, blank=True)
    appeal_days = models.PositiveSmallIntegerField(_("申诉期限（日）"), default=7)
    veto_rule_set = models.ForeignKey(
        "VetoRuleSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name=_("一票否决规则"),
    )
    reason = models.TextField(_("版本说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(region="region__path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "region__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="scheme_unique_version"),
            models.CheckConstraint(condition=Q(pass_score__gte=0), name="scheme_pass_score_not_negative"),
            models.CheckConstraint(
                condition=Q(excellent_score__isnull=True) | Q(excellent_score__gte=models.F("pass_score")),
                name="scheme_excellent_above_pass",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme_detail", kwargs={"public_id": self.public_id})


class AssessedBody(BaseModel):
    """被考核对象 — a county, a city department, a state enterprise or a specialized committee."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="bodies", verbose_name=_("方案")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=BodyKind.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业档案"),
        help_text=_("市属国有企业填写，用于统计其事故"),
    )
    committee = models.ForeignKey(
        "org.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("专业委员会"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    scope = Scope(region="unit__region__path", unit="unit_id", roles=RESULT_ROLES)

    class Meta:
        verbose_name = _("被考核对象")
        verbose_name_plural = _("被考核对象")
        ordering = ["scheme", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind", "unit"], name="assessedbody_unique_unit"),
            models.CheckConstraint(
                condition=~Q(kind=BodyKind.STATE_ENTERPRISE) | Q(enterprise__isnull=False),
                name="assessedbody_enterprise_has_record",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BodyKind.COMMITTEE) | Q(committee__isnull=False),
                name="assessedbody_committee_named",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == BodyKind.COMMITTEE and self.committee_id:
            return str(self.committee)
        return str(self.unit)


class Item(BaseModel):
    """考核项目 — points and how they are scored: from Anze's facts, a reviewed hand entry, per occurrence."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("方案"))
    order = models.PositiveIntegerField(_("顺序"))
    key = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("考核内容"), max_length=200)
    points = models.DecimalField(_("分值"), **POINTS)
    method = models.CharField(_("计分方法"), max_length=12, choices=ScoringMethod.choices)
    fact = models.CharField(_("数据来源"), max_length=60, blank=True)
    target = models.DecimalField(_("满分线（%）"), **POINTS, null=True, blank=True)
    floor = models.DecimalField(_("零分线（%）"), **POINTS, null=True, blank=True)
    bands = models.JSONField(_("分档"), default=list, blank=True, help_text=_("[[下限, 得分], …]"))
    per = models.DecimalField(_("每次分值"), **POINTS, null=True, blank=True)
    cap = models.DecimalField(_("扣分上限"), **POINTS, null=True, blank=True)
    pass_mark = models.DecimalField(_("及格分"), **POINTS, null=True, blank=True)
    kinds = models.JSONField(_("适用对象"), default=list, blank=True)
    criteria = models.TextField(_("评分标准"), blank=True)

    scope = Scope(region="scheme__region__path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="item_unique_key"),
            models.CheckConstraint(condition=Q(points__gt=0), name="item_points_positive"),
            models.CheckConstraint(
                condition=Q(method=ScoringMethod.MANUAL) | ~Q(fact=""), name="item_fact_unless_manual"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    def spec(self) -> judging.ItemSpec:
        return judging.ItemSpec(
            key=self.key,
            title=self.title,
            points=self.points,
            method=self.method,
            fact=self.fact,
            target=self.target,
            floor=self.floor,
            bands=tuple((Decimal(str(a)), Decimal(str(b))) for a, b in self.bands or []),
            per=self.per,
            cap=self.cap,
            pass_mark=self.pass_mark,
            kinds=frozenset(self.kinds or []),
        )


class VetoRuleSet(BaseModel):
    """一票否决规则集 — a jurisdiction's rules for a year, with the counting window (e.g. 12-01 to 11-30)."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=200)
    basis = models.CharField(_("依据文件"), max_length=300, blank=True)
    window_start = models.DateField(_("统计期起"))
    window_end = models.DateField(_("统计期止"))

    scope = Scope(region="region__path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("一票否决规则集")
        verbose_name_plural = _("一票否决规则集")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="vetoruleset_unique_version"),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="vetoruleset_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class VetoRule(BaseModel):
    """否决情形 — a condition over recorded facts, the bodies it applies to, and its outcome."""

    rule_set = models.ForeignKey(
        VetoRuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("规则集")
    )
    order = models.PositiveIntegerField(_("顺序"))
    key = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("情形"), max_length=200)
    kinds = models.JSONField(_("适用对象"), default=list, blank=True)
    condition = models.CharField(_("条件"), max_length=20, choices=VetoCondition.choices)
    grade = models.CharField(
        _("事故等级"), max_length=20, choices=AccidentGradeFloor.choices, default=AccidentGradeFloor.GENERAL
    )
    at_least = models.PositiveSmallIntegerField(_("达到数量"), default=1)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=[c for c in VetoOutcome.choices if c[0] != VetoOutcome.NONE]
    )

    scope = Scope(region="rule_set__region__path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("否决情形")
        verbose_name_plural = _("否决情形")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "key"], name="vetorule_unique_key"),
            models.CheckConstraint(condition=Q(at_least__gte=1), name="vetorule_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    def spec(self) -> judging.RuleSpec:
        return judging.RuleSpec(
            key=self.key,
            title=self.title,
            outcome=self.outcome,
            condition=self.condition,
            grade=self.grade,
            at_least=self.at_least,
            kinds=frozenset(self.kinds or []),
        )


class Entry(BaseModel):
    """自评 — the body's own score for an item with its evidence, reviewed by the office like a report; for a
    hand-entered item (e.g. 专题询问) the accepted entry is the score."""

    body = models.ForeignKey(AssessedBody, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="entries", verbose_name=_("项目"))
    score = models.DecimalField(_("自评分"), **POINTS)
    note = models.TextField(_("自评说明"))
    evidence = models.FileField(_("佐证材料"), upload_to="assessment/", max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    scope = Scope(region="body__unit__region__path", unit="body__unit_id", roles=ENTRY_ROLES)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        ordering = ["body", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["body", "item"], name="entry_once_per_item"),
            models.CheckConstraint(condition=Q(score__gte=0), name="entry_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.item.key}"

    @property
    def status_choice(self) -> EntryStatus:
        return EntryStatus(self.status)


class EntryEvidence(BaseModel):
    """自评佐证材料 — one file of a self-assessment entry, checked by its content like a report's evidence and
    stored under its SM3 digest; served only through a view that checks the digest."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files", verbose_name=_("自评"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    file = models.FileField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(region="entry__body__unit__region__path", unit="entry__body__unit_id", roles=ENTRY_ROLES)

    class Meta:
        verbose_name = _("自评佐证材料")
        verbose_name_plural = _("自评佐证材料")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("assessment:entry_evidence", kwargs={"public_id": self.public_id})


class SelfAssessment(BaseModel):
    """自评报送 — the body's self-assessment submitted as a whole (every item it is assessed on); its entries are
    locked from then on, except one the office returns, which is submitted again."""

    body = models.OneToOneField(
        AssessedBody, on_delete=models.CASCADE, related_name="self_assessment", verbose_name=_("被考核对象")
    )
    total = models.DecimalField(_("自评总分"), **POINTS)
    note = models.TextField(_("自评总结"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))

    scope = Scope(region="body__unit__region__path", unit="body__unit_id", roles=ENTRY_ROLES)

    class Meta:
        verbose_name = _("自评报送")
        verbose_name_plural = _("自评报送")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="selfassessment_total_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.body} 自评"

    def get_absolute_url(self) -> str:
        return reverse("assessment:body_entries", kwargs={"public_id": self.body.public_id})


class Run(BaseModel):
    """考核结果 — one computation of a scheme's year; frozen when published, corrected by a new version."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("方案"))
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    reason = models.TextField(_("更正理由"), blank=True)
    as_of = models.DateField(_("数据截至"))
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_until = models.DateField(_("申诉截止"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更正前版本"),
    )
    rollup = models.JSONField(_("分管领导汇总"), default=list)

    scope = Scope(region="scheme__region__path", roles=RESULT_ROLES)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="run_unique_number"),
            models.UniqueConstraint(
                fields=["scheme"], condition=Q(status=RunStatus.PUBLISHED), name="run_one_published"
            ),
            models.CheckConstraint(
                condition=Q(status=RunStatus.DRAFT) | Q(published_at__isnull=False),
                name="run_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year}年 {self.scheme.name} 第{self.number}版"

    def get_absolute_url(self) -> str:
        return reverse("assessment:run_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> RunStatus:
        return RunStatus(self.status)


class BodyResult(BaseModel):
    """一个对象的考核结果 — total, rank, 等次, veto outcome, and the frozen facts and explanation behind them."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results", verbose_name=_("考核结果"))
    body = models.ForeignKey(AssessedBody, on_delete=models.PROTECT, related_name="results")
    total = models.DecimalField(_("总分"), **POINTS)
    rank = models.PositiveIntegerField(_("名次"))
    grade = models.CharField(_("等次"), max_length=12, choices=ResultGrade.choices)
    outcome = models.CharField(_("否决结果"), max_length=10, choices=VetoOutcome.choices)
    facts = models.JSONField(_("冻结的事实"))
    items = models.JSONField(_("各项得分及依据"))
    hits = models.JSONField(_("触发的否决情形"), default=list)
    leaders = models.JSONField(_("主要负责人"), default=list)
    last_total = models.DecimalField(_("上年总分"), **POINTS, null=True, blank=True)
    last_rank = models.PositiveIntegerField(_("上年名次"), null=True, blank=True)

    scope = Scope(region="body__unit__region__path", unit="body__unit_id", roles=RESULT_ROLES)

    class Meta:
        verbose_name = _("对象考核结果")
        verbose_name_plural = _("对象考核结果")
        ordering = ["run", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "body"], name="bodyresult_once_per_run")]
        indexes = [models.Index(fields=["run", "outcome"], name="bodyresult_run_outcome")]

    def __str__(self) -> str:
        return f"{self.body} · {self.total}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:result_detail", kwargs={"public_id": self.public_id})

    @property
    def outcome_choice(self) -> VetoOutcome:
        return VetoOutcome(self.outcome)

    @property
    def grade_choice(self) -> ResultGrade:
        return ResultGrade(self.grade)


class Appeal(BaseModel):
    """申诉 — a body's appeal against a published result (or one item of it), within the deadline, decided."""

    result = models.ForeignKey(BodyResult, on_delete=models.PROTECT, related_name="appeals")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("项目")
    )
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("申诉时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    decision = models.TextField(_("裁定意见"), blank=True)
    adjusted_score = models.DecimalField(_("裁定分数"), **POINTS, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)

    scope = Scope(region="result__body__unit__region__path", unit="result__body__unit_id", roles=ENTRY_ROLES)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adjusted_score__isnull=True) | Q(item__isnull=False),
                name="appeal_adjusts_an_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result.body} 申诉"

    @property
    def status_choice(self) -> AppealStatus:
        return AppealStatus(self.status)


class Award(BaseModel):
    """评先树优 — a nomination of a unit or a person for a year's award, refused when vetoed."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("荣誉名称"), max_length=200)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("个人"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(region="region__path", roles=RESULT_ROLES)

    class Meta:
        verbose_name = _("评先树优")
        verbose_name_plural = _("评先树优")
        ordering = ["-year", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, person__isnull=True)
                | Q(unit__isnull=True, person__isnull=False),
                name="award_unit_or_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title} · {self.unit or self.person}"
