"""Services: one audit event per change, guards refuse cleanly, a refused call changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anze.audit.models import AuditEvent
from anze.org import services
from anze.org.choices import CommitteeKind, CommitteeLeaderRole, RegionLevel, UnitGroupRule, UnitKind
from anze.org.models import PostHolding, Region, Unit, UnitAlias
from anze.org.tests.factories import CommitteeFactory, PersonFactory, PostFactory, UnitFactory

pytestmark = pytest.mark.django_db


def events() -> int:
    return AuditEvent.objects.count()


def test_create_region_writes_one_event_with_after_snapshot(org, alice):
    before = events()
    region = services.create_region(
        actor=alice, code="371312", name="河东区", level=RegionLevel.COUNTY, parent=org["linyi"]
    )
    assert region.path == "/370000/371300/371312/"
    assert events() == before + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.actor_id, event.after["code"]) == ("org.region.create", alice.pk, "371312")


def test_create_region_outside_parent_code_is_refused_and_changes_nothing(org, alice):
    before, regions = events(), Region.objects.count()
    with pytest.raises(ValidationError) as info:
        services.create_region(
            actor=alice, code="372301", name="错区", level=RegionLevel.COUNTY, parent=org["linyi"]
        )
    assert info.value.error_dict["code"][0].code == "region_code_outside_parent"
    assert (events(), Region.objects.count()) == (before, regions)


def test_county_user_cannot_add_region_outside_own_county(org, bob):
    before, regions = events(), Region.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_region(
            actor=bob, code="371312", name="河东区", level=RegionLevel.COUNTY, parent=org["linyi"]
        )
    assert (events(), Region.objects.count()) == (before, regions)


def test_update_region_code_rewrites_path_only_without_children(org, alice):
    with pytest.raises(ValidationError):
        services.update_region(actor=alice, region=org["linyi"], code="371399")
    region = services.update_region(actor=alice, region=org["lanshan"], code="371303")
    assert region.path == "/370000/371300/371303/"


def test_deactivate_region_with_active_units_is_refused(org, alice):
    before = events()
    with pytest.raises(ValidationError) as info:
        services.deactivate_region(actor=alice, region=org["lanshan"])
    assert info.value.code == "region_has_active_units"
    assert events() == before


def test_create_unit_with_aliases_writes_one_event(org, alice):
    before = events()
    unit = services.create_unit(
        actor=alice,
        name="临沂市审计局",
        short_name="市审计局",
        kind=UnitKind.GOVERNMENT_DEPARTMENT,
        region=org["linyi"],
        aliases=["审计局", " 市审计局 ", "审计局"],
    )
    assert events() == before + 1
    assert sorted(unit.aliases.values_list("name", flat=True)) == ["审计局", "市审计局"]
    assert AuditEvent.objects.first().after["aliases"] == ["审计局", "市审计局"]


def test_county_user_cannot_create_unit_in_another_county_and_nothing_changes(org, bob):
    before, units, aliases = events(), Unit.objects.count(), UnitAlias.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_unit(
            actor=bob,
            name="临沂市罗庄区交通运输局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=org["luozhuang"],
            aliases=["罗庄区交通局"],
        )
    assert (events(), Unit.objects.count(), UnitAlias.objects.count()) == (before, units, aliases)


def test_unit_user_changes_own_unit_but_not_another(org, charlie):
    services.update_unit(actor=charlie, unit=org["luozhuang_emergency"], phone="0539-1234567")
    before = events()
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=charlie, unit=org["luozhuang_gov"], phone="110")
    org["luozhuang_gov"].refresh_from_db()
    assert org["luozhuang_gov"].phone == "" and events() == before


def test_auditor_cannot_change_anything(org, dave):
    before = events()
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=dave, unit=org["city_emergency"], phone="1")
    with pytest.raises(PermissionDenied):
        services.create_person(actor=dave, name="某人", region=org["linyi"])
    assert events() == before


def test_update_unit_without_change_writes_nothing(org, alice):
    before = events()
    services.update_unit(actor=alice, unit=org["city_emergency"], short_name="市应急局", aliases=[])
    assert events() == before


def test_update_unit_replaces_aliases_and_audits_before_after(org, alice):
    unit = org["city_emergency"]
    services.update_unit(actor=alice, unit=unit, aliases=["应急局", "市应急管理局"])
    services.update_unit(actor=alice, unit=unit, aliases=["市应急管理局"])
    assert list(unit.aliases.values_list("name", flat=True)) == ["市应急管理局"]
    event = AuditEvent.objects.first()
    assert event.before["aliases"] == ["市应急管理局", "应急局"] and event.after["aliases"] == [
        "市应急管理局"
    ]


def test_alias_that_is_another_units_name_is_refused(org, alice):
    before = events()
    with pytest.raises(ValidationError) as info:
        services.update_unit(actor=alice, unit=org["city_emergency"], aliases=["临沂市交通运输局"])
    assert info.value.error_dict["aliases"][0].code == "unit_alias_clash"
    assert events() == before and not UnitAlias.objects.exists()


def test_unit_parent_cycle_is_refused(org, alice):
    office = services.create_unit(
        actor=alice,
        name="临沂市安全生产委员会办公室",
        kind=UnitKind.COMMITTEE_OFFICE,
        region=org["linyi"],
        parent=org["city_emergency"],
    )
    with pytest.raises(ValidationError) as info:
        services.update_unit(actor=alice, unit=org["city_emergency"], parent=office)
    assert info.value.error_dict["parent"][0].code == "unit_parent_cycle"


def test_deactivate_unit_guards_children_and_is_audited(org, alice):
    services.create_unit(
        actor=alice,
        name="某科室",
        kind=UnitKind.GOVERNMENT_DEPARTMENT,
        region=org["linyi"],
        parent=org["city_emergency"],
    )
    with pytest.raises(ValidationError):
        services.deactivate_unit(actor=alice, unit=org["city_emergency"])
    before = events()
    unit = services.deactivate_unit(actor=alice, unit=org["city_transport"], reason="机构改革")
    assert not unit.is_active and events() == before + 1
    assert AuditEvent.objects.first().reason == "机构改革"
    with pytest.raises(ValidationError):
        services.deactivate_unit(actor=alice, unit=unit)


def test_explicit_group_members_add_and_remove(org, alice):
    group = services.create_unit_group(
        actor=alice,
        name="市各行业主管部门",
        region=org["linyi"],
        members=[org["city_transport"]],
        aliases=["各行业主管部门"],
    )
    before = events()
    services.add_group_members(actor=alice, group=group, units=[org["city_emergency"], org["city_transport"]])
    assert events() == before + 1
    assert set(group.members()) == {org["city_emergency"], org["city_transport"]}
    services.add_group_members(actor=alice, group=group, units=[org["city_emergency"]])
    assert events() == before + 1
    services.remove_group_members(actor=alice, group=group, units=[org["city_transport"]])
    assert list(group.members()) == [org["city_emergency"]]
    assert AuditEvent.objects.first().after["explicit_members"] == ["临沂市应急管理局"]


def test_city_group_cannot_list_a_unit_outside_its_region(org, alice):
    group = services.create_unit_group(actor=alice, name="兰山区有关部门", region=org["lanshan"])
    before = events()
    with pytest.raises(ValidationError):
        services.add_group_members(actor=alice, group=group, units=[org["city_emergency"]])
    assert events() == before and not group.memberships.exists()


def test_rule_groups_derive_members_and_refuse_hand_listing(org, alice):
    governments = services.create_unit_group(
        actor=alice, name="各县区政府", region=org["linyi"], rule=UnitGroupRule.COUNTY_GOVERNMENTS
    )
    assert set(governments.members()) == {org["lanshan_gov"], org["luozhuang_gov"]}
    services.deactivate_unit(actor=alice, unit=org["luozhuang_gov"])
    assert list(governments.members()) == [org["lanshan_gov"]]
    with pytest.raises(ValidationError) as info:
        services.add_group_members(actor=alice, group=governments, units=[org["city_emergency"]])
    assert info.value.code == "group_members_derived"


def test_committee_rule_needs_a_committee(org, alice):
    with pytest.raises(ValidationError):
        services.create_unit_group(
            actor=alice, name="市安委会各成员单位", region=org["linyi"], rule=UnitGroupRule.COMMITTEE_MEMBERS
        )


def test_committee_groups_follow_committee_membership(org, alice):
    safety = services.create_committee(
        actor=alice,
        name="临沂市安全生产委员会",
        kind=CommitteeKind.SAFETY_COMMITTEE,
        region=org["linyi"],
        office_unit=org["city_emergency"],
    )
    traffic = services.create_committee(
        actor=alice,
        name="道路交通安全专业委员会",
        kind=CommitteeKind.SPECIALIZED,
        region=org["linyi"],
        parent=safety,
    )
    members = services.create_unit_group(
        actor=alice,
        name="市安委会各成员单位",
        region=org["linyi"],
        rule=UnitGroupRule.COMMITTEE_MEMBERS,
        committee=safety,
    )
    specialized = services.create_unit_group(
        actor=alice,
        name="各专业委员会成员单位",
        region=org["linyi"],
        rule=UnitGroupRule.SPECIALIZED_COMMITTEE_MEMBERS,
        committee=safety,
    )
    services.add_committee_members(
        actor=alice, committee=safety, units=[org["city_emergency"], org["city_transport"]]
    )
    services.add_committee_members(actor=alice, committee=traffic, units=[org["city_transport"]])
    assert set(members.members()) == {org["city_emergency"], org["city_transport"]}
    assert list(specialized.members()) == [org["city_transport"]]


def test_specialized_committee_needs_a_safety_committee_parent(org, alice):
    before = events()
    with pytest.raises(ValidationError) as info:
        services.create_committee(
            actor=alice, name="消防安全专业委员会", kind=CommitteeKind.SPECIALIZED, region=org["linyi"]
        )
    assert info.value.error_dict["parent"][0].code == "committee_parent_required"
    assert events() == before


def test_committee_leaders_and_members_are_audited_once_each(org, alice):
    committee = services.create_committee(
        actor=alice, name="临沂市安全生产委员会", kind=CommitteeKind.SAFETY_COMMITTEE, region=org["linyi"]
    )
    person = services.create_person(actor=alice, name="侯晓滨", region=org["linyi"])
    before = events()
    services.set_committee_leader(
        actor=alice, committee=committee, person=person, role=CommitteeLeaderRole.DIRECTOR
    )
    services.add_committee_members(actor=alice, committee=committee, units=[org["city_emergency"]])
    assert events() == before + 2
    assert AuditEvent.objects.first().after["member_units"] == ["临沂市应急管理局"]
    with pytest.raises(ValidationError):
        services.set_committee_leader(
            actor=alice, committee=committee, person=person, role=CommitteeLeaderRole.DIRECTOR
        )
    services.remove_committee_leader(
        actor=alice, committee=committee, person=person, role=CommitteeLeaderRole.DIRECTOR
    )
    assert not committee.leaders.exists()


def test_county_user_cannot_change_city_committee(org, bob):
    committee = CommitteeFactory(region=org["linyi"])
    before = events()
    with pytest.raises(PermissionDenied):
        services.add_committee_members(actor=bob, committee=committee, units=[org["lanshan_gov"]])
    assert events() == before and not committee.memberships.exists()


def test_appoint_ends_previous_holding_and_keeps_history(org, alice):
    post = PostFactory(unit=org["city_emergency"], title="局长")
    first, second = PersonFactory(region=org["linyi"]), PersonFactory(region=org["linyi"])
    services.appoint(actor=alice, post=post, person=first, started_on=dt.date(2020, 1, 1))
    before = events()
    holding = services.appoint(actor=alice, post=post, person=second, started_on=dt.date(2022, 3, 1))
    assert events() == before + 1
    history = list(
        PostHolding.objects.filter(post=post)
        .order_by("started_on")
        .values_list("person__name", "started_on", "ended_on")
    )
    assert history == [
        (first.name, dt.date(2020, 1, 1), dt.date(2022, 2, 28)),
        (second.name, dt.date(2022, 3, 1), None),
    ]
    assert post.current_holder() == second == holding.person
    event = AuditEvent.objects.first()
    assert (event.action, event.before["holder"], event.after["holder"]) == (
        "org.post.appoint",
        first.name,
        second.name,
    )


def test_appoint_guards(org, alice):
    post = PostFactory(unit=org["city_emergency"], title="局长")
    person = PersonFactory(region=org["linyi"])
    services.appoint(actor=alice, post=post, person=person, started_on=dt.date(2021, 1, 1))
    before = events()
    with pytest.raises(ValidationError):
        services.appoint(actor=alice, post=post, person=person, started_on=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError):
        services.appoint(
            actor=alice, post=post, person=PersonFactory(region=org["linyi"]), started_on=dt.date(2020, 1, 1)
        )
    assert events() == before and post.holdings.count() == 1


def test_vacate_then_deactivate_person(org, alice):
    post = PostFactory(unit=org["city_emergency"], title="局长")
    person = PersonFactory(region=org["linyi"])
    services.appoint(actor=alice, post=post, person=person, started_on=dt.date(2021, 1, 1))
    with pytest.raises(ValidationError):
        services.deactivate_person(actor=alice, person=person)
    services.vacate_post(actor=alice, post=post, ended_on=dt.date(2023, 6, 30))
    assert post.current_holder() is None
    assert services.deactivate_person(actor=alice, person=person).is_active is False
    with pytest.raises(ValidationError):
        services.vacate_post(actor=alice, post=post)


def test_denied_appointment_changes_nothing(org, bob):
    post = PostFactory(unit=org["city_emergency"], title="局长")
    before = events()
    with pytest.raises(PermissionDenied):
        services.appoint(actor=bob, post=post, person=PersonFactory(region=org["lanshan"]))
    assert events() == before and not PostHolding.objects.exists()


def test_system_actor_is_recorded_as_system(org):
    unit = UnitFactory(region=org["linyi"])
    services.update_unit(actor=None, unit=unit, phone="12345")
    assert AuditEvent.objects.first().actor_label == "system"
