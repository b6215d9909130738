"""Reviewing an import before confirming: one-click aliases for names not in the directory, unsure clauses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.org.models import Person, Unit, UnitAlias
from anze.plans import services
from anze.plans.choices import AssignmentStatus
from anze.plans.models import ClauseAssignment, PersonAlias, PlanImport

pytestmark = pytest.mark.django_db

PLAN = """某市2021年安全生产重点工作任务分工
1. 开展危险化学品专项整治。（牵头单位：临沂市应急管理总局；牵头领导：侯小滨）
2. 加强道路运输安全管理。市公安局牵头，市交通运输局配合。
"""


def stage(client, region, text: str = PLAN) -> PlanImport:
    client.post(
        reverse("plans:import_upload"),
        {"file": SimpleUploadedFile("plan.txt", text.encode()), "region": region.pk},
    )
    return PlanImport.objects.get()


def unresolved(staged: PlanImport) -> dict[str, dict]:
    staged.refresh_from_db()
    return {n["name"]: n for n in staged.names["unresolved"]}


def test_a_name_not_in_the_directory_is_listed_with_a_suggested_match(linyi, alice, signed_in):
    client = signed_in(alice)

    staged = stage(client, linyi)

    entry = unresolved(staged)["临沂市应急管理总局"]
    assert entry["kind"] == "unit" and entry["clauses"] == ["1.1"]
    assert not Unit.objects.filter(name="临沂市应急管理总局").exists()
    assert entry["suggestions"][0]["label"] == "临沂市应急管理局"
    assert unresolved(staged)["侯小滨"]["suggestions"][0]["label"] == "侯晓滨"
    page = client.get(reverse("plans:import_preview", args=[staged.public_id])).content.decode()
    assert "不在名录中的名称" in page and reverse("plans:import_alias", args=[staged.public_id]) in page


def test_one_click_on_a_suggestion_records_an_audited_alias_remembered_by_the_next_import(
    linyi, alice, signed_in
):
    client = signed_in(alice)
    staged = stage(client, linyi)
    suggestion = unresolved(staged)["临沂市应急管理总局"]["suggestions"][0]
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("plans:import_alias", args=[staged.public_id]),
        {"name": "临沂市应急管理总局", "kind": "unit", "target": suggestion["public_id"]},
    )

    assert response.status_code == 302
    alias = UnitAlias.objects.get(name="临沂市应急管理总局")
    assert str(alias.unit.public_id) == suggestion["public_id"]
    assert "临沂市应急管理总局" not in unresolved(staged)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").action == "plans.planimport.alias"
    # Confirmed, the clause is assigned to the unit itself.
    client.post(reverse("plans:import_confirm", args=[staged.public_id]))
    row = ClauseAssignment.objects.get(raw_name="临沂市应急管理总局")
    assert row.status == AssignmentStatus.RESOLVED and row.unit == alias.unit


def test_a_leader_alias_is_kept_for_the_region_and_resolves_the_next_plan(linyi, alice, signed_in):
    client = signed_in(alice)
    staged = stage(client, linyi)
    person = Person.objects.get(name="侯晓滨")

    client.post(
        reverse("plans:import_alias", args=[staged.public_id]),
        {"name": "侯小滨", "kind": "person", "target": str(person.public_id)},
    )

    assert PersonAlias.objects.get(name="侯小滨").person == person
    assert "侯小滨" not in unresolved(staged)
    # The next plan that writes the name the same way resolves it by itself.
    assert (
        services.name_report(
            {
                "sections": [
                    {"tasks": [{"number": "1", "clauses": [{"text": "x", "lead_leaders": ["侯小滨"]}]}]}
                ]
            },
            linyi,
        )["unresolved"]
        == []
    )


def test_nothing_is_mapped_without_the_office_and_an_unknown_name_is_refused(linyi, alice, bob, signed_in):
    staged = stage(signed_in(alice), linyi)
    target = str(Unit.objects.get(name="临沂市应急管理局").public_id)
    county = signed_in(bob)

    denied = county.post(
        reverse("plans:import_alias", args=[staged.public_id]),
        {"name": "临沂市应急管理总局", "kind": "unit", "target": target},
    )

    assert denied.status_code in (403, 404)
    assert not UnitAlias.objects.filter(name="临沂市应急管理总局").exists()
    office = signed_in(alice)
    office.post(
        reverse("plans:import_alias", args=[staged.public_id]),
        {"name": "市公安局", "kind": "unit", "target": target},
    )
    assert not UnitAlias.objects.filter(name="市公安局").exists()


def test_an_unsure_clause_is_shown_with_its_guess_and_fixed_in_place_before_confirming(
    linyi, alice, signed_in
):
    client = signed_in(alice)
    staged = stage(client, linyi)
    page = client.get(reverse("plans:import_preview", args=[staged.public_id])).content.decode()
    assert "第 3–3 行" in page  # where the guessed clause was read
    assert "请核对" in page and "从无标签的括号或句子推断" in page and 'value="市公安局"' in page

    response = client.post(
        reverse("plans:import_correct", args=[staged.public_id]),
        {"key": "2.1", "lead_units": "市交通运输局", "supporting_units": "市公安局"},
    )

    assert response.status_code == 302
    staged.refresh_from_db()
    clause = staged.parsed["sections"][0]["tasks"][1]["clauses"][0]
    assert (clause["lead_units"], clause["supporting_units"]) == (["市交通运输局"], ["市公安局"])
    assert clause["source"]["doubts"] == [] and clause["source"]["checked_by_office"] is True
    event = AuditEvent.objects.latest("id")
    assert event.action == "plans.planimport.correct"
    client.post(reverse("plans:import_confirm", args=[staged.public_id]))
    leads = ClauseAssignment.objects.filter(role="lead_unit", clause__key="2.1").values_list(
        "raw_name", flat=True
    )
    assert list(leads) == ["市交通运输局"]


def test_a_correction_that_leaves_nobody_is_refused(linyi, alice, signed_in):
    client = signed_in(alice)
    staged = stage(client, linyi)

    client.post(reverse("plans:import_correct", args=[staged.public_id]), {"key": "2.1"})

    staged.refresh_from_db()
    assert staged.parsed["sections"][0]["tasks"][1]["clauses"][0]["lead_units"] == ["市公安局"]
