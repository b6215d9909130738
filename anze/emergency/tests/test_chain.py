"""Request → allocation → dispatch → receipt → consumption and return, with stock correct to the unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.emergency import services
from anze.emergency.choices import AllocationStatus, DispatchStatus, MoveKind
from anze.emergency.errors import EmergencyError, OutOfStockError, TransitionError
from anze.emergency.models import StockBatch, StockMove
from anze.emergency.services.ledger import ledger_totals
from anze.emergency.tests import factories as f

pytestmark = pytest.mark.django_db


def _fresh(batch):
    return StockBatch.objects.get(pk=batch.pk)


def test_the_nearest_depot_supplies_first_and_the_rest_comes_from_the_next(org, alice):
    # given 30 tents 6 km from the scene (罗庄) and 100 tents 80 km away (沂水)
    tent = f.item()
    near = f.stock(f.depot(org["luozhuang"], name="罗庄库", at=f.LUOZHUANG), tent, 30)
    far = f.stock(f.depot(org["linyi"], name="沂水库", at=f.YISHUI), tent, 100)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=45)

    # when the office takes the suggestion
    allocations = services.allocate(actor=alice, request=request)

    # then all 30 near ones and 15 far ones are set aside, and nothing has left a depot yet
    assert [(a.batch_id, a.quantity) for a in allocations] == [(near.pk, 30), (far.pk, 15)]
    assert allocations[0].distance_km < allocations[1].distance_km
    assert (_fresh(near).on_hand, _fresh(near).allocated) == (30, 30)
    assert (_fresh(far).on_hand, _fresh(far).allocated) == (100, 15)


def test_the_whole_chain_leaves_stock_right_to_the_unit(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"], at=f.LUOZHUANG), tent, 50)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=20)
    [allocation] = services.allocate(actor=alice, request=request)
    departed = timezone.now()

    trip = services.dispatch(actor=alice, allocations=[allocation], vehicle="鲁Q·12345", departed_at=departed,
                             driver="王师傅")  # fmt: skip
    assert (_fresh(batch).on_hand, _fresh(batch).allocated) == (30, 0)
    services.mark_arrived(actor=alice, trip=trip, arrived_at=departed + dt.timedelta(minutes=25))
    services.receive(
        actor=alice, trip=trip, received_at=departed + dt.timedelta(minutes=30), received_by="李指挥"
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.RECEIVED
    services.settle(actor=alice, allocation=allocation, consumed=13, returned=7)

    # 50 in, 20 out, 13 used, 7 back: 37 on hand, none set aside
    batch = _fresh(batch)
    assert (batch.on_hand, batch.allocated) == (37, 0)
    assert ledger_totals([batch.pk])[batch.pk] == (37, 0)
    kinds = list(StockMove.objects.filter(batch=batch).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        MoveKind.RECEIVE,
        MoveKind.ALLOCATE,
        MoveKind.DISPATCH,
        MoveKind.CONSUME,
        MoveKind.RETURN,
    ]
    trip.refresh_from_db()
    assert trip.status == DispatchStatus.RECEIVED and trip.received_by == "李指挥"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"emergency.allocation.create", "emergency.dispatch.depart", "emergency.dispatch.receive",
            "emergency.allocation.settle"} <= actions  # fmt: skip


def test_settling_must_account_for_every_unit(org, alice):
    tent = f.item()
    f.stock(f.depot(org["luozhuang"]), tent, 10)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    [allocation] = services.allocate(actor=alice, request=request)
    trip = services.dispatch(
        actor=alice, allocations=[allocation], vehicle="鲁Q·1", departed_at=timezone.now()
    )
    services.receive(actor=alice, trip=trip, received_at=timezone.now(), received_by="李")
    allocation.refresh_from_db()
    with pytest.raises(EmergencyError) as error:
        services.settle(actor=alice, allocation=allocation, consumed=6, returned=3)
    assert error.value.code == "settle_mismatch"


def test_a_request_is_never_allocated_beyond_what_it_asked(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 100)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    services.allocate(actor=alice, request=request, lines=[(batch, 6)])
    with pytest.raises(EmergencyError) as error:
        services.allocate(actor=alice, request=request, lines=[(batch, 5)])
    assert error.value.code == "over_request"
    services.allocate(actor=alice, request=request)  # the suggestion takes only the 4 still missing
    assert _fresh(batch).allocated == 10


def test_more_than_the_stock_is_refused_and_changes_nothing(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 5)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=8)
    moves = StockMove.objects.count()
    with pytest.raises(OutOfStockError):
        services.allocate(actor=alice, request=request, lines=[(batch, 8)])
    assert (_fresh(batch).on_hand, _fresh(batch).allocated, StockMove.objects.count()) == (5, 0, moves)


def test_a_short_suggestion_takes_what_there_is(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 5)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=8)
    [allocation] = services.allocate(actor=alice, request=request)
    assert allocation.quantity == 5 and _fresh(batch).available == 0


def test_expired_batches_are_not_suggested(org, alice):
    tent = f.item()
    today = timezone.localdate()
    expired = f.stock(f.depot(org["luozhuang"], at=f.LUOZHUANG), tent, 50, expires_on=today - dt.timedelta(days=1),
                      received_on=today - dt.timedelta(days=400))  # fmt: skip
    good = f.stock(f.depot(org["linyi"], at=f.YISHUI), tent, 50, expires_on=today + dt.timedelta(days=300))
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    [allocation] = services.allocate(actor=alice, request=request)
    assert allocation.batch_id == good.pk and _fresh(expired).allocated == 0


def test_cancelling_an_allocation_gives_the_units_back(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 10)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    [allocation] = services.allocate(actor=alice, request=request)
    services.cancel_allocation(actor=alice, allocation=allocation)
    assert (_fresh(batch).on_hand, _fresh(batch).allocated) == (10, 0)
    with pytest.raises(TransitionError):
        services.dispatch(actor=alice, allocations=[allocation], vehicle="鲁Q·1", departed_at=timezone.now())


def test_an_incident_with_a_load_on_the_road_cannot_close(org, alice):
    tent = f.item()
    f.stock(f.depot(org["luozhuang"]), tent, 10)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=3)
    [allocation] = services.allocate(actor=alice, request=request)
    trip = services.dispatch(
        actor=alice, allocations=[allocation], vehicle="鲁Q·1", departed_at=timezone.now()
    )
    with pytest.raises(TransitionError):
        services.close_incident(actor=alice, incident=incident)
    services.receive(actor=alice, trip=trip, received_at=timezone.now(), received_by="李")
    services.close_incident(actor=alice, incident=incident)


def test_a_write_off_cannot_take_units_set_aside(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 10)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=8)
    services.allocate(actor=alice, request=request)
    with pytest.raises(OutOfStockError):
        services.write_off(actor=alice, batch=_fresh(batch), quantity=3, reason="受潮")
    services.write_off(actor=alice, batch=_fresh(batch), quantity=2, reason="受潮")
    assert (_fresh(batch).on_hand, _fresh(batch).allocated) == (8, 8)


def test_the_nearest_ready_team_is_offered_first_and_sent(org, alice):
    near = f.team(org["luozhuang"], name="罗庄化工园区专业救援队", at=f.LUOZHUANG)
    f.team(org["linyi"], name="沂水救援队", at=f.YISHUI)
    incident = f.incident(org["lanshan"], actor=alice)
    ranked = services.nearest_teams(incident)
    assert ranked[0][0] == near
    deployment = services.send_team(
        actor=alice, incident=incident, team=near, people=12, sent_at=timezone.now()
    )
    assert deployment.distance_km == ranked[0][1]
    with pytest.raises(EmergencyError):
        services.send_team(actor=alice, incident=incident, team=near, people=5, sent_at=timezone.now())


def test_closing_an_incident_gives_back_the_units_still_set_aside(org, alice):
    # given 10 tents, 4 set aside for an incident and never loaded
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 10)
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=4)
    [allocation] = services.allocate(actor=alice, request=request)

    # when the incident is closed
    services.close_incident(actor=alice, incident=incident)

    # then the allocation is cancelled and its units are available again, in the counters and the ledger
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CANCELLED
    assert (_fresh(batch).on_hand, _fresh(batch).allocated) == (10, 0)
    assert ledger_totals([batch.pk])[batch.pk] == (10, 0)
    assert StockMove.objects.filter(allocation=allocation, kind=MoveKind.RELEASE).count() == 1
    assert AuditEvent.objects.filter(action="emergency.allocation.cancel").count() == 1


def test_a_hand_picked_expired_batch_is_refused_and_changes_nothing(org, alice):
    # given a batch that expired yesterday, with units on hand
    tent = f.item()
    today = timezone.localdate()
    expired = f.stock(f.depot(org["luozhuang"]), tent, 50, expires_on=today - dt.timedelta(days=1),
                      received_on=today - dt.timedelta(days=400))  # fmt: skip
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    moves = StockMove.objects.count()

    # when someone picks that batch by hand, then it is refused and nothing is set aside
    with pytest.raises(EmergencyError) as error:
        services.allocate(actor=alice, request=request, lines=[(expired, 10)])
    assert error.value.code == "batch_expired"
    assert (_fresh(expired).allocated, StockMove.objects.count()) == (0, moves)


def test_a_county_allocates_only_from_its_own_depots(org, alice, bob):
    # given bob's (兰山) incident, 兰山's own depot, and 罗庄's depot nearer to the scene
    tent = f.item()
    own = f.stock(f.depot(org["lanshan"], name="兰山库", at=f.CENTRE), tent, 10)
    other = f.stock(f.depot(org["luozhuang"], name="罗庄库", at=f.LANSHAN), tent, 10)
    incident = f.incident(org["lanshan"], actor=bob)
    request = services.request_supplies(actor=bob, incident=incident, item=tent, quantity=15)

    # when bob picks 罗庄's batch by hand, then it is refused and nothing is set aside
    with pytest.raises(EmergencyError) as error:
        services.allocate(actor=bob, request=request, lines=[(other, 5)])
    assert error.value.code == "depot_out_of_scope"
    assert _fresh(other).allocated == 0

    # when bob takes the suggestion, then only his own county's stock is set aside
    [allocation] = services.allocate(actor=bob, request=request)
    assert (allocation.batch_id, allocation.quantity, _fresh(other).allocated) == (own.pk, 10, 0)

    # when the city office, above both, allocates the rest, then 罗庄's stock may be drawn on
    [allocation] = services.allocate(actor=alice, request=request)
    assert (allocation.batch_id, allocation.quantity) == (other.pk, 5)
