"""The 督办 pages in real headless Chromium: they render, with no CSP violations or script errors."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def test_office_opens_the_supervision_pages(browser, live_server, alice, cases):
    from anze.supervision.services import request_extension
    from conftest import STRONG_PASSWORD

    case = cases["luozhuang"]
    request_extension(case, actor=alice, reason="需协调多部门。", requested_deadline=dt.date(2026, 5, 8))
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
        ("/supervision/", "督办案件"),
        (f"/supervision/cases/{case.public_id}/", "督办案件"),
        ("/supervision/reminders/", "催办提醒"),
        ("/supervision/extensions/", "延期申请"),
        ("/supervision/inbox/", "收件箱"),
        ("/supervision/lights/?by=unit", "红黄绿灯"),
    ]
    for index, (path, heading) in enumerate(pages):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert heading in page.locator("h1").inner_text(), path
        if os.environ.get("ANZE_SCREENSHOTS"):
            page.screenshot(
                path=os.path.join(os.environ["ANZE_SCREENSHOTS"], f"supervision-{index}.png"), full_page=True
            )
    assert problems == []
