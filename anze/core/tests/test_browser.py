"""End to end in real headless Chromium: sign in and open the main pages, with no browser errors."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed (.ci/run installs it)"),
]

MAIN_PAGES = [
    ("/", "工作台"),
    ("/org/regions/", "行政区划"),
    ("/org/units/", "单位"),
    ("/org/groups/", "单位集合"),
    ("/org/people/", "人员"),
    ("/org/committees/", "委员会"),
]


def test_office_user_signs_in_and_opens_the_main_pages(browser, live_server, alice):
    from conftest import STRONG_PASSWORD

    page = browser.new_page(locale="zh-CN")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # signed out: sent to the login page
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("main form:not([action*='setlang']) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url.rstrip("/")

    for path, heading in MAIN_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert heading in page.locator("h1").inner_text(), f"{path}: heading {page.locator('h1').inner_text()!r}"
        # The left navigation and the Bootstrap styles loaded from our own static files.
        assert page.locator("nav.anze-sidebar").count() == 1
        if os.environ.get("ANZE_SCREENSHOTS"):
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=os.path.join(os.environ["ANZE_SCREENSHOTS"], f"{name}.png"), full_page=True)

    # The unit list shows the units of the whole city to the office.
    page.goto(f"{live_server.url}/org/units/")
    assert "临沂市罗庄区应急管理局" in page.content()

    # The API documentation renders from locally served Swagger UI assets.
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui", timeout=15000)

    assert problems == [], f"browser errors (CSP violations, failed assets, script errors): {problems}"
