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


def test_a_unit_sees_its_own_published_result_and_not_another(run, alice, charlie, signed_in):
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
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


def test_the_auditor_reads_the_published_results(run, alice, dave, signed_in):
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    assert fresh(signed_in, dave).get(run.get_absolute_url()).status_code == 200


def test_the_api_lists_results_with_the_page_filters_and_explains_each(run, alice, charlie, signed_in):
    client = fresh(signed_in, alice)
    url = reverse("api:assessment-result-list")
    vetoed = client.get(url, {"run": str(run.public_id), "outcome": "veto"}).json()
    rows = vetoed["results"] if isinstance(vetoed, dict) and "results" in vetoed else vetoed
    assert {r["body"] for r in rows} == {"罗庄区应急局", "市应急局"}
    assert all(r["hits"] and r["hits"][0]["records"] for r in rows)
    assert client.get(url, {"outcome": "junk"}).status_code == 400
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    mine = fresh(signed_in, charlie).get(url).json()
    mine = mine["results"] if isinstance(mine, dict) and "results" in mine else mine
    assert [r["body"] for r in mine] == ["罗庄区应急局"]


def test_the_api_refuses_a_unit_publishing_and_nothing_changes(run, charlie, signed_in):
    response = fresh(signed_in, charlie).post(reverse("api:assessment-run-publish", args=[run.public_id]))
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_a_unit_cannot_submit_another_bodys_self_assessment(run, year, charlie, signed_in):
    from anze.assessment.models import Entry

    before = Entry.objects.count()
    url = reverse("assessment:body_entries", args=[year["lanshan"].public_id])
    response = fresh(signed_in, charlie).post(
        url, {"item": str(year["items"]["A"].public_id), "score": "40", "note": "x"}
    )
    assert response.status_code == 404
    assert Entry.objects.count() == before


def test_the_results_page_query_count_does_not_grow_with_the_appeals_or_results(
    run, year, alice, charlie, signed_in, django_assert_max_num_queries
):
    from anze.assessment.tests.conftest import at

    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    for result in run.results.all():
        services.file_appeal(actor=alice, result=result, reason="复核", now=at("2025-12-11"))
    client = fresh(signed_in, alice)
    client.get(reverse("assessment:appeal_list"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessment:appeal_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(run.get_absolute_url()).status_code == 200
