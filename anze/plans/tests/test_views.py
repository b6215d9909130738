"""Plan pages: list, plan, versions, source document, unit and leader pages, the matrix and its export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anze.org.models import Person, Unit
from anze.plans import services
from anze.plans.models import PlanVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_plan(linyi, alice, seed_upload):
    return services.import_plan(seed_upload, actor=alice, region=linyi)


def test_plan_list_and_plan_page_show_the_seed(seed_plan, alice, signed_in):
    client = signed_in(alice)
    listing = client.get(reverse("plans:plan_list"))
    assert listing.status_code == 200
    assert "临沂市贯彻落实" in listing.content.decode()

    page = client.get(reverse("plans:plan_detail", args=[seed_plan.plan.public_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "深入践行安全发展理念" in body and "姜仕礼" in body and "各县区政府" in body
    person = Person.objects.get(name="姜仕礼")
    assert reverse("plans:person_clauses", args=[person.public_id]) in body


def test_every_internal_persona_reads_plans_but_only_the_office_sees_import(
    seed_plan, bob, charlie, dave, signed_in
):
    for user in (bob, charlie, dave):
        client = signed_in(user)
        assert client.get(reverse("plans:plan_detail", args=[seed_plan.plan.public_id])).status_code == 200
        body = client.get(reverse("plans:plan_list")).content.decode()
        assert reverse("plans:import_upload") not in body
        client.logout()


def test_unit_page_lists_direct_and_group_responsibilities_by_role(seed_plan, alice, signed_in):
    client = signed_in(alice)
    emergency = Unit.objects.get(name="临沂市应急管理局")
    body = client.get(reverse("plans:unit_responsibilities", args=[emergency.public_id])).content.decode()
    assert "责任单位" in body and "直接列明" in body
    county = Unit.objects.get(name="临沂市兰山区人民政府")
    body = client.get(reverse("plans:unit_responsibilities", args=[county.public_id])).content.decode()
    assert "经 各县区政府" in body


def test_leader_page_lists_the_clauses_led(seed_plan, alice, signed_in):
    client = signed_in(alice)
    person = Person.objects.get(name="王行华")
    response = client.get(reverse("plans:person_clauses", args=[person.public_id]))
    assert response.status_code == 200
    assert "牵头领导" in response.content.decode() and "9.1" in response.content.decode()


def test_matrix_page_and_export_show_the_same_marks(seed_plan, alice, signed_in):
    client = signed_in(alice)
    query = {"plan": str(seed_plan.plan.public_id), "unit_kind": "government_department"}
    page = client.get(reverse("plans:matrix"), query)
    body = page.content.decode()
    assert page.status_code == 200 and "责任" in body
    export = client.get(reverse("plans:matrix_export"), query)
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["方案", "任务", "内容"]
    assert "市应急局" in header
    column = header.index("市应急局") + 1
    marks = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert "责任" in marks and "牵头" not in marks
    # Exactly the rows the page shows: tasks with at least one department marked.
    assert sheet.max_row - 1 == body.count('scope="row"') > 0
    # County governments are filtered out by the unit kind filter, in both.
    assert "兰山区政府" not in header and "兰山区政府" not in body


def test_matrix_marks_counties_through_their_group(seed_plan, alice, signed_in):
    client = signed_in(alice)
    body = client.get(reverse("plans:matrix"), {"unit_kind": "county_government"}).content.decode()
    assert "兰山区政府" in body and "经 各县区政府" in body


def test_source_document_downloads_as_an_attachment(seed_plan, dave, signed_in, seed_bytes):
    client = signed_in(dave)
    response = client.get(reverse("plans:version_document", args=[seed_plan.version.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == seed_bytes


def test_a_tampered_document_is_not_served(seed_plan, alice, signed_in, media_root):
    path = media_root / seed_plan.version.document.file.name
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    response = signed_in(alice).get(reverse("plans:version_document", args=[seed_plan.version.public_id]))
    assert response.status_code == 500


def test_version_list_shows_the_diff(linyi, alice, signed_in, seed_bytes):
    services.import_plan(services.parse_document(seed_bytes, "v1.txt"), actor=alice, region=linyi)
    revised = seed_bytes.decode().replace("3年巡查一遍", "2年巡查一遍").encode()
    result = services.import_plan(services.parse_document(revised, "v2.txt"), actor=alice, region=linyi)
    body = signed_in(alice).get(reverse("plans:version_list", args=[result.plan.public_id])).content.decode()
    assert "第 2 版" in body and "修改 1" in body and "2.1" in body
    old = signed_in(alice).get(reverse("plans:plan_detail", args=[result.plan.public_id]), {"version": 1})
    assert old.status_code == 200 and "非现行版本" in old.content.decode()
    assert PlanVersion.objects.count() == 2


def test_signed_out_visitors_are_sent_to_login(seed_plan, client):
    for name, args in (
        ("plans:plan_list", []),
        ("plans:plan_detail", [seed_plan.plan.public_id]),
        ("plans:matrix", []),
        ("plans:import_upload", []),
        ("plans:version_document", [seed_plan.version.public_id]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_matrix_export_neutralises_formulas_and_is_audited(seed_plan, alice, signed_in):
    from anze.audit.models import AuditEvent

    unit = Unit.objects.get(short_name="市应急局")
    Unit.objects.filter(pk=unit.pk).update(short_name='=HYPERLINK("http://x")', name="=cmd|' /C calc'!A0")
    client = signed_in(alice)

    export = client.get(reverse("plans:matrix_export"), {"plan": str(seed_plan.plan.public_id)})

    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [value for value in cells if value.startswith(("=", "+", "-", "@"))]
    assert any(value.startswith("'=") for value in cells)
    event = AuditEvent.objects.get(action="plans.matrix.export")
    assert event.actor == alice and event.success


def test_safe_cell_quotes_formula_starts_only():
    from anze.core.exports import safe_cell

    assert [safe_cell(v) for v in ["=1+1", "+1", "-1", "@a", "\t=x", "普通", 5, None]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@a",
        "'\t=x",
        "普通",
        5,
        None,
    ]
