"""Accident API: the same scope and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anze.enforcement.choices import AccidentGrade, AccidentStatus
from anze.enforcement.models import Accident
from anze.enforcement.tests.factories import accident


def test_api_lists_only_the_scope_and_filters(
    signed_in, alice, bob, lanshan_enterprise, luozhuang_enterprise
):
    mine = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    accident(alice, enterprise=lanshan_enterprise, deaths=0)
    accident(alice, enterprise=luozhuang_enterprise, deaths=3)
    data = signed_in(bob).get("/api/accidents/?grade=larger").json()
    assert [row["id"] for row in data["results"]] == [str(mine.public_id)]
    assert [s["level"] for s in data["results"][0]["steps"] if s["kind"] == "report"] == [1, 2, 3]


def test_api_reports_and_handles_an_accident(signed_in, alice, lanshan_enterprise, org):
    c = signed_in(alice)
    occurred = timezone.now() - dt.timedelta(hours=2)
    response = c.post(
        "/api/accidents/",
        {
            "title": "坍塌",
            "occurred_at": occurred.isoformat(),
            "place": "工地",
            "accident_type": "construction",
            "enterprise": str(lanshan_enterprise.public_id),
            "deaths": 10,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["grade"] == AccidentGrade.MAJOR
    url = f"/api/accidents/{response.json()['id']}/handle/"
    response = c.post(url, {"action": "close", "on": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    response = c.post(
        url,
        {
            "action": "investigate",
            "lead_unit": str(org["city_emergency"].public_id),
            "on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == AccidentStatus.INVESTIGATING
    response = c.post(url, {"action": "extend"}, content_type="application/json")
    assert response.status_code == 400


def test_api_handle_out_of_scope_is_404(signed_in, alice, bob, luozhuang_enterprise):
    a = accident(alice, enterprise=luozhuang_enterprise, deaths=3)
    response = signed_in(bob).post(
        f"/api/accidents/{a.public_id}/handle/",
        {"action": "misreport", "kind": "false", "on": "2026-03-02", "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Accident.objects.get(pk=a.pk).misreports.exists()


def test_api_report_is_refused_to_the_auditor(signed_in, dave, lanshan_enterprise):
    response = signed_in(dave).post(
        "/api/accidents/",
        {
            "title": "x",
            "occurred_at": timezone.now().isoformat(),
            "place": "x",
            "accident_type": "other",
            "enterprise": str(lanshan_enterprise.public_id),
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Accident.objects.exists()


def test_api_draw_hides_the_seed_until_drawn_and_verifies(signed_in, alice, org):
    from anze.enforcement.tests.factories import approved_plan, make_enterprise

    enterprises = [make_enterprise(org["lanshan"]) for _ in range(4)]
    plan, share, _people = approved_plan(alice, org, enterprises)
    c = signed_in(alice)
    response = c.post(
        f"/api/inspection-plans/{plan.public_id}/commit/",
        {"sector": str(share.public_id), "round": 1},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["seed"] == ""
    draw_id = response.json()["id"]
    assert c.get(f"/api/draws/{draw_id}/verify/").json()["ok"] is False
    response = c.post(f"/api/draws/{draw_id}/draw/", content_type="application/json")
    assert response.status_code == 200 and len(response.json()["seed"]) == 64
    assert c.get(f"/api/draws/{draw_id}/verify/").json() == {"ok": True, "reasons": []}
    response = c.post(f"/api/draws/{draw_id}/rerun/", {"reason": "名录有误"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["supersedes"] == draw_id


def test_api_draw_out_of_scope_is_404(signed_in, alice, bob, org):
    from anze.enforcement.tests.factories import approved_plan, make_enterprise

    plan, share, _people = approved_plan(alice, org, [make_enterprise(org["lanshan"])])
    response = signed_in(bob).post(
        f"/api/inspection-plans/{plan.public_id}/commit/",
        {"sector": str(share.public_id), "round": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not plan.draws.exists()


def test_steps_and_findings_are_listed_within_scope(signed_in, alice, charlie, lanshan_enterprise):
    from anze.enforcement.tests.factories import accident

    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    steps = signed_in(alice).get("/api/accident-steps/").json()["results"]
    assert steps and {s["accident"] for s in steps} == {str(a.public_id)}
    assert signed_in(charlie).get("/api/accident-steps/").json()["results"] == []
    assert signed_in(charlie).get("/api/findings/").status_code == 200
