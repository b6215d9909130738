"""督办设置 pages: the office manages policies and channels; secrets are never shown back or audited."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.supervision.choices import Channel
from anze.supervision.models import Endpoint, EscalationPolicy
from anze.supervision.tests.factories import RobotServer, make_endpoint, make_policy

TOKEN = "4f1c2e9a7b3d5e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"
DINGTALK_URL = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
WECOM_URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"
SECRET = "SEC0123456789abcdef0123456789abcdef"
CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")


def _policy_data(org, **overrides) -> dict:
    data = {
        "name": "兰山区督办规则",
        "region": str(org["lanshan"].public_id),
        "plan": "",
        "remind_workdays": "2",
        "case_after_workdays": "3",
        "case_deadline_workdays": "7",
        "circulate": "on",
        "issuing_office": "临沂市兰山区安全生产委员会办公室",
        "notice_prefix": "兰安委办督",
        "circular_prefix": "兰安委办通",
    }
    return {**data, **overrides}


def _endpoint_data(org, **overrides) -> dict:
    data = {
        "name": "市安委办钉钉群",
        "channel": Channel.DINGTALK,
        "target": DINGTALK_URL,
        "secret": SECRET,
        "region": str(org["linyi"].public_id),
        "unit": "",
        "events": "case_opened, 催办",
    }
    return {**data, **overrides}


def _events_json(action_prefix: str) -> str:
    events = AuditEvent.objects.filter(action__startswith=action_prefix)
    return json.dumps(
        [[e.action, e.before, e.after, e.reason] for e in events], ensure_ascii=False, default=str
    )


# -- policies -----------------------------------------------------------------------------------------


def test_office_creates_edits_and_deactivates_a_policy(org, alice, signed_in):
    client = signed_in(alice)
    response = client.post(reverse("supervision:policy_create"), _policy_data(org))
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(region=org["lanshan"])
    assert (policy.remind_workdays, policy.case_after_workdays, policy.case_deadline_workdays) == (2, 3, 7)
    assert (
        AuditEvent.objects.get(action="supervision.escalationpolicy.create").after["name"] == "兰山区督办规则"
    )

    edit_page = client.get(reverse("supervision:policy_update", args=[policy.public_id]))
    assert edit_page.status_code == 200 and "兰安委办督" in edit_page.content.decode()
    client.post(
        reverse("supervision:policy_update", args=[policy.public_id]),
        _policy_data(org, case_deadline_workdays="15"),
    )
    policy.refresh_from_db()
    assert policy.case_deadline_workdays == 15
    update = AuditEvent.objects.get(action="supervision.escalationpolicy.update")
    assert (update.before["case_deadline_workdays"], update.after["case_deadline_workdays"]) == (7, 15)

    client.post(reverse("supervision:policy_set_active", args=[policy.public_id]))
    policy.refresh_from_db()
    assert not policy.is_active
    assert EscalationPolicy.objects.filter(pk=policy.pk).exists()  # deactivated, not deleted
    assert AuditEvent.objects.filter(action="supervision.escalationpolicy.deactivate").count() == 1


def test_second_default_policy_of_a_region_is_a_form_error(org, alice, signed_in):
    existing = make_policy(org["linyi"], name="临沂市默认督办规则")
    response = signed_in(alice).post(
        reverse("supervision:policy_create"), _policy_data(org, region=str(org["linyi"].public_id))
    )
    assert response.status_code == 200
    assert "已有默认督办规则" in response.context["form"].errors["plan"][0]
    assert list(EscalationPolicy.objects.all()) == [existing]
    assert not AuditEvent.objects.filter(action__startswith="supervision.escalationpolicy").exists()


def test_a_deactivated_default_still_blocks_a_second_and_says_so(org, alice, signed_in):
    make_policy(org["linyi"], name="旧规则", is_active=False)
    response = signed_in(alice).post(
        reverse("supervision:policy_create"), _policy_data(org, region=str(org["linyi"].public_id))
    )
    assert "已停用，可重新启用" in response.context["form"].errors["plan"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("case_deadline_workdays", "0"), ("remind_workdays", "-1"), ("case_after_workdays", "x")],
)
def test_policy_numbers_are_checked(org, alice, signed_in, field, value):
    response = signed_in(alice).post(
        reverse("supervision:policy_create"), _policy_data(org, **{field: value})
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not EscalationPolicy.objects.exists()


# -- channels -----------------------------------------------------------------------------------------


def test_office_creates_edits_and_deactivates_an_endpoint(org, alice, signed_in):
    client = signed_in(alice)
    response = client.post(reverse("supervision:endpoint_create"), _endpoint_data(org))
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert (endpoint.target, endpoint.secret, endpoint.events) == (DINGTALK_URL, SECRET, "urge,case_opened")

    page = client.get(reverse("supervision:settings")).content.decode()
    assert "oapi.dingtalk.com/robot/send?access_token=…" + TOKEN[-4:] in page
    assert TOKEN not in page and SECRET not in page

    edit = client.get(reverse("supervision:endpoint_update", args=[endpoint.public_id])).content.decode()
    assert TOKEN not in edit and SECRET not in edit and "留空则不修改" in edit

    # Blank target and secret keep both; the name changes.
    client.post(
        reverse("supervision:endpoint_update", args=[endpoint.public_id]),
        _endpoint_data(org, name="市安委办值班群", target="", secret=""),
    )
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.target, endpoint.secret) == ("市安委办值班群", DINGTALK_URL, SECRET)

    new_secret = "SECfedcba9876543210fedcba9876543210"
    client.post(
        reverse("supervision:endpoint_update", args=[endpoint.public_id]),
        _endpoint_data(org, name="市安委办值班群", target="", secret=new_secret),
    )
    endpoint.refresh_from_db()
    assert endpoint.secret == new_secret
    updates = AuditEvent.objects.filter(action="supervision.endpoint.update").order_by("sequence")
    assert [e.after["secret_changed"] for e in updates] == [False, True]
    created = AuditEvent.objects.get(action="supervision.endpoint.create")
    assert created.after["secret_set"] is True  # readable in the trail, not redacted like the key itself

    client.post(reverse("supervision:endpoint_set_active", args=[endpoint.public_id]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active

    trail = _events_json("supervision.endpoint")
    assert "supervision.endpoint.create" in trail and "supervision.endpoint.deactivate" in trail
    assert TOKEN not in trail and SECRET not in trail and new_secret not in trail
    assert TOKEN[-4:] in trail  # the masked address is kept, so the event still says which robot


def test_wecom_and_email_endpoints(org, alice, signed_in):
    client = signed_in(alice)
    client.post(
        reverse("supervision:endpoint_create"),
        _endpoint_data(org, name="企业微信群", channel=Channel.WECOM, target=WECOM_URL, secret="", events=""),
    )
    client.post(
        reverse("supervision:endpoint_create"),
        _endpoint_data(
            org,
            name="罗庄应急局邮箱",
            channel=Channel.EMAIL,
            target="yjj@luozhuang.gov.cn",
            secret="",
            unit=str(org["luozhuang_emergency"].public_id),
        ),
    )
    assert Endpoint.objects.count() == 2
    page = client.get(reverse("supervision:settings")).content.decode()
    assert "yjj@luozhuang.gov.cn" in page  # an email address is shown in full
    assert WECOM_KEY not in page and "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" + WECOM_KEY[-4:] in page


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"channel": Channel.EMAIL, "target": "not-an-email", "secret": ""}, "target", "邮箱"),
        ({"target": DINGTALK_URL.replace("https://", "http://")}, "target", "https://oapi.dingtalk.com"),
        ({"target": f"https://evil.example.com/robot/send?access_token={TOKEN}"}, "target", "Webhook"),
        ({"target": "https://oapi.dingtalk.com/robot/send?access_token="}, "target", "access_token"),
        ({"channel": Channel.WECOM, "target": DINGTALK_URL, "secret": ""}, "target", "qyapi.weixin.qq.com"),
        ({"channel": Channel.WECOM, "target": WECOM_URL}, "secret", "钉钉"),
        ({"events": "remind,party"}, "events", "party"),
        ({"channel": Channel.INAPP}, "channel", ""),
    ],
)
def test_invalid_endpoint_input_is_a_form_error(org, alice, signed_in, overrides, field, words):
    response = signed_in(alice).post(reverse("supervision:endpoint_create"), _endpoint_data(org, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert not Endpoint.objects.exists()
    assert SECRET not in response.content.decode()  # a failed submit does not echo the key either


def test_unit_outside_the_endpoint_region_is_refused(org, alice, signed_in):
    response = signed_in(alice).post(
        reverse("supervision:endpoint_create"),
        _endpoint_data(
            org, region=str(org["lanshan"].public_id), unit=str(org["luozhuang_emergency"].public_id)
        ),
    )
    assert "unit" in response.context["form"].errors and not Endpoint.objects.exists()


def test_send_test_message_reports_success_and_failure(org, alice, signed_in):
    client = signed_in(alice)
    with RobotServer(failures=1) as robot:
        endpoint = make_endpoint(org["linyi"], Channel.WECOM, f"{robot.url}/cgi-bin/webhook/send?key=abc")
        url = reverse("supervision:endpoint_send_test", args=[endpoint.public_id])
        failed = client.post(url, follow=True)
        sent = client.post(url, follow=True)
    assert "发送失败" in failed.content.decode() and "HTTP 500" in failed.content.decode()
    assert "测试消息已发送" in sent.content.decode()
    assert len(robot.requests) == 2 and "测试消息" in robot.requests[1]["body"]["markdown"]["content"]
    outcomes = list(
        AuditEvent.objects.filter(action="supervision.endpoint.test")
        .order_by("sequence")
        .values_list("success", flat=True)
    )
    assert outcomes == [False, True]


# -- who may ------------------------------------------------------------------------------------------


def test_pages_render_for_the_office(org, alice, signed_in):
    policy = make_policy(org["linyi"])
    endpoint = make_endpoint(org["linyi"], Channel.EMAIL, "ajw@linyi.gov.cn")
    client = signed_in(alice)
    for url in (
        reverse("supervision:settings"),
        reverse("supervision:policy_create"),
        reverse("supervision:policy_update", args=[policy.public_id]),
        reverse("supervision:endpoint_create"),
        reverse("supervision:endpoint_update", args=[endpoint.public_id]),
    ):
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("supervision:case_list")).content.decode()
    assert reverse("supervision:settings") in home and "督办设置" in home


def test_a_unit_user_is_refused_everything(org, charlie, signed_in):
    policy = make_policy(org["linyi"])
    endpoint = make_endpoint(org["linyi"], Channel.DINGTALK, DINGTALK_URL)
    client = signed_in(charlie)
    assert client.get(reverse("supervision:settings")).status_code == 403
    assert client.get(reverse("supervision:policy_create")).status_code == 403
    assert client.get(reverse("supervision:endpoint_create")).status_code == 403
    assert client.get(reverse("supervision:policy_update", args=[policy.public_id])).status_code == 404
    assert client.get(reverse("supervision:endpoint_update", args=[endpoint.public_id])).status_code == 404
    assert client.post(reverse("supervision:policy_set_active", args=[policy.public_id])).status_code == 404
    assert (
        client.post(reverse("supervision:endpoint_send_test", args=[endpoint.public_id])).status_code == 404
    )
    response = client.post(reverse("supervision:endpoint_create"), _endpoint_data(org))
    assert response.status_code == 403
    assert Endpoint.objects.count() == 1 and EscalationPolicy.objects.get().is_active
    assert "督办设置" not in client.get(reverse("supervision:case_list")).content.decode()


def test_a_county_user_reads_its_own_region_and_changes_nothing_of_the_city(org, bob, signed_in):
    city_policy = make_policy(org["linyi"], name="市默认规则")
    make_policy(org["lanshan"], name="兰山区默认规则")
    city_endpoint = make_endpoint(org["linyi"], Channel.DINGTALK, DINGTALK_URL)
    client = signed_in(bob)
    page = client.get(reverse("supervision:settings"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "兰山区默认规则" in text and "市默认规则" not in text.replace("兰山区默认规则", "")
    assert TOKEN[-4:] not in text  # the city's robot is not bob's to see
    assert client.get(reverse("supervision:policy_update", args=[city_policy.public_id])).status_code == 404
    response = client.post(
        reverse("supervision:policy_update", args=[city_policy.public_id]),
        _policy_data(org, region=str(org["linyi"].public_id), case_deadline_workdays="1"),
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("supervision:endpoint_set_active", args=[city_endpoint.public_id])).status_code
        == 404
    )
    assert client.post(reverse("supervision:policy_create"), _policy_data(org)).status_code == 403
    city_policy.refresh_from_db()
    city_endpoint.refresh_from_db()
    assert city_policy.case_deadline_workdays == 10 and city_endpoint.is_active
    assert EscalationPolicy.objects.count() == 2


def test_the_auditor_reads_masked_and_changes_nothing(org, dave, signed_in):
    endpoint = make_endpoint(org["linyi"], Channel.DINGTALK, DINGTALK_URL, secret=SECRET)
    client = signed_in(dave)
    page = client.get(reverse("supervision:settings")).content.decode()
    assert TOKEN[-4:] in page and TOKEN not in page and SECRET not in page
    assert client.get(reverse("supervision:endpoint_update", args=[endpoint.public_id])).status_code == 404
    assert client.get(reverse("supervision:endpoint_create")).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed")
def test_settings_pages_in_a_real_browser(browser, live_server, org, alice):
    from conftest import STRONG_PASSWORD

    make_policy(org["linyi"], name="临沂市默认督办规则")
    endpoint = make_endpoint(org["linyi"], Channel.DINGTALK, DINGTALK_URL, secret=SECRET, events="urge")
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("networkidle")
    pages = [
        (reverse("supervision:settings"), "督办设置"),
        (reverse("supervision:policy_create"), "新增督办规则"),
        (reverse("supervision:endpoint_update", args=[endpoint.public_id]), "修改通知渠道"),
    ]
    for index, (path, heading) in enumerate(pages):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert heading in page.locator("h1").inner_text(), path
        assert TOKEN not in page.content() and SECRET not in page.content()
        if os.environ.get("ANZE_SCREENSHOTS"):
            page.screenshot(
                path=os.path.join(os.environ["ANZE_SCREENSHOTS"], f"supervision-settings-{index}.png"),
                full_page=True,
            )
    assert problems == []
