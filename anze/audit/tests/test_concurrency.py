"""Appends from several connections at once keep one linear chain (the head row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from anze.audit.context import audit_context
from anze.audit.models import AuditChainHead, AuditEvent
from anze.audit.services import record
from anze.audit.verify import verify_chain

THREADS = 6
EVENTS_PER_THREAD = 25


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the in-memory SQLite test database is one connection, and SQLite serializes "
    "writers with IMMEDIATE transactions rather than a row lock",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_from_several_connections_stay_linear():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            with audit_context("job", request_id=f"worker-{n}"):
                for i in range(EVENTS_PER_THREAD):
                    with transaction.atomic():
                        record("test.thing.update", actor=f"worker-{n}", after={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    total = THREADS * EVENTS_PER_THREAD
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditChainHead.objects.get().sequence == total
    assert len(set(AuditEvent.objects.values_list("actor_label", flat=True))) == THREADS
    result = verify_chain(batch_size=17)
    assert result.ok, result.problems
    assert result.checked == total
