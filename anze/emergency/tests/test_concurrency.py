"""Allocations of the last units from several connections at once never oversell (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from anze.emergency import services
from anze.emergency.errors import OutOfStockError
from anze.emergency.models import Allocation, StockBatch
from anze.emergency.services.ledger import ledger_totals
from anze.emergency.tests import factories as f

THREADS = 8

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the in-memory SQLite test database is one connection, so threads cannot "
        "allocate at the same time there (SQLite serializes writers anyway)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(work) -> tuple[list, list[BaseException]]:
    """Run `work(n)` in THREADS threads released together; their results and unexpected errors."""
    start = threading.Barrier(THREADS)
    results: list = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            results.append(work(n))
        except OutOfStockError as exc:
            results.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_parallel_suggested_allocations_share_the_last_units_exactly(org, alice):
    # given 10 tents in two depots and eight requests of 3 tents each (24 wanted)
    tent = f.item()
    batches = [
        f.stock(f.depot(org["luozhuang"], at=f.LUOZHUANG), tent, 6),
        f.stock(f.depot(org["linyi"], at=f.YISHUI), tent, 4),
    ]
    # (each from its own incident: incidents compete for the same depots)
    requests = [
        services.request_supplies(
            actor=alice, incident=f.incident(org["lanshan"], actor=alice), item=tent, quantity=3
        )
        for _ in range(THREADS)
    ]

    # when every request is allocated at the same moment
    results, errors = _race(lambda n: services.allocate(actor=alice, request=requests[n]))

    # then exactly the 10 tents are set aside, never more, and the counters agree with the ledger
    assert not errors, errors
    assert Allocation.objects.aggregate(n=Sum("quantity"))["n"] == 10
    assert sum(isinstance(r, OutOfStockError) for r in results) >= THREADS - 4
    for batch in StockBatch.objects.filter(pk__in=[b.pk for b in batches]):
        assert batch.allocated == batch.on_hand
        assert ledger_totals([batch.pk])[batch.pk] == (batch.on_hand, batch.allocated)


def test_parallel_requests_for_the_same_last_units_let_exactly_one_through(org, alice):
    tent = f.item()
    batch = f.stock(f.depot(org["luozhuang"]), tent, 4)
    requests = [
        services.request_supplies(
            actor=alice, incident=f.incident(org["lanshan"], actor=alice), item=tent, quantity=4
        )
        for _ in range(THREADS)
    ]

    results, errors = _race(lambda n: services.allocate(actor=alice, request=requests[n], lines=[(batch, 4)]))

    assert not errors, errors
    assert sum(isinstance(r, list) for r in results) == 1
    assert sum(isinstance(r, OutOfStockError) for r in results) == THREADS - 1
    batch.refresh_from_db()
    assert (batch.on_hand, batch.allocated) == (4, 4)
