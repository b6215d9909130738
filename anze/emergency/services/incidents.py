"""Incidents: request → allocation (调拨, suggested from the nearest depots) → dispatch (配送) → receipt (签收)
→ consumption or return; teams sent. Each step is one atomic service with its audit event; stock moves go
through the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.emergency import config, geo
from anze.emergency.choices import (
    AllocationStatus,
    DeploymentStatus,
    DispatchStatus,
    IncidentStatus,
    MoveKind,
    Readiness,
    TeamStatus,
)
from anze.emergency.errors import EmergencyError, OutOfStockError, TransitionError
from anze.emergency.models import (
    Allocation,
    Depot,
    Dispatch,
    Incident,
    RescueTeam,
    StockBatch,
    SupplyRequest,
    TeamDeployment,
)
from anze.emergency.services import ledger
from anze.emergency.services._common import allowed, is_person, person_or_none, require
from anze.emergency.suggest import Candidate, Suggestion, suggest


@transaction.atomic
def open_incident(
    *,
    actor: Any,
    title: str,
    region,
    place: str,
    latitude: Decimal,
    longitude: Decimal,
    occurred_at: dt.datetime,
    lead_unit=None,
    description: str = "",
    road_factor: Decimal | None = None,
) -> Incident:
    """登记突发事件: the scene's place and coordinates, from which depots and teams are measured."""
    incident = Incident(
        title=title,
        region=region,
        place=place,
        latitude=latitude,
        longitude=longitude,
        occurred_at=occurred_at,
        lead_unit=lead_unit,
        description=description,
        road_factor=road_factor if road_factor is not None else config.road_factor(),
    )
    from anze.emergency.services.supplies import _clean

    _clean(incident)
    require(actor, Incident, "add")
    incident.save()
    require(actor, Incident, "add", incident)
    record("emergency.incident.open", actor=actor, obj=incident, after=snapshot(incident))
    return incident


@transaction.atomic
def close_incident(*, actor: Any, incident: Incident, now: dt.datetime | None = None) -> Incident:
    """处置结束: nothing may still be on its way; allocations not yet loaded are cancelled and their units
    released, each with its ledger move and audit event."""
    require(actor, Incident, "change", incident)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.status_choice.can_close():
        raise TransitionError(_("该事件已结束。"))
    if Dispatch.objects.filter(incident=incident).exclude(status=DispatchStatus.RECEIVED).exists():
        raise TransitionError(_("还有在途的配送，签收后才能结束事件。"), "dispatch_open")
    now = now or timezone.now()
    # Units set aside but never loaded go back to their batches, as cancelling each allocation would.
    waiting = Allocation.objects.filter(request__incident=incident, status=AllocationStatus.ALLOCATED)
    for allocation in waiting.select_related("batch").order_by("pk"):
        _release(allocation, actor=actor, now=now)
    incident.status, incident.closed_at = IncidentStatus.CLOSED, now
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    record("emergency.incident.close", actor=actor, obj=incident, after={"closed_at": now})
    return incident


