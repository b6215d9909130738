"""Deliveries over real HTTP (a local robot server), email, retries with backoff, quiet hours, idempotency."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest
import time_machine
from django.core import mail

from anze.supervision.channels import dingtalk, wecom
from anze.supervision.choices import Channel, DeliveryStatus, EventKind
from anze.supervision.dispatch import claim, send_due_deliveries
from anze.supervision.models import Delivery
from anze.supervision.services import run_ladder
from anze.supervision.tests.factories import RobotServer, at, make_endpoint, make_occurrences, make_policy

DUE = dt.date(2026, 3, 31)


@pytest.fixture
def overdue(org):
    make_policy(org["linyi"])
    return make_occurrences(org, [org["luozhuang_emergency"]], DUE)[0]


def _run(moment: dt.datetime, **kwargs) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_ladder(now=moment, **kwargs)


def test_a_failed_webhook_is_retried_with_backoff_and_recorded(overdue, org):
    with RobotServer(failures=1) as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/cgi-bin/webhook/send?key=abc")
        now = at("2026-04-01")
        first = _run(now)
        delivery = Delivery.objects.get()
        assert first["sending"]["retrying"] == 1
        assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
        assert "HTTP 500" in delivery.last_error
        assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
        # Not yet due: nothing is sent early.
        assert send_due_deliveries(now=now + dt.timedelta(seconds=30))["sent"] == 0
        later = send_due_deliveries(now=now + dt.timedelta(seconds=61))
        assert later["sent"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.sent_at == now + dt.timedelta(seconds=61)
    assert "HTTP 500" in delivery.last_error, "the failure stays on record"
    assert len(robot.requests) == 2
    body = robot.requests[-1]["body"]
    assert body["msgtype"] == "markdown" and "催办" in body["markdown"]["content"]
    assert robot.requests[-1]["path"] == "/cgi-bin/webhook/send?key=abc"


def test_dingtalk_messages_are_signed_markdown(overdue, org):
    with RobotServer() as robot:
        make_endpoint(
            org["linyi"], Channel.DINGTALK, f"{robot.url}/robot/send?access_token=t", secret="SECxyz"
        )
        result = _run(at("2026-04-01"))
    assert result["sending"]["sent"] == 1
    request = robot.requests[0]
    assert set(request["body"]) == {"msgtype", "markdown"}
    assert set(request["body"]["markdown"]) == {"title", "text"}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECxyz", f"{timestamp}\nSECxyz".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["t"]


def test_running_the_job_twice_sends_each_message_once(overdue, org):
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/hook")
        _run(at("2026-04-01"))
        _run(at("2026-04-01", hour=10))
        send_due_deliveries(now=at("2026-04-01", hour=11))
    assert Delivery.objects.count() == 1
    assert len(robot.requests) == 1


def test_a_claimed_delivery_cannot_be_claimed_again(overdue, org):
    make_endpoint(org["linyi"], Channel.WECOM, "http://127.0.0.1:9/hook")
    now = at("2026-04-01")
    _run(now, send=False)
    delivery = Delivery.objects.get()
    assert claim(delivery.pk, delivery.status, delivery.next_attempt_at, now=now)
    assert not claim(delivery.pk, delivery.status, delivery.next_attempt_at, now=now)


def test_endpoint_event_filter_and_unit_scope(overdue, org):
    make_endpoint(org["linyi"], Channel.WECOM, "http://127.0.0.1:9/a", events="case_opened")
    make_endpoint(org["lanshan"], Channel.WECOM, "http://127.0.0.1:9/b")
    make_endpoint(org["linyi"], Channel.WECOM, "http://127.0.0.1:9/c", unit=org["city_transport"])
    _run(at("2026-04-01"), send=False)
    assert not Delivery.objects.exists()
    _run(at("2026-04-09"), send=False)
    assert list(Delivery.objects.values_list("notification__kind", "endpoint__target")) == [
        (EventKind.CASE_OPENED, "http://127.0.0.1:9/a")
    ]


def test_unconfigured_mail_is_a_failed_delivery(overdue, org, settings):
    settings.MAILERS = {"default": {"BACKEND": "anze.core.mail.UnconfiguredEmailBackend"}}
    make_endpoint(org["linyi"], Channel.EMAIL, "office@example.cn")
    _run(at("2026-04-01"))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "ANZE_EMAIL_HOST" in delivery.last_error


def test_configured_mail_is_sent(overdue, org):
    make_endpoint(org["linyi"], Channel.EMAIL, "office@example.cn")
    _run(at("2026-04-01"))
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["office@example.cn"] and "催办" in mail.outbox[0].subject


def test_quiet_hours_defer_non_urgent_messages_to_the_morning(overdue, org):
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/hook")
        night = at("2026-04-01", hour=23)
        assert _run(night)["sending"]["deferred"] == 1
        delivery = Delivery.objects.get()
        assert delivery.next_attempt_at == at("2026-04-02", hour=7)
        assert send_due_deliveries(now=at("2026-04-02", hour=6, minute=59))["sent"] == 0
        assert send_due_deliveries(now=at("2026-04-02", hour=7))["sent"] == 1
    assert len(robot.requests) == 1


def test_payload_shapes():
    assert wecom.payload("x") == {"msgtype": "markdown", "markdown": {"content": "x"}}
    assert dingtalk.payload("t", "x") == {"msgtype": "markdown", "markdown": {"title": "t", "text": "x"}}
    assert dingtalk.signed_url("https://h/s?access_token=a", "", 1) == "https://h/s?access_token=a"
