"""Pages: personas see only their scope in lists, details, exports and form choices; denied edits change nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anze.audit.models import AuditEvent
from anze.org import services
from anze.org.models import Unit
from anze.org.tests.factories import CommitteeFactory, PersonFactory, UnitFactory, UnitGroupFactory

pytestmark = pytest.mark.django_db


def signed(client, user):
    client.force_login(user)
    return client


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_alice_sees_every_unit(client, org, alice):
    response = signed(client, alice).get(reverse("org:unit_list"))
    assert response.status_code == 200
    for unit in Unit.objects.all():
        assert unit.name in response.text


def test_bob_sees_only_his_county_in_list_detail_and_export(client, org, bob):
    client = signed(client, bob)
    page = client.get(reverse("org:unit_list")).text
    assert (
        "临沂市兰山区应急管理局" in page
        and "临沂市罗庄区应急管理局" not in page
        and "临沂市应急管理局<" not in page
    )
    assert client.get(org["luozhuang_emergency"].get_absolute_url()).status_code == 404
    assert client.get(org["lanshan_emergency"].get_absolute_url()).status_code == 200
    rows = xlsx_rows(client.get(reverse("org:unit_list"), {"export": "xlsx"}))
    names = {row[0] for row in rows[1:]}
    assert names == {"临沂市兰山区人民政府", "临沂市兰山区应急管理局"}
    assert rows[0][0] == "全称"


def test_out_of_scope_detail_is_audited_as_denied(client, org, bob):
    signed(client, bob).get(org["luozhuang_gov"].get_absolute_url())
    event = AuditEvent.objects.filter(action="access.denied").first()
    assert event is not None and event.actor_id == bob.pk


def test_bob_form_choices_hold_only_his_county(client, org, bob):
    response = signed(client, bob).get(reverse("org:unit_create"))
    assert response.status_code == 200
    assert str(org["lanshan"].public_id) in response.text
    assert str(org["luozhuang"].public_id) not in response.text
    assert str(org["luozhuang_gov"].public_id) not in response.text


def test_bob_cannot_post_a_unit_into_another_county(client, org, bob):
    before = (Unit.objects.count(), AuditEvent.objects.filter(action__startswith="org.").count())
    response = signed(client, bob).post(
        reverse("org:unit_create"),
        {
            "name": "临沂市罗庄区交通运输局",
            "kind": "government_department",
            "region": str(org["luozhuang"].public_id),
            "sort_order": 0,
        },
    )
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert (Unit.objects.count(), AuditEvent.objects.filter(action__startswith="org.").count()) == before


def test_alice_creates_a_unit_through_the_form(client, org, alice):
    response = signed(client, alice).post(
        reverse("org:unit_create"),
        {
            "name": "临沂市审计局",
            "short_name": "市审计局",
            "kind": "government_department",
            "region": str(org["linyi"].public_id),
            "aliases": "审计局\n",
            "sort_order": 0,
        },
    )
    unit = Unit.objects.get(name="临沂市审计局")
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    assert list(unit.aliases.values_list("name", flat=True)) == ["审计局"]
    assert AuditEvent.objects.filter(action="org.unit.create", object_id=str(unit.public_id)).count() == 1


def test_form_shows_service_errors_next_to_the_field(client, org, alice):
    response = signed(client, alice).post(
        org["city_emergency"].get_absolute_url() + "edit/",
        {
            "name": "临沂市应急管理局",
            "kind": "government_department",
            "region": str(org["linyi"].public_id),
            "aliases": "临沂市交通运输局",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["aliases"]


def test_charlie_updates_own_unit_but_gets_404_for_another(client, org, charlie):
    client = signed(client, charlie)
    own = org["luozhuang_emergency"]
    response = client.post(
        reverse("org:unit_update", kwargs={"public_id": own.public_id}),
        {
            "name": own.name,
            "short_name": own.short_name,
            "kind": own.kind,
            "region": str(own.region.public_id),
            "phone": "0539-8888888",
            "sort_order": 0,
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.phone == "0539-8888888"
    other = org["luozhuang_gov"]
    before = AuditEvent.objects.filter(action__startswith="org.").count()
    response = client.post(
        reverse("org:unit_update", kwargs={"public_id": other.public_id}),
        {
            "name": "改名",
            "kind": other.kind,
            "region": str(other.region.public_id),
            "sort_order": 0,
        },
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "临沂市罗庄区人民政府"
    assert AuditEvent.objects.filter(action__startswith="org.").count() == before
    assert (
        client.post(reverse("org:unit_deactivate", kwargs={"public_id": other.public_id})).status_code == 404
    )
    other.refresh_from_db()
    assert other.is_active


def test_dave_sees_everything_and_changes_nothing(client, org, dave):
    client = signed(client, dave)
    page = client.get(reverse("org:unit_list")).text
    assert all(unit.name in page for unit in Unit.objects.all())
    unit = org["city_emergency"]
    assert client.get(unit.get_absolute_url()).status_code == 200
    assert client.get(reverse("org:unit_update", kwargs={"public_id": unit.public_id})).status_code == 404
    assert client.get(reverse("org:unit_create")).status_code == 403
    response = client.post(
        reverse("org:unit_create"),
        {
            "name": "某单位",
            "kind": "government_department",
            "region": str(org["linyi"].public_id),
            "sort_order": 0,
        },
    )
    assert response.status_code == 403 and not Unit.objects.filter(name="某单位").exists()
    assert "修改" not in client.get(unit.get_absolute_url()).content.decode().split("anze-actions")[1][:300]


@pytest.mark.parametrize(
    "url_name", ["region_list", "unit_list", "unitgroup_list", "person_list", "committee_list"]
)
def test_list_pages_render_for_every_internal_persona(client, org, alice, bob, charlie, dave, url_name):
    for user in (alice, bob, charlie, dave):
        client.force_login(user)
        assert client.get(reverse(f"org:{url_name}")).status_code == 200
        assert client.get(reverse(f"org:{url_name}"), {"export": "xlsx"}).status_code == 200


def test_detail_pages_render(client, org, alice):
    committee = services.create_committee(
        actor=alice,
        name="临沂市安全生产委员会",
        kind="safety_committee",
        region=org["linyi"],
        office_unit=org["city_emergency"],
    )
    group = services.create_unit_group(
        actor=alice, name="市各行业主管部门", region=org["linyi"], members=[org["city_transport"]]
    )
    person = PersonFactory(region=org["linyi"])
    client = signed(client, alice)
    for obj in (org["linyi"], org["city_emergency"], group, person, committee):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        assert "变更记录" in response.text or "audit" in response.text


def test_filters_live_in_the_url(client, org, alice):
    client = signed(client, alice)
    response = client.get(reverse("org:unit_list"), {"region": str(org["lanshan"].public_id), "q": "应急"})
    assert [row.record for row in response.context["table"].page.object_list] == [org["lanshan_emergency"]]
    response = client.get(reverse("org:unit_list"), {"kind": "county_government", "sort": "-name"})
    assert [r.record.name for r in response.context["table"].page.object_list] == [
        "临沂市罗庄区人民政府",
        "临沂市兰山区人民政府",
    ]


def test_export_is_exactly_the_filtered_sorted_list(client, org, alice):
    rows = xlsx_rows(
        signed(client, alice).get(
            reverse("org:unit_list"), {"kind": "county_government", "sort": "-name", "export": "xlsx"}
        )
    )
    assert [row[0] for row in rows] == ["全称", "临沂市罗庄区人民政府", "临沂市兰山区人民政府"]
    assert rows[1][2] == "县区政府"
    assert AuditEvent.objects.filter(action="org.export").count() == 1


def test_export_neutralizes_formulas(client, org, alice):
    UnitFactory(name='=HYPERLINK("http://x")', region=org["linyi"])
    rows = xlsx_rows(
        signed(client, alice).get(reverse("org:unit_list"), {"export": "xlsx", "q": "HYPERLINK"})
    )
    assert rows[1][0].startswith("'=")


def _list_queries(client, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "factory", "expected"),
    [
        # (the session is not written: the requests come within a minute of the first)
        ("unit_list", lambda org, n: [UnitFactory(region=org["lanshan"]) for _ in range(n)], 10),
        ("region_list", lambda org, n: None, 8),
        ("unitgroup_list", lambda org, n: [UnitGroupFactory(region=org["linyi"]) for _ in range(n)], 7),
        ("person_list", lambda org, n: [PersonFactory(region=org["linyi"]) for _ in range(n)], 9),
        ("committee_list", lambda org, n: [CommitteeFactory(region=org["linyi"]) for _ in range(n)], 10),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    client, org, alice, django_assert_num_queries, url_name, factory, expected
):
    client = signed(client, alice)
    url = reverse(f"org:{url_name}")
    client.get(url)  # the first request after force_login marks the session (a write); later ones, within a minute, do not
    factory(org, 3)
    _list_queries(client, django_assert_num_queries, url, expected)
    factory(org, 30)
    _list_queries(client, django_assert_num_queries, url, expected)
