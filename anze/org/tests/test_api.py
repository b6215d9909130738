"""API: the same scope as the pages; writes go through the services; out-of-scope answers 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.org import services
from anze.org.models import Unit

pytestmark = pytest.mark.django_db


def api(client, user):
    client.force_login(user)
    return client


def unit_url(unit) -> str:
    return reverse("api:unit-detail", kwargs={"public_id": unit.public_id})


def names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def org_events() -> int:
    return AuditEvent.objects.filter(action__startswith="org.").count()


def test_alice_lists_every_unit(client, org, alice):
    response = api(client, alice).get(reverse("api:unit-list"))
    assert response.status_code == 200
    assert names(response) == set(Unit.objects.values_list("name", flat=True))


def test_bob_lists_and_retrieves_only_his_county(client, org, bob):
    client = api(client, bob)
    assert names(client.get(reverse("api:unit-list"))) == {"临沂市兰山区人民政府", "临沂市兰山区应急管理局"}
    assert client.get(unit_url(org["luozhuang_gov"])).status_code == 404
    body = client.get(unit_url(org["lanshan_gov"])).json()
    assert body["id"] == str(org["lanshan_gov"].public_id) and body["region"] == str(org["lanshan"].public_id)


def test_api_uses_the_pages_filters(client, org, alice):
    client = api(client, alice)
    response = client.get(reverse("api:unit-list"), {"region": str(org["luozhuang"].public_id), "q": "应急"})
    assert names(response) == {"临沂市罗庄区应急管理局"}
    response = client.get(reverse("api:unit-list"), {"kind": "not-a-kind"})
    assert response.status_code == 400


def test_alice_creates_a_unit_through_the_service(client, org, alice):
    before = org_events()
    response = api(client, alice).post(
        reverse("api:unit-list"),
        {
            "name": "临沂市审计局",
            "short_name": "市审计局",
            "kind": "government_department",
            "region": str(org["linyi"].public_id),
            "aliases": ["审计局"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == ["审计局"]
    assert org_events() == before + 1
    event = AuditEvent.objects.filter(action="org.unit.create").get()
    assert (event.source, event.actor_id) == ("api", alice.pk)


def test_service_errors_are_400_with_codes(client, org, alice):
    response = api(client, alice).patch(
        unit_url(org["city_emergency"]), {"aliases": ["临沂市交通运输局"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()


def test_bob_cannot_create_in_another_county_and_nothing_changes(client, org, bob):
    before = (Unit.objects.count(), org_events())
    response = api(client, bob).post(
        reverse("api:unit-list"),
        {
            "name": "临沂市罗庄区交通运输局",
            "kind": "government_department",
            "region": str(org["luozhuang"].public_id),
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (Unit.objects.count(), org_events()) == before


def test_charlie_patches_own_unit_but_not_another(client, org, charlie):
    client = api(client, charlie)
    response = client.patch(
        unit_url(org["luozhuang_emergency"]), {"phone": "0539-1"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["phone"] == "0539-1"
    before = org_events()
    response = client.patch(unit_url(org["luozhuang_gov"]), {"name": "改名"}, content_type="application/json")
    assert response.status_code == 404
    org["luozhuang_gov"].refresh_from_db()
    assert org["luozhuang_gov"].name == "临沂市罗庄区人民政府" and org_events() == before


def test_dave_reads_everything_and_changes_nothing(client, org, dave):
    client = api(client, dave)
    assert names(client.get(reverse("api:unit-list"))) == set(Unit.objects.values_list("name", flat=True))
    before = org_events()
    assert (
        client.patch(
            unit_url(org["city_emergency"]), {"phone": "1"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("api:person-list"),
            {"name": "某人", "region": str(org["linyi"].public_id)},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.delete(unit_url(org["city_emergency"])).status_code == 405
    assert org_events() == before


def test_anonymous_is_refused(client, org):
    assert client.get(reverse("api:unit-list")).status_code in (401, 403)


def test_group_detail_lists_members_within_scope(client, org, alice, bob):
    group = services.create_unit_group(
        actor=alice, name="各县区政府", region=org["linyi"], rule="county_governments"
    )
    url = reverse("api:unitgroup-detail", kwargs={"public_id": group.public_id})
    members = {m["name"] for m in api(client, alice).get(url).json()["members"]}
    assert members == {"临沂市兰山区人民政府", "临沂市罗庄区人民政府"}
    members = {m["name"] for m in api(client, bob).get(url).json()["members"]}
    assert members == {"临沂市兰山区人民政府"}


def test_group_members_action_is_audited_and_scoped(client, org, alice, bob):
    group = services.create_unit_group(actor=alice, name="市各行业主管部门", region=org["linyi"])
    url = reverse("api:unitgroup-members", kwargs={"public_id": group.public_id})
    response = api(client, alice).post(
        url, {"add": [str(org["city_transport"].public_id)]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [m["name"] for m in response.json()["members"]] == ["临沂市交通运输局"]
    assert AuditEvent.objects.filter(action="org.unitgroup.add_members").count() == 1
    assert (
        api(client, bob)
        .post(url, {"remove": [str(org["city_transport"].public_id)]}, content_type="application/json")
        .status_code
        == 404
    )
    assert group.memberships.count() == 1


def test_committee_and_people_endpoints(client, org, alice):
    committee = services.create_committee(
        actor=alice,
        name="临沂市安全生产委员会",
        kind="safety_committee",
        region=org["linyi"],
        office_unit=org["city_emergency"],
    )
    person = services.create_person(actor=alice, name="侯晓滨", region=org["linyi"])
    services.set_committee_leader(actor=alice, committee=committee, person=person, role="director")
    services.add_committee_members(actor=alice, committee=committee, units=[org["city_transport"]])
    client = api(client, alice)
    body = client.get(reverse("api:committee-detail", kwargs={"public_id": committee.public_id})).json()
    assert body["leaders"] == [{"role": "director", "person": str(person.public_id), "name": "侯晓滨"}]
    assert [u["name"] for u in body["member_units"]] == ["临沂市交通运输局"]
    assert body["office_unit"] == str(org["city_emergency"].public_id)
    people = client.get(reverse("api:person-list")).json()["results"]
    assert people[0]["name"] == "侯晓滨"
    response = client.post(
        reverse("api:region-list"),
        {"code": "371312", "name": "河东区", "level": "county", "parent": str(org["linyi"].public_id)},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["path"] == "/370000/371300/371312/"


def test_schema_documents_the_org_endpoints(client, org, alice):
    response = api(client, alice).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/org/units/" in paths and "/api/org/unit-groups/{public_id}/members/" in paths
