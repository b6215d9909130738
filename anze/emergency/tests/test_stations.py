"""A fire and rescue station against its level's checklist (data/station_standards.json): the gaps become a
work item of the owning unit through the duties app."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anze.duties.models import Occurrence
from anze.emergency import services, standards
from anze.emergency.choices import DutyPurpose, EquipmentCondition, StationLevel, TeamKind
from anze.emergency.tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_station_level_has_a_checklist_with_a_source():
    loaded = standards.standards()
    assert set(loaded) == set(StationLevel.values)
    special = loaded["special"]
    assert "建标152-2017" in special.source
    assert {i.code: i.minimum for i in special.items}["staff"] == 45


def test_gaps_name_what_is_short_by_how_much():
    special = standards.standards()["special"]
    found = standards.gaps(special, staff=40, equipment={"water_foam_engine": 3, "aerial_engine": 0})
    by_code = {g["code"]: g for g in found}
    assert by_code["staff"]["short"] == 5
    assert by_code["aerial_engine"]["short"] == 1
    assert "water_foam_engine" not in by_code
    assert standards.gaps(special, staff=45, equipment={i.code: i.minimum for i in special.items}) == []


def test_a_special_station_with_gaps_owes_a_work_item_of_its_owning_unit(org, alice):
    duty = f.event_duty(org["linyi"], [org["city_emergency"]], purpose=DutyPurpose.STATION_GAP, months=6,
                        title="消防站按特勤站标准补齐装备和人员")  # fmt: skip
    station = f.team(org["luozhuang"], kind=TeamKind.FIRE_STATION, station_level=StationLevel.SPECIAL,
                     owner_unit=org["luozhuang_emergency"], name="罗庄化工园区特勤站")  # fmt: skip
    for n in range(44):
        services.add_member(actor=alice, team=station, name=f"队员{n}")
    special = standards.standards()["special"]
    for item in special.items:
        if item.kind == "equipment":
            services.add_equipment(
                actor=alice, team=station, code=item.code, name=item.name, quantity=item.minimum
            )
    # one aerial engine is awaiting repair: it does not count
    aerial = station.equipment.get(code="aerial_engine")
    services.record_inspection(actor=alice, equipment=aerial, inspected_on=timezone.localdate(),
                               condition=EquipmentCondition.REPAIR)  # fmt: skip

    assessment = services.assess_station(actor=alice, team=station, assessed_on=timezone.localdate())

    assert {g["code"]: g["short"] for g in assessment.gaps} == {"staff": 1, "aerial_engine": 1}
    occurrence = Occurrence.objects.get(pk=assessment.occurrence_id)
    assert occurrence.duty == duty and occurrence.unit == org["luozhuang_emergency"]
    assert "举高消防车缺 1 辆" in occurrence.event_note
    assert occurrence.due_on > timezone.localdate()


def test_a_station_that_meets_its_standard_raises_nothing(org, alice):
    f.event_duty(
        org["linyi"], [org["city_emergency"]], purpose=DutyPurpose.STATION_GAP, months=6, title="补齐"
    )
    station = f.team(org["luozhuang"], kind=TeamKind.FIRE_STATION, station_level=StationLevel.SMALL,
                     owner_unit=org["luozhuang_emergency"])  # fmt: skip
    for n in range(15):
        services.add_member(actor=alice, team=station, name=f"队员{n}")
    services.add_equipment(actor=alice, team=station, code="water_foam_engine", name="水罐消防车", quantity=2)
    assessment = services.assess_station(actor=alice, team=station, assessed_on=timezone.localdate())
    assert assessment.gaps == [] and assessment.occurrence is None
    assert not Occurrence.objects.exists()
