"""The escalation ladder on a frozen clock: reminder → 催办 → case + notice → 通报, each exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anze.org.models import Person, Post, PostHolding
from anze.supervision.choices import CaseStatus, EventKind
from anze.supervision.models import Case, Circular, CircularEntry, Notification
from anze.supervision.services import run_ladder
from anze.supervision.tests.factories import at, make_occurrences, make_policy

DUE = dt.date(2026, 3, 31)


@pytest.fixture
def ladder_setup(org):
    policy = make_policy(org["linyi"])
    unit = org["luozhuang_emergency"]
    occurrence = make_occurrences(org, [unit], DUE)[0]
    return policy, unit, occurrence


def _run(moment: dt.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_ladder(now=moment)


def test_nothing_happens_long_before_the_due_date(ladder_setup):
    result = _run(at("2026-03-20"))
    assert result["reminders"] == 0
    assert not Notification.objects.exists()


def test_the_whole_ladder_runs_once_per_rung(ladder_setup):
    policy, unit, occurrence = ladder_setup
    # Friday 27 March: due within 3 working days → a reminder to the unit.
    first = _run(at("2026-03-27"))
    assert first["reminders"] == 1
    reminder = Notification.objects.get(kind=EventKind.REMIND)
    assert reminder.unit == unit and reminder.occurrence == occurrence
    # Wednesday 1 April: overdue → 催办.
    assert _run(at("2026-04-01"))["urges"] == 1
    assert not Case.objects.exists()
    # Thursday 9 April: the 6th working day after the due date (the Qingming holiday skipped) → a case.
    _run(at("2026-04-08"))
    assert not Case.objects.exists(), "5 working days overdue is not yet more than 5"
    opened = _run(at("2026-04-09"))
    assert opened["cases"] == 1
    case = Case.objects.get()
    assert case.unit == unit and case.source_object == occurrence and case.policy == policy
    assert case.number == "临安委办督〔2026〕1号"
    assert case.deadline == dt.date(2026, 4, 23)  # 10 working days after 9 April
    assert Notification.objects.filter(kind=EventKind.CASE_OPENED, case=case).count() == 1
    # Still open after its deadline → 通报 naming the unit, counted for the year.
    _run(at("2026-04-23"))
    assert not Circular.objects.exists()
    circulated = _run(at("2026-04-24"))
    assert circulated["circular_entries"] == 1
    circular = Circular.objects.get()
    assert circular.number == "临安委办通〔2026〕1号"
    entry = CircularEntry.objects.get()
    assert (entry.unit, entry.case, entry.year) == (unit, case, 2026)
    assert unit.name in circular.body
    case.refresh_from_db()
    assert case.state == CaseStatus.CIRCULATED and case.circulated_at is not None
    assert Notification.objects.filter(kind=EventKind.CIRCULAR, circular=circular, unit=unit).count() == 1


def test_running_twice_sends_nothing_twice(ladder_setup):
    for day in ("2026-03-27", "2026-04-01", "2026-04-09", "2026-04-24"):
        _run(at(day))
        second = _run(at(day, hour=10))
        assert second["reminders"] == second["urges"] == second["cases"] == second["circular_entries"] == 0
    assert Notification.objects.filter(kind=EventKind.REMIND).count() == 1
    assert Notification.objects.filter(kind=EventKind.URGE).count() == 1
    assert Case.objects.count() == 1
    assert Notification.objects.filter(kind=EventKind.CASE_OPENED).count() == 1
    assert Circular.objects.count() == 1 and CircularEntry.objects.count() == 1


def test_a_late_first_run_climbs_every_rung_at_once_but_only_once(ladder_setup):
    result = _run(at("2026-05-06"))
    assert (result["urges"], result["cases"]) == (1, 1)
    assert _run(at("2026-05-06", hour=11))["cases"] == 0


def test_urge_goes_to_the_units_head_when_known(ladder_setup, org):
    _policy, unit, _occurrence = ladder_setup
    head = Person.objects.create(name="张局长", region=org["luozhuang"])
    PostHolding.objects.create(post=Post.objects.create(title="局长", unit=unit), person=head)
    _run(at("2026-04-01"))
    urge = Notification.objects.get(kind=EventKind.URGE)
    assert urge.person == head and urge.unit == unit


def test_urge_addresses_the_unit_when_its_head_is_unknown(ladder_setup):
    _run(at("2026-04-01"))
    urge = Notification.objects.get(kind=EventKind.URGE)
    assert urge.person is None and urge.unit is not None


def test_a_reported_occurrence_is_not_urged_and_its_case_resolves(ladder_setup):
    _policy, _unit, occurrence = ladder_setup
    _run(at("2026-04-09"))
    case = Case.objects.get()
    occurrence.status, occurrence.touched = "submitted", True
    occurrence.save(update_fields=["status", "touched"])
    result = _run(at("2026-04-10"))
    assert result["resolved"] == 1
    case.refresh_from_db()
    assert case.state == CaseStatus.RESOLVED
    assert not Circular.objects.exists() and _run(at("2026-04-30"))["circular_entries"] == 0


def test_a_plan_policy_overrides_the_region_default(ladder_setup, org):
    _policy, _unit, occurrence = ladder_setup
    plan = occurrence.duty.clause.version.plan
    make_policy(org["linyi"], plan=plan, name="方案规则", case_after_workdays=1, notice_prefix="临安委办急督")
    _run(at("2026-04-02"))  # 2 working days overdue: more than 1
    assert Case.objects.get().number == "临安委办急督〔2026〕1号"


def test_without_a_policy_the_ladder_does_nothing(org):
    make_occurrences(org, [org["lanshan_gov"]], DUE)
    assert _run(at("2026-05-06"))["cases"] == 0


def test_weekly_digest_reaches_the_leader_once_a_week(org):
    make_policy(org["linyi"])
    leader = Person.objects.create(name="王副市长", region=org["linyi"])
    make_occurrences(org, [org["lanshan_gov"]], DUE, leader=leader)
    assert _run(at("2026-04-13"))["digests"] == 1  # a Monday
    assert _run(at("2026-04-13", hour=15))["digests"] == 0
    digest = Notification.objects.get(kind=EventKind.DIGEST)
    assert digest.person == leader and "逾期 1 项" in digest.body


def test_supervise_command_runs_the_ladder(ladder_setup):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("supervise", "--now", "2026-04-09T09:00", "--no-send", stdout=out)
    assert json.loads(out.getvalue())["cases"] == 1
