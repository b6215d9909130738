"""In real headless Chromium: the prevention pages and the public portal render without browser errors (so no
CSP violation either) and the charts are drawn. Set ANZE_SCREENSHOTS=<dir> to keep a screenshot of each page."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from anze.prevention.services import create_risk_point, register_hidden_danger
from anze.prevention.tests.factories import jpeg_bytes, report
from conftest import STRONG_PASSWORD

CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("ANZE_SCREENSHOTS", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_pages_render_without_browser_errors(
    browser, live_server, alice, lanshan_enterprise, luozhuang_enterprise, tmp_path
):
    for i, (lec, enterprise) in enumerate(
        [
            (540, lanshan_enterprise),
            (180, lanshan_enterprise),
            (90, luozhuang_enterprise),
            (18, luozhuang_enterprise),
        ]
    ):
        create_risk_point(
            actor=alice,
            enterprise=enterprise,
            name=f"风险点{i}",
            hazard_factors="泄漏",
            controls="监测",
            responsible_person="王",
            method="lec",
            lec_likelihood=Decimal(lec),
            lec_exposure=Decimal(1),
            lec_consequence=Decimal(1),
            control_level="company",
            assessed_on=dt.date(2026, 1, 1),
            reassess_on=dt.date(2027, 1, 1),
        )
    hd = register_hidden_danger(
        actor=alice, hd=report(lanshan_enterprise, alice, grade="major", title="液氨储罐无报警")
    )
    report(luozhuang_enterprise, alice, title="配电箱未接地")
    errors: list[str] = []
    page = browser.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/public/report/")
    page.select_option("#id_kind", "hidden_danger")
    page.select_option("#id_region", label="兰山区")
    page.fill("#id_subject", "某加油站")
    page.fill("#id_place", "兰山区某路")
    page.fill("#id_description", "夜间违规卸油")
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg_bytes(with_exif=True))
    page.set_input_files("#id_photos", str(photo))
    _shot(page, "public_report_form")
    page.locator("form.card button[type=submit]").click()
    assert page.locator("#tracking-code").inner_text().count("-") == 3
    _shot(page, "public_report_received")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")
    for name, path in [
        ("risk_points", "/prevention/risk-points/"),
        ("hidden_dangers", "/prevention/hidden-dangers/"),
        ("hidden_danger_detail", hd.get_absolute_url()),
        ("hidden_danger_stats", "/prevention/hidden-dangers/stats/?year=2026"),
        ("tips", "/tips/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        _shot(page, name)
    page.goto(f"{live_server.url}/prevention/risk-points/")
    page.wait_for_selector("[data-chart] canvas")
    assert not errors, errors
