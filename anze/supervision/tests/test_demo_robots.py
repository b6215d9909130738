"""The 督办 ladder over the Linyi demo data, delivered to real local HTTPS robots: every message names its
unit, a group's many messages come as digests, no robot gets more than its rate, times are local."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from anze.org.models import Region, Unit
from anze.supervision.choices import Channel, DeliveryStatus, SendOutcome
from anze.supervision.dispatch import WINDOW, send_due_deliveries
from anze.supervision.models import Delivery, EndpointSend
from anze.supervision.tests.factories import FakeClock, RobotServer, make_endpoint

# A working Friday morning inside the holiday data, with past quarters and half-years overdue.
DEMO_DAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SITE = "https://anze.linyi.example"
FOOTER = re.compile(r"安责 · (\d{4}-\d\d-\d\d \d\d:\d\d)")


def _recipient(delivery: Delivery) -> str:
    notification = delivery.notification
    return (
        (notification.unit or notification.case.unit).name
        if notification.unit_id
        else notification.person.name
    )


@pytest.mark.django_db
def test_the_ladder_over_the_demo_reaches_local_https_robots_named_batched_and_within_the_rate(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    settings.ANZE_SITE_URL = SITE
    # Digests keep the demo's traffic small; a low limit makes the limiter hold some of it back.
    settings.ANZE_WEBHOOK_PER_MINUTE = 3
    settings.ANZE_NOTICE_DIGEST_AFTER = 3
    with time_machine.travel(DEMO_DAY, tick=False), RobotServer() as robot:
        # Given the demo organization, then the office's robots, then the plan, its work and one ladder run.
        call_command("demo", "--no-plan", "--enterprises", "0", stdout=open(tmp_path / "org.txt", "w"))
        city, lanshan = Region.objects.get(code="371300"), Region.objects.get(name="兰山区")
        make_endpoint(city, Channel.WECOM, f"{robot.url}/city/cgi-bin/webhook/send?key=city")
        make_endpoint(lanshan, Channel.DINGTALK, f"{robot.url}/lanshan/robot/send?access_token=t")
        emergency = Unit.objects.get(name="临沂市应急管理局")
        make_endpoint(city, Channel.WECOM, f"{robot.url}/emergency/send?key=e", unit=emergency)
        call_command("demo", "--enterprises", "0", stdout=open(tmp_path / "plan.txt", "w"))

        deliveries = Delivery.objects.count()
        assert deliveries > 100, "the demo's overdue work makes plenty of messages"
        # When the worker sends, on a clock that moves one second per message, minute after minute.
        clock = FakeClock(DEMO_DAY)
        first = send_due_deliveries(now=DEMO_DAY, limit=10_000, clock=clock)
        runs = 1
        while Delivery.objects.exclude(status=DeliveryStatus.SENT).exists():
            assert runs < 30, "everything is sent within half an hour"
            clock.advance(dt.timedelta(seconds=60))
            send_due_deliveries(now=clock.now, limit=10_000, clock=clock)
            runs += 1

    # Then nothing was dropped and the robots got far fewer messages than there were notices (digests).
    assert first["queued"] > 0, "the rate limit held some messages back for the next run"
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    assert len(robot.requests) == EndpointSend.objects.filter(outcome=SendOutcome.SENT).count()
    assert len(robot.requests) * 5 < deliveries
    assert any(
        request["body"]["markdown"].get("content", "").startswith("### 督办消息汇总")
        for request in robot.requests
    )

    # Each message names the unit of every notice it carries, with its item, due date, lateness and link.
    bodies = {}
    for endpoint_path in ("/city/", "/lanshan/", "/emergency/"):
        carried = [r for r in robot.requests if r["path"].startswith(endpoint_path)]
        sends = list(
            EndpointSend.objects.filter(
                endpoint__target__contains=endpoint_path, outcome=SendOutcome.SENT
            ).order_by("started_at", "id")
        )
        assert len(carried) == len(sends) > 0
        for request, send in zip(carried, sends, strict=True):
            markdown = request["body"]["markdown"]
            text = markdown.get("content") or markdown["text"]
            bodies[send.pk] = text
            for delivery in send.deliveries.select_related(
                "notification__unit",
                "notification__person",
                "notification__case__unit",
                "notification__occurrence",
            ):
                assert _recipient(delivery) in text
                if delivery.notification.occurrence_id:
                    assert f"{delivery.notification.occurrence.due_on:%Y-%m-%d}" in text
                    assert f"{SITE}/" in text
            assert "已逾期" in text or "到期" in text

    # The rate: no 60-second window holds more than the limit, for any robot (from the send log).
    for endpoint_id in EndpointSend.objects.values_list("endpoint_id", flat=True).distinct():
        times = list(
            EndpointSend.objects.filter(endpoint_id=endpoint_id)
            .order_by("started_at")
            .values_list("started_at", flat=True)
        )
        for index, moment in enumerate(times):
            in_window = [t for t in times[index:] if t - moment < WINDOW]
            assert len(in_window) <= 3

    # Times are local (Asia/Shanghai): the footers read 10:xx, not the UTC 02:xx.
    stamps = [FOOTER.search(text).group(1) for text in bodies.values()]
    start = timezone.localtime(DEMO_DAY).replace(tzinfo=None)
    for stamp in stamps:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M")
        assert start - dt.timedelta(minutes=1) <= moment <= start + dt.timedelta(minutes=40), stamp


def test_the_demo_runs_the_ladder_even_after_its_reports_told_people(org):
    from anze.supervision import demo
    from anze.supervision.choices import EventKind
    from anze.supervision.models import Notification
    from anze.supervision.services import notify
    from anze.supervision.tests.factories import at, make_occurrences

    make_occurrences(org, [org["luozhuang_emergency"]], dt.date(2026, 3, 31))
    notify(
        kind=EventKind.REPORT_RETURNED,
        obj="review1",
        unit=org["city_emergency"],
        now=at("2026-04-01"),
        title="退回",
    )
    counts = demo.load(now=at("2026-04-01"))
    assert counts["urges"] == 1
    assert Notification.objects.filter(kind=EventKind.URGE).count() == 1
