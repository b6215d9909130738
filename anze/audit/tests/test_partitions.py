"""The trail by month (PostgreSQL partitions, migration 0004): the chain verifies across months, the coming
months are made ahead, and the months past the retention leave as tables of their own while the chain still
verifies; a month taken away without the job is still reported. SQLite keeps one table and the same proof.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from anze.audit import witness
from anze.audit.models import AuditEvent
from anze.audit.partitions import DETACHED, EVENTS, maintain
from anze.audit.services import record
from anze.audit.verify import verify_chain
from anze.core import registry
from anze.core.partitions import month_start, next_month

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
THIS_MONTH = month_start(NOW)
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="partitions are PostgreSQL's"
)


def at(moment: dt.datetime, monkeypatch, action: str = "test.thing.update") -> AuditEvent:
    """Record one event as if it happened at `moment`."""
    monkeypatch.setattr("anze.audit.services.timezone.now", lambda: moment)
    with transaction.atomic():
        return record(action, actor=None, after={"at": moment.isoformat()})


def tables_of(sequences: list[int]) -> dict[int, str]:
    """Which table of the database each event's row lives in (PostgreSQL's own answer)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequence, tableoid::regclass::text FROM audit_auditevent WHERE sequence = ANY(%s)",
            [sequences],
        )
        return dict(cursor.fetchall())


def midmonth(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 15, 12, tzinfo=dt.UTC)


def test_the_chain_verifies_across_two_months(monkeypatch):
    events = [at(midmonth(THIS_MONTH), monkeypatch), at(midmonth(THIS_MONTH), monkeypatch)]
    events += [at(midmonth(next_month(THIS_MONTH)), monkeypatch) for _ in range(3)]

    result = verify_chain(batch_size=2)

    assert result.ok, result.problems
    assert (result.checked, result.last_sequence) == (5, 5)
    assert events[2].prev_hash == events[1].hash
    if connection.vendor == "postgresql":
        tables = tables_of([event.sequence for event in events])
        assert tables[1] == tables[2] == EVENTS.partition_name(THIS_MONTH)
        assert tables[3] == tables[5] == EVENTS.partition_name(next_month(THIS_MONTH))


def test_the_partitions_job_is_registered_and_does_nothing_on_sqlite():
    job = next(job for job in registry.jobs() if job.key == "audit.partitions")

    outcome = job.func(NOW)

    if connection.vendor == "sqlite":
        assert outcome == {"created": [], "detached": [], "dropped": []}


@postgresql_only
def test_the_job_makes_the_coming_months_ahead():
    far = dt.datetime(NOW.year + 5, 3, 10, tzinfo=dt.UTC)

    outcome = maintain(far)

    months = [dt.date(NOW.year + 5, m, 1) for m in (3, 4, 5, 6)]
    assert outcome["created"] == [EVENTS.partition_name(m) for m in months]
    assert set(months) <= set(EVENTS.existing())
    assert maintain(far)["created"] == []  # safe to run twice


@postgresql_only
def test_an_event_of_a_month_without_a_partition_lands_in_the_default_one(monkeypatch):
    far = dt.datetime(NOW.year + 7, 8, 1, tzinfo=dt.UTC)

    event = at(far, monkeypatch)

    assert tables_of([event.sequence])[event.sequence] == EVENTS.default_name
    assert EVENTS.ensure_month(month_start(far)) is False  # its rows stay where they are
    assert verify_chain().ok


@postgresql_only
def test_months_past_the_retention_are_detached_and_the_chain_still_verifies(monkeypatch, settings, tmp_path):
    settings.ANZE_AUDIT_RETENTION_DAYS = 184
    settings.ANZE_AUDIT_WITNESS_DIR = tmp_path / "witness"
    settings.ANZE_AUDIT_WITNESS_KEY_FILE = tmp_path / "keys" / "audit_witness_key"
    settings.ANZE_AUDIT_WITNESS_EMAILS = []
    settings.ANZE_AUDIT_TSA_URL = ""
    old = month_start(NOW - dt.timedelta(days=400))
    for month in (old, next_month(old)):
        EVENTS.ensure_month(month)
    first = [at(midmonth(old), monkeypatch), at(midmonth(old), monkeypatch)]
    second = [at(midmonth(next_month(old)), monkeypatch)]
    recent = [at(NOW - dt.timedelta(days=1), monkeypatch), at(NOW, monkeypatch)]

    monkeypatch.setattr("anze.audit.services.timezone.now", lambda: NOW)
    outcome = maintain(NOW)

    assert outcome["detached"] == [EVENTS.partition_name(old), EVENTS.partition_name(next_month(old))]
    remaining = set(AuditEvent.objects.values_list("sequence", flat=True))
    assert remaining.isdisjoint({event.sequence for event in first + second})
    assert {event.sequence for event in recent} <= remaining
    with connection.cursor() as cursor:  # the detached rows are kept, in a table of their own
        cursor.execute(f"SELECT COUNT(*) FROM {EVENTS.partition_name(old)}")
        assert cursor.fetchone()[0] == 2
    notes = list(AuditEvent.objects.filter(action=DETACHED).order_by("sequence"))
    assert [note.after["last_sequence"] for note in notes] == [2, 3]
    assert notes[1].after["last_hash"] == second[0].hash
    result = verify_chain()
    assert result.ok, result.problems
    assert result.archived_through == 3
    assert result.checked == len(recent) + len(notes)
    # A witness signed after the detachment is proven the same way.
    statement = witness.publish_witness(now=NOW)
    assert witness.verify_against(statement.path).ok


@postgresql_only
def test_a_month_taken_away_without_the_job_is_reported_as_deleted(monkeypatch):
    old = month_start(NOW - dt.timedelta(days=400))
    EVENTS.ensure_month(old)
    at(midmonth(old), monkeypatch)
    at(NOW, monkeypatch)

    EVENTS.detach(old)  # as an owner of the tables could, behind the job's back

    result = verify_chain()
    assert not result.ok
    assert [(p.sequence, p.kind) for p in result.problems] == [(1, "deleted")]


@postgresql_only
def test_a_month_that_is_not_the_oldest_part_of_the_chain_stays(monkeypatch, settings):
    settings.ANZE_AUDIT_RETENTION_DAYS = 184
    old = month_start(NOW - dt.timedelta(days=400))
    EVENTS.ensure_month(old)
    at(NOW - dt.timedelta(days=1), monkeypatch)
    at(midmonth(old), monkeypatch)  # a clock set back: an older time after a newer sequence

    monkeypatch.setattr("anze.audit.services.timezone.now", lambda: NOW)
    outcome = maintain(NOW)

    assert outcome["detached"] == []
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok
