"""Every demo role signs in to real headless Chromium and does its main job, checking what the screen shows.

The demo (`anze demo --enterprises 20`) is loaded once and the roles are walked in sequence in one test,
because the live server's database is flushed after each test. Each helper is one role's walk; later
walks build on earlier ones (the office accepts the report the leader then signs off).
"""

from __future__ import annotations

import io
import os
import re
import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed (.ci/run installs it)"
    ),
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Walk:
    """One person's browser session: sign in, open pages, read what is on the screen."""

    def __init__(self, browser, url: str):
        self.url = url
        self.context = browser.new_context(locale="zh-CN")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        self.page.on("console", lambda msg: self.problems.append(msg.text) if msg.type == "error" else None)

    def go(self, path: str) -> None:
        response = self.page.goto(f"{self.url}{path}")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.submit()

    def submit(self, form: str = "main form:not([action*='setlang'])") -> None:
        self.page.click(f"{form} button[type=submit]")
        self.page.wait_for_load_state()

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def card(self, label: str) -> str:
        """The value on the home page's card with this label (exactly), as shown."""
        card = self.page.locator("a.anze-card").filter(
            has=self.page.locator(".anze-card-label", has_text=re.compile(f"^{re.escape(label)}$"))
        )
        assert card.count() == 1, f"card {label!r}: {card.count()} on {self.page.url}"
        return card.locator(".anze-card-value").inner_text().strip()

    def open_card(self, label: str) -> None:
        self.card(label)
        self.page.locator("a.anze-card").filter(
            has=self.page.locator(".anze-card-label", has_text=re.compile(f"^{re.escape(label)}$"))
        ).click()
        self.page.wait_for_load_state()

    def close(self) -> None:
        assert self.problems == [], (
            f"browser errors (CSP violations, failed assets, scripts): {self.problems}"
        )
        self.context.close()


def test_every_demo_role_walks_its_main_job(browser, live_server):
    from anze.accounts.demo import DEMO_PASSWORD

    call_command("demo", "--enterprises", "20", stdout=io.StringIO())

    target = _occurrence_awaiting_review_that_needs_sign_off()
    _office(browser, live_server.url, target)
    _leader(browser, live_server.url, target)
    _unit(browser, live_server.url)
    _county(browser, live_server.url)
    _enterprise(browser, live_server.url)
    _inspector(browser, live_server.url)
    _auditor(browser, live_server.url)
    for username, check in (
        ("demo_sysadmin", _sysadmin),
        ("demo_secadmin", _secadmin),
        ("demo_auditadmin", _auditadmin),
    ):
        _administrator(browser, live_server.url, username, DEMO_PASSWORD, check)
    _public(browser, live_server.url)


def _occurrence_awaiting_review_that_needs_sign_off():
    """The demo's submitted report on a duty of demo_leader's clauses that asks for the leader's 签批."""
    from anze.accounts.models import User
    from anze.duties.choices import REVIEWABLE_STATUSES
    from anze.duties.models import Occurrence, led_clauses

    leader = User.objects.get(username="demo_leader")
    return Occurrence.objects.filter(
        duty__clause_id__in=led_clauses(leader.person_id),
        duty__needs_sign_off=True,
        status__in=REVIEWABLE_STATUSES,
    ).first() or pytest.fail("the demo has no report awaiting review on a duty that needs 签批")


def _signed_in(browser, url: str, username: str) -> Walk:
    from anze.accounts.demo import DEMO_PASSWORD

    walk = Walk(browser, url)
    walk.sign_in(username, DEMO_PASSWORD)
    assert walk.page.url.rstrip("/") == url.rstrip("/"), f"{username} landed on {walk.page.url}"
    return walk


def _office(browser, url: str, target) -> None:
    """The office sees its to-do, opens the reports awaiting review, accepts one; the count goes down."""
    walk = _signed_in(browser, url, "demo_office")
    assert "市安委办 演示，您好" in walk.main()
    assert int(walk.card("逾期未办")) > 0
    assert "逾期未办 · 按单位" in walk.main() and "逾期未办 · 按分管领导" in walk.main()
    waiting = int(walk.card("待审核报送"))
    assert waiting > 0
    assert walk.card("待领导签批") == "0"

    walk.open_card("待审核报送")
    rows = walk.page.locator("main table tbody tr")
    assert rows.count() == min(waiting, 25), f"{rows.count()} rows for {waiting} waiting"
    walk.page.locator(f"main table a[href*='{target.public_id}']").first.click()
    walk.page.wait_for_load_state()
    assert "已报送" in walk.main() or "已重新报送" in walk.main()
    walk.page.fill("textarea[name=reason]", "材料齐全，同意。")
    walk.page.click("button[name=decision][value=accept]")
    walk.page.wait_for_load_state()
    assert "审核意见已保存" in walk.main()
    assert "已通过" in walk.main() and "待领导签批" in walk.main()

    walk.go("/")
    assert int(walk.card("待审核报送")) == waiting - 1
    assert walk.card("待领导签批") == "1"
    walk.close()


