from anze.prevention.choices import HiddenDangerStatus
from anze.prevention.tests.factories import report


def test_api_lists_only_the_scope(client, signed_in, bob, alice, lanshan_enterprise, luozhuang_enterprise):
    mine = report(lanshan_enterprise, alice, title="兰山")
    report(luozhuang_enterprise, alice, title="罗庄")
    data = signed_in(bob).get("/api/hidden-dangers/").json()
    assert [row["id"] for row in data["results"]] == [str(mine.public_id)]


def test_api_transition_and_refusal_codes(client, signed_in, alice, lanshan_enterprise):
    hd = report(lanshan_enterprise, alice)
    c = signed_in(alice)
    url = f"/api/hidden-dangers/{hd.public_id}/transition/"
    response = c.post(url, {"action": "close"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_accepted"
    response = c.post(url, {"action": "register"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == HiddenDangerStatus.REGISTERED


def test_api_transition_out_of_scope_is_404(client, signed_in, bob, alice, luozhuang_enterprise):
    hd = report(luozhuang_enterprise, alice)
    response = signed_in(bob).post(
        f"/api/hidden-dangers/{hd.public_id}/transition/",
        {"action": "register"},
        content_type="application/json",
    )
    assert response.status_code == 404
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.FOUND