@transaction.atomic
def request_supplies(
    *,
    actor: Any,
    incident: Incident,
    item,
    quantity: int,
    needed_by: dt.datetime | None = None,
    requested_by: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> SupplyRequest:
    """物资需求: the scene asks for `quantity` of an item."""
    require(actor, Incident, "change", incident)
    if not incident.status_choice.can_request():
        raise TransitionError(_("事件已结束，不能再提出需求。"))
    if quantity <= 0:
        raise EmergencyError(_("需求数量须为正整数。"), "quantity_not_positive")
    request = SupplyRequest.objects.create(
        incident=incident,
        item=item,
        quantity=quantity,
        needed_by=needed_by,
        requested_at=now or timezone.now(),
        requested_by=requested_by,
        note=note,
    )
    record("emergency.request.create", actor=actor, obj=request, after=snapshot(request))
    return request


def allocated_quantity(request: SupplyRequest) -> int:
    """What the request already has: every allocation not cancelled."""
    return (
        request.allocations.exclude(status=AllocationStatus.CANCELLED).aggregate(n=Sum("quantity"))["n"] or 0
    )


def _candidate_batches(request: SupplyRequest, *, lock: bool, actor: Any = None):
    batches = (
        StockBatch.objects.filter(item_id=request.item_id, depot__is_active=True, on_hand__gt=F("allocated"))
        .select_related("depot")
        .order_by("pk")
    )
    if is_person(actor):
        # Only depots the actor keeps: a county its own, an office every depot of its region (see docs).
        batches = batches.filter(depot__in=Depot.objects.restrict(actor, "change").values("pk"))
    if lock:
        # Lock every candidate row (in id order, so two allocations never deadlock) before reading them.
        batches = batches.select_for_update(of=("self",))
    return list(batches)


def suggestion_for(
    request: SupplyRequest, *, lock: bool = False, today: dt.date | None = None, actor: Any = None
) -> tuple[Suggestion, dict]:
    """The batches the request would be covered from (nearest first, from depots `actor` may allocate
    from), and the batches by id."""
    incident = request.incident
    batches = _candidate_batches(request, lock=lock, actor=actor)
    candidates = [
        Candidate(
            batch_id=b.pk,
            available=b.on_hand - b.allocated,
            distance_km=geo.road_km(
                incident.latitude,
                incident.longitude,
                b.depot.latitude,
                b.depot.longitude,
                incident.road_factor,
            ),
            expires_on=b.expires_on,
        )
        for b in batches
    ]
    remaining = request.quantity - allocated_quantity(request)
    if remaining <= 0:
        return Suggestion((), 0), {b.pk: b for b in batches}
    return (
        suggest(remaining, candidates, usable_from=today or timezone.localdate()),
        {b.pk: b for b in batches},
    )


@transaction.atomic
def allocate(
    *,
    actor: Any,
    request: SupplyRequest,
    lines: list[tuple[StockBatch, int]] | None = None,
    now: dt.datetime | None = None,
) -> list[Allocation]:
    """调拨: set stock aside for a request — the given lines, or the nearest-depot suggestion.

    The request row and the candidate batch rows are locked first, so concurrent allocations of the last
    units wait for each other and never oversell; the ledger's conditional update is the backstop.
    """
    require(actor, Incident, "change", request.incident)
    request = (
        SupplyRequest.objects.select_for_update(of=("self",)).select_related("incident").get(pk=request.pk)
    )
    if not request.incident.status_choice.can_request():
        raise TransitionError(_("事件已结束，不能再调拨。"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    suggestion, batches = suggestion_for(request, lock=True, today=today, actor=actor)
    remaining = request.quantity - allocated_quantity(request)
    if lines is None:
        if not suggestion.lines:
            raise OutOfStockError(_("没有可调拨的库存。"))
        chosen = [(batches[line.batch_id], line.quantity, line.distance_km) for line in suggestion.lines]
    else:
        chosen = []
        for batch, quantity in lines:
            if batch.item_id != request.item_id:
                raise EmergencyError(_("批次的品目与需求不一致。"), "item_mismatch")
            if quantity <= 0:
                raise EmergencyError(_("调拨数量须为正整数。"), "quantity_not_positive")
            if batch.expires_on is not None and batch.expires_on < today:
                raise EmergencyError(
                    _("批次“%(b)s”已于 %(e)s 过期，不能调拨；请选择未过期的批次。")
                    % {"b": batch, "e": batch.expires_on},
                    "batch_expired",
                )
            if is_person(actor) and not allowed(actor, Depot, "change", batch.depot):
                raise EmergencyError(
                    _(
                        "“%(d)s”不在您管理的范围内，不能从该库调拨；跨县区调拨请由两地共同的上级应急管理部门办理。"
                    )
                    % {"d": batch.depot},
                    "depot_out_of_scope",
                )
            if batch.pk not in batches:
                raise OutOfStockError(_("“%(b)s”没有可用库存。") % {"b": batch})
            locked = batches[batch.pk]
            distance = geo.road_km(
                request.incident.latitude,
                request.incident.longitude,
                locked.depot.latitude,
                locked.depot.longitude,
                request.incident.road_factor,
            )
            chosen.append((locked, quantity, distance))
    total = sum(quantity for _b, quantity, _d in chosen)
    if total > remaining:
        raise EmergencyError(
            _("调拨合计 %(t)s 超过该需求尚缺的 %(r)s。") % {"t": total, "r": remaining}, "over_request"
        )
    allocations = []
    for batch, quantity, distance in chosen:
        allocation = Allocation.objects.create(
            request=request, batch=batch, quantity=quantity, distance_km=distance, allocated_at=now
        )
        ledger.move(
            batch, kind=MoveKind.ALLOCATE, allocated=quantity, actor=actor, now=now, allocation=allocation
        )
        allocations.append(allocation)
    record(
        "emergency.allocation.create",
        actor=actor,
        obj=request,
        after={
            "lines": [
                {"batch": a.batch.batch_number, "depot": a.batch.depot.name, "quantity": a.quantity,
                 "distance_km": a.distance_km}
                for a in allocations
            ],
            "shortfall": remaining - total,
        },
    )  # fmt: skip
    return allocations


def _claim(allocation: Allocation, from_status: str, **values: Any) -> None:
    changed = Allocation.objects.filter(
        pk=allocation.pk, version=allocation.version, status=from_status
    ).update(**values, version=F("version") + 1, updated_at=timezone.now())
    if changed != 1:
        raise TransitionError(_("该调拨已被他人处理，请刷新后重试。"), "concurrent_change")
    allocation.refresh_from_db()


@transaction.atomic
def cancel_allocation(*, actor: Any, allocation: Allocation, now: dt.datetime | None = None) -> Allocation:
    """取消调拨: the units set aside go back to available."""
    require(actor, Allocation, "change", allocation)
    if not allocation.status_choice.can_cancel():
        raise TransitionError(_("只有尚未出库的调拨可以取消。"))
    return _release(allocation, actor=actor, now=now or timezone.now())


def _release(allocation: Allocation, *, actor: Any, now: dt.datetime) -> Allocation:
    """Claim an allocation still waiting to be loaded as cancelled and give its units back to the batch."""
    _claim(allocation, AllocationStatus.ALLOCATED, status=AllocationStatus.CANCELLED)
    ledger.move(
        allocation.batch, kind=MoveKind.RELEASE, allocated=-allocation.quantity, actor=actor, now=now,
        allocation=allocation,
    )  # fmt: skip
    record(
        "emergency.allocation.cancel", actor=actor, obj=allocation, after={"quantity": allocation.quantity}
    )
    return allocation


@transaction.atomic
def dispatch(
    *,
    actor: Any,
    allocations: list[Allocation],
    vehicle: str,
    departed_at: dt.datetime,
    driver: str = "",
    driver_phone: str = "",
) -> Dispatch:
    """出库配送: one vehicle leaves a depot with allocations of one incident; their units leave the stock."""
    if not allocations:
        raise EmergencyError(_("请选择要配送的调拨。"), "nothing_to_dispatch")
    if not vehicle.strip():
        raise EmergencyError(_("请填写车辆（车牌号）。"), "vehicle_required")
    allocations = list(
        Allocation.objects.select_related("batch__depot", "request__incident").filter(
            pk__in=[a.pk for a in allocations]
        )
    )
    depots = {a.batch.depot_id for a in allocations}
    incidents = {a.request.incident_id for a in allocations}
    if len(depots) != 1 or len(incidents) != 1:
        raise EmergencyError(_("一次配送只能装运同一储备库发往同一事件的物资。"), "mixed_dispatch")
    for allocation in allocations:
        require(actor, Allocation, "change", allocation)
        if not allocation.status_choice.can_dispatch():
            raise TransitionError(_("“%(a)s”不是待出库的调拨。") % {"a": allocation})
    first = allocations[0]
    trip = Dispatch.objects.create(
        incident=first.request.incident,
        depot=first.batch.depot,
        vehicle=vehicle.strip(),
        driver=driver,
        driver_phone=driver_phone,
        departed_at=departed_at,
    )
    for allocation in allocations:
        _claim(allocation, AllocationStatus.ALLOCATED, status=AllocationStatus.DISPATCHED, dispatch=trip)
        ledger.move(
            allocation.batch,
            kind=MoveKind.DISPATCH,
            on_hand=-allocation.quantity,
            allocated=-allocation.quantity,
            actor=actor,
            now=departed_at,
            allocation=allocation,
            note=trip.vehicle,
        )
    record(
        "emergency.dispatch.depart",
        actor=actor,
        obj=trip,
        after=snapshot(trip) | {"allocations": [str(a.public_id) for a in allocations]},
    )
    return trip


@transaction.atomic
def mark_arrived(*, actor: Any, trip: Dispatch, arrived_at: dt.datetime) -> Dispatch:
    """到达: the vehicle reached the scene."""
    require(actor, Dispatch, "change", trip)
    trip = Dispatch.objects.select_for_update().get(pk=trip.pk)
    if not trip.status_choice.can_arrive():
        raise TransitionError(_("该配送已到达或已签收。"))
    if arrived_at < trip.departed_at:
        raise EmergencyError(_("到达时间不能早于出发时间。"), "arrived_before_departure")
    trip.status, trip.arrived_at = DispatchStatus.ARRIVED, arrived_at
    trip.save(update_fields=["status", "arrived_at", "updated_at"])
    record("emergency.dispatch.arrive", actor=actor, obj=trip, after={"arrived_at": arrived_at})
    return trip


@transaction.atomic
def receive(*, actor: Any, trip: Dispatch, received_at: dt.datetime, received_by: str) -> Dispatch:
    """签收: the scene confirms the load; its allocations become received."""
    require(actor, Incident, "change", trip.incident)
    trip = Dispatch.objects.select_for_update().get(pk=trip.pk)
    if not trip.status_choice.can_receive():
        raise TransitionError(_("该配送已签收。"))
    if not received_by.strip():
        raise EmergencyError(_("请填写签收人。"), "receiver_required")
    if received_at < trip.departed_at:
        raise EmergencyError(_("签收时间不能早于出发时间。"), "received_before_departure")
    trip.status, trip.received_at, trip.received_by = (
        DispatchStatus.RECEIVED,
        received_at,
        received_by.strip(),
    )
    trip.arrived_at = trip.arrived_at or received_at
    trip.save(update_fields=["status", "received_at", "received_by", "arrived_at", "updated_at"])
    for allocation in trip.allocations.filter(status=AllocationStatus.DISPATCHED):
        _claim(allocation, AllocationStatus.DISPATCHED, status=AllocationStatus.RECEIVED)
    record("emergency.dispatch.receive", actor=actor, obj=trip, after={"received_at": received_at,
                                                                        "received_by": trip.received_by})  # fmt: skip
    return trip


@transaction.atomic
def settle(
    *, actor: Any, allocation: Allocation, consumed: int, returned: int, now: dt.datetime | None = None
) -> Allocation:
    """核销: of the units received, how many were used up and how many go back to their depot's batch."""
    require(actor, Incident, "change", allocation.request.incident)
    if not allocation.status_choice.can_settle():
        raise TransitionError(_("只有已签收的调拨可以核销。"))
    if consumed < 0 or returned < 0 or consumed + returned != allocation.quantity:
        raise EmergencyError(
            _("消耗与回收之和须等于调拨数量 %(q)s。") % {"q": allocation.quantity}, "settle_mismatch"
        )
    now = now or timezone.now()
    _claim(
        allocation,
        AllocationStatus.RECEIVED,
        status=AllocationStatus.SETTLED,
        consumed=consumed,
        returned=returned,
        settled_at=now,
    )
    if consumed:
        ledger.move(allocation.batch, kind=MoveKind.CONSUME, actor=actor, now=now, allocation=allocation,
                    note=_("消耗 %(n)s") % {"n": consumed})  # fmt: skip
    if returned:
        ledger.move(allocation.batch, kind=MoveKind.RETURN, on_hand=returned, actor=actor, now=now,
                    allocation=allocation)  # fmt: skip
    record("emergency.allocation.settle", actor=actor, obj=allocation,
           after={"consumed": consumed, "returned": returned})  # fmt: skip
    return allocation


# --- teams sent --------------------------------------------------------------------------------------


def nearest_teams(incident: Incident, *, limit: int = 10) -> list[tuple[RescueTeam, Decimal]]:
    """Active teams that can go, nearest first by estimated road distance."""
    teams = RescueTeam.objects.filter(status=TeamStatus.ACTIVE).exclude(readiness=Readiness.UNAVAILABLE)
    ranked = [
        (t, geo.road_km(incident.latitude, incident.longitude, t.latitude, t.longitude, incident.road_factor))
        for t in teams.select_related("region")
    ]
    return sorted(ranked, key=lambda pair: (pair[1], pair[0].pk))[:limit]


@transaction.atomic
def send_team(
    *, actor: Any, incident: Incident, team: RescueTeam, people: int, sent_at: dt.datetime, vehicles: int = 0
) -> TeamDeployment:
    """派出队伍: a team leaves for the scene."""
    require(actor, Incident, "change", incident)
    if not incident.status_choice.can_request():
        raise TransitionError(_("事件已结束。"))
    if team.status != TeamStatus.ACTIVE or team.readiness == Readiness.UNAVAILABLE:
        raise EmergencyError(_("该队伍当前不可出动。"), "team_unavailable")
    if people <= 0:
        raise EmergencyError(_("出动人数须为正整数。"), "people_not_positive")
    if (
        TeamDeployment.objects.filter(incident=incident, team=team)
        .exclude(status=DeploymentStatus.RETURNED)
        .exists()
    ):
        raise EmergencyError(_("该队伍已在本事件中出动。"), "already_sent")
    deployment = TeamDeployment.objects.create(
        incident=incident,
        team=team,
        people=people,
        vehicles=vehicles,
        distance_km=geo.road_km(
            incident.latitude, incident.longitude, team.latitude, team.longitude, incident.road_factor
        ),  # fmt: skip
        sent_at=sent_at,
        sent_by=person_or_none(actor),
    )
    record("emergency.team.send", actor=actor, obj=deployment, after=snapshot(deployment))
    return deployment


@transaction.atomic
def team_arrived(*, actor: Any, deployment: TeamDeployment, arrived_at: dt.datetime) -> TeamDeployment:
    """到场."""
    require(actor, TeamDeployment, "change", deployment)
    if not deployment.status_choice.can_arrive():
        raise TransitionError(_("该队伍已到场或已归队。"))
    if arrived_at < deployment.sent_at:
        raise EmergencyError(_("到场时间不能早于派出时间。"), "arrived_before_sent")
    changed = TeamDeployment.objects.filter(pk=deployment.pk, status=DeploymentStatus.SENT).update(
        status=DeploymentStatus.ON_SCENE, arrived_at=arrived_at, updated_at=timezone.now()
    )
    if changed != 1:
        raise TransitionError(_("该队伍已到场或已归队。"))
    deployment.refresh_from_db()
    record("emergency.team.arrive", actor=actor, obj=deployment, after={"arrived_at": arrived_at})
    return deployment


@transaction.atomic
def team_returned(*, actor: Any, deployment: TeamDeployment, returned_at: dt.datetime) -> TeamDeployment:
    """归队."""
    require(actor, TeamDeployment, "change", deployment)
    if not deployment.status_choice.can_return():
        raise TransitionError(_("该队伍已归队。"))
    changed = TeamDeployment.objects.filter(Q(pk=deployment.pk), ~Q(status=DeploymentStatus.RETURNED)).update(
        status=DeploymentStatus.RETURNED, returned_at=returned_at, updated_at=timezone.now()
    )
    if changed != 1:
        raise TransitionError(_("该队伍已归队。"))
    deployment.refresh_from_db()
    record("emergency.team.return", actor=actor, obj=deployment, after={"returned_at": returned_at})
    return deployment
