"""Name resolution for the plan importer: exact names, short names, aliases, fuzzy suggestions, groups."""

from __future__ import annotations

import pytest

from anze.org import services
from anze.org.choices import UnitGroupRule, UnitKind
from anze.org.names import expand_group, name_variants, resolve_unit_name, suggest_units
from anze.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_name_variants_cover_bracket_widths_and_spaces():
    assert name_variants(" 市委党校 (行政学院) ") == [
        "市委党校 (行政学院)",
        "市委党校(行政学院)",
        "市委党校（行政学院）",
    ]


def test_resolves_full_name_short_name_and_alias(org):
    services.update_unit(actor=None, unit=org["city_emergency"], aliases=["市应急管理局"])
    assert resolve_unit_name("临沂市应急管理局") == org["city_emergency"]
    assert resolve_unit_name("市应急局") == org["city_emergency"]
    assert resolve_unit_name("市应急管理局") == org["city_emergency"]
    assert resolve_unit_name("不存在的局") is None
    assert resolve_unit_name("") is None


def test_ambiguous_short_name_needs_a_region(org):
    UnitFactory(name="临沂市兰山区某局", short_name="区某局", region=org["lanshan"])
    UnitFactory(name="临沂市罗庄区某局", short_name="区某局", region=org["luozhuang"])
    assert resolve_unit_name("区某局") is None
    assert resolve_unit_name("区某局", region=org["luozhuang"]).name == "临沂市罗庄区某局"
    # From the city, both are below it: still ambiguous, never a guess.
    assert resolve_unit_name("区某局", region=org["linyi"]) is None


def test_region_prefers_its_own_then_above(org):
    assert resolve_unit_name("市应急局", region=org["lanshan"]) == org["city_emergency"]


def test_inactive_units_do_not_resolve(org):
    services.deactivate_unit(actor=None, unit=org["city_transport"])
    assert resolve_unit_name("市交通运输局") is None


def test_suggest_units_ranks_close_names_first(org):
    suggestions = suggest_units("临沂市应急管理", limit=3)
    assert suggestions[0].unit == org["city_emergency"] and suggestions[0].score > 80
    assert len({s.unit.pk for s in suggestions}) == len(suggestions) <= 3
    assert suggest_units("") == []
    lanshan_only = suggest_units("应急管理局", region=org["lanshan"])
    assert lanshan_only[0].unit == org["lanshan_emergency"]
    assert all(s.unit.region == org["lanshan"] for s in lanshan_only)


def test_expand_group_by_name_alias_and_combined_designation(org):
    services.create_unit_group(
        actor=None, name="各县区党委", region=org["linyi"], rule=UnitGroupRule.COUNTY_PARTY_COMMITTEES
    )
    services.create_unit_group(
        actor=None,
        name="各县区政府",
        region=org["linyi"],
        rule=UnitGroupRule.COUNTY_GOVERNMENTS,
        aliases=["县区政府"],
    )
    party = UnitFactory(
        name="中共临沂市兰山区委员会", kind=UnitKind.COUNTY_PARTY_COMMITTEE, region=org["lanshan"]
    )
    assert expand_group("各县区党委") == [party]
    assert set(expand_group("县区政府")) == {org["lanshan_gov"], org["luozhuang_gov"]}
    assert set(expand_group("各县区党委、政府")) == {party, org["lanshan_gov"], org["luozhuang_gov"]}
    assert expand_group("各县区党委、某某") == []
    assert expand_group("不是集合") == []
