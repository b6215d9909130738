"""In real headless Chromium: an administrator enrols a TOTP and manages an account, with no browser errors
(so no CSP violation either). Set ANZE_SCREENSHOTS=<dir> to keep a screenshot of each page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("ANZE_SCREENSHOTS", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_security_admin_enrols_otp_and_manages_an_account(browser, live_server, org, charlie):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from anze.accounts.roles import Role
    from anze.accounts.tests.helpers import totp_token
    from conftest import STRONG_PASSWORD, make_user

    admin = make_user("sec_li", (Role.SECURITY_ADMIN, {}), display_name="安全管理员 李")
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sec_li")
    page.fill("input[name=password]", "wrong-Password-1")
    page.click("main form:not([action*='setlang']) button[type=submit]")
    assert "用户名或密码错误" in page.content()
    shot(page, "login-error")
    page.fill("input[name=username]", "sec_li")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("main form:not([action*='setlang']) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/otp/setup/" in page.url
    assert page.locator(".anze-qr svg").count() == 1
    shot(page, "otp-setup")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page.fill("input[name=token]", totp_token(device))
    page.click("main form:not([action*='setlang']) button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/accounts/manage/users/")
    assert "用户与角色" in page.locator("h1").inner_text()
    shot(page, "user-list")
    page.click("text=charlie")
    page.wait_for_load_state("networkidle")
    assert "授予角色" in page.content()
    shot(page, "user-detail")
    page.select_option("select[name=role]", Role.AUDITOR.value)  # an admin role next to unit: refused
    page.click("form[action$='/roles/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    charlie.forget_assignments()
    assert Role.AUDITOR in charlie.roles

    page.goto(f"{live_server.url}/accounts/profile/")
    shot(page, "profile")
    page.goto(f"{live_server.url}/accounts/password/")
    shot(page, "password-change")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/manage/users/")
    shot(page, "user-list-phone")
    assert not problems, problems
