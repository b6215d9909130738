"""Pages and downloads of the year: the office sees everything, a unit its own body only (404 otherwise),
a denied change changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from anze.assessment import services
from anze.assessment.choices import RunStatus
from anze.assessment.tests.conftest import fresh

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 11, 30)


@pytest.fixture
def run(year, alice):
    return services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)


def test_the_office_pages_render_with_charts_what_if_and_exports(run, year, alice, signed_in):
    from docx import Document
    from openpyxl import load_workbook

    client = fresh(signed_in, alice)
    for url in (
        reverse("assessment:index"),
        year["scheme"].get_absolute_url(),
        run.get_absolute_url(),
        reverse("assessment:what_if", args=[year["scheme"].public_id]),
        reverse("assessment:appeal_list"),
        reverse("assessment:award_list"),
        reverse("assessment:body_entries", args=[year["lanshan"].public_id]),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(run.get_absolute_url())
    assert set(page.context["charts"]) == {"chart-totals", "chart-outcomes"}
    assert page.context["counts"] == {"veto": 2, "yellow": 1, "none": 0}
    vetoed = client.get(run.get_absolute_url(), {"outcome": "veto"}).context["results"]
    assert len(vetoed) == page.context["counts"]["veto"]
    assert client.get(run.get_absolute_url(), {"outcome": "junk"}).status_code == 400
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("assessment:run_xlsx", args=[run.public_id])).content)
    )
    assert [row[1] for row in workbook["总分及排名"].iter_rows(min_row=2, values_only=True)] == [
        "兰山区政府", "罗庄区应急局", "市应急局",
    ]  # fmt: skip
    document = Document(io.BytesIO(client.get(reverse("assessment:run_docx", args=[run.public_id])).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于2025年度安全生产工作考核结果的通报" in text and "罗庄某厂中毒事故" in text


def test_a_unit_sees_its_own_result_and_not_another(run, charlie, signed_in):
    results = {str(r.body.unit): r for r in run.results.select_related("body__unit")}
    client = fresh(signed_in, charlie)
    assert client.get(results["罗庄区应急局"].get_absolute_url()).status_code == 200
    assert client.get(results["兰山区政府"].get_absolute_url()).status_code == 404


def test_a_unit_cannot_publish_and_nothing_changes(run, charlie, signed_in):
    client = fresh(signed_in, charlie)
    response = client.post(reverse("assessment:run_action", args=[run.public_id, "publish"]))
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_the_office_publishes_from_the_page(run, alice, signed_in):
    client = fresh(signed_in, alice)
    client.post(reverse("assessment:run_action", args=[run.public_id, "publish"]))
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED and run.appeal_until is not None


def test_the_auditor_reads_the_results(run, dave, signed_in):
    assert fresh(signed_in, dave).get(run.get_absolute_url()).status_code == 200
