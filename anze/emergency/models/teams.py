"""Rescue teams (救援队伍): members and their certificates, equipment, station checks, agreements."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.emergency.choices import EquipmentCondition, Readiness, StationLevel, TeamKind, TeamStatus
from anze.emergency.models._scopes import TEAM_PART_SCOPE, TEAM_SCOPE
from anze.enterprises.models import RECORD_ROLES


def _coordinates_valid(prefix: str = "") -> Q:
    return Q(**{f"{prefix}latitude__gte": -90, f"{prefix}latitude__lte": 90}) & Q(
        **{f"{prefix}longitude__gte": -180, f"{prefix}longitude__lte": 180}
    )


class RescueTeam(BaseModel):
    """救援队伍 — a rescue team of any kind: its base, owner, station level and readiness (战备状态)."""

    name = models.CharField(_("队伍名称"), max_length=150, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=TeamKind.choices)
    station_level = models.CharField(
        _("消防站等级"), max_length=12, choices=StationLevel.choices, blank=True, default=""
    )
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划")
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主管单位"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属企业"),
    )
    address = models.CharField(_("驻地"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    phone = models.CharField(_("值班电话"), max_length=40, blank=True)
    specialties = models.CharField(_("专长"), max_length=200, blank=True)
    readiness = models.CharField(
        _("战备状态"), max_length=12, choices=Readiness.choices, default=Readiness.READY
    )
    readiness_note = models.CharField(_("战备说明"), max_length=200, blank=True)
    readiness_at = models.DateTimeField(_("战备状态更新时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=TeamStatus.choices, default=TeamStatus.ACTIVE)
    disbanded_on = models.DateField(_("撤销日期"), null=True, blank=True)
    # The enterprise's own-team record an enterprise team keeps in the enterprise's file (the rescue rule reads it).
    arrangement = models.OneToOneField(
        "enterprises.RescueArrangement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业救援记录"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    scope = TEAM_SCOPE

    class Meta:
        verbose_name = _("救援队伍")
        verbose_name_plural = _("救援队伍")
        ordering = ["region__path", "name"]
        indexes = [models.Index(fields=["kind", "status"], name="team_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=TeamKind.FIRE_STATION) | ~Q(station_level=""),
                name="team_station_has_level",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TeamKind.ENTERPRISE) | Q(enterprise__isnull=False),
                name="team_enterprise_team_has_enterprise",
            ),
            models.CheckConstraint(condition=_coordinates_valid(), name="team_coordinates_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:team_detail", kwargs={"public_id": self.public_id})

    @property
    def readiness_choice(self) -> Readiness:
        return Readiness(self.readiness)

    @property
    def status_choice(self) -> TeamStatus:
        return TeamStatus(self.status)


class TeamMember(BaseModel):
    """队员 — a member of a rescue team, with post and phone; certificates below."""

    team = models.ForeignKey(
        RescueTeam, on_delete=models.PROTECT, related_name="members", verbose_name=_("队伍")
    )
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    joined_on = models.DateField(_("入队日期"), null=True, blank=True)
    left_on = models.DateField(_("离队日期"), null=True, blank=True)

    scope = TEAM_PART_SCOPE

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["team", "name", "id"]
        indexes = [models.Index(fields=["team", "left_on"], name="member_team_left")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.team.get_absolute_url()


class MemberCertificate(BaseModel):
    """队员证书 — a certification a member holds (救援员, 特种作业 …) and when it expires."""

    member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("队员")
    )
    name = models.CharField(_("证书名称"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"))
    # Claimed by the alerts job once per expiry date (cleared when the certificate is renewed).
    alerted_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True, editable=False)

    scope = Scope(
        region="member__team__region__path",
        unit="member__team__owner_unit_id",
        enterprise="member__team__enterprise_id",
        roles=TEAM_SCOPE.roles,
    )

    class Meta:
        verbose_name = _("队员证书")
        verbose_name_plural = _("队员证书")
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["alerted_at", "expires_on"], name="certificate_alert_due")]

    def __str__(self) -> str:
        return f"{self.name} {self.number}".strip()

    def get_absolute_url(self) -> str:
        return self.member.team.get_absolute_url()


class TeamEquipment(BaseModel):
    """装备 — equipment of a team: the checklist code it counts for, quantity, condition and inspections."""

    team = models.ForeignKey(
        RescueTeam, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("队伍")
    )
    code = models.SlugField(_("标准条目代码"), max_length=40, blank=True)
    name = models.CharField(_("装备名称"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    condition = models.CharField(
        _("状况"), max_length=12, choices=EquipmentCondition.choices, default=EquipmentCondition.GOOD
    )
    last_inspected_on = models.DateField(_("最近检验日期"), null=True, blank=True)
    next_inspection_on = models.DateField(_("下次检验日期"), null=True, blank=True)

    scope = TEAM_PART_SCOPE

    class Meta:
        verbose_name = _("装备")
        verbose_name_plural = _("装备")
        ordering = ["team", "code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_inspection_on__isnull=True)
                | Q(last_inspected_on__isnull=True)
                | Q(next_inspection_on__gte=models.F("last_inspected_on")),
                name="equipment_inspections_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.quantity}"

    def get_absolute_url(self) -> str:
        return self.team.get_absolute_url()


class StationAssessment(BaseModel):
    """达标评估 — a station checked against its standard's checklist; the gaps and the work item they raised."""

    team = models.ForeignKey(
        RescueTeam, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("队伍")
    )
    standard = models.CharField(_("标准"), max_length=40)
    assessed_on = models.DateField(_("评估日期"))
    gaps = models.JSONField(_("差距"), default=list, blank=True)
    occurrence = models.ForeignKey(
        "duties.Occurrence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("整改事项"),
    )

    scope = TEAM_PART_SCOPE

    class Meta:
        verbose_name = _("达标评估")
        verbose_name_plural = _("达标评估")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return self.team.get_absolute_url()


class RescueAgreement(BaseModel):
    """救援协议 — an enterprise without its own team signs with a team; its term lives in the enterprise's
    rescue record (enterprises.RescueArrangement), which the enterprise rule `rescue` reads."""

    arrangement = models.OneToOneField(
        "enterprises.RescueArrangement",
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("企业救援记录"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    team = models.ForeignKey(
        RescueTeam, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("救援队伍")
    )
    number = models.CharField(_("协议编号"), max_length=60, blank=True)
    signed_on = models.DateField(_("签订日期"))
    alerted_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True, editable=False)

    scope = Scope(
        region="enterprise__region__path",
        unit="team__owner_unit_id",
        enterprise="enterprise_id",
        roles=RECORD_ROLES,
    )

    class Meta:
        verbose_name = _("救援协议")
        verbose_name_plural = _("救援协议")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} ↔ {self.team}"

    def get_absolute_url(self) -> str:
        return self.team.get_absolute_url()

    @property
    def valid_from(self):
        return self.arrangement.valid_from

    @property
    def valid_until(self):
        return self.arrangement.valid_until
