"""The alerts job: stock below a minimum, batches and certificates about to expire, agreements about to end —
each told once to the unit that must act, through the notices (safe to run twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anze.core import registry
from anze.emergency import services
from anze.emergency.services.alerts import run_alerts
from anze.emergency.tests import factories as f
from anze.supervision.choices import EventKind
from anze.supervision.models import Notification

pytestmark = pytest.mark.django_db


def alerts_for(unit):
    return list(Notification.objects.filter(unit=unit, kind=EventKind.ALERT).values_list("title", flat=True))


def test_the_job_is_registered():
    assert "emergency.alerts" in [job.key for job in registry.jobs()]


def test_stock_below_the_minimum_is_told_once_and_again_after_recovering(
    org, django_capture_on_commit_callbacks
):
    tent = f.item()
    depot = f.depot(org["luozhuang"], owner_unit=org["luozhuang_emergency"])
    batch = f.stock(depot, tent, 80)
    services.set_minimum_level(
        actor=None, region=org["linyi"], item=tent, minimum=100, unit=org["city_emergency"]
    )
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now)
        run_alerts(now + dt.timedelta(hours=1))
    assert len(alerts_for(org["city_emergency"])) == 1

    f.stock(depot, tent, 30)  # back to 110: re-armed
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now + dt.timedelta(hours=2))
    services.write_off(actor=None, batch=batch, quantity=20, reason="破损")  # 90 again
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now + dt.timedelta(hours=3))
    assert len(alerts_for(org["city_emergency"])) == 2


def test_expired_units_do_not_count_towards_the_minimum(org, django_capture_on_commit_callbacks):
    tent = f.item()
    today = timezone.localdate()
    f.stock(f.depot(org["luozhuang"]), tent, 500, expires_on=today - dt.timedelta(days=1),
            received_on=today - dt.timedelta(days=700))  # fmt: skip
    services.set_minimum_level(
        actor=None, region=org["linyi"], item=tent, minimum=100, unit=org["city_emergency"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(timezone.now())
    assert alerts_for(org["city_emergency"])


def test_a_batch_within_the_window_is_told_to_its_depot_once(
    org, django_capture_on_commit_callbacks, settings
):
    settings.ANZE_EMERGENCY_BATCH_EXPIRY_DAYS = 30
    today = timezone.localdate()
    depot = f.depot(org["luozhuang"], owner_unit=org["luozhuang_emergency"])
    f.stock(depot, f.item("water", "矿泉水", "箱"), 40, expires_on=today + dt.timedelta(days=30))
    f.stock(depot, f.item("food", "方便食品", "箱"), 40, expires_on=today + dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(timezone.now())
        run_alerts(timezone.now())
    [title] = alerts_for(org["luozhuang_emergency"])
    assert "矿泉水" in title


def test_an_expiring_certificate_is_told_unless_renewed(org, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    team = f.team(org["luozhuang"], owner_unit=org["luozhuang_emergency"])
    old_hand = services.add_member(actor=None, team=team, name="张三")
    renewed = services.add_member(actor=None, team=team, name="李四")
    services.add_certificate(
        actor=None, member=old_hand, name="危险化学品救援员", expires_on=today + dt.timedelta(days=20)
    )
    services.add_certificate(
        actor=None, member=renewed, name="危险化学品救援员", expires_on=today + dt.timedelta(days=20)
    )
    services.add_certificate(
        actor=None, member=renewed, name="危险化学品救援员", expires_on=today + dt.timedelta(days=1100)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(timezone.now())
    titles = alerts_for(org["luozhuang_emergency"])
    assert len(titles) == 1 and "张三" in titles[0]


def test_units_set_aside_for_an_incident_do_not_count_towards_the_minimum(
    org, alice, django_capture_on_commit_callbacks
):
    # given 120 tents on hand against a minimum of 100, of which 30 are set aside for an incident
    tent = f.item()
    f.stock(f.depot(org["luozhuang"]), tent, 120)
    services.set_minimum_level(
        actor=None, region=org["linyi"], item=tent, minimum=100, unit=org["city_emergency"]
    )
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=30)
    services.allocate(actor=alice, request=request)

    # when the job runs
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(timezone.now())

    # then the 90 still available are below the minimum and the responsible unit is told
    [title] = alerts_for(org["city_emergency"])
    assert "救灾帐篷" in title
