"""Inspections, their checks and findings, and penalty decisions with their disclosure."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.enforcement.choices import (
    CheckResult,
    FindingKind,
    InspectionKind,
    InspectionStatus,
    PartyKind,
    PenaltyType,
)
from anze.enforcement.disclosure import mask_name
from anze.enforcement.models._roles import ACCIDENT_ROLES
from anze.enforcement.models.draws import DrawSelection, InspectionItem, InspectionPlan, Inspector


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


class InspectionPhoto(BaseModel):
    """检查照片 — evidence taken on site, of the inspection or of one finding; stored re-encoded without
    metadata under its SM3 digest, served only as a download to those who may see the inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    finding = models.ForeignKey(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("问题"),
    )
    file = models.FileField(_("文件"), upload_to="photos/", max_length=200)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(
        region="inspection__region_path",
        unit="inspection__supervising_unit_id",
        enterprise="inspection__enterprise_id",
        roles=ACCIDENT_ROLES,
    )

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["id"]
        # The upload rate limit counts a user's photos of the last hour.
        indexes = [models.Index(fields=["uploaded_by", "created_at"], name="inspection_photo_uploader")]

    def __str__(self) -> str:
        return f"{self.inspection} {self.sm3[:12]}"


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
    aggravated_fine = models.BooleanField(
        _("情节特别严重，按《安全生产法》第一百一十四条处2至5倍罚款"),
        default=False,
        help_text=_("严重失信主体名单的列入情形"),
    )
    agency_misconduct = models.BooleanField(
        _("中介机构出租出借资质、挂靠或出具虚假报告、证书"),
        default=False,
        help_text=_("安全评价、认证、检测、检验机构；严重失信主体名单的列入情形"),
    )
    refused_enforcement = models.BooleanField(
        _("有履行能力而拒不履行、逃避执行"),
        default=False,
        help_text=_("严重失信主体名单的列入情形；处罚决定作出后查实时记录"),
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
            # The public search walks published decisions newest decision first (disclosure_search).
            models.Index(
                fields=["-decided_on", "-id"],
                condition=Q(published_on__isnull=False),
                name="penalty_public_order",
            ),
            models.Index(
                fields=["county", "-decided_on", "-id"],
                condition=Q(published_on__isnull=False),
                name="penalty_public_county",
            ),
            models.Index(
                fields=["credit_code", "-decided_on", "-id"],
                condition=Q(published_on__isnull=False),
                name="penalty_public_credit_code",
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
