"""The canonical message and both doors' common path: what is stored, what is rejected and why."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from anze.monitoring import ingest, pointcache
from anze.monitoring.adapters import canonical
from anze.monitoring.choices import RejectReason
from anze.monitoring.models import Alarm, Reading, RejectedMessage
from anze.monitoring.tests.factories import T0, make_point

NOW = T0 + dt.timedelta(minutes=1)


def message(enterprise, readings) -> bytes:
    return canonical.encode(enterprise.credit_code, "GW-01", readings, sent_at=NOW)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"{not json", "JSON"),
        (b"[]", "JSON 对象"),
        (b'{"v": 2}', "版本"),
        (b'{"v": 1, "readings": [{}]}', "enterprise"),
        (b'{"v": 1, "enterprise": "x", "readings": []}', "非空"),
    ],
)
def test_an_unreadable_message_says_what_is_wrong(payload, fragment):
    with pytest.raises(canonical.Malformed, match=fragment):
        canonical.parse(payload)


def test_bad_readings_are_reported_one_by_one_and_good_ones_kept():
    payload = json.dumps({"v": 1, "enterprise": "E", "gateway": "G", "readings": [
        {"point": "A", "at": "2026-12-01T08:00:00+08:00", "value": 1.5},
        {"point": "B", "at": "2026-12-01T08:00:00", "value": 1},
        {"point": "C", "at": "2026-12-01T08:00:00+08:00", "value": "high"},
        {"at": "2026-12-01T08:00:00+08:00", "value": 1},
    ]})  # fmt: skip
    parsed = canonical.parse(payload)
    assert [r.point for r in parsed.readings] == ["A"]
    assert [b.reason for b in parsed.bad] == ["bad_time", "bad_value", "malformed"]


@pytest.mark.django_db
def test_a_gateway_message_stores_its_readings_and_evaluates_alarms(lanshan_enterprise):
    a, b = make_point(lanshan_enterprise), make_point(lanshan_enterprise)
    payload = message(lanshan_enterprise, [(a.code, T0, 50.0), (b.code, T0, 95.0)])

    outcome = ingest.accept([("t", payload)], channel="mqtt", actor="test", now=NOW)

    assert (outcome.stored, outcome.rejected, outcome.raised) == (2, 0, 1)
    assert Reading.objects.count() == 2
    assert Alarm.objects.get().point == b


@pytest.mark.django_db
def test_unknown_points_are_rejected_with_the_reason_and_the_rest_stored(lanshan_enterprise):
    a = make_point(lanshan_enterprise)
    payload = message(lanshan_enterprise, [(a.code, T0, 50.0), ("NOPE-1", T0, 1.0)])

    outcome = ingest.accept([("t", payload)], channel="mqtt", actor="test", now=NOW)

    assert (outcome.stored, outcome.rejected) == (1, 1)
    rejected = RejectedMessage.objects.get()
    assert rejected.reason == RejectReason.UNKNOWN_POINT
    assert "NOPE-1" in rejected.detail and rejected.enterprise == lanshan_enterprise


@pytest.mark.django_db
def test_a_malformed_message_and_an_unknown_enterprise_are_kept_not_lost(lanshan_enterprise):
    a = make_point(lanshan_enterprise)
    stranger = canonical.encode("91000000000000000X", "GW", [("P", T0, 1.0)], sent_at=NOW)
    good = message(lanshan_enterprise, [(a.code, T0, 50.0)])

    outcome = ingest.accept([("t1", b"\xff\xfe"), ("t2", stranger), ("t3", good)], channel="mqtt", actor="t",
                            now=NOW)  # fmt: skip

    assert outcome.stored == 1 and outcome.rejected_messages == 2
    assert sorted(RejectedMessage.objects.values_list("reason", flat=True)) == [
        "malformed",
        "unknown_gateway",
    ]


@pytest.mark.django_db
def test_readings_from_the_future_are_refused(lanshan_enterprise):
    a = make_point(lanshan_enterprise)
    payload = message(lanshan_enterprise, [(a.code, NOW + dt.timedelta(hours=1), 50.0)])
    outcome = ingest.accept([("t", payload)], channel="http", actor="t", now=NOW)
    assert (outcome.stored, outcome.rejected) == (0, 1)
    assert RejectedMessage.objects.get().reason == RejectReason.BAD_TIME


@pytest.mark.django_db
def test_a_message_delivered_twice_is_stored_once_and_raises_once(lanshan_enterprise):
    a, b = make_point(lanshan_enterprise), make_point(lanshan_enterprise)
    payload = message(lanshan_enterprise, [(a.code, T0, 50.0), (b.code, T0, 95.0)])
    cache = pointcache.PointCache()

    first = ingest.accept([("t", payload)], channel="mqtt", actor="test", now=NOW, points=cache)
    # the broker sends it again (the acknowledgement was lost), once alone and twice within one batch
    again = ingest.accept([("t", payload)], channel="mqtt", actor="test", now=NOW, points=cache)
    twice = ingest.accept([("t", payload), ("t", payload)], channel="mqtt", actor="test", now=NOW, points=cache)

    assert (first.stored, first.raised) == (2, 1)
    assert (again.stored, again.raised, twice.stored, twice.raised) == (0, 0, 0, 0)
    assert Reading.objects.count() == 2
    assert Alarm.objects.count() == 1


@pytest.mark.django_db
def test_a_state_another_writer_changed_is_read_again_not_overwritten(lanshan_enterprise):
    from anze.monitoring import services
    from anze.monitoring.choices import AlarmKind

    point = make_point(lanshan_enterprise)
    cache = pointcache.PointCache()
    ingest.accept([("t", message(lanshan_enterprise, [(point.code, T0, 50.0)]))], channel="mqtt", actor="t",
                  now=NOW, points=cache)  # fmt: skip
    # the offline job (another process) marks the point offline behind the cache's back
    later = T0 + dt.timedelta(minutes=10)
    assert services.detect_offline(now=later) == 1

    back = message(lanshan_enterprise, [(point.code, later + dt.timedelta(minutes=1), 50.0)])
    ingest.accept([("t", back)], channel="mqtt", actor="t", now=later + dt.timedelta(minutes=2), points=cache)

    offline = Alarm.objects.get(kind=AlarmKind.OFFLINE)
    assert not offline.is_active  # recovered by the reading: the cached state (not offline) was not used
    point.refresh_from_db()
    assert point.faults == ""


@pytest.mark.django_db
def test_a_point_registered_after_a_batch_is_known_to_the_next(lanshan_enterprise):
    a = make_point(lanshan_enterprise)
    cache = pointcache.PointCache()
    ingest.accept([("t", message(lanshan_enterprise, [(a.code, T0, 50.0)]))], channel="mqtt", actor="t", now=NOW,
                  points=cache)  # fmt: skip
    b = make_point(lanshan_enterprise)

    outcome = ingest.accept([("t", message(lanshan_enterprise, [(b.code, T0, 95.0)]))], channel="mqtt",
                            actor="t", now=NOW, points=cache)  # fmt: skip

    assert (outcome.stored, outcome.rejected, outcome.raised) == (1, 0, 1)
    assert not RejectedMessage.objects.exists()
