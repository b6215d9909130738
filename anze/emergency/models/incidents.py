"""Incidents (突发事件) and the supplies and teams sent to them: request → allocation → dispatch → receipt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import Scope
from anze.emergency.choices import AllocationStatus, DeploymentStatus, DispatchStatus, IncidentStatus
from anze.emergency.models._scopes import INCIDENT_ROLES
from anze.emergency.models.teams import _coordinates_valid


class Incident(BaseModel):
    """突发事件 — an incident being handled: where, since when, who leads, and the road factor used."""

    title = models.CharField(_("事件名称"), max_length=200)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发生区划")
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("牵头处置单位"),
    )
    place = models.CharField(_("地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    occurred_at = models.DateTimeField(_("发生时间"))
    description = models.TextField(_("简要情况"), blank=True)
    # The estimate road distance = straight line × this factor (no online map service); kept per incident
    # so a suggestion can be explained later.
    road_factor = models.DecimalField(_("道路系数"), max_digits=4, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope = Scope(region="region__path", unit="lead_unit_id", roles=INCIDENT_ROLES)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_coordinates_valid(), name="incident_coordinates_valid"),
            models.CheckConstraint(condition=Q(road_factor__gte=1), name="incident_road_factor_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:incident_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> IncidentStatus:
        return IncidentStatus(self.status)


class SupplyRequest(BaseModel):
    """物资需求 — the scene asks for a quantity of an item; allocations cover it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="requests", verbose_name=_("突发事件")
    )
    item = models.ForeignKey(
        "emergency.SupplyItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("品目")
    )
    quantity = models.PositiveIntegerField(_("需求数量"))
    needed_by = models.DateTimeField(_("需求时间"), null=True, blank=True)
    requested_at = models.DateTimeField(_("提出时间"))
    requested_by = models.CharField(_("提出人"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope = Scope(region="incident__region__path", unit="incident__lead_unit_id", roles=INCIDENT_ROLES)

    class Meta:
        verbose_name = _("物资需求")
        verbose_name_plural = _("物资需求")
        ordering = ["requested_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="request_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.item.name} × {self.quantity}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url()


class Dispatch(BaseModel):
    """配送 — one vehicle's trip from a depot to the scene carrying allocations; departure, arrival, 签收."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("突发事件")
    )
    depot = models.ForeignKey(
        "emergency.Depot", on_delete=models.PROTECT, related_name="+", verbose_name=_("发出库")
    )
    vehicle = models.CharField(_("车辆"), max_length=30)
    driver = models.CharField(_("驾驶员"), max_length=50, blank=True)
    driver_phone = models.CharField(_("驾驶员电话"), max_length=40, blank=True)
    departed_at = models.DateTimeField(_("出发时间"))
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.CharField(_("签收人"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.EN_ROUTE
    )

    scope = Scope(region="incident__region__path", unit="depot__owner_unit_id", roles=INCIDENT_ROLES)

    class Meta:
        verbose_name = _("配送")
        verbose_name_plural = _("配送")
        ordering = ["departed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True) | Q(arrived_at__gte=F("departed_at")),
                name="dispatch_arrives_after_departure",
            ),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(received_at__gte=F("departed_at")),
                name="dispatch_received_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.departed_at:%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url()

    @property
    def status_choice(self) -> DispatchStatus:
        return DispatchStatus(self.status)


class Allocation(BaseModel):
    """调拨 — a quantity of one batch set aside for a request, then dispatched, received, and consumed or
    returned. The quantities after receipt say where every unit went: consumed + returned = quantity."""

    request = models.ForeignKey(
        SupplyRequest, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("物资需求")
    )
    batch = models.ForeignKey(
        "emergency.StockBatch", on_delete=models.PROTECT, related_name="allocations", verbose_name=_("批次")
    )
    quantity = models.PositiveIntegerField(_("调拨数量"))
    distance_km = models.DecimalField(_("估算路程（公里）"), max_digits=8, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.ALLOCATED
    )
    dispatch = models.ForeignKey(
        Dispatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("配送"),
    )
    allocated_at = models.DateTimeField(_("调拨时间"))
    consumed = models.PositiveIntegerField(_("消耗数量"), default=0)
    returned = models.PositiveIntegerField(_("回收数量"), default=0)
    settled_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    scope = Scope(
        region="request__incident__region__path", unit="batch__depot__owner_unit_id", roles=INCIDENT_ROLES
    )

    class Meta:
        verbose_name = _("调拨")
        verbose_name_plural = _("调拨")
        ordering = ["allocated_at", "id"]
        indexes = [models.Index(fields=["status"], name="allocation_status")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_quantity_positive"),
            models.CheckConstraint(
                condition=Q(consumed__lte=F("quantity") - F("returned")),
                name="allocation_settled_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} × {self.quantity}"

    def get_absolute_url(self) -> str:
        return self.request.incident.get_absolute_url()

    @property
    def status_choice(self) -> AllocationStatus:
        return AllocationStatus(self.status)


class TeamDeployment(BaseModel):
    """出动 — a rescue team sent to an incident: when it left, arrived and came back, and with how many people."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("突发事件")
    )
    team = models.ForeignKey(
        "emergency.RescueTeam",
        on_delete=models.PROTECT,
        related_name="deployments",
        verbose_name=_("救援队伍"),
    )
    people = models.PositiveIntegerField(_("出动人数"))
    vehicles = models.PositiveIntegerField(_("出动车辆"), default=0)
    distance_km = models.DecimalField(_("估算路程（公里）"), max_digits=8, decimal_places=1)
    sent_at = models.DateTimeField(_("派出时间"))
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("归队时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeploymentStatus.choices, default=DeploymentStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(region="incident__region__path", unit="team__owner_unit_id", roles=INCIDENT_ROLES)

    class Meta:
        verbose_name = _("队伍出动")
        verbose_name_plural = _("队伍出动")
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True) | Q(arrived_at__gte=F("sent_at")),
                name="deployment_arrives_after_sending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.incident}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url()

    @property
    def status_choice(self) -> DeploymentStatus:
        return DeploymentStatus(self.status)
