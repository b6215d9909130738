"""Messages a person can act on: what they say, digests, the per-robot rate, throttling, allowed hosts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from anze.supervision import dispatch
from anze.supervision.channels import ChannelError
from anze.supervision.channels.base import check_webhook_url, post_json
from anze.supervision.choices import Channel, DeliveryStatus, SendOutcome
from anze.supervision.models import Delivery, EndpointSend
from anze.supervision.services import check_target, run_ladder
from anze.supervision.tests.factories import (
    FakeClock,
    RobotServer,
    at,
    make_endpoint,
    make_occurrences,
    make_policy,
)

DUE = dt.date(2026, 3, 31)
SITE = "https://anze.linyi.example"
UNIT_KEYS = (
    "city_emergency", "city_transport", "lanshan_gov", "luozhuang_gov", "luozhuang_emergency", "lanshan_emergency"
)  # fmt: skip


@pytest.fixture
def overdue_units(org):
    """Five units with the same item overdue since 31 March."""
    make_policy(org["linyi"])
    units = [
        org[k]
        for k in ("city_emergency", "city_transport", "lanshan_gov", "luozhuang_gov", "luozhuang_emergency")
    ]
    return make_occurrences(org, units, DUE)


def _ladder(moment: dt.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_ladder(now=moment, send=False)


def _text(request: dict) -> str:
    markdown = request["body"]["markdown"]
    return markdown.get("content") or markdown["text"]


# -- what a message says ------------------------------------------------------------------------------


def test_a_message_names_unit_item_due_date_lateness_link_and_local_time(org, settings):
    settings.ANZE_SITE_URL = SITE
    make_policy(org["linyi"])
    occurrence = make_occurrences(org, [org["luozhuang_emergency"]], DUE)[0]
    # 13:53 UTC on 9 April is 21:53 in Linyi: the message says 21:53.
    moment = dt.datetime(2026, 4, 9, 13, 53, tzinfo=dt.UTC)
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/cgi-bin/webhook/send?key=k")
        _ladder(moment)
        dispatch.send_due_deliveries(now=moment, clock=FakeClock(moment))
    texts = [_text(r) for r in robot.requests]
    urge = next(t for t in texts if "催办" in t)
    assert "临沂市罗庄区应急管理局" in urge and "每季度召开安全形势分析会" in urge
    assert "截止 2026-03-31" in urge and "已逾期 9 天" in urge
    assert f"{SITE}/duties/" in urge and str(occurrence.public_id) in urge
    assert "2026-04-09 21:53" in urge and "13:53" not in urge
    case_notice = next(t for t in texts if "督办通知" in t)
    assert "临沂市罗庄区应急管理局" in case_notice and "督办期限 2026-04-23" in case_notice
    assert f"{SITE}/supervision/" in case_notice


def test_more_than_a_few_messages_for_one_group_come_as_one_digest(overdue_units, org, settings):
    settings.ANZE_SITE_URL = SITE
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.DINGTALK, f"{robot.url}/robot/send?access_token=t")
        _ladder(at("2026-04-01"))
        result = dispatch.send_due_deliveries(now=at("2026-04-01"), clock=FakeClock(at("2026-04-01")))
    assert result["sent"] == 5 and result["messages"] == 1 and result["digests"] == 1
    [request] = robot.requests
    text = _text(request)
    assert request["body"]["markdown"]["title"] == "督办消息汇总：5 个单位 5 条"
    for occurrence in overdue_units:
        assert occurrence.unit.name in text and str(occurrence.public_id) in text
    assert text.count("已逾期 1 天") == 5
    send = EndpointSend.objects.get()
    assert send.items == 5 and set(Delivery.objects.values_list("send", flat=True)) == {send.pk}


def test_a_few_messages_go_one_by_one(overdue_units, org, settings):
    settings.ANZE_NOTICE_DIGEST_AFTER = 5
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/hook")
        _ladder(at("2026-04-01"))
        result = dispatch.send_due_deliveries(now=at("2026-04-01"), clock=FakeClock(at("2026-04-01")))
    assert result["messages"] == 5 and result["digests"] == 0 and len(robot.requests) == 5


def test_a_long_digest_is_split_to_fit_the_robot(org, settings):
    settings.ANZE_NOTICE_DIGEST_AFTER = 1
    make_policy(org["linyi"])
    for due in (DUE, DUE.replace(day=30), DUE.replace(day=27), DUE.replace(day=26)):
        make_occurrences(org, [org[k] for k in UNIT_KEYS], due)
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/hook")
        _ladder(at("2026-04-01"))
        dispatch.send_due_deliveries(now=at("2026-04-01"), clock=FakeClock(at("2026-04-01")))
    assert len(robot.requests) >= 2
    assert all(len(_text(r).encode()) <= 4096 for r in robot.requests)
    assert "（第 1/" in robot.requests[0]["body"]["markdown"]["content"]
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 24


# -- the rate and the platform's throttling --------------------------------------------------------------


def test_the_per_robot_rate_holds_the_rest_in_the_queue(overdue_units, org, settings):
    settings.ANZE_NOTICE_DIGEST_AFTER = 100  # one message per notice, to exercise the limiter
    settings.ANZE_WEBHOOK_PER_MINUTE = 2
    start = at("2026-04-01")
    clock = FakeClock(start)
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/hook")
        _ladder(start)
        first = dispatch.send_due_deliveries(now=start, clock=clock)
        assert (first["sent"], first["queued"]) == (2, 3)
        # Not yet: the window is still full.
        assert dispatch.send_due_deliveries(now=start + dt.timedelta(seconds=30), clock=clock)["sent"] == 0
        clock.advance(dt.timedelta(seconds=60))
        assert dispatch.send_due_deliveries(now=clock.now, clock=clock)["sent"] == 2
        clock.advance(dt.timedelta(seconds=60))
        assert dispatch.send_due_deliveries(now=clock.now, clock=clock)["sent"] == 1
    assert len(robot.requests) == 5
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}, "waiting is not a failed attempt"
    times = list(EndpointSend.objects.order_by("started_at").values_list("started_at", flat=True))
    assert all(later - earlier >= dispatch.WINDOW for earlier, later in zip(times, times[2:], strict=False))


def test_email_is_not_rate_limited_like_a_robot(overdue_units, org, settings):
    settings.ANZE_NOTICE_DIGEST_AFTER = 100
    settings.ANZE_WEBHOOK_PER_MINUTE = 2
    make_endpoint(org["linyi"], Channel.EMAIL, "office@example.cn")
    _ladder(at("2026-04-01"))
    assert dispatch.send_due_deliveries(now=at("2026-04-01"), clock=FakeClock(at("2026-04-01")))["sent"] == 5


@pytest.mark.parametrize(
    ("answer", "wait"),
    [
        ((200, {"errcode": 130101, "errmsg": "send too fast"}, {}), 600),  # DingTalk: blocked 10 minutes
        ((200, {"errcode": 45009, "errmsg": "api freq out of limit"}, {}), 60),  # WeCom
        ((429, {"errmsg": "too many requests"}, {"Retry-After": "120"}), 120),  # HTTP 429 names its wait
    ],
)
def test_a_throttling_answer_pauses_the_robot_and_drops_nothing(overdue_units, org, settings, answer, wait):
    settings.ANZE_NOTICE_DIGEST_AFTER = 100
    channel = Channel.DINGTALK if answer[1].get("errcode") == 130101 else Channel.WECOM
    start = at("2026-04-01")
    clock = FakeClock(start, step=dt.timedelta(0))
    with RobotServer(answers=[answer]) as robot:
        endpoint = make_endpoint(org["linyi"], channel, f"{robot.url}/hook")
        _ladder(start)
        first = dispatch.send_due_deliveries(now=start, clock=clock)
        assert first["throttled"] == 5 and first["sent"] == 0 and first["failed"] == 0
        assert len(robot.requests) == 1, "after a throttling answer nothing more is sent to that robot"
        waiting = Delivery.objects.filter(status=DeliveryStatus.PENDING)
        assert waiting.count() == 5 and set(waiting.values_list("attempts", flat=True)) == {0}
        assert set(waiting.values_list("next_attempt_at", flat=True)) == {start + dt.timedelta(seconds=wait)}
        assert "throttled" in waiting.first().last_error or "429" in waiting.first().last_error
        throttled = EndpointSend.objects.get(endpoint=endpoint)
        assert throttled.outcome == SendOutcome.THROTTLED
        # Even a run that comes early sends nothing to the paused robot.
        clock.advance(dt.timedelta(seconds=wait - 1))
        assert dispatch.send_due_deliveries(now=start + dt.timedelta(seconds=wait), clock=clock)["sent"] == 0
        clock.advance(dt.timedelta(seconds=1))
        later = dispatch.send_due_deliveries(now=start + dt.timedelta(seconds=wait), clock=clock)
    assert later["sent"] == 5
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 5


# -- where robots may post ------------------------------------------------------------------------------


def test_webhook_hosts_come_from_the_setting_https_only(settings):
    settings.ANZE_WEBHOOK_HOSTS = ["oapi.dingtalk.com", "robot.zwding.gov.cn:8443"]
    check_webhook_url("https://oapi.dingtalk.com/robot/send?access_token=a", resolve=False)
    check_webhook_url("https://robot.zwding.gov.cn:8443/robot/send?access_token=a", resolve=False)
    for url, words in (
        ("http://oapi.dingtalk.com/robot/send?access_token=a", "https://"),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a", "ANZE_WEBHOOK_HOSTS"),
        ("https://robot.zwding.gov.cn/robot/send", "ANZE_WEBHOOK_HOSTS"),
        ("https://user:pw@oapi.dingtalk.com/robot/send", "user name"),
    ):
        with pytest.raises(ChannelError, match=words):
            check_webhook_url(url, resolve=False)


def test_private_addresses_need_an_explicit_setting(settings):
    settings.ANZE_WEBHOOK_HOSTS = ["10.1.2.3", "localhost:8443"]
    with pytest.raises(ChannelError, match="ANZE_WEBHOOK_ALLOW_PRIVATE"):
        check_webhook_url("https://10.1.2.3/hook", resolve=False)
    with pytest.raises(ChannelError, match="private address"):
        check_webhook_url("https://localhost:8443/hook")  # a name that resolves to 127.0.0.1
    settings.ANZE_WEBHOOK_ALLOW_PRIVATE = True
    check_webhook_url("https://10.1.2.3/hook", resolve=False)
    check_webhook_url("https://localhost:8443/hook")


def test_a_delivery_to_a_host_no_longer_allowed_fails_without_a_request(settings):
    with RobotServer() as robot:
        url = f"{robot.url}/hook"
        with override_settings(ANZE_WEBHOOK_HOSTS=["oapi.dingtalk.com"]):
            with pytest.raises(ChannelError, match="ANZE_WEBHOOK_HOSTS"):
                post_json(url, {"msgtype": "markdown"})
        assert post_json(url, {"msgtype": "markdown"})
    assert len(robot.requests) == 1


def test_an_intranet_relay_in_the_setting_is_accepted_as_a_channel_address(settings):
    relay = "https://relay.linyi.gov.cn/dingtalk/robot/send?access_token=abc"
    with pytest.raises(ValidationError, match="ANZE_WEBHOOK_HOSTS"):
        check_target(Channel.DINGTALK, relay)
    settings.ANZE_WEBHOOK_HOSTS = [*settings.ANZE_WEBHOOK_HOSTS, "relay.linyi.gov.cn"]
    assert check_target(Channel.DINGTALK, relay) == relay
    with pytest.raises(ValidationError, match="ANZE_WEBHOOK_HOSTS"):
        check_target(Channel.DINGTALK, relay.replace("https://", "http://"))


# -- local time and the inbox ----------------------------------------------------------------------------


def test_exported_message_lists_show_local_time(cases, signed_in, alice):
    client = signed_in(alice)
    for name in ("reminder_list", "extension_list"):
        assert client.get(reverse(f"supervision:{name}"), {"export": "xlsx"}).status_code == 200
    export = client.get(reverse("supervision:reminder_list"), {"export": "xlsx"})
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    # The ladder ran at 09:00 in Linyi (01:00 UTC).
    assert "2026-04-09 09:00" in cells
    assert not any("01:00" in c or "+00:00" in c for c in cells)


def test_the_inbox_names_unit_item_due_date_and_lateness(cases, signed_in, charlie):
    page = signed_in(charlie).get(reverse("supervision:inbox")).content.decode()
    case = cases["luozhuang"]
    assert "临沂市罗庄区应急管理局" in page and "每季度召开安全形势分析会" in page
    assert "截止 2026-03-31" in page and "已逾期 9 天" in page and "督办期限 2026-04-23" in page
    assert f'href="{case.get_absolute_url()}"' in page
    assert "2026-04-09 09:00" in page


def test_the_inbox_api_carries_the_same_facts(cases, signed_in, charlie, settings):
    settings.ANZE_SITE_URL = SITE
    results = signed_in(charlie).get("/api/supervision/inbox/").json()["results"]
    notice = next(r["notice"] for r in results if r["kind"] == "case_opened")
    case = cases["luozhuang"]
    assert notice == {
        "unit": "临沂市罗庄区应急管理局",
        "item": "每季度召开安全形势分析会",
        "due_on": "2026-03-31",
        "deadline": "2026-04-23",
        "days_late": 9,
        "url": f"{SITE}{case.get_absolute_url()}",
    }
