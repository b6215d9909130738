"""The monitoring API: the pages' filters and scope, and an alarm's steps with their refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.monitoring.choices import AlarmStatus
from anze.monitoring.models import Alarm
from anze.monitoring.tests.test_pages import plant  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_points_are_scoped_and_filtered_like_the_page(client, bob, plant):  # noqa: F811
    client.force_login(bob)
    rows = client.get(reverse("api:monitoring-point-list") + "?state=alarm").json()["results"]
    assert [r["name"] for r in rows] == ["1号罐液位"]
    assert client.get(reverse("api:monitoring-point-detail", args=[plant["far"].public_id])).status_code == 404


def test_an_alarm_is_acknowledged_and_a_step_out_of_order_is_a_conflict(client, bob, plant):  # noqa: F811
    client.force_login(bob)
    alarm = Alarm.objects.get(point=plant["hot"])
    url = reverse("api:monitoring-alarm-step", args=[alarm.public_id])
    response = client.post(url, {"action": "close"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "bad_transition"
    response = client.post(url, {"action": "acknowledge"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == AlarmStatus.ACKNOWLEDGED


def test_another_county_cannot_step_an_alarm(client, charlie, plant):  # noqa: F811
    client.force_login(charlie)
    alarm = Alarm.objects.get(point=plant["hot"])
    response = client.post(reverse("api:monitoring-alarm-step", args=[alarm.public_id]), {"action": "acknowledge"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 404
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.RAISED
