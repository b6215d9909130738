"""The plan pages in real headless Chromium: they render, with no CSP violations or script errors."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def test_office_opens_the_plan_pages(browser, live_server, linyi, alice, seed_upload):
    from anze.org.models import Unit
    from anze.plans import services
    from conftest import STRONG_PASSWORD

    result = services.import_plan(seed_upload, actor=alice, region=linyi)
    unit = Unit.objects.get(name="临沂市兰山区人民政府")
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("main form:not([action*='setlang']) button[type=submit]")
    page.wait_for_load_state("networkidle")

    pages = [
        ("/plans/", "责任方案"),
        (f"/plans/{result.plan.public_id}/", "临沂市贯彻落实"),
        (f"/plans/{result.plan.public_id}/versions/", "版本记录"),
        ("/plans/matrix/", "责任矩阵"),
        ("/plans/import/", "导入方案"),
        (f"/plans/units/{unit.public_id}/", "方案职责"),
    ]
    for index, (path, heading) in enumerate(pages):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert heading in page.locator("h1").inner_text(), path
        if os.environ.get("ANZE_SCREENSHOTS"):
            name = f"plans-{index}"
            page.screenshot(path=os.path.join(os.environ["ANZE_SCREENSHOTS"], f"{name}.png"), full_page=True)
    assert problems == [], problems
