"""Plan API: restricted reads, filters on assignments, and the two-step import with stable error codes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from anze.org.models import Person, Unit
from anze.plans import services
from anze.plans.choices import ImportStatus
from anze.plans.models import Plan, PlanImport, SourceDocument
from anze.plans.tests.factories import OVERSIZED, bad_inputs, stored_files

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def seed_plan(linyi, alice, seed_upload):
    return services.import_plan(seed_upload, actor=alice, region=linyi)


def test_plans_versions_and_clauses_are_listed(seed_plan, dave):
    client = api(dave)
    plans = client.get("/api/plans/").json()
    assert plans["count"] == 1 and plans["results"][0]["doc_number"] == "办字〔2020〕23号"
    plan_id = plans["results"][0]["id"]
    assert client.get(f"/api/plans/{plan_id}/").status_code == 200
    versions = client.get("/api/plan-versions/", {"plan": plan_id}).json()
    assert versions["results"][0]["number"] == 1 and versions["results"][0]["is_current"]
    clauses = client.get("/api/clauses/", {"plan": plan_id, "current": "true", "page_size": 100}).json()
    assert clauses["count"] == 16
    first = clauses["results"][0]
    assert first["key"] == "1.1" and first["assignments"] and "duties" in first


def test_assignments_filter_by_unit_person_and_role(seed_plan, alice):
    client = api(alice)
    unit = Unit.objects.get(name="临沂市应急管理局")
    rows = client.get("/api/clause-assignments/", {"unit": str(unit.public_id), "page_size": 200}).json()
    assert rows["count"] > 0 and all(r["unit"]["id"] == str(unit.public_id) for r in rows["results"])
    person = Person.objects.get(name="王行华")
    led = client.get(
        "/api/clause-assignments/", {"person": str(person.public_id), "role": "lead_leader"}
    ).json()
    assert [r["clause_key"] for r in led["results"]] == ["9.1"]


def test_import_preview_then_confirm(linyi, alice, seed_bytes):
    client = api(alice)
    response = client.post(
        "/api/plan-imports/", {"file": SimpleUploadedFile("linyi.txt", seed_bytes)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    preview = response.json()
    assert preview["status"] == ImportStatus.PENDING and preview["counts"]["clauses"] == 16
    assert preview["unresolved"] == [] and preview["parsed"]["doc_number"] == "办字〔2020〕23号"
    assert not Plan.objects.exists()

    confirmed = client.post(f"/api/plan-imports/{preview['id']}/confirm/")

    assert confirmed.status_code == 200 and confirmed.json()["status"] == ImportStatus.CONFIRMED
    assert Plan.objects.get().current_version.number == 1
    again = client.post(
        "/api/plan-imports/", {"file": SimpleUploadedFile("x.txt", seed_bytes)}, format="multipart"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_imported"
    assert client.post(f"/api/plan-imports/{preview['id']}/confirm/").status_code == 409


@pytest.mark.parametrize(
    "name,content,code", [*bad_inputs(), OVERSIZED], ids=lambda v: v if isinstance(v, str) else ""
)
def test_bad_files_answer_400_with_the_code(linyi, alice, settings, media_root, name, content, code):
    settings.ANZE_PLAN_MAX_UPLOAD_MB = 1
    response = api(alice).post(
        "/api/plan-imports/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert (
        not PlanImport.objects.exists()
        and not SourceDocument.objects.exists()
        and stored_files(media_root) == []
    )


@pytest.mark.parametrize("persona", ["bob", "charlie", "dave"])
def test_only_the_office_imports_through_the_api(linyi, alice, request, persona, seed_bytes, media_root):
    client = api(request.getfixturevalue(persona))
    response = client.post(
        "/api/plan-imports/", {"file": SimpleUploadedFile("a.txt", seed_bytes)}, format="multipart"
    )
    assert response.status_code == 403
    assert not PlanImport.objects.exists() and stored_files(media_root) == []
    staged = services.stage_import(services.parse_document(seed_bytes, "a.txt"), actor=alice, region=linyi)
    assert client.post(f"/api/plan-imports/{staged.public_id}/confirm/").status_code in (403, 404)
    staged.refresh_from_db()
    assert staged.status == ImportStatus.PENDING and not Plan.objects.exists()


def test_signed_out_callers_are_refused(seed_plan):
    assert APIClient().get("/api/plans/").status_code in (401, 403)
