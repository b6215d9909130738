"""The person who must act next is told: a returned report (the unit), a report waiting for 签批 (its leaders),
a granted or refused extension (the unit), in the inbox and the configured channels, after the commit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from anze.accounts.roles import Role
from anze.duties import services as duties
from anze.duties.models import Duty
from anze.org.models import Person, Post, PostHolding
from anze.supervision.choices import Channel, EventKind
from anze.supervision.dispatch import send_due_deliveries
from anze.supervision.models import Delivery, Notification
from anze.supervision.services import decide_extension, inbox_for, request_extension
from anze.supervision.tests.factories import (
    FakeClock,
    RobotServer,
    at,
    make_endpoint,
    make_occurrences,
)
from conftest import make_user

DUE = dt.date(2026, 3, 31)
SITE = "https://anze.linyi.example"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ANZE_SITE_URL = SITE
    with time_machine.travel(at("2026-03-30"), tick=False):
        yield at("2026-03-30")


@pytest.fixture
def leader(org):
    """侯晓滨, who holds a post in 临沂市应急管理局 and signs in as `lee`."""
    person = Person.objects.create(name="侯晓滨", region=org["linyi"])
    post = Post.objects.create(unit=org["city_emergency"], title="局长")
    PostHolding.objects.create(post=post, person=person)
    return person


@pytest.fixture
def reported(org, frozen, leader, charlie):
    """罗庄区应急局's item of a duty that needs a leader's 签批, reported by charlie."""
    occurrence = make_occurrences(org, [org["luozhuang_emergency"]], DUE, leader=leader)[0]
    Duty.objects.filter(pk=occurrence.duty_id).update(needs_sign_off=True)
    occurrence.refresh_from_db()
    duties.submit_report(
        occurrence,
        actor=charlie,
        text="3月28日召开分析会。",
        evidence_on=DUE.replace(day=28),
        files=[("纪要.pdf", PDF)],
    )
    return occurrence


def test_a_returned_report_reaches_the_unit_after_the_commit(reported, alice, charlie, dave, org, frozen,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    with RobotServer() as robot:
        make_endpoint(org["luozhuang"], Channel.WECOM, f"{robot.url}/luozhuang")
        make_endpoint(org["lanshan"], Channel.WECOM, f"{robot.url}/lanshan")
        with django_capture_on_commit_callbacks() as callbacks:
            duties.return_report(reported, actor=alice, reason="缺少会议签到表")
            assert not Notification.objects.exists(), "nobody is told before the work is committed"
        for callback in callbacks:
            callback()
        send_due_deliveries(now=frozen, clock=FakeClock(frozen))
    notice = Notification.objects.get(kind=EventKind.REPORT_RETURNED)
    assert notice.unit == org["luozhuang_emergency"] and notice.occurrence == reported
    assert "缺少会议签到表" in notice.body
    assert inbox_for(charlie).filter(pk=notice.pk).exists()
    [request] = robot.requests
    text = request["body"]["markdown"]["content"]
    assert request["path"] == "/luozhuang"
    assert (
        "临沂市罗庄区应急管理局" in text and "每季度召开安全形势分析会" in text and "缺少会议签到表" in text
    )
    assert "截止 2026-03-31" in text and "还有 1 天到期" in text
    assert f"{SITE}{reported.get_absolute_url()}" in text


def test_a_return_that_rolls_back_tells_nobody(reported, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            duties.return_report(reported, actor=alice, reason="缺少会议签到表")
            raise RuntimeError("the request failed after the return")
    assert not Notification.objects.exists()


def test_an_accepted_report_waiting_for_sign_off_reaches_its_leader(reported, alice, charlie, leader, org, frozen,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    leader_user = make_user("lee", (Role.LEADER, {"region": org["linyi"]}), person=leader)
    with RobotServer() as robot:
        make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/emergency", unit=org["city_emergency"])
        make_endpoint(org["luozhuang"], Channel.WECOM, f"{robot.url}/luozhuang")
        with django_capture_on_commit_callbacks(execute=True):
            duties.accept_report(reported, actor=alice)
        send_due_deliveries(now=frozen, clock=FakeClock(frozen))
    notice = Notification.objects.get(kind=EventKind.SIGN_OFF)
    assert notice.person == leader and notice.unit is None and notice.occurrence == reported
    assert inbox_for(leader_user).filter(pk=notice.pk).exists()
    assert not inbox_for(charlie).filter(pk=notice.pk).exists()
    # The leader's channel is the one of the unit where the leader holds a post.
    assert list(Delivery.objects.values_list("endpoint__target", flat=True)) == [f"{robot.url}/emergency"]
    text = robot.requests[0]["body"]["markdown"]["content"]
    assert (
        "待签批" in text
        and "临沂市罗庄区应急管理局" in text
        and f"{SITE}{reported.get_absolute_url()}" in text
    )


def test_an_accepted_report_without_sign_off_tells_no_leader(
    reported, alice, django_capture_on_commit_callbacks
):
    Duty.objects.filter(pk=reported.duty_id).update(needs_sign_off=False)
    reported.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        duties.accept_report(reported, actor=alice)
    assert not Notification.objects.filter(kind=EventKind.SIGN_OFF).exists()


def test_the_sign_off_filter_lists_what_waits_for_a_leader(reported, alice, org, signed_in, leader):
    other = make_occurrences(org, [org["lanshan_gov"]], DUE)[0]
    duties.accept_report(reported, actor=alice)
    page = signed_in(alice).get(reverse("duties:occurrence_list"), {"state": "sign_off"})
    rows = list(page.context["filter"].qs)
    assert rows == [reported] and other not in rows
    assert "待签批" in page.content.decode()


@pytest.mark.parametrize(
    ("approve", "words"), [(True, "同意延期，办理期限延至 2026-05-08"), (False, "不同意延期")]
)
def test_a_decided_extension_reaches_the_unit(cases, alice, charlie, approve, words,
                                              django_capture_on_commit_callbacks):  # fmt: skip
    case = cases["luozhuang"]
    extension = request_extension(
        case, actor=charlie, reason="需协调多部门。", requested_deadline=dt.date(2026, 5, 8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_extension(extension, actor=alice, approve=approve, note="" if approve else "理由不充分")
    notice = Notification.objects.get(kind=EventKind.EXTENSION_DECIDED)
    assert words in notice.body and notice.case == case and notice.occurrence_id == case.object_id
    assert case.number in notice.title and case.title in notice.title
    assert inbox_for(charlie).filter(pk=notice.pk).exists()
    if not approve:
        assert "理由不充分" in notice.body
