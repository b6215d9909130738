"""Installations, points, ingest with alarm evaluation, and the alarm life cycle, on the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from anze.audit.models import AuditEvent
from anze.monitoring import partitions, services
from anze.monitoring.choices import AlarmKind, AlarmStatus, PointKind, Tier
from anze.monitoring.errors import MonitoringError
from anze.monitoring.hazards import Substance
from anze.monitoring.models import Alarm, MonitoringPoint, Reading
from anze.monitoring.tests.factories import T0, feed, make_point

pytestmark = pytest.mark.django_db


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_assessing_a_unit_stores_s_r_and_level(lanshan_enterprise):
    # given a storage unit with 40 t ammonia and 20 t of a W5.1 solvent, 60 people within 500 m
    hazard = services.assess_major_hazard(
        actor=None,
        enterprise=lanshan_enterprise,
        substances=[Substance("氨", Decimal(40)), Substance("某溶剂", Decimal(20), "W5.1")],
        name="液氨罐区",
        unit_kind="storage",
        people_exposed=60,
        assessed_on=dt.date(2026, 11, 1),
        main_responsible="张三",
        technical_responsible="李四",
        operating_responsible="王五",
    )

    # then S = 6, R = 1.5·(2·4 + 1.5·2) = 16.5 → 三级, the terms are shown from the stored substances
    hazard.refresh_from_db()
    assert (hazard.s_value, hazard.r_value, hazard.alpha) == (Decimal("6"), Decimal("16.5"), Decimal("1.5"))
    assert hazard.is_major and hazard.level == 3
    assert [t.beta_from for t in services.assessment_of(hazard).terms] == ["表3", "表4 W5.1"]
    assert events("monitoring.assess_major_hazard") == 1


def test_a_unit_below_the_critical_quantity_is_not_major(lanshan_enterprise):
    hazard = services.assess_major_hazard(
        actor=None, enterprise=lanshan_enterprise, substances=[Substance("氨", Decimal(5))], name="小罐",
        unit_kind="storage", people_exposed=0, assessed_on=dt.date(2026, 11, 1), main_responsible="甲",
        technical_responsible="乙", operating_responsible="丙",
    )  # fmt: skip
    assert not hazard.is_major and hazard.level is None


def test_a_substance_without_class_is_refused_and_nothing_saved(lanshan_enterprise):
    with pytest.raises(MonitoringError, match="危险性类别"):
        services.assess_major_hazard(
            actor=None, enterprise=lanshan_enterprise, substances=[Substance("某溶剂", Decimal(5))], name="甲",
            unit_kind="storage", people_exposed=0, assessed_on=dt.date(2026, 11, 1), main_responsible="甲",
            technical_responsible="乙", operating_responsible="丙",
        )  # fmt: skip
    assert events("monitoring.assess_major_hazard") == 0


def test_a_combustible_gas_detector_gets_the_gb50493_set_points(lanshan_enterprise):
    point = make_point(
        lanshan_enterprise, kind=PointKind.COMBUSTIBLE_GAS, low=None, high=None, high_high=None
    )
    assert (point.high, point.high_high, point.unit) == (Decimal(25), Decimal(50), "%LEL")


def test_inconsistent_thresholds_are_refused(lanshan_enterprise):
    with pytest.raises(MonitoringError, match="阈值"):
        make_point(lanshan_enterprise, high=Decimal(95), high_high=Decimal(90))


def test_readings_are_stored_and_an_excursion_raises_then_escalates_then_recovers(lanshan_enterprise):
    point = make_point(lanshan_enterprise)

    results = feed(point, [50, 85, 95, 50])

    assert Reading.objects.filter(point=point).count() == 4
    (alarm,) = Alarm.objects.filter(point=point)
    assert [len(r.raised) for r in results] == [0, 1, 0, 0]
    assert (alarm.kind, alarm.level, alarm.value) == (AlarmKind.LIMIT, 2, 85.0)
    assert not alarm.is_active and alarm.recovered_at == T0 + dt.timedelta(minutes=3)
    assert events("monitoring.ingest_readings") == 4
    point.refresh_from_db()
    assert (point.level, point.last_value) == (0, 50.0)


def test_state_survives_between_batches_for_debounce(lanshan_enterprise):
    point = make_point(lanshan_enterprise, debounce=3)
    feed(point, [85, 85])
    assert not Alarm.objects.exists()
    feed(point, [85], start=T0 + dt.timedelta(minutes=2))
    assert Alarm.objects.filter(point=point, kind=AlarmKind.LIMIT, level=1).count() == 1


def test_a_late_reading_is_stored_but_does_not_move_the_state_back(lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    feed(point, [50], start=T0 + dt.timedelta(minutes=10))
    services.ingest_readings([(point.pk, T0, 99.0)], actor="test", now=T0 + dt.timedelta(minutes=11))
    assert Reading.objects.filter(point=point).count() == 2
    assert not Alarm.objects.exists()


def test_out_of_range_is_an_alarm_of_its_own_kind(lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    feed(point, [150])
    assert list(Alarm.objects.values_list("kind", "level")) == [(AlarmKind.OUT_OF_RANGE, 0)]


def test_offline_is_raised_once_and_cleared_by_the_next_reading(lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    feed(point, [50])
    later = T0 + dt.timedelta(minutes=10)

    assert services.detect_offline(now=later) == 1
    assert services.detect_offline(now=later) == 0
    feed(point, [50], start=later)

    (alarm,) = Alarm.objects.filter(kind=AlarmKind.OFFLINE)
    assert not alarm.is_active


def test_a_point_never_reporting_goes_offline_after_commissioning(lanshan_enterprise):
    make_point(lanshan_enterprise)
    assert services.detect_offline(now=T0 + dt.timedelta(minutes=2)) == 0
    assert services.detect_offline(now=T0 + dt.timedelta(minutes=4)) == 1


def _raised(enterprise) -> Alarm:
    point = make_point(enterprise)
    feed(point, [95])
    return Alarm.objects.get(point=point)


def test_life_cycle_acknowledge_handle_close_each_audited(bob, lanshan_enterprise):
    alarm = _raised(lanshan_enterprise)
    feed(alarm.point, [50], start=T0 + dt.timedelta(minutes=5))

    alarm = services.acknowledge_alarm(alarm, actor=bob)
    alarm = services.handle_alarm(alarm, actor=bob, note="液位计校准后恢复")
    alarm = services.close_alarm(alarm, actor=bob)

    assert alarm.status == AlarmStatus.CLOSED
    assert alarm.acknowledged_by == bob and alarm.handled_by == bob
    for action in ("acknowledge_alarm", "handle_alarm", "close_alarm"):
        assert events(f"monitoring.{action}") == 1


def test_an_alarm_cannot_be_closed_before_the_point_recovers(bob, lanshan_enterprise):
    alarm = services.handle_alarm(_raised(lanshan_enterprise), actor=bob, note="已派人处置")
    with pytest.raises(MonitoringError, match="尚未恢复"):
        services.close_alarm(alarm, actor=bob)
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.HANDLED


def test_handling_needs_a_note_and_the_right_state(bob, lanshan_enterprise):
    alarm = _raised(lanshan_enterprise)
    with pytest.raises(MonitoringError, match="处置说明"):
        services.handle_alarm(alarm, actor=bob, note="  ")
    with pytest.raises(MonitoringError, match="不能消警"):
        services.close_alarm(alarm, actor=bob)


def test_a_user_outside_the_scope_cannot_touch_the_alarm(bob, luozhuang_enterprise):
    alarm = _raised(luozhuang_enterprise)
    with pytest.raises(MonitoringError, match="无权"):
        services.acknowledge_alarm(alarm, actor=bob)
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.RAISED
    assert events("monitoring.acknowledge_alarm") == 0


def test_handling_that_reveals_a_hazard_opens_a_linked_hidden_danger(bob, lanshan_enterprise):
    from anze.prevention.models import HiddenDanger

    alarm = services.handle_alarm(
        _raised(lanshan_enterprise), actor=bob, note="法兰泄漏", reveals_hazard=True
    )

    hd = HiddenDanger.objects.get()
    assert alarm.hidden_danger == hd
    assert (hd.source, hd.enterprise) == ("monitoring_alarm", lanshan_enterprise)


def test_an_alarm_not_handled_in_time_opens_one_supervision_case(lanshan_enterprise):
    from anze.supervision.models import Case

    alarm = _raised(lanshan_enterprise)  # 二级 (高高): one hour to handle

    assert services.escalate_unhandled_alarms(now=alarm.raised_at + dt.timedelta(minutes=59)) == 0
    assert services.escalate_unhandled_alarms(now=alarm.raised_at + dt.timedelta(hours=1)) == 1
    assert services.escalate_unhandled_alarms(now=alarm.raised_at + dt.timedelta(hours=2)) == 0

    case = Case.objects.get()
    alarm.refresh_from_db()
    assert alarm.case == case
    assert (case.source, case.unit) == ("alarm", lanshan_enterprise.supervising_unit)


def test_an_unacknowledged_alarm_climbs_the_tiers_once_each(lanshan_enterprise):
    alarm = _raised(lanshan_enterprise)
    step = services.PUSH_AFTER

    assert services.push_alarms(now=alarm.raised_at + step) == 1
    assert services.push_alarms(now=alarm.raised_at + step) == 0
    assert services.push_alarms(now=alarm.raised_at + 2 * step) == 1
    assert services.push_alarms(now=alarm.raised_at + 5 * step) == 0
    alarm.refresh_from_db()
    assert alarm.tier == Tier.CITY


def test_an_acknowledged_alarm_is_not_pushed(bob, lanshan_enterprise):
    alarm = services.acknowledge_alarm(_raised(lanshan_enterprise), actor=bob)
    assert services.push_alarms(now=alarm.raised_at + 3 * services.PUSH_AFTER) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only")
def test_readings_land_in_their_month_and_old_months_are_dropped(lanshan_enterprise):
    point = make_point(lanshan_enterprise, in_service_from=T0 - dt.timedelta(days=90))
    old = T0 - dt.timedelta(days=70)
    services.ingest_readings([(point.pk, old, 50.0), (point.pk, T0, 50.0)], actor="test", now=T0)
    assert {partitions.partition_name(m) for m in partitions.existing()} >= {
        "monitoring_reading_202609", "monitoring_reading_202612"}  # fmt: skip

    result = partitions.maintain(now=T0, keep_days=31)

    assert "monitoring_reading_202609" in result["dropped"]
    assert "monitoring_reading_202701" in result["created"]
    assert list(Reading.objects.values_list("at", flat=True)) == [T0]
    assert MonitoringPoint.objects.count() == 1


def test_hourly_roll_up_is_recomputed_not_added_twice(lanshan_enterprise):
    from anze.monitoring.models import HourlyRollup

    point = make_point(lanshan_enterprise)
    feed(point, [10, 30, 50], step_s=1200)  # 00:00, 00:20, 00:40
    feed(point, [70], start=T0 + dt.timedelta(hours=1))

    for _ in range(2):
        assert services.roll_up_hours(start=T0, end=T0 + dt.timedelta(hours=2)) == 2

    first = HourlyRollup.objects.get(point=point, hour=T0)
    assert (first.count, first.minimum, first.maximum, first.average) == (3, 10.0, 50.0, 30.0)
    assert HourlyRollup.objects.count() == 2


def test_online_counts_in_sql_match_the_pure_count(lanshan_enterprise, luozhuang_enterprise):
    from anze.monitoring import online

    # given three points in Lanshan (one silent, one retired before the window) and two in Luozhuang
    a, b, retired = (make_point(lanshan_enterprise) for _ in range(3))
    retired.in_service_until = T0 - dt.timedelta(hours=1)
    retired.save()
    c, d = make_point(luozhuang_enterprise), make_point(luozhuang_enterprise)
    c.in_service_from = T0 - dt.timedelta(days=1)
    c.save()
    window = online.Window(T0, T0 + dt.timedelta(days=1))
    readings = [(a.pk, T0 + dt.timedelta(hours=1)), (c.pk, T0 + dt.timedelta(hours=2)),
                (d.pk, T0 - dt.timedelta(hours=1)), (b.pk, window.end)]  # fmt: skip
    services.ingest_readings([(p, at, 1.0) for p, at in readings], actor="test", now=T0)

    counts = services.online_counts(MonitoringPoint.objects.all(), window)

    pure = online.count_online(
        [online.ExpectedPoint(p.pk, p.enterprise_id, p.in_service_from, p.in_service_until)
         for p in MonitoringPoint.objects.all()],
        readings, window,
    )  # fmt: skip
    assert counts == pure
    assert counts[lanshan_enterprise.pk] == online.Count(1, 2)
    assert online.combine(counts.values()) == online.Count(2, 4)


def test_raise_recover_and_raise_again_within_one_batch(lanshan_enterprise):
    point = make_point(lanshan_enterprise)
    rows = [(point.pk, T0 + dt.timedelta(minutes=i), v) for i, v in enumerate([95, 50, 85])]

    services.ingest_readings(rows, actor="test", now=T0 + dt.timedelta(minutes=3))

    alarms = list(Alarm.objects.filter(point=point).order_by("raised_at").values_list("level", "is_active"))
    assert alarms == [(2, False), (1, True)]


def test_offline_detection_walks_every_batch(lanshan_enterprise):
    for _ in range(5):
        make_point(lanshan_enterprise)
    assert services.detect_offline(now=T0 + dt.timedelta(hours=1), batch_size=2) == 5
