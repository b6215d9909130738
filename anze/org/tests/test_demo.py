"""The Linyi demo: idempotent, real county codes, every unit the plan names resolvable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from anze.audit.models import AuditEvent
from anze.org import demo
from anze.org.choices import RegionLevel, UnitKind
from anze.org.models import Committee, Person, Region, Unit, UnitGroup
from anze.org.names import expand_group, find_group, resolve_unit_name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo command stores the plan document and demo evidence: keep them out of the data dir."""
    settings.MEDIA_ROOT = tmp_path / "media"


# The seed plan as the package ships it for the demo (the same text as shared/seed).
SEED = Path(__file__).resolve().parents[2] / "plans" / "data" / "linyi-2020-23.txt"
COUNTY_CODES = {
    "兰山区": "371302",
    "罗庄区": "371311",
    "河东区": "371312",
    "沂南县": "371321",
    "郯城县": "371322",
    "沂水县": "371323",
    "兰陵县": "371324",
    "费县": "371325",
    "平邑县": "371326",
    "莒南县": "371327",
    "蒙阴县": "371328",
    "临沭县": "371329",
}
GROUP_NAMES = {
    "市各行业主管部门",
    "市负有安全生产监管职责的部门",
    "市安委会各成员单位",
    "各专业委员会成员单位",
    "市有关部门",
    "各县区党委",
    "政府",
}


def plan_unit_names() -> tuple[set[str], set[str]]:
    """Crudely split the seed's 责任单位 lists into unit names and group names."""
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
    units, groups = set(), set()
    for start in (m.end() for m in re.finditer("责任单位：", text)):
        depth, end = 1, start
        while depth and end < len(text):
            depth += {"（": 1, "(": 1, "）": -1, ")": -1, "〕": -1}.get(text[end], 0)
            end += 1
        for name in re.split(r"[、，,]", text[start : end - 1]):
            name = name.strip()
            if name:
                (groups if name in GROUP_NAMES else units).add(name)
    return units, groups


@pytest.fixture
def loaded(db):
    demo.load(actor=None)


def test_seed_lists_parse_into_the_expected_names():
    units, groups = plan_unit_names()
    if not SEED.exists():
        pytest.skip("seed text not available")
    assert {"市应急局", "临沂银保监分局", "市委党校（行政学院）", "团市委", "市安委会办公室"} <= units
    assert groups == GROUP_NAMES


def test_demo_creates_the_twelve_counties_and_zones_with_their_codes(loaded):
    linyi = Region.objects.get(code="371300", name="临沂市", parent__code="370000")
    counties = dict(Region.objects.filter(parent=linyi, level=RegionLevel.COUNTY).values_list("name", "code"))
    assert counties == COUNTY_CODES
    zones = set(Region.objects.filter(parent=linyi, level=RegionLevel.ZONE).values_list("code", flat=True))
    assert zones == {"371371", "371372", "371373"}
    for code in COUNTY_CODES.values():
        kinds = set(Unit.objects.filter(region__code=code).values_list("kind", flat=True))
        assert {UnitKind.COUNTY_PARTY_COMMITTEE, UnitKind.COUNTY_GOVERNMENT} <= kinds


def test_every_unit_the_plan_names_resolves(loaded):
    units, _groups = plan_unit_names()
    units |= {
        "市应急局",
        "市发展改革委",
        "市委党校（行政学院）",
        "临沂银保监分局",
        "市法院",
        "市检察院",
        "市委",
        "市政府",
    }
    unresolved = sorted(name for name in units if resolve_unit_name(name) is None)
    assert unresolved == []
    assert resolve_unit_name("市应急局").name == "临沂市应急管理局"
    assert resolve_unit_name("市委党校(行政学院)").name == "中共临沂市委党校（临沂行政学院）"
    assert resolve_unit_name("临沂银保监分局").kind == UnitKind.VERTICAL_AGENCY
    assert resolve_unit_name("市安委会办公室").parent.name == "临沂市应急管理局"


def test_every_group_the_plan_names_expands(loaded):
    _units, groups = plan_unit_names()
    for name in groups - {"政府"}:
        assert expand_group(name), name
    assert len(expand_group("各县区党委")) == 12
    assert len(expand_group("各县区党委、政府")) == 24
    members = {u.short_name for u in expand_group("市安委会各成员单位")}
    assert {"市应急局", "市公安局", "临沂银保监分局"} <= members
    assert "市消防救援支队" in {u.short_name for u in expand_group("各专业委员会成员单位")}
    assert find_group("各行业主管部门").name == "市各行业主管部门"


def test_demo_leaders_posts_and_committees(loaded):
    names = {"姜仕礼", "范连生", "侯晓滨", "常红军", "刘贤军", "郑连胜", "张玉兰", "李登全", "王行华"}
    people = Person.objects.filter(name__in=names)
    assert people.count() == 9
    assert all("演示数据" in p.note for p in people)
    hou = Person.objects.get(name="侯晓滨")
    assert [p.title for p in hou.current_posts()] == ["常务副市长"]
    safety = Committee.objects.get(name="临沂市安全生产委员会")
    assert safety.office_unit.short_name == "市应急局"
    assert safety.leaders.filter(person=hou, role="director").exists()
    assert safety.specialized_committees.count() >= 4
    assert all(c.office_unit_id and c.memberships.exists() for c in safety.specialized_committees.all())


def test_demo_is_idempotent(db):
    first = demo.load(actor=None)
    assert first["unit.created"] > 80
    events = AuditEvent.objects.count()
    counts = (Region.objects.count(), Unit.objects.count(), UnitGroup.objects.count(), Person.objects.count())
    assert demo.load(actor=None) == {}
    assert AuditEvent.objects.count() == events
    assert (
        Region.objects.count(),
        Unit.objects.count(),
        UnitGroup.objects.count(),
        Person.objects.count(),
    ) == counts


def test_demo_command_twice(db, capsys):
    call_command("demo", "--no-users")
    events = AuditEvent.objects.count()
    call_command("demo", "--no-users")
    assert AuditEvent.objects.count() == events
    assert "未作改动" in capsys.readouterr().out
    assert AuditEvent.objects.filter(source="command").count() == events


def test_demo_command_creates_demo_logins(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "demo_office" in out or "office" in out
    from anze.accounts.models import User

    events = AuditEvent.objects.count()
    users = User.objects.count()
    call_command("demo")
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)
