"""The emergency pages with the personas: who sees which teams, depots and incidents, a denied change that
changes nothing, the handling chain through the pages, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anze.emergency import services
from anze.emergency.choices import AllocationStatus, Readiness
from anze.emergency.models import Allocation, Dispatch, StockBatch
from anze.emergency.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    tent = f.item()
    lanshan_team = f.team(
        org["lanshan"], name="兰山救援队", at=f.LANSHAN, owner_unit=org["lanshan_emergency"]
    )
    luozhuang_team = f.team(org["luozhuang"], name="罗庄救援队", owner_unit=org["luozhuang_emergency"])
    luozhuang_depot = f.depot(
        org["luozhuang"], name="罗庄库", at=f.LUOZHUANG, owner_unit=org["luozhuang_emergency"]
    )
    batch = f.stock(luozhuang_depot, tent, 40)
    return {"tent": tent, "lanshan_team": lanshan_team, "luozhuang_team": luozhuang_team,
            "luozhuang_depot": luozhuang_depot, "batch": batch}  # fmt: skip


def body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_page_answers_the_office(signed_in, alice, world, org):
    client = signed_in(alice)
    incident = f.incident(org["lanshan"], actor=alice)
    for name in ("overview", "team_list", "agreement_list", "depot_list", "batch_list", "minimum_list",
                 "incident_list", "drill_list", "team_create", "agreement_create", "depot_create", "incident_create",
                 "drill_create", "plan_create"):  # fmt: skip
        body(client, reverse(f"emergency:{name}"))
    for url in (world["luozhuang_team"].get_absolute_url(), world["luozhuang_depot"].get_absolute_url(),
                incident.get_absolute_url(), reverse("emergency:incident_timeline", args=[incident.public_id])):  # fmt: skip
        body(client, url)


def test_a_county_office_sees_its_county_only(signed_in, bob, world):
    client = signed_in(bob)
    page = body(client, reverse("emergency:team_list"))
    assert "兰山救援队" in page and "罗庄救援队" not in page
    assert client.get(world["luozhuang_team"].get_absolute_url()).status_code == 404
    assert client.get(world["luozhuang_depot"].get_absolute_url()).status_code == 404


def test_a_unit_sees_its_own_team_and_depot(signed_in, charlie, world):
    client = signed_in(charlie)
    assert "罗庄救援队" in body(client, world["luozhuang_team"].get_absolute_url())
    assert "罗庄库" in body(client, world["luozhuang_depot"].get_absolute_url())
    assert client.get(world["lanshan_team"].get_absolute_url()).status_code == 404


def test_a_denied_change_changes_nothing(signed_in, bob, dave, world):
    team = world["luozhuang_team"]
    url = reverse("emergency:team_action", args=[team.public_id, "readiness"])
    for persona in (bob, dave):
        response = signed_in(persona).post(url, {"readiness": Readiness.UNAVAILABLE, "note": "x"})
        assert response.status_code == 404
    team.refresh_from_db()
    assert team.readiness == Readiness.READY
    receive = reverse("emergency:depot_receive", args=[world["luozhuang_depot"].public_id])
    response = signed_in(dave).post(receive, {"item": "tent", "batch_number": "X", "quantity": 5,
                                              "received_on": "2026-01-01"})  # fmt: skip
    assert response.status_code == 404
    assert StockBatch.objects.get(pk=world["batch"].pk).on_hand == 40


def test_the_unit_of_a_team_updates_its_readiness_from_a_phone(signed_in, charlie, world):
    team = world["luozhuang_team"]
    response = signed_in(charlie).post(
        reverse("emergency:team_action", args=[team.public_id, "readiness"]),
        {"readiness": Readiness.LIMITED, "note": "两名队员外出培训"},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.readiness, team.readiness_note) == (Readiness.LIMITED, "两名队员外出培训")


def test_the_handling_chain_through_the_pages(signed_in, alice, world, org):
    client = signed_in(alice)
    incident = f.incident(org["lanshan"], actor=alice)
    act = lambda action, data: client.post(  # noqa: E731
        reverse("emergency:incident_action", args=[incident.public_id, action]), data
    )
    assert act("request", {"item": "tent", "quantity": 12, "requested_by": "现场"}).status_code == 302
    supply_request = incident.requests.get()
    assert "按建议调拨" in body(client, incident.get_absolute_url())
    act("allocate", {"ref": supply_request.public_id})
    allocation = Allocation.objects.get()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    act("dispatch", {"allocation": [allocation.public_id], "vehicle": "鲁Q·00001", "departed_at": now})
    trip = Dispatch.objects.get()
    act("receive", {"ref": trip.public_id, "received_at": now, "received_by": "李指挥"})
    act("settle", {"ref": allocation.public_id, "consumed": 9, "returned": 3})
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.SETTLED
    assert StockBatch.objects.get(pk=world["batch"].pk).on_hand == 40 - 12 + 3
    feed = body(client, reverse("emergency:incident_feed", args=[incident.public_id]))
    assert "hx-trigger" in feed and "签收" in feed


def test_a_refused_step_shows_why(signed_in, alice, world, org):
    client = signed_in(alice)
    incident = f.incident(org["lanshan"], actor=alice)
    supply_request = services.request_supplies(
        actor=alice, incident=incident, item=world["tent"], quantity=500
    )
    services.allocate(actor=alice, request=supply_request)
    response = client.post(reverse("emergency:incident_action", args=[incident.public_id, "allocate"]),
                           {"ref": supply_request.public_id}, follow=True)  # fmt: skip
    assert "没有可调拨的库存" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["team_list", "depot_list", "batch_list", "incident_list", "overview"])
def test_list_pages_make_the_same_number_of_queries_for_more_rows(signed_in, alice, org, name):
    client = signed_in(alice)
    tent = f.item()
    f.incident(org["lanshan"], actor=alice)
    f.stock(f.depot(org["lanshan"]), tent, 5)
    f.team(org["lanshan"])
    before = _queries(client, reverse(f"emergency:{name}"))
    for _n in range(4):
        f.incident(org["luozhuang"], actor=alice)
        f.stock(f.depot(org["luozhuang"]), tent, 5)
        f.team(org["luozhuang"])
    assert _queries(client, reverse(f"emergency:{name}")) == before


def test_the_home_panel_links_each_number_to_its_list(signed_in, alice, world):
    page = body(signed_in(alice), reverse("core:home"))
    assert reverse("emergency:team_list") + "?status=active" in page


def test_the_api_lists_teams_in_scope_and_raises_a_request(signed_in, alice, bob, world, org):
    teams = signed_in(bob).get("/api/rescue-teams/").json()
    names = (
        {row["name"] for row in teams["results"]} if "results" in teams else {row["name"] for row in teams}
    )
    assert names == {"兰山救援队"}
    client = signed_in(alice)
    incident = f.incident(org["lanshan"], actor=alice)
    response = client.post(f"/api/incidents/{incident.public_id}/supply/", {"item": "tent", "quantity": 7},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert sum(a["quantity"] for a in response.json()["allocations"]) == 7
    assert StockBatch.objects.get(pk=world["batch"].pk).allocated == 7


def test_recording_a_drill_with_its_report_through_the_page(signed_in, bob, org):
    from anze.emergency.choices import DrillForm, DrillKind, DutyPurpose

    f.event_duty(
        org["linyi"], [org["lanshan_gov"]], purpose=DutyPurpose.SOCIAL_DRILL, months=1, title="社会化演练"
    )
    drill = services.plan_drill(actor=bob, kind=DrillKind.SOCIAL, unit=org["lanshan_gov"], title="社区演练",
                                form=DrillForm.LIVE, planned_on=timezone.localdate() - dt.timedelta(days=1))  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(bob).post(reverse("emergency:drill_record", args=[drill.public_id]), {
        "held_on": timezone.localdate().isoformat(), "participants": 80, "evaluation": "疏散有序。",
        "files": SimpleUploadedFile("评估报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                    content_type="application/pdf"),
    })  # fmt: skip
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.status == "held" and drill.occurrence.reports.count() == 1


def test_the_depot_unit_loads_and_dispatches_from_its_depot_page(signed_in, alice, charlie, world, org):
    # given an allocation from 罗庄库 for an incident in 兰山 that 罗庄区应急局 does not lead
    incident = f.incident(org["lanshan"], actor=alice)
    supply_request = services.request_supplies(
        actor=alice, incident=incident, item=world["tent"], quantity=10
    )
    [allocation] = services.allocate(actor=alice, request=supply_request)
    client = signed_in(charlie)
    depot = world["luozhuang_depot"]
    page = body(client, depot.get_absolute_url())
    assert "待出库" in page and incident.get_absolute_url() not in page  # named, not linked: not its incident

    response = client.post(reverse("emergency:depot_dispatch", args=[depot.public_id]), {
        "allocation": [allocation.public_id], "vehicle": "鲁Q·20001",
        "departed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip

    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.DISPATCHED
    assert StockBatch.objects.get(pk=world["batch"].pk).on_hand == 30


def test_another_unit_cannot_dispatch_from_a_depot_it_does_not_manage(signed_in, alice, org, world):
    from anze.accounts.roles import Role
    from conftest import make_user

    other = make_user("lanshan_unit", (Role.UNIT, {"unit": org["lanshan_emergency"]}))
    incident = f.incident(org["lanshan"], actor=alice)
    supply_request = services.request_supplies(
        actor=alice, incident=incident, item=world["tent"], quantity=10
    )
    [allocation] = services.allocate(actor=alice, request=supply_request)
    response = signed_in(other).post(reverse("emergency:depot_dispatch", args=[world["luozhuang_depot"].public_id]), {
        "allocation": [allocation.public_id], "vehicle": "鲁Q·20001",
        "departed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert response.status_code == 404
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.ALLOCATED


def test_the_overview_is_for_those_who_may_open_every_list_it_counts(signed_in, org, world):
    from anze.accounts.roles import Role
    from conftest import make_user

    enterprise_user = make_user("erin_enterprise", (Role.ENTERPRISE, {}))
    assert signed_in(enterprise_user).get(reverse("emergency:overview")).status_code == 404


def test_an_api_supply_whose_allocation_is_refused_saves_no_request(signed_in, alice, org, monkeypatch):
    # given an open incident, and an allocation that will be refused for a reason other than stock
    from anze.audit.models import AuditEvent
    from anze.emergency.errors import TransitionError
    from anze.emergency.models import SupplyRequest

    f.item()
    incident = f.incident(org["lanshan"], actor=alice)

    def refuse(**_kwargs):
        raise TransitionError("事件已结束，不能再调拨。")

    monkeypatch.setattr(services, "allocate", refuse)

    # when the API is asked for supplies
    response = signed_in(alice).post(f"/api/incidents/{incident.public_id}/supply/",
                                     {"item": "tent", "quantity": 7}, content_type="application/json")  # fmt: skip

    # then it answers the refusal and the request is not left behind
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert not SupplyRequest.objects.filter(incident=incident).exists()
    assert not AuditEvent.objects.filter(action="emergency.request.create").exists()


def test_an_api_supply_with_no_stock_keeps_the_request_as_a_shortfall(signed_in, alice, org):
    # given an open incident and no tents anywhere
    from anze.emergency.models import SupplyRequest

    f.item()
    incident = f.incident(org["lanshan"], actor=alice)

    # when the API is asked for 7 tents, then the request stands, with nothing allocated
    response = signed_in(alice).post(f"/api/incidents/{incident.public_id}/supply/",
                                     {"item": "tent", "quantity": 7}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()["allocations"] == []
    assert SupplyRequest.objects.filter(incident=incident, quantity=7).exists()


def test_the_incident_page_reads_the_incident_once_however_many_requests(signed_in, alice, world, org):
    # given an incident with one open request, and the same with three
    from anze.emergency.models import Incident

    client = signed_in(alice)
    table = Incident._meta.db_table

    def incident_reads(requests: int) -> int:
        incident = f.incident(org["lanshan"], actor=alice)
        for _n in range(requests):
            services.request_supplies(actor=alice, incident=incident, item=world["tent"], quantity=1)
        with CaptureQueriesContext(connection) as ctx:
            body(client, reverse("emergency:incident_detail", args=[incident.public_id]))
        return sum(1 for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"])

    # when each page is shown, then the incident is not read again per request
    assert incident_reads(1) == incident_reads(3)


def test_the_minimum_levels_stock_links_to_the_batches_it_counts(signed_in, alice, org):
    # given, against the city's minimum, a good batch with units set aside, an expired batch and an empty one
    import re

    tent = f.item()
    depot = f.depot(org["luozhuang"], at=f.LUOZHUANG)
    today = timezone.localdate()
    good = f.stock(depot, tent, 50, expires_on=today + dt.timedelta(days=200))
    expired = f.stock(depot, tent, 30, expires_on=today - dt.timedelta(days=1),
                      received_on=today - dt.timedelta(days=400))  # fmt: skip
    services.set_minimum_level(
        actor=None, region=org["linyi"], item=tent, minimum=100, unit=org["city_emergency"]
    )
    incident = f.incident(org["lanshan"], actor=alice)
    request = services.request_supplies(actor=alice, incident=incident, item=tent, quantity=10)
    services.allocate(actor=alice, request=request, lines=[(good, 10)])
    client = signed_in(alice)

    # when the minimum levels page is shown and its stock number followed
    page = body(client, reverse("emergency:minimum_list"))
    href, number = re.search(r'<a href="([^"]*\?item=[^"]*)">(\d+)</a>', page).groups()
    listed = body(client, href.replace("&amp;", "&"))
    query = href.replace("&amp;", "&").split("?", 1)[1]
    rows = client.get(f"/api/stock-batches/?{query}").json()["results"]

    # then the list holds exactly the batches counted, and their available units make the number
    assert int(number) == 40
    assert good.batch_number in listed and expired.batch_number not in listed
    assert [r["batch_number"] for r in rows] == [good.batch_number]
    assert sum(r["available"] for r in rows) == int(number)


def test_a_drill_file_of_a_forbidden_type_is_refused_on_the_page_and_nothing_is_recorded(signed_in, bob, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anze.emergency.choices import DrillForm, DrillKind, DutyPurpose

    f.event_duty(
        org["linyi"], [org["lanshan_gov"]], purpose=DutyPurpose.SOCIAL_DRILL, months=1, title="社会化演练"
    )
    drill = services.plan_drill(actor=bob, kind=DrillKind.SOCIAL, unit=org["lanshan_gov"], title="社区演练",
                                form=DrillForm.LIVE, planned_on=timezone.localdate() - dt.timedelta(days=1))  # fmt: skip

    response = signed_in(bob).post(reverse("emergency:drill_record", args=[drill.public_id]), {
        "held_on": timezone.localdate().isoformat(), "participants": 80, "evaluation": "疏散有序。",
        "files": SimpleUploadedFile("评估报告.pdf", b"MZ\x90\x00" + bytes(range(256)), content_type="application/pdf"),
    })  # fmt: skip

    assert response.status_code == 200
    assert "评估报告.pdf" in response.content.decode() and "不是允许的类型" in response.content.decode()
    drill.refresh_from_db()
    assert drill.status != "held" and drill.occurrence.reports.count() == 0
