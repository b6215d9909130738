"""Pages and API by persona: alice (office) sees all; bob his county; charlie his unit; dave reads only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anze.supervision.models import Case, ExtensionRequest, Notification


def _numbers(response) -> set[str]:
    return {c.number for c in Case.objects.all() if c.number in response.content.decode()}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"luozhuang", "lanshan"}),
        ("bob", {"lanshan"}),
        ("charlie", {"luozhuang"}),
        ("dave", {"luozhuang", "lanshan"}),
    ],
)
def test_case_list_by_persona(cases, signed_in, request, persona, expected):
    client = signed_in(request.getfixturevalue(persona))
    response = client.get(reverse("supervision:case_list"))
    assert response.status_code == 200
    assert _numbers(response) == {cases[k].number for k in expected}
    api = client.get("/api/supervision/cases/")
    assert {row["number"] for row in api.json()["results"]} == {cases[k].number for k in expected}


def test_out_of_scope_case_is_404_everywhere(cases, signed_in, charlie):
    client = signed_in(charlie)
    other = cases["lanshan"]
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("supervision:case_notice", args=[other.public_id])).status_code == 404
    assert client.get(f"/api/supervision/cases/{other.public_id}/").status_code == 404
    response = client.post(
        reverse("supervision:case_extension_request", args=[other.public_id]),
        {"reason": "x", "requested_deadline": "2026-05-08"},
    )
    assert response.status_code == 404 and not ExtensionRequest.objects.exists()


def test_unit_requests_an_extension_and_the_office_approves_it(cases, signed_in, charlie, alice, client):
    case = cases["luozhuang"]
    page = signed_in(charlie).get(case.get_absolute_url())
    assert "申请延期" in page.content.decode()
    signed_in(charlie).post(
        reverse("supervision:case_extension_request", args=[case.public_id]),
        {"reason": "需协调多部门", "requested_deadline": "2026-05-08"},
    )
    extension = ExtensionRequest.objects.get()
    client.logout()
    response = signed_in(alice).post(
        reverse("supervision:extension_decide", args=[extension.public_id]),
        {"decision": "approve", "note": "同意"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.deadline, case.extensions) == (dt.date(2026, 5, 8), 1)
    page = signed_in(alice).get(case.get_absolute_url()).content.decode()
    assert "2026-05-08" in page and "累计延期" in page


def test_auditor_reads_but_changes_nothing(cases, signed_in, dave):
    client = signed_in(dave)
    case = cases["luozhuang"]
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and "申请延期" not in page.content.decode()
    response = client.post(
        reverse("supervision:case_extension_request", args=[case.public_id]),
        {"reason": "x", "requested_deadline": "2026-05-08"},
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("supervision:case_close", args=[case.public_id]), {"action": "resolve", "text": "x"}
        ).status_code
        == 404
    )
    assert not ExtensionRequest.objects.exists()
    case.refresh_from_db()
    assert case.status == "open"


def test_county_cannot_decide_extensions(cases, signed_in, bob, charlie, client):
    from anze.supervision.services import request_extension

    extension = request_extension(
        cases["lanshan"], actor=_lanshan_unit_user(cases), reason="x", requested_deadline=dt.date(2026, 5, 8)
    )
    signed_in(bob).post(
        reverse("supervision:extension_decide", args=[extension.public_id]),
        {"decision": "approve", "note": ""},
    )
    extension.refresh_from_db()
    assert extension.status == "pending"


def _lanshan_unit_user(cases):
    from anze.accounts.roles import Role
    from conftest import make_user

    return make_user("lanshan_unit", (Role.UNIT, {"unit": cases["lanshan"].unit}))


def test_notice_download_is_a_docx(cases, signed_in, charlie):
    response = signed_in(charlie).get(reverse("supervision:case_notice", args=[cases["luozhuang"].public_id]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert any("督办通知单" in p.text for p in document.paragraphs)


def test_inbox_shows_the_units_messages_and_marks_them_read(cases, signed_in, charlie):
    client = signed_in(charlie)
    page = client.get(reverse("supervision:inbox")).content.decode()
    assert "督办通知" in page and "临沂市兰山区人民政府" not in page
    mine = Notification.objects.filter(unit=cases["luozhuang"].unit)
    assert mine.exists() and not mine.filter(read_at__isnull=False).exists()
    client.post(reverse("supervision:inbox_read"), {"notification": str(mine.first().public_id)})
    assert mine.filter(read_at__isnull=False).count() == 1
    client.post(reverse("supervision:inbox_read"), {"notification": "all"})
    assert not mine.filter(read_at__isnull=True).exists()
    assert not Notification.objects.filter(unit=cases["lanshan"].unit, read_at__isnull=False).exists()
    assert len(client.get("/api/supervision/inbox/").json()["results"]) == mine.count()


@pytest.mark.parametrize("by", ["unit", "county", "clause", "leader"])
def test_traffic_lights_page_and_export(cases, signed_in, alice, by):
    client = signed_in(alice)
    page = client.get(reverse("supervision:lights"), {"by": by})
    assert page.status_code == 200
    if by == "unit":
        assert "红灯" in page.content.decode() and "临沂市罗庄区应急管理局" in page.content.decode()
    export = client.get(reverse("supervision:lights"), {"by": by, "export": "xlsx"})
    assert export.status_code == 200
    load_workbook(io.BytesIO(export.content))


def test_lights_are_scoped(cases, signed_in, charlie):
    page = signed_in(charlie).get(reverse("supervision:lights"), {"by": "unit"}).content.decode()
    assert "临沂市罗庄区应急管理局" in page and "临沂市兰山区人民政府" not in page


@pytest.mark.parametrize(
    "name",
    ["case_list", "reminder_list", "delivery_list", "circular_list", "extension_list", "inbox", "lights"],
)
def test_every_list_page_renders_and_exports(cases, signed_in, alice, name):
    client = signed_in(alice)
    response = client.get(reverse(f"supervision:{name}"))
    assert response.status_code == 200
    if name not in ("inbox", "lights"):
        export = client.get(reverse(f"supervision:{name}"), {"export": "xlsx"})
        assert export.status_code == 200
        load_workbook(io.BytesIO(export.content))


def test_circular_pages(cases, signed_in, alice):
    import time_machine

    from anze.supervision.models import Circular
    from anze.supervision.services import run_ladder
    from anze.supervision.tests.factories import at

    moment = at("2026-04-24")
    with time_machine.travel(moment, tick=False):
        run_ladder(now=moment, send=False)
    circular = Circular.objects.get()
    client = signed_in(alice)
    page = client.get(circular.get_absolute_url()).content.decode()
    assert circular.number in page and "临沂市罗庄区应急管理局" in page
    assert client.get(reverse("supervision:circular_document", args=[circular.public_id])).status_code == 200
    assert client.get("/api/supervision/circulars/").json()["results"][0]["entries"]


def test_anonymous_is_sent_to_login(cases, client):
    response = client.get(reverse("supervision:case_list"))
    assert response.status_code == 302


def test_api_extension_request_and_decision(cases, signed_in, charlie, alice, client):
    case = cases["luozhuang"]
    asked = signed_in(charlie).post(
        f"/api/supervision/cases/{case.public_id}/extension/",
        {"reason": "材料未齐", "requested_deadline": "2026-05-08"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    extension_id = asked.json()["id"]
    refused = client.post(
        f"/api/supervision/extensions/{extension_id}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert refused.status_code == 403  # charlie is not the office
    client.logout()
    decided = signed_in(alice).post(
        f"/api/supervision/extensions/{extension_id}/decide/",
        {"approve": True, "note": "同意"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    case.refresh_from_db()
    assert case.deadline == dt.date(2026, 5, 8)


def test_case_list_query_count_does_not_grow_with_rows(
    cases, signed_in, alice, django_assert_max_num_queries
):
    client = signed_in(alice)
    client.get(reverse("supervision:case_list"))
    with django_assert_max_num_queries(25):
        response = client.get(reverse("supervision:case_list"))
    assert response.status_code == 200


def test_the_office_decides_extensions_and_is_not_offered_the_units_request(cases, signed_in, alice):
    page = signed_in(alice).get(cases["luozhuang"].get_absolute_url())
    assert page.status_code == 200
    assert page.context["request_form"] is None
    assert reverse("supervision:case_extension_request", args=[cases["luozhuang"].public_id]) not in (
        page.content.decode()
    )


def test_cancelling_a_case_asks_for_confirmation_and_resolving_does_not(cases, signed_in, alice):
    html = signed_in(alice).get(cases["luozhuang"].get_absolute_url()).content.decode()
    cancel = html[html.index('value="cancel"') - 200 : html.index('value="cancel"') + 200]
    resolve = html[html.index('value="resolve"') - 120 : html.index('value="resolve"') + 60]
    assert "data-confirm=" in cancel and "撤销" in cancel
    assert "data-confirm=" not in resolve


def test_the_case_closes_from_its_button(cases, signed_in, alice):
    case = cases["luozhuang"]
    response = signed_in(alice).post(
        reverse("supervision:case_close", args=[case.public_id]), {"action": "cancel", "text": "误报"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "cancelled"


def test_the_case_list_filters_are_styled_like_every_other_form(cases, signed_in, alice):
    html = signed_in(alice).get(reverse("supervision:case_list")).content.decode()
    form = html[html.index('class="anze-filters') : html.index("</form>", html.index('class="anze-filters'))]
    assert '<select name="status" class="form-select form-select-sm"' in form
    assert 'name="q"' in form and 'class="form-control form-control-sm"' in form
