"""Supplies reserve (应急物资储备): the catalogue, depots, batches and their ledger, minimum levels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.emergency.choices import DepotKind, MoveKind
from anze.emergency.models._scopes import CONFIG_ROLES, DEPOT_SCOPE, HOLDER_ROLES
from anze.emergency.models.teams import _coordinates_valid


class SupplyItem(BaseModel):
    """物资品目 — an item of the catalogue with the unit its stock is counted in (顶, 件, 台, 袋 …)."""

    code = models.SlugField(_("品目代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=50, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10)
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"), null=True, blank=True)

    scope = Scope(internal_view=True, roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("物资品目")
        verbose_name_plural = _("物资品目")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Depot(BaseModel):
    """储备库 — a place that holds reserves: a 粮食和储备局 or 应急局 depot, or an enterprise's stock under agreement."""

    name = models.CharField(_("名称"), max_length=150, unique=True)
    kind = models.CharField(_("类别"), max_length=24, choices=DepotKind.choices)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划")
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("管理单位"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("协议企业"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    scope = DEPOT_SCOPE

    class Meta:
        verbose_name = _("储备库")
        verbose_name_plural = _("储备库")
        ordering = ["region__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DepotKind.ENTERPRISE_AGREEMENT) | Q(enterprise__isnull=False),
                name="depot_agreement_stock_has_enterprise",
            ),
            models.CheckConstraint(condition=_coordinates_valid(), name="depot_coordinates_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:depot_detail", kwargs={"public_id": self.public_id})


_BATCH_SCOPE = Scope(
    region="depot__region__path",
    unit="depot__owner_unit_id",
    enterprise="depot__enterprise_id",
    roles=HOLDER_ROLES,
)


class StockBatch(BaseModel):
    """物资批次 — one batch of an item in a depot, with its expiry.

    `on_hand` and `allocated` are never edited: each is the sum of its ledger's moves (StockMove), changed
    only in the transaction that appends the move, by a conditional UPDATE that cannot go below zero or
    allocate more than is on hand (the check constraints say so too).
    """

    depot = models.ForeignKey(
        Depot, on_delete=models.PROTECT, related_name="batches", verbose_name=_("储备库")
    )
    item = models.ForeignKey(
        SupplyItem, on_delete=models.PROTECT, related_name="batches", verbose_name=_("品目")
    )
    batch_number = models.CharField(_("批次号"), max_length=60)
    received_on = models.DateField(_("入库日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    on_hand = models.IntegerField(_("在库数量"), default=0, editable=False)
    allocated = models.IntegerField(_("已调拨待出库"), default=0, editable=False)
    expiry_alerted_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True, editable=False)

    scope = _BATCH_SCOPE

    class Meta:
        verbose_name = _("物资批次")
        verbose_name_plural = _("物资批次")
        ordering = ["depot", "item", "expires_on", "id"]
        indexes = [
            models.Index(fields=["item", "depot"], name="batch_item_depot"),
            models.Index(fields=["expiry_alerted_at", "expires_on"], name="batch_expiry_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["depot", "item", "batch_number"], name="batch_unique_number"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="batch_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(allocated__gte=0), name="batch_allocated_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__lte=F("on_hand")), name="batch_allocated_within_stock"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} {self.batch_number}"

    def get_absolute_url(self) -> str:
        return self.depot.get_absolute_url()

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class StockMove(models.Model):
    """库存台账 — one line of a batch's ledger: how on-hand and allocated changed, why, by whom (append-only)."""

    batch = models.ForeignKey(
        StockBatch, on_delete=models.PROTECT, related_name="moves", verbose_name=_("批次")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=MoveKind.choices)
    on_hand_change = models.IntegerField(_("在库变化"))
    allocated_change = models.IntegerField(_("调拨变化"))
    allocation = models.ForeignKey(
        "emergency.Allocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves",
        verbose_name=_("调拨"),
    )
    moved_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("经办"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="batch__depot__region__path",
        unit="batch__depot__owner_unit_id",
        enterprise="batch__depot__enterprise_id",
        roles=HOLDER_ROLES,
    )

    class Meta:
        verbose_name = _("库存台账")
        verbose_name_plural = _("库存台账")
        ordering = ["-moved_at", "-id"]
        indexes = [models.Index(fields=["batch", "moved_at"], name="move_batch_time")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_change=0) | ~Q(allocated_change=0) | Q(kind=MoveKind.CONSUME),
                name="move_changes_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_change:+d}/{self.allocated_change:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("stock moves are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("stock moves are append-only")


class MinimumLevel(BaseModel):
    """最低储备 — the least quantity of an item the depots of a jurisdiction must hold together."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    item = models.ForeignKey(
        SupplyItem, on_delete=models.PROTECT, related_name="minimum_levels", verbose_name=_("品目")
    )
    minimum = models.PositiveIntegerField(_("最低储备量"))
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("负责单位")
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    # Set when an alert went out for the current shortfall; cleared when stock is back above the minimum.
    alerted_at = models.DateTimeField(_("预警时间"), null=True, blank=True, editable=False)

    scope = Scope(region="region__path", unit="unit_id", roles=CONFIG_ROLES)

    class Meta:
        verbose_name = _("最低储备")
        verbose_name_plural = _("最低储备")
        ordering = ["region__path", "item"]
        constraints = [models.UniqueConstraint(fields=["region", "item"], name="minimum_once_per_region")]

    def __str__(self) -> str:
        return f"{self.region} · {self.item.name} ≥ {self.minimum}"
