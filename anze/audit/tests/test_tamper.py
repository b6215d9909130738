"""Append-only: the ORM and the database refuse changes, and `anze audit verify` finds any that got through."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from anze.audit.chain import event_hash
from anze.audit.db import TABLE, triggers_complete
from anze.audit.models import AuditChainHead, AuditEvent, AuditImmutableError
from anze.audit.tests.helpers import append, raw, triggers_lifted

pytestmark = pytest.mark.django_db


def run_verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_command_passes_on_a_clean_chain_and_prints_a_summary():
    append(12)

    code, output = run_verify("--batch-size", "5")

    assert code == 0
    assert "checked 12 event(s) #1–#12" in output
    assert "chain intact" in output


def test_orm_update_and_delete_of_events_raise():
    event = append(1)[0]

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        event.delete()
    event.reason = "edited"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["reason"])

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_triggers_are_installed_by_the_migrations():
    assert triggers_complete(connection)


@pytest.mark.parametrize("sql", [f"UPDATE {TABLE} SET reason = 'edited'", f"DELETE FROM {TABLE}"])
def test_raw_sql_update_and_delete_are_refused_by_the_database(sql):
    append(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql)

    assert AuditEvent.objects.count() == 2
    assert not AuditEvent.objects.exclude(reason="").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers exist on PostgreSQL only")
def test_raw_sql_truncate_is_refused_on_postgresql():
    append(1)
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred FK checks of the insert first

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"TRUNCATE {TABLE} CASCADE")

    assert AuditEvent.objects.count() == 1


def test_an_edited_row_is_found_at_its_sequence():
    append(10)
    with triggers_lifted():
        raw(f"UPDATE {TABLE} SET reason = %s WHERE sequence = 6", ["nothing happened"])

    code, output = run_verify()

    assert code == 1
    assert "#6 edited" in output
    assert "first break at #6" in output
    assert "#7" not in output.replace("#1–#10", "")


def test_an_edit_covered_by_a_recomputed_hash_breaks_the_next_link():
    append(10)
    event = AuditEvent.objects.get(sequence=4)
    fields = event.chained_fields() | {"actor_label": "someone-else"}
    with triggers_lifted():
        raw(
            f"UPDATE {TABLE} SET actor_label = %s, hash = %s WHERE sequence = 4",
            ["someone-else", event_hash(event.prev_hash, fields)],
        )

    code, output = run_verify()

    assert code == 1
    assert "#5 inserted" in output
    assert "#4 edited" not in output


def test_a_deleted_row_is_found_at_its_sequence():
    append(10)
    with triggers_lifted():
        raw(f"DELETE FROM {TABLE} WHERE sequence = 3")

    code, output = run_verify()

    assert code == 1
    assert "#3 deleted: event(s) #3 missing before #4" in output
    assert "inserted" not in output  # the broken link after a gap is the deletion, reported once


def test_deleted_rows_at_the_end_are_found_through_the_head():
    append(10)
    with triggers_lifted():
        raw(f"DELETE FROM {TABLE} WHERE sequence >= 9")

    code, output = run_verify()

    assert code == 1
    assert "#9 deleted" in output
    assert "#9–#10 missing at the end" in output


def _forge(sequence: int, prev_hash: str) -> None:
    template = AuditEvent.objects.order_by("sequence").first()
    fields = template.chained_fields() | {"sequence": sequence, "reason": "forged"}
    forged_hash = event_hash(prev_hash, fields)
    raw(
        f"INSERT INTO {TABLE} (sequence, occurred_at, actor_label, source, action, success, object_type, "
        "object_id, object_repr, scope_path, reason, request_id, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, '', '', '', '', 'forged', %s, %s, %s)",
        [
            sequence,
            template.occurred_at,
            template.actor_label,
            template.source,
            template.action,
            template.success,
            template.request_id,
            prev_hash,
            forged_hash,
        ],
    )


def test_a_forged_row_in_a_gap_is_found_by_its_link():
    append(10)
    with triggers_lifted():
        raw(f"DELETE FROM {TABLE} WHERE sequence = 5")
        # A self-consistent forged row in the place of #5, chained to a made-up predecessor.
        _forge(5, "f" * 64)

    code, output = run_verify()

    assert code == 1
    assert "#5 inserted" in output
    assert "#6 inserted" in output


def test_a_forged_row_appended_behind_records_back_is_found_beyond_the_head():
    events = append(10)
    _forge(11, events[-1].hash)  # inserts are allowed by the triggers; only record() moves the head

    code, output = run_verify()

    assert code == 1
    assert "#11 inserted" in output
    assert "beyond the chain head #10" in output


def test_the_head_is_not_advanced_by_verification():
    append(3)

    run_verify()

    assert AuditChainHead.objects.get().sequence == 3
