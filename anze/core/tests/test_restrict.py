"""restrict(): deny by default, areas are honoured, and a role without an area grants nothing unless global."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings

from anze.accounts.models import RoleAssignment, User
from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.core.middleware import client_ip
from anze.org.models import Region, Unit
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_signed_out_and_roleless_users_see_nothing(org, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    nobody = make_user("nobody")
    assert not Unit.objects.restrict(AnonymousUser(), "view").exists()
    assert not Unit.objects.restrict(nobody, "view").exists()
    assert not Region.objects.restrict(nobody, "view").exists()


def test_a_county_role_covers_its_region_and_nothing_beside_it(org, bob):
    names = set(Unit.objects.restrict(bob, "view").values_list("name", flat=True))
    assert names == {"临沂市兰山区人民政府", "临沂市兰山区应急管理局"}


def test_a_unit_role_covers_its_own_unit_only(org, charlie):
    assert list(Unit.objects.restrict(charlie, "change")) == [org["luozhuang_emergency"]]


def test_an_enterprise_role_without_membership_grants_nothing_anywhere(org):
    user = make_user("ent", (Role.ENTERPRISE, {}))
    for model in (Unit, Region, User, RoleAssignment, AuditEvent):
        for action in ("view", "change"):
            assert not model.objects.restrict(user, action).exists(), f"{model.__name__} {action}"


def test_an_enterprise_user_cannot_change_a_unit_through_the_api(org, client):
    user = make_user("ent", (Role.ENTERPRISE, {}))
    client.force_login(user)
    unit = org["luozhuang_emergency"]
    response = client.patch(
        f"/api/org/units/{unit.public_id}/", {"name": "hijacked"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    unit.refresh_from_db()
    assert unit.name == "临沂市罗庄区应急管理局"


@pytest.mark.parametrize(
    "role,area", [(Role.OFFICE, {}), (Role.COUNTY, {}), (Role.LEADER, {}), (Role.INSPECTOR, {}), (Role.UNIT, {})]
)
def test_roles_that_work_over_an_area_cannot_be_held_without_one(org, role, area):
    user = make_user("someone")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role, **area)


def test_the_auditor_reads_everything_and_changes_nothing(org, dave):
    assert Unit.objects.restrict(dave, "view").count() == Unit.objects.count()
    assert not Unit.objects.restrict(dave, "change").exists()


def test_the_system_administrator_keeps_reference_data_but_sees_no_plan(org):
    from anze.plans.models import Plan

    sysadmin = make_user("sys", (Role.SYSTEM_ADMIN, {}))
    Plan.objects.create(title="方案", region=org["linyi"])
    assert Unit.objects.restrict(sysadmin, "change").count() == Unit.objects.count()
    assert not Plan.objects.restrict(sysadmin, "view").exists()


def test_region_via_must_be_the_first_step_of_the_region_lookup():
    from anze.core.restrict import Scope

    with pytest.raises(ValueError, match="first step"):
        Scope(region="region__path", region_via="unit")
    with pytest.raises(ValueError, match="first step"):
        Scope(region="regional__path", region_via="region")


@pytest.mark.parametrize("user_name", ["bob", "city_office", "charlie"])
def test_a_region_read_through_its_foreign_key_keeps_the_same_rows(org, bob, charlie, monkeypatch, user_name):
    """The subquery form (`region_id IN (the area's regions)`) against the join it replaces, for each grant."""
    from anze.core.restrict import Scope

    users = {
        "bob": bob,
        "charlie": charlie,
        "city_office": make_user("city", (Role.OFFICE, {"region": org["linyi"]})),
    }
    user = users[user_name]
    joined = set(Unit.objects.restrict(user, "view").values_list("pk", flat=True))
    monkeypatch.setattr(Unit, "scope", Scope(region="region__path", unit="pk", region_via="region"))
    via = Unit.objects.restrict(user, "view")
    assert set(via.values_list("pk", flat=True)) == joined
    assert joined
    if user_name != "city_office":  # the city's office covers every unit of the fixture
        assert joined != set(Unit.objects.values_list("pk", flat=True))
    if user_name != "charlie":  # a unit grant has no region to read
        assert "IN (SELECT" in str(via.query)


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(ANZE_PROXY_HOPS=0)
def test_forwarded_for_is_ignored_without_a_trusted_proxy():
    assert client_ip(_request("203.0.113.9", "10.20.0.1")) == "203.0.113.9"


@override_settings(ANZE_PROXY_HOPS=1)
def test_behind_one_proxy_the_entry_it_appended_is_the_client():
    # The client forged "10.20.0.1"; nginx appended the address it really saw.
    assert client_ip(_request("127.0.0.1", "10.20.0.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
