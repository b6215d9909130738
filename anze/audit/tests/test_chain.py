"""The chain: each event links to the one before and hashes its own fields with SM3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from anze.audit.chain import GENESIS, canonical, event_hash, sm3_hex
from anze.audit.context import audit_context
from anze.audit.models import AuditChainHead, AuditEvent
from anze.audit.services import AuditOutsideTransactionError, record, record_standalone
from anze.audit.tests.helpers import append
from anze.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_sm3_matches_the_standard_vector():
    # GB/T 32905-2016 appendix A, example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_canonical_form_ignores_key_order_and_integral_floats():
    assert canonical({"b": 1, "a": {"y": 2.0, "x": [1e20]}}) == canonical(
        {"a": {"x": [10**20], "y": 2}, "b": 1}
    )


def test_first_event_links_to_genesis_and_each_next_to_the_one_before():
    first, second, third = append(3)

    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (3, third.hash)


def test_hash_is_sm3_of_previous_hash_and_canonical_fields_as_read_back():
    append(2)

    for event in AuditEvent.objects.order_by("sequence"):
        assert len(event.hash) == 64
        assert event.hash == event_hash(event.prev_hash, event.chained_fields())
        assert event.hash == sm3_hex(event.prev_hash.encode() + canonical(event.chained_fields()))


def test_verify_passes_on_a_clean_chain():
    append(25)

    result = verify_chain(batch_size=7)

    assert result.ok, result.problems
    assert (result.checked, result.first_sequence, result.last_sequence) == (25, 1, 25)
    assert result.reached_end


def test_verify_on_an_empty_chain_is_clean():
    assert verify_chain().ok


def test_bounded_verification_stops_and_continues_where_it_left_off():
    append(10)

    first = verify_chain(limit=4, batch_size=3)
    rest = verify_chain(start=first.next_sequence)

    assert (first.checked, first.reached_end, first.next_sequence) == (4, False, 5)
    assert (rest.checked, rest.first_sequence, rest.reached_end, rest.ok) == (6, 5, True, True)


def test_a_rolled_back_transaction_leaves_no_event_and_does_not_advance_the_head():
    append(1)

    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.thing.update", actor=None)
        raise RuntimeError("the change failed")

    assert AuditEvent.objects.count() == 1
    assert AuditChainHead.objects.get().sequence == 1
    assert append(1)[0].sequence == 2
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_raises_and_writes_nothing():
    append(1)  # the test suite's flush afterwards must still clear the append-only table

    with pytest.raises(AuditOutsideTransactionError):
        record("test.thing.update", actor=None)

    assert AuditEvent.objects.count() == 1


def test_record_standalone_opens_its_own_transaction():
    event = record_standalone("auth.login_failed", actor="someone", success=False)

    assert AuditEvent.objects.get(pk=event.pk).success is False


def test_a_lost_head_row_is_rebuilt_from_the_newest_event():
    append(3)
    AuditChainHead.objects.all().delete()

    event = append(1)[0]

    assert event.sequence == 4
    assert verify_chain().ok


def test_events_carry_time_actor_source_ip_and_request_id(alice):
    with audit_context("web", request_id="req-123", ip="192.0.2.7"), transaction.atomic():
        event = record("org.unit.update", actor=alice, obj=alice, reason="because")

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.occurred_at.tzinfo is not None
    assert abs(event.occurred_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert (event.actor_id, event.actor_label) == (alice.pk, "alice")
    assert (event.source, event.ip, event.request_id) == ("web", "192.0.2.7", "req-123")
    assert (event.object_type, event.object_id) == ("accounts.user", str(alice.public_id))
    assert event.reason == "because"


@pytest.mark.parametrize("source", ["web", "api", "job", "command", "system"])
def test_each_source_is_recorded(source):
    with audit_context(source):
        event = record_standalone("test.thing.run", actor=None)

    assert event.source == source
    assert len(event.request_id) == 32  # a job or command gets its own id


def test_without_a_context_the_source_is_system_and_the_actor_label_too():
    event = record_standalone("test.thing.run", actor=None)

    assert (event.source, event.actor_label, event.actor_id, event.ip) == ("system", "system", None, None)


def test_an_unparsable_client_address_is_dropped_and_ipv6_is_normalised():
    with audit_context("web", ip="not-an-ip"):
        bad = record_standalone("test.thing.run", actor=None)
    with audit_context("web", ip="2001:DB8:0:0::1"):
        six = record_standalone("test.thing.run", actor=None)

    assert bad.ip is None
    assert AuditEvent.objects.get(pk=six.pk).ip == "2001:db8::1"
    assert verify_chain().ok


def test_event_in_a_region_carries_its_scope_path(org):
    event = record_standalone("org.unit.update", actor=None, obj=org["lanshan_emergency"])

    assert event.scope_path == org["lanshan"].path
    assert event.object_repr == str(org["lanshan_emergency"])
