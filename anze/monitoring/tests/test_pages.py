"""The monitoring pages: scope, the chart with its thresholds, the alarm queue's actions, the on-line rate's
links down to the points it counts, and 风险预警."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.enterprises.models import EnterpriseMembership
from anze.monitoring import services
from anze.monitoring.choices import AlarmStatus
from anze.monitoring.hazards import Substance
from anze.monitoring.models import Alarm
from anze.monitoring.tests.factories import make_point
from conftest import make_user

pytestmark = pytest.mark.django_db


def _hazard(enterprise, name="液氨罐区"):
    return services.assess_major_hazard(
        actor=None, enterprise=enterprise, substances=[Substance("氨", Decimal(40))], name=name,
        unit_kind="storage", people_exposed=60, assessed_on=dt.date(2026, 11, 1), main_responsible="张三",
        technical_responsible="李四", operating_responsible="王五",
    )  # fmt: skip


def _recent(point, values, *, minutes_ago=30):
    """Ingest values a minute apart, ending `minutes_ago` minutes before now."""
    start = timezone.now() - dt.timedelta(minutes=minutes_ago + len(values))
    for i, value in enumerate(values):
        at = start + dt.timedelta(minutes=i)
        services.ingest_readings([(point.pk, at, value)], actor="test", now=at)


def _since(minutes):
    return timezone.now() - dt.timedelta(minutes=minutes)


@pytest.fixture
def plant(lanshan_enterprise, luozhuang_enterprise):
    """兰山: a hazard with a point in 高高 alarm and a quiet one; 罗庄: one normal point."""
    hazard = _hazard(lanshan_enterprise)
    hot = make_point(lanshan_enterprise, hazard=hazard, name="1号罐液位", in_service_from=_since(600))
    quiet = make_point(lanshan_enterprise, hazard=hazard, name="2号罐液位", in_service_from=_since(600))
    far = make_point(luozhuang_enterprise, name="罗庄罐液位", in_service_from=_since(600))
    _recent(hot, [50, 95])
    _recent(far, [40, 41])
    return {"hazard": hazard, "hot": hot, "quiet": quiet, "far": far}


def test_hazard_detail_shows_the_calculation_and_its_points(client, signed_in, bob, plant):
    body = signed_in(bob).get(plant["hazard"].get_absolute_url()).content.decode()
    # S = 40/10 = 4; R = 1.5·2·4 = 12 → 三级
    assert "S = Σ q/Q = <strong>4.0000</strong>" in body
    assert "<strong>12.000</strong> → 三级" in body
    assert "1号罐液位" in body and "王五" in body


def test_county_sees_its_own_points_only_and_other_details_are_404(client, signed_in, bob, plant):
    body = signed_in(bob).get(reverse("monitoring:point_list")).content.decode()
    assert "1号罐液位" in body and "罗庄罐液位" not in body
    assert signed_in(bob).get(plant["far"].get_absolute_url()).status_code == 404


def test_point_list_colours_states_and_counts_link_to_their_list(client, signed_in, alice, plant):
    c = signed_in(alice)
    body = c.get(reverse("monitoring:point_list")).content.decode()
    assert 'href="/monitoring/points/?state=alarm"' in body
    alarm_body = c.get(reverse("monitoring:point_list") + "?state=alarm").content.decode()
    assert "1号罐液位" in alarm_body and "2号罐液位" not in alarm_body and "text-bg-danger" in alarm_body


def test_point_list_query_count_does_not_grow_with_rows(client, signed_in, alice, plant, lanshan_enterprise):
    c = signed_in(alice)
    url = reverse("monitoring:point_list")
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for _ in range(8):
        make_point(lanshan_enterprise, in_service_from=_since(600))
    with CaptureQueriesContext(connection) as many:
        c.get(url)
    assert len(many) == len(few)


def test_point_chart_draws_the_readings_and_thresholds(client, signed_in, bob, plant):
    response = signed_in(bob).get(plant["hot"].get_absolute_url() + "?hours=6")
    option = json.loads(re.search(r'id="chart-point" type="application/json">(.*?)</script>',
                                  response.content.decode(), re.S).group(1))  # fmt: skip
    series = option["series"][0]
    assert [v for _ms, v in series["data"]] == [50, 95]
    assert sorted(line["yAxis"] for line in series["markLine"]["data"]) == [20, 80, 90]


def test_point_chart_over_a_week_is_hourly(client, signed_in, bob, plant):
    response = signed_in(bob).get(plant["hot"].get_absolute_url() + "?hours=168")
    option = json.loads(re.search(r'id="chart-point" type="application/json">(.*?)</script>',
                                  response.content.decode(), re.S).group(1))  # fmt: skip
    assert [s["name"] for s in option["series"]] == ["小时平均", "小时最大", "小时最小"]
    assert max(v for _ms, v in option["series"][1]["data"]) == 95


def test_a_range_that_is_not_offered_is_a_400(client, signed_in, bob, plant):
    assert signed_in(bob).get(plant["hot"].get_absolute_url() + "?hours=5").status_code == 400


def test_the_alarm_goes_through_its_life_cycle_on_the_page(client, signed_in, bob, plant):
    c = signed_in(bob)
    alarm = Alarm.objects.get(point=plant["hot"])
    assert c.get(reverse("monitoring:alarm_list") + "?status=raised").content.decode().count(
        str(alarm.public_id)
    ) >= 1

    c.post(reverse("monitoring:alarm_action", args=[alarm.public_id, "acknowledge"]))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED and alarm.acknowledged_by == bob

    # handling needs a note: without one the form says so and nothing changes
    response = c.post(reverse("monitoring:alarm_action", args=[alarm.public_id, "handle"]), {"note": ""})
    assert response.status_code == 400
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED

    c.post(reverse("monitoring:alarm_action", args=[alarm.public_id, "handle"]),
           {"note": "进料阀关小，液位回落", "hazard_grade": "general"})  # fmt: skip
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.HANDLED

    # the point has not recovered: 消警 is refused with the reason
    response = c.post(reverse("monitoring:alarm_action", args=[alarm.public_id, "close"]), follow=True)
    assert "尚未恢复正常" in response.content.decode()
    _recent(plant["hot"], [50, 50], minutes_ago=5)
    c.post(reverse("monitoring:alarm_action", args=[alarm.public_id, "close"]))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED
    actions = set(AuditEvent.objects.filter(object_id__in=(str(alarm.pk), str(alarm.public_id))).values_list("action", flat=True))
    assert {"monitoring.acknowledge_alarm", "monitoring.handle_alarm", "monitoring.close_alarm"} <= actions


def test_a_denied_action_changes_nothing(client, signed_in, charlie, dave, plant):
    alarm = Alarm.objects.get(point=plant["hot"])  # 兰山's alarm; charlie works for 罗庄
    for user in (charlie, dave):
        client.logout()
        response = signed_in(user).post(reverse("monitoring:alarm_action", args=[alarm.public_id, "acknowledge"]))
        assert response.status_code == 404
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.RAISED


def test_the_enterprise_handles_its_own_alarm(client, signed_in, plant, lanshan_enterprise):
    user = make_user("lanshan_ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    alarm = Alarm.objects.get(point=plant["hot"])
    signed_in(user).post(reverse("monitoring:alarm_action", args=[alarm.public_id, "acknowledge"]))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED


def test_online_rate_by_county_and_each_figure_links_to_its_points(client, signed_in, alice, plant, org):
    c = signed_in(alice)
    body = c.get(reverse("monitoring:online_rate")).content.decode()
    # 兰山: 2 expected, 1 reporting; 罗庄: 1 of 1; the city: 2 of 3
    assert re.search(r"兰山区</a></td>\s*<td[^>]*><a[^>]*>2</a></td>\s*<td[^>]*><a[^>]*>1</a>", body)
    assert "66.7%" in body
    offline_link = re.search(r'<a href="([^"]*region=371302[^"]*reported=no)"', body).group(1).replace("&amp;", "&")
    listed = c.get(offline_link).content.decode()
    assert "2号罐液位" in listed and "1号罐液位" not in listed and "罗庄罐液位" not in listed


def test_online_rate_of_a_county_is_by_enterprise(client, signed_in, bob, plant):
    body = signed_in(bob).get(reverse("monitoring:online_rate") + "?region=371302").content.decode()
    assert "兰山化工" in body and "50.0%" in body


def test_online_rate_refuses_a_bad_month(client, signed_in, alice, plant):
    assert signed_in(alice).get(reverse("monitoring:online_rate") + "?month=2026-13").status_code == 400


def test_risk_warning_colours_the_enterprise_with_a_second_level_alarm_red(client, signed_in, alice, plant):
    body = signed_in(alice).get(reverse("monitoring:risk_warning")).content.decode()
    lanshan = body.index("兰山化工")
    row = body[body.rindex("<tr>", 0, lanshan): body.index("</tr>", lanshan)]
    assert "红色预警" in row and "二级报警持续中 1 个" in row
    luozhuang = body.index("罗庄石化")
    row = body[body.rindex("<tr>", 0, luozhuang): body.index("</tr>", luozhuang)]
    assert "蓝色" in row


def test_home_panel_counts_waiting_alarms(client, signed_in, bob, plant):
    body = signed_in(bob).get(reverse("core:home")).content.decode()
    assert 'href="/monitoring/alarms/?status=raised">1</a>' in body
