"""Alarm notices: the enterprise's users when raised, then the county's and the city's departments while
nobody acknowledges, through supervision's inbox (registered notice handler), once each."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.accounts.roles import Role
from anze.enterprises.models import EnterpriseMembership, IndustrySupervisor
from anze.monitoring import services
from anze.monitoring.models import Alarm
from anze.monitoring.tests.factories import T0, feed, make_point
from anze.supervision.choices import EventKind
from anze.supervision.models import Notification
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(lanshan_enterprise, org):
    user = make_user("lanshan_ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    IndustrySupervisor.objects.create(region=org["linyi"], industry=lanshan_enterprise.industry,
                                      unit=org["city_emergency"])  # fmt: skip
    return user


def _alarm_notices():
    return Notification.objects.filter(kind=EventKind.MONITORING_ALARM).order_by("id")


def test_a_raised_alarm_tells_the_enterprise_then_climbs_to_county_and_city(
    lanshan_enterprise, staffed, org, django_capture_on_commit_callbacks
):
    point = make_point(lanshan_enterprise, name="液氨储罐液位")
    with django_capture_on_commit_callbacks(execute=True):
        feed(point, [50, 95])
    [first] = _alarm_notices()
    assert first.user == staffed and first.urgent
    assert "兰山化工" in first.title and "液氨储罐液位" in first.body

    alarm = Alarm.objects.get(point=point)
    with django_capture_on_commit_callbacks(execute=True):
        services.push_alarms(now=alarm.raised_at + services.PUSH_AFTER)
        services.push_alarms(now=alarm.raised_at + services.PUSH_AFTER)  # a second run tells nobody again
    with django_capture_on_commit_callbacks(execute=True):
        services.push_alarms(now=alarm.raised_at + 2 * services.PUSH_AFTER)
    notices = list(_alarm_notices())
    assert [n.unit for n in notices[1:]] == [org["lanshan_emergency"], org["city_emergency"]]
    assert "县区" in notices[1].title and "市" in notices[2].title


def test_an_acknowledged_alarm_tells_no_one_further(
    lanshan_enterprise, staffed, bob, django_capture_on_commit_callbacks
):
    point = make_point(lanshan_enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        feed(point, [95])
        alarm = services.acknowledge_alarm(Alarm.objects.get(point=point), actor=bob)
        services.push_alarms(now=alarm.raised_at + 3 * services.PUSH_AFTER)
    assert _alarm_notices().count() == 1


def test_many_alarms_of_one_enterprise_are_one_notice(lanshan_enterprise, staffed, django_capture_on_commit_callbacks):
    points = [make_point(lanshan_enterprise, in_service_from=T0 - dt.timedelta(hours=1)) for _ in range(7)]
    with django_capture_on_commit_callbacks(execute=True):
        services.detect_offline(now=T0 + dt.timedelta(hours=1))
    [notice] = _alarm_notices()
    assert "7 个" in notice.title and "共 7 个" in notice.body and not notice.urgent
    assert len(points) == Alarm.objects.count()


def test_work_that_rolls_back_tells_no_one(lanshan_enterprise, staffed, django_capture_on_commit_callbacks):
    from django.db import transaction

    point = make_point(lanshan_enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                feed(point, [95])
                raise RuntimeError("storage failed")
        except RuntimeError:
            pass
    assert not _alarm_notices().exists()
