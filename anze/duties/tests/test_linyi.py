"""The Linyi plan's duties on a frozen clock: the right occurrences for 2021, coverage, rule versions, the tick."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine

from anze.audit.models import AuditEvent
from anze.duties.choices import DutyKind, OccurrenceStatus, SubjectKind
from anze.duties.models import CoverageCycle, Occurrence
from anze.duties.scheduling import materialize_occurrences, run_tick, tick_health
from anze.duties.services import update_duty
from anze.duties.tests.conftest import at

pytestmark = pytest.mark.django_db


def _duty(duties, predicate):
    found = [d for d in duties if predicate(d)]
    assert len(found) == 1, [d.title for d in duties]
    return found[0]


def _materialize_2021(**kwargs):
    with time_machine.travel(at("2021-01-04"), tick=False):
        return materialize_occurrences(now=at("2021-01-04"), horizon_days=361, **kwargs)


def test_each_specialized_committee_owes_four_quarterly_meetings_in_2021(linyi_duties):
    from anze.org.models import Committee

    _materialize_2021()
    meetings = _duty(linyi_duties, lambda d: d.subject_text == "各专业委员会")
    assert meetings.subject_kind == SubjectKind.COMMITTEES
    rows = Occurrence.objects.filter(duty=meetings)
    committees = Committee.objects.filter(kind="specialized")
    assert committees.count() == 6
    per_committee = Counter(rows.values_list("committee__name", flat=True))
    assert per_committee == {c.name: 4 for c in committees}
    assert sorted(set(rows.values_list("due_on", flat=True))) == [
        dt.date(2021, 3, 31),
        dt.date(2021, 6, 30),
        dt.date(2021, 9, 30),
        dt.date(2021, 12, 31),
    ]
    # Each committee reports through its office unit (危化品专委会 → 市应急局).
    hazardous = rows.filter(committee__short_name="危化品专委会").first()
    assert hazardous.unit.short_name == "市应急局"


def test_first_directors_meetings_are_half_yearly_and_need_a_leaders_sign_off(linyi_duties):
    _materialize_2021()
    duty = _duty(linyi_duties, lambda d: d.subject_text == "各专业委员会第一主任")
    assert duty.needs_sign_off
    rows = Occurrence.objects.filter(duty=duty)
    assert rows.count() == 12
    assert set(rows.values_list("due_on", flat=True)) == {dt.date(2021, 6, 30), dt.date(2021, 12, 31)}


def test_yearly_study_and_half_yearly_drills_per_responsible_unit(linyi_duties):
    _materialize_2021()
    study = _duty(linyi_duties, lambda d: d.title.startswith("把安全生产纳入"))
    study_rows = Occurrence.objects.filter(duty=study)
    assert study_rows.count() > 10
    assert set(study_rows.values_list("due_on", flat=True)) == {dt.date(2021, 12, 31)}
    assert len(set(study_rows.values_list("unit_id", flat=True))) == study_rows.count()
    drills = _duty(linyi_duties, lambda d: d.title.startswith("企业各厂区"))
    per_unit = Counter(Occurrence.objects.filter(duty=drills).values_list("unit_id", flat=True))
    assert per_unit and set(per_unit.values()) == {2}


def test_three_year_inspection_cycle_covers_every_county_once(linyi_duties):
    from anze.org.models import Unit

    _materialize_2021()
    inspection = _duty(linyi_duties, lambda d: d.kind == DutyKind.COVERAGE)
    cycle = CoverageCycle.objects.get(duty=inspection)
    assert (cycle.first_year, cycle.last_year) == (2021, 2023)
    planned = dict(cycle.visits.values_list("member__name", "planned_year"))
    counties = set(Unit.objects.filter(kind="county_government").values_list("name", flat=True))
    assert counties and counties <= set(planned)
    sizes = Counter(planned.values())
    assert set(sizes) == {2021, 2022, 2023} and max(sizes.values()) - min(sizes.values()) <= 1
    # The inspecting office owes one yearly report on it.
    rows = Occurrence.objects.filter(duty=inspection)
    assert rows.count() == 1 and rows.get().due_on == dt.date(2021, 12, 31)


def test_materializing_twice_creates_nothing_new(linyi_duties):
    first = _materialize_2021()
    events = AuditEvent.objects.count()
    second = _materialize_2021()
    assert first.created > 0 and second.created == 0
    assert AuditEvent.objects.count() == events + 1  # one event per run, whatever it did


def test_a_rule_change_applies_from_its_date_and_keeps_touched_occurrences(linyi_duties):
    _materialize_2021()
    meetings = _duty(linyi_duties, lambda d: d.subject_text == "各专业委员会")
    q3 = Occurrence.objects.filter(duty=meetings, period_start=dt.date(2021, 7, 1)).first()
    Occurrence.objects.filter(pk=q3.pk).update(touched=True)
    update_duty(meetings, actor="test", effective_from=dt.date(2021, 7, 1), rrule="FREQ=MONTHLY;INTERVAL=6")
    _materialize_2021()
    rows = Occurrence.objects.filter(duty=meetings)
    starts = Counter(rows.values_list("period_start", flat=True))
    assert (
        starts[dt.date(2021, 1, 1)] == 6 and starts[dt.date(2021, 4, 1)] == 6
    )  # before the change: quarters
    assert starts[dt.date(2021, 10, 1)] == 0  # untouched Q4 removed, not regenerated
    assert starts[dt.date(2021, 7, 1)] == 6  # H2 under the new rule (plus the touched Q3 kept)
    assert Occurrence.objects.filter(pk=q3.pk).exists()
    assert set(rows.filter(period_start=dt.date(2021, 7, 1)).values_list("due_on", flat=True)) == {
        dt.date(2021, 9, 30),
        dt.date(2021, 12, 31),
    }


def test_the_tick_crosses_the_year_boundary_and_flags_overdue(linyi_duties):
    meetings = _duty(linyi_duties, lambda d: d.subject_text == "各专业委员会")
    with time_machine.travel(at("2021-12-20"), tick=False):
        run_tick(now=at("2021-12-20"), horizon_days=30)
    assert Occurrence.objects.filter(duty=meetings, period_start=dt.date(2022, 1, 1)).count() == 6
    q4 = Occurrence.objects.filter(duty=meetings, period_start=dt.date(2021, 10, 1))
    assert not q4.filter(late=True).exists()
    with time_machine.travel(at("2022-01-01"), tick=False):
        result = run_tick(now=at("2022-01-01"), horizon_days=30)
    assert q4.filter(late=True).count() == 6
    assert result["overdue_marked"] >= 6
    assert not Occurrence.objects.filter(duty=meetings, period_start=dt.date(2022, 1, 1), late=True).exists()


def test_a_stopped_or_failing_tick_shows_as_stale(linyi_duties, monkeypatch):
    assert tick_health()["stale"]  # never ran
    with time_machine.travel(at("2021-03-01"), tick=False):
        run_tick(now=at("2021-03-01"), horizon_days=30)
        assert not tick_health()["stale"]
    with time_machine.travel(at("2021-03-01", 13), tick=False):
        assert tick_health()["stale"]  # no run for four hours

        def broken(**kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr("anze.duties.scheduling.materialize_occurrences", broken)
        with pytest.raises(RuntimeError):
            run_tick(now=at("2021-03-01", 13))
        health = tick_health()
    assert health["stale"] and "database went away" in health["last_error"]


def test_tick_command_runs_once_with_a_given_now(linyi_duties, capsys):
    from django.core.management import call_command

    with time_machine.travel(at("2021-01-04"), tick=False):
        call_command("tick", "--now", "2021-01-04T09:00:00+08:00", "--horizon-days", "60")
    assert '"created"' in capsys.readouterr().out
    assert Occurrence.objects.filter(period_start=dt.date(2021, 1, 1)).exists()
    assert not Occurrence.objects.filter(period_start__gte=dt.date(2021, 7, 1)).exists()


def test_huey_task_runs_the_same_tick(linyi_duties):
    from anze.duties.tasks import tick

    with time_machine.travel(at("2021-01-04"), tick=False):
        result = tick("2021-01-04T09:00:00+08:00")
    value = result.get() if hasattr(result, "get") else result
    assert value["materialized"]["created"] > 0
    assert Occurrence.objects.filter(status=OccurrenceStatus.PENDING).exists()