def _leader(browser, url: str, target) -> None:
    """The leader sees the one item waiting for its 签批 and signs it off."""
    walk = _signed_in(browser, url, "demo_leader")
    assert "分管条款" in walk.main()
    assert walk.card("待我签批") == "1"
    assert target.duty.clause.key in walk.main()  # the clauses it leads, with their state

    walk.open_card("待我签批")
    rows = walk.page.locator("main table tbody tr")
    assert rows.count() == 1
    rows.locator(f"a[href*='{target.public_id}']").first.click()
    walk.page.wait_for_load_state()
    assert "待领导签批" in walk.main()
    walk.page.click("button[name=decision][value=sign_off]")
    walk.page.wait_for_load_state()
    assert "审核意见已保存" in walk.main() and "领导已签批" in walk.main()

    walk.go("/")
    assert walk.card("待我签批") == "0"
    walk.close()


def _unit(browser, url: str) -> None:
    """The unit sees its urgent items, reports on an overdue one with a PDF; it then waits for review."""
    walk = _signed_in(browser, url, "demo_unit")
    assert "本单位待办" in walk.main() and "最紧急的待办" in walk.main()
    overdue = int(walk.card("逾期未办"))
    waiting = int(walk.card("已报送待审核"))
    assert overdue > 0

    walk.open_card("逾期未办")
    rows = walk.page.locator("main table tbody tr")
    assert rows.count() == overdue
    rows.filter(has_text="待报送").first.locator("a[href*='/duties/occurrences/']").first.click()
    walk.page.wait_for_load_state()
    assert "待报送" in walk.page.locator("main dl").inner_text()
    period = re.search(r"(\d{4}-\d{2}-\d{2}) — (\d{4}-\d{2}-\d{2})", walk.main())
    assert period, "the item shows its period"
    walk.page.fill("textarea[name=text]", "已召开专题会议，会议纪要附后。")
    walk.page.fill("input[name=evidence_on]", period.group(2))
    walk.page.set_input_files(
        "input[name=files]", files=[{"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    walk.submit("form[action$='/report/']")
    assert "已报送，等待审核" in walk.main()
    assert "已报送" in walk.page.locator("main dl").inner_text()
    assert "会议纪要.pdf" in walk.main()
    # Reported after the due date: late, whatever the evidence date (here the last day of the period).
    assert "逾期报送" in walk.page.locator("main dl").inner_text()

    walk.go("/")
    assert int(walk.card("逾期未办")) == overdue - 1
    assert int(walk.card("已报送待审核")) == waiting + 1
    walk.close()


def _county(browser, url: str) -> None:
    """The county office sees its county's figures and 督办 cases (open and 通报ed), and only its county's."""
    from anze.supervision.models import Case

    walk = _signed_in(browser, url, "demo_county")
    assert "兰山区安委办 演示，您好" in walk.main()
    overdue_units = walk.page.locator("section[aria-labelledby='home-duties-overview']")
    assert "临沂市兰山区" in overdue_units.inner_text()
    assert "临沂市应急管理局" not in overdue_units.inner_text()  # a city unit is outside the county
    lanshan = Case.objects.filter(unit__region__code__startswith="371302")
    for label, status in (("督办中", "open"), ("已通报", "circulated")):
        shown = int(walk.card(label))
        assert shown == lanshan.filter(status=status).count(), f"{label}: {shown}"
        assert shown < Case.objects.filter(status=status).count() or shown == 0
    circulated = int(walk.card("已通报"))
    assert circulated > 0, "the demo's 通报 names a unit of 兰山区"

    walk.open_card("已通报")
    rows = walk.page.locator("main table tbody tr")
    assert rows.count() == min(circulated, 50)
    for text in rows.all_inner_texts():
        assert "兰山" in text, f"a case outside 兰山区 in the county's list: {text}"
    walk.close()


def _enterprise(browser, url: str) -> None:
    """The enterprise sees its compliance card and hidden dangers, and reports a hidden danger."""
    from anze.enterprises.models import EnterpriseMembership
    from anze.prevention.models import HiddenDanger

    walk = _signed_in(browser, url, "demo_enterprise")
    assert "企业合规卡" in walk.main() and "查看完整合规卡与台账" in walk.main()
    assert "隐患排查治理" in walk.main()
    bound = EnterpriseMembership.objects.get(user__username="demo_enterprise").enterprise
    cards = walk.page.locator("section[aria-labelledby='home-enterprises'] .card-header a")
    assert cards.all_inner_texts() == [bound.name]  # its own enterprise's card, and no other
    name = bound.name
    open_before = int(walk.card("未销号隐患"))

    walk.go("/prevention/hidden-dangers/new/")
    walk.page.select_option("select[name=enterprise]", label=name)
    walk.page.select_option("select[name=source]", label="企业自查")
    walk.page.select_option("select[name=grade]", label="一般隐患")
    walk.page.fill("input[name=title]", "配电室灭火器过期")
    walk.page.fill("textarea[name=description]", "配电室两具灭火器压力不足，已过检验期。")
    walk.page.fill("input[name=place]", "1号厂区配电室")
    walk.page.fill("input[name=responsible_person]", "王安全")
    today = timezone.localdate()
    walk.page.fill("input[name=found_on]", today.isoformat())
    walk.page.fill("input[name=deadline]", (today + timezone.timedelta(days=7)).isoformat())
    walk.submit("main form[method=post]")
    assert "配电室灭火器过期" in walk.main(), walk.main()[:500]

    assert HiddenDanger.objects.get(title="配电室灭火器过期").enterprise == bound
    walk.go("/")
    assert int(walk.card("未销号隐患")) == open_before + 1
    assert "配电室灭火器过期" in walk.main()  # among the dangers whose deadline comes first
    walk.close()


def _inspector(browser, url: str) -> None:
    """The inspector sees the non-compliant enterprises and the hidden danger the enterprise reported."""
    walk = _signed_in(browser, url, "demo_inspector")
    assert "执法人员 演示，您好" in walk.main()
    non_compliant = int(walk.card("不合规企业"))
    assert non_compliant > 0
    open_dangers = int(walk.card("未销号隐患"))
    assert open_dangers >= 1  # the one the enterprise has just reported, at least

    walk.open_card("不合规企业")
    rows = walk.page.locator("main table tbody tr")
    assert rows.count() == min(non_compliant, 25)
    walk.go("/")
    walk.open_card("未销号隐患")
    assert walk.page.locator("main table tbody tr").count() == open_dangers
    assert "配电室灭火器过期" in walk.main()
    walk.close()


def _auditor(browser, url: str) -> None:
    """The auditor opens the office's acceptance in the audit log and reads the action in words."""
    from anze.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="duties.report.accept").order_by("-sequence").first()
    assert event is not None
    walk = _signed_in(browser, url, "demo_auditor")
    assert int(walk.card("近7天审计事件")) > 0
    walk.go("/audit/?action=duties.report.accept")
    walk.page.locator(f"main a[href$='/events/{event.sequence}/']").first.click()
    walk.page.wait_for_load_state()
    assert "审核通过" in walk.main()
    assert "市安委办 演示" in walk.main() or "demo_office" in walk.main()
    walk.close()


def _administrator(browser, url: str, username: str, password: str, check) -> None:
    """An administrator signs in with password and a TOTP token typed on the OTP page."""
    from anze.accounts.models import User
    from anze.accounts.tests.helpers import add_totp_device, fresh_totp_token

    device = add_totp_device(User.objects.get(username=username))
    walk = Walk(browser, url)
    walk.sign_in(username, password)
    assert "/accounts/otp/verify/" in walk.page.url
    walk.page.fill("input[name=token]", fresh_totp_token(device))
    walk.submit()
    assert "/accounts/otp/" not in walk.page.url
    check(walk)
    walk.close()


def _sysadmin(walk: Walk) -> None:
    """The system administrator sees the accounts and the organisation it keeps."""
    from anze.org.models import Region, Unit

    walk.go("/")
    assert "系统管理员 演示，您好" in walk.main()
    from anze.accounts.models import User

    # The ten demo accounts and those other apps' demos add (a candidate of the training demo).
    assert walk.card("正常账号") == str(User.objects.filter(is_active=True).count())
    assert int(walk.card("行政区划")) == Region.objects.count()
    assert int(walk.card("单位")) == Unit.objects.count()


def _secadmin(walk: Walk) -> None:
    """The security administrator sees the accounts and opens the list of users and roles."""
    walk.go("/")
    assert "安全管理员 演示，您好" in walk.main()
    assert walk.card("已锁定账号") == "0"
    walk.go("/accounts/manage/users/")
    assert "用户与角色" in walk.page.locator("h1").inner_text()
    assert "demo_office" in walk.main() and "demo_enterprise" in walk.main()


def _auditadmin(walk: Walk) -> None:
    """The audit administrator sees the audit figures and verifies the audit chain."""
    walk.go("/")
    assert "审计管理员 演示，您好" in walk.main()
    assert int(walk.card("近7天审计事件")) > 0
    walk.page.click("main a:has-text('校验审计链')")
    walk.page.wait_for_load_state()
    walk.page.click("main button:has-text('开始校验')")
    walk.page.wait_for_load_state()
    assert "审计链完整" in walk.main()


def _public(browser, url: str) -> None:
    """Anyone files a tip, is shown the tracking code once, and tracks the tip with it."""
    walk = Walk(browser, url)
    walk.go("/public/report/")
    walk.page.select_option("select[name=kind]", index=1)
    walk.page.select_option("select[name=region]", index=1)
    walk.page.fill("input[name=subject]", "某木材加工厂")
    walk.page.fill("input[name=place]", "兰山区某路 8 号")
    walk.page.fill("textarea[name=description]", "车间内粉尘堆积，除尘设备长期停用。")
    walk.submit("main form.card")
    code = walk.page.locator("#tracking-code").inner_text().strip()
    assert len(code) >= 8
    walk.page.reload()
    assert code not in walk.main() and "查询码已显示过一次" in walk.main()

    walk.go("/public/track/")
    walk.page.fill("input[name=code]", code)
    walk.submit("main form.card")
    assert "办理状态" in walk.main()
    walk.close()
