"""Models of the public portal: tips (举报), their photos, reward rules and rewards, disclosures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.public.choices import AccidentGrade, RewardStatus, TipKind, TipStatus
from anze.public.rewards import RewardTerms

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
_NONE: frozenset[str] = frozenset()

# Reports are handled by the office (受理), county offices for their counties, and the department they are
# assigned to (核查). Enterprises never see them (a report may be about them).
TIP_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: frozenset({"view", "change"}),
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.INSPECTOR.value: _NONE,
    Role.ENTERPRISE.value: _NONE,
}
REWARD_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.UNIT.value: _NONE,
    Role.INSPECTOR.value: _NONE,
    Role.ENTERPRISE.value: _NONE,
}
CONFIG_ROLES = {Role.OFFICE.value: _ALL, Role.COUNTY.value: _VIEW, Role.AUDITOR.value: _VIEW}


class Tip(BaseModel):
    """举报 — a public report; identity only when the reporter opts in, and then encrypted (SM4-GCM)."""

    tracking_hash = models.CharField(_("查询码摘要"), max_length=64, unique=True, editable=False)
    kind = models.CharField(_("举报类别"), max_length=24, choices=TipKind.choices)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在县区")
    )
    subject = models.CharField(_("被举报单位或场所"), max_length=200)
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("举报内容"))
    # The real-name block: only a flag in clear; name, phone and ID are one SM4-GCM ciphertext.
    is_real_name = models.BooleanField(_("实名举报"), default=False, editable=False)
    identity_ciphertext = models.BinaryField(_("实名信息（加密）"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=TipStatus.choices, default=TipStatus.SUBMITTED, editable=False
    )
    assigned_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("核查部门"),
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        editable=False,
        verbose_name=_("重复于"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("涉及企业"),
    )
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("核查人"),
    )
    verification_note = models.TextField(_("核查情况"), blank=True, editable=False)
    public_reply = models.TextField(_("答复"), blank=True, editable=False)
    hidden_danger = models.ForeignKey(
        "prevention.HiddenDanger",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("转为隐患"),
    )

    scope = Scope(region="region__path", unit="assigned_unit_id", roles=TIP_ROLES)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="tip_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_real_name=False, identity_ciphertext__isnull=True)
                | Q(is_real_name=True, identity_ciphertext__isnull=False),
                name="tip_identity_only_when_real_name",
            ),
            models.CheckConstraint(
                condition=~Q(status=TipStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="tip_duplicate_names_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()} · {self.subject}"

    @property
    def reference(self) -> str:
        """举报编号 for the office's pages (JB + year + serial); the reporter's tracking code is another, secret thing."""
        return f"JB{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else ""

    def get_absolute_url(self) -> str:
        return reverse("tips:tip_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> TipStatus:
        return TipStatus(self.status)


class TipPhoto(BaseModel):
    """举报照片 — re-encoded without metadata; stored under its SM3 digest."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to="photos/", max_length=200)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)

    scope = Scope(region="tip__region__path", unit="tip__assigned_unit_id", roles=TIP_ROLES)

    class Meta:
        verbose_name = _("举报照片")
        verbose_name_plural = _("举报照片")

    def __str__(self) -> str:
        return self.sm3


class RewardRule(BaseModel):
    """举报奖励标准 — versioned amounts, region-scoped, in force from a date (安监总财〔2018〕19号 defaults)."""

    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用区划"),
    )
    effective_from = models.DateField(_("生效日期"))
    rate = models.DecimalField(_("罚款比例"), max_digits=5, decimal_places=4, default=Decimal("0.15"))
    minimum = models.DecimalField(_("最低奖励"), max_digits=12, decimal_places=2, default=Decimal("3000"))
    maximum = models.DecimalField(_("最高奖励"), max_digits=12, decimal_places=2, default=Decimal("300000"))
    per_death_general = models.DecimalField(
        _("一般事故每人"), max_digits=12, decimal_places=2, default=Decimal("30000")
    )
    per_death_larger = models.DecimalField(
        _("较大事故每人"), max_digits=12, decimal_places=2, default=Decimal("40000")
    )
    per_death_major = models.DecimalField(
        _("重大事故每人"), max_digits=12, decimal_places=2, default=Decimal("50000")
    )
    per_death_especially_major = models.DecimalField(
        _("特别重大事故每人"), max_digits=12, decimal_places=2, default=Decimal("60000")
    )
    accident_cap = models.DecimalField(
        _("瞒报事故奖励上限"), max_digits=12, decimal_places=2, default=Decimal("300000")
    )
    source = models.CharField(_("依据"), max_length=200, default="安监总财〔2018〕19号")

    scope = Scope(region="region__path", internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("奖励标准")
        verbose_name_plural = _("奖励标准")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "effective_from"],
                condition=Q(region__isnull=False),
                name="reward_rule_region_date",
            ),
            models.UniqueConstraint(
                fields=["effective_from"], condition=Q(region__isnull=True), name="reward_rule_default_date"
            ),
            models.CheckConstraint(
                condition=Q(minimum__lte=models.F("maximum")), name="reward_rule_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.effective_from}"

    def terms(self) -> RewardTerms:
        return RewardTerms(
            rate=self.rate,
            minimum=self.minimum,
            maximum=self.maximum,
            per_death={
                AccidentGrade.GENERAL.value: self.per_death_general,
                AccidentGrade.LARGER.value: self.per_death_larger,
                AccidentGrade.MAJOR.value: self.per_death_major,
                AccidentGrade.ESPECIALLY_MAJOR.value: self.per_death_especially_major,
            },
            accident_cap=self.accident_cap,
        )


class Reward(BaseModel):
    """举报奖励 — computed by rule for a verified report; approved by another person, then paid."""

    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="reward", verbose_name=_("举报"))
    rule = models.ForeignKey(
        RewardRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("奖励标准"),
    )
    fine = models.DecimalField(_("罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    accident_grade = models.CharField(_("事故等级"), max_length=20, choices=AccidentGrade.choices, blank=True)
    concealed_deaths = models.PositiveIntegerField(_("核实瞒报死亡人数"), null=True, blank=True)
    amount = models.DecimalField(_("奖励金额"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=RewardStatus.choices, default=RewardStatus.PROPOSED, editable=False
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("拟定人")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=100, blank=True)

    scope = Scope(region="tip__region__path", roles=REWARD_ROLES)

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="reward_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="reward_approver_not_proposer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tip} ¥{self.amount}"

    @property
    def status_choice(self) -> RewardStatus:
        return RewardStatus(self.status)


class Disclosure(BaseModel):
    """典型重大隐患曝光 — an office-written text about a major hidden danger, shown on the public portal."""

    hidden_danger = models.ForeignKey(
        "prevention.HiddenDanger", on_delete=models.PROTECT, related_name="+", verbose_name=_("隐患")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("曝光内容"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True, editable=False)

    scope = Scope(region="hidden_danger__region_path", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("隐患曝光")
        verbose_name_plural = _("隐患曝光")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None


class RateCounter(models.Model):
    """Submissions per hashed client address per time window (abuse limit; no address kept in clear)."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("举报频率计数")
        verbose_name_plural = _("举报频率计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.window_start} {self.count}"
