"""The organization's complete role table: who may change regions and units, and refusals in the trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.org import services
from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit

pytestmark = pytest.mark.django_db


def org_events() -> int:
    return AuditEvent.objects.filter(action__startswith="org.").count()


@pytest.mark.parametrize(
    "changes",
    [
        {"region": "lanshan"},
        {"parent": "lanshan_gov"},
        {"name": "改名"},
        {"short_name": "改"},
        {"sort_order": 9},
    ],
)
def test_unit_user_cannot_move_or_rename_its_own_unit(org, charlie, changes):
    unit = org["luozhuang_emergency"]
    kwargs = {
        key: org[value] if isinstance(value, str) and value in org else value
        for key, value in changes.items()
    }
    before = org_events()

    with pytest.raises(PermissionDenied):
        services.update_unit(actor=charlie, unit=unit, **kwargs)

    fresh = Unit.objects.get(pk=unit.pk)
    assert (fresh.region_id, fresh.parent_id, fresh.name, fresh.short_name, fresh.sort_order) == (
        unit.region_id,
        unit.parent_id,
        unit.name,
        unit.short_name,
        unit.sort_order,
    )
    assert org_events() == before


def test_unit_user_changes_only_the_contact_fields_and_keeps_its_aliases(org, charlie):
    unit = org["luozhuang_emergency"]
    aliases = sorted(unit.aliases.values_list("name", flat=True))

    services.update_unit(actor=charlie, unit=unit, aliases=aliases, phone="0539-1", address="罗庄路 1 号")
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=charlie, unit=unit, aliases=[*aliases, "新别称"])

    unit.refresh_from_db()
    assert (unit.phone, unit.address) == ("0539-1", "罗庄路 1 号")
    assert sorted(unit.aliases.values_list("name", flat=True)) == aliases


def test_unit_user_cannot_deactivate_its_own_unit(org, charlie):
    with pytest.raises(PermissionDenied):
        services.deactivate_unit(actor=charlie, unit=org["luozhuang_emergency"])
    assert Unit.objects.get(pk=org["luozhuang_emergency"].pk).is_active


def test_county_user_cannot_edit_or_add_region_rows(org, bob):
    before = org_events()
    with pytest.raises(PermissionDenied):
        services.update_region(actor=bob, region=org["lanshan"], name="兰山")
    with pytest.raises(PermissionDenied):
        services.create_region(
            actor=bob, code="371302001", name="兰山街道", level=RegionLevel.TOWN, parent=org["lanshan"]
        )
    assert Region.objects.get(pk=org["lanshan"].pk).name == org["lanshan"].name
    assert org_events() == before
    assert not Region.objects.restrict(bob, "change").exists()
    assert not Region.objects.restrict(bob, "add").exists()


def test_county_user_keeps_its_units_but_cannot_move_one_out(org, bob):
    unit = org["lanshan_emergency"]
    services.update_unit(actor=bob, unit=unit, phone="0539-2")
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=bob, unit=unit, region=org["luozhuang"])
    assert Unit.objects.get(pk=unit.pk).region_id == org["lanshan"].pk
    assert Unit.objects.restrict(bob, "add").filter(region=org["lanshan"]).exists()


def test_office_and_system_admin_edit_reference_data(org, alice):
    from anze.accounts.roles import Role
    from conftest import make_user

    sysadmin = make_user("sys", (Role.SYSTEM_ADMIN, {}))
    services.update_region(actor=alice, region=org["lanshan"], short_name="兰山")
    services.update_unit(actor=sysadmin, unit=org["lanshan_emergency"], region=org["luozhuang"])
    services.update_unit(actor=alice, unit=org["lanshan_emergency"], region=org["lanshan"])
    assert Unit.objects.get(pk=org["lanshan_emergency"].pk).region_id == org["lanshan"].pk


def test_a_service_refusal_on_the_edit_page_is_shown_and_audited(client, org, charlie):
    client.force_login(charlie)
    own = org["luozhuang_emergency"]
    response = client.post(
        reverse("org:unit_update", kwargs={"public_id": own.public_id}),
        {
            "name": "改名的单位",
            "short_name": own.short_name,
            "kind": own.kind,
            "region": str(own.region.public_id),
            "phone": own.phone,
            "sort_order": 0,
        },
    )

    assert response.status_code == 200
    assert Unit.objects.get(pk=own.pk).name == own.name
    denied = AuditEvent.objects.filter(action="access.denied", actor=charlie, success=False)
    assert denied.count() == 1
    assert not AuditEvent.objects.filter(action="org.unit.update").exists()


def test_a_service_refusal_of_a_post_action_is_flashed_and_audited(client, org, charlie):
    client.force_login(charlie)
    own = org["luozhuang_emergency"]

    response = client.post(reverse("org:unit_deactivate", kwargs={"public_id": own.public_id}))

    assert response.status_code == 302
    assert Unit.objects.get(pk=own.pk).is_active
    assert AuditEvent.objects.filter(action="access.denied", actor=charlie, success=False).count() == 1
    assert not AuditEvent.objects.filter(action="org.unit.deactivate").exists()
