"""Supplies reserve: depots, receiving stock into batches, writing off, minimum levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.emergency.choices import MoveKind
from anze.emergency.errors import EmergencyError
from anze.emergency.models import Depot, MinimumLevel, StockBatch, SupplyItem
from anze.emergency.services import ledger
from anze.emergency.services._common import require

DEPOT_FIELDS = [
    "name", "kind", "region", "owner_unit", "enterprise", "address", "latitude", "longitude", "contact", "phone",
]  # fmt: skip


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise EmergencyError(
            "；".join(m for ms in exc.message_dict.values() for m in ms), "invalid"
        ) from None


@transaction.atomic
def create_item(
    *, actor: Any, code: str, name: str, unit: str, category: str = "", shelf_life_days=None
) -> SupplyItem:
    """Add an item to the catalogue (物资品目)."""
    require(actor, SupplyItem, "add")
    item = SupplyItem(code=code, name=name, unit=unit, category=category, shelf_life_days=shelf_life_days)
    _clean(item)
    item.save()
    record("emergency.item.create", actor=actor, obj=item, after=snapshot(item))
    return item


@transaction.atomic
def create_depot(*, actor: Any, **data: Any) -> Depot:
    """Register a depot (储备库) or an enterprise's stock held under agreement."""
    depot = Depot(**data)
    _clean(depot)
    require(actor, Depot, "add")
    depot.save()
    require(actor, Depot, "add", depot)  # inside the actor's own area
    record("emergency.depot.create", actor=actor, obj=depot, after=snapshot(depot, DEPOT_FIELDS))
    return depot


@transaction.atomic
def receive_stock(
    *,
    actor: Any,
    depot: Depot,
    item: SupplyItem,
    batch_number: str,
    quantity: int,
    received_on: dt.date,
    expires_on: dt.date | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> StockBatch:
    """入库: a quantity of an item arrives in a depot as a batch (a new one, or more of the same batch)."""
    require(actor, Depot, "change", depot)
    now = now or timezone.now()
    if quantity <= 0:
        raise EmergencyError(_("入库数量须为正整数。"), "quantity_not_positive")
    if not batch_number.strip():
        raise EmergencyError(_("请填写批次号。"), "batch_number_required")
    if expires_on is not None and expires_on < received_on:
        raise EmergencyError(_("有效期不能早于入库日期。"), "expires_before_received")
    batch, created = StockBatch.objects.get_or_create(
        depot=depot,
        item=item,
        batch_number=batch_number.strip(),
        defaults={"received_on": received_on, "expires_on": expires_on},
    )
    if not created and batch.expires_on != expires_on:
        raise EmergencyError(
            _("批次“%(n)s”已登记的有效期是 %(d)s；同一批次的有效期必须一致，不同有效期请用新批次号。")
            % {"n": batch.batch_number, "d": batch.expires_on or _("无")},
            "batch_expiry_differs",
        )
    ledger.move(batch, kind=MoveKind.RECEIVE, on_hand=quantity, actor=actor, now=now, note=note)
    batch.refresh_from_db()
    record(
        "emergency.stock.receive",
        actor=actor,
        obj=batch,
        after={
            "item": item.code,
            "batch": batch.batch_number,
            "quantity": quantity,
            "on_hand": batch.on_hand,
        },
    )
    return batch


@transaction.atomic
def write_off(
    *, actor: Any, batch: StockBatch, quantity: int, reason: str, now: dt.datetime | None = None
) -> StockBatch:
    """报损: expired or damaged units leave the stock (only units not already allocated)."""
    require(actor, StockBatch, "change", batch)
    if quantity <= 0:
        raise EmergencyError(_("报损数量须为正整数。"), "quantity_not_positive")
    if not reason.strip():
        raise EmergencyError(_("请写明报损原因。"), "reason_required")
    now = now or timezone.now()
    before = {"on_hand": batch.on_hand}
    ledger.move(batch, kind=MoveKind.WRITE_OFF, on_hand=-quantity, actor=actor, now=now, note=reason)
    batch.refresh_from_db()
    record("emergency.stock.write_off", actor=actor, obj=batch, before=before,
           after={"on_hand": batch.on_hand, "quantity": quantity, "reason": reason})  # fmt: skip
    return batch


@transaction.atomic
def set_minimum_level(
    *, actor: Any, region, item: SupplyItem, minimum: int, unit, source: str = ""
) -> MinimumLevel:
    """Set the least quantity of an item a jurisdiction's depots must hold together (最低储备)."""
    require(actor, MinimumLevel, "add")
    level, created = MinimumLevel.objects.get_or_create(
        region=region, item=item, defaults={"minimum": minimum, "unit": unit, "source": source}
    )
    before = None if created else snapshot(level)
    if not created:
        level.minimum, level.unit, level.source = minimum, unit, source
        level.save(update_fields=["minimum", "unit", "source", "updated_at"])
    require(actor, MinimumLevel, "change", level)
    record("emergency.minimum.set", actor=actor, obj=level, before=before, after=snapshot(level))
    return level
