"""`anze tick`, the hourly task and `anze demo` run what the apps register, in order."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anze.core import registry
from anze.core.jobs import run_jobs
from anze.core.management.commands.demo import steps_to_run


def test_the_apps_register_the_duties_job_before_the_ladder_and_the_demo_in_order():
    assert [job.key for job in registry.jobs()][:2] == ["duties.tick", "supervision.ladder"]
    keys = [step.key for step in registry.demo_steps()]
    assert keys[:6] == ["org", "accounts", "plans", "duties", "supervision", "enterprises"]


@pytest.mark.django_db
def test_tick_runs_the_registered_jobs_in_order_with_the_same_now_and_its_options():
    calls = []
    with registry.isolated(keep=False):
        registry.add_job("test.second", lambda now: calls.append(("second", now)) or {"n": 2}, order=2)

        def first(now, *, horizon_days=None):
            calls.append(("first", now, horizon_days))
            return {"n": 1}

        registry.add_job("test.first", first, order=1)
        out = io.StringIO()
        call_command("tick", "--now", "2026-03-02T09:00:00+08:00", "--horizon-days", "5", stdout=out)

    assert [call[0] for call in calls] == ["first", "second"]
    assert calls[0][1] == calls[1][1] and calls[0][1].isoformat() == "2026-03-02T09:00:00+08:00"
    assert calls[0][2] == 5
    assert json.loads(out.getvalue()) == {"test.first": {"n": 1}, "test.second": {"n": 2}}


@pytest.mark.django_db
def test_tick_skips_a_job_and_names_the_jobs_for_an_unknown_one():
    calls = []
    with registry.isolated(keep=False):
        registry.add_job("test.a", lambda now: calls.append("a"))
        registry.add_job("test.b", lambda now: calls.append("b"))
        call_command("tick", "--skip", "test.a", stdout=io.StringIO())
        with pytest.raises(CommandError, match="test.a, test.b"):
            call_command("tick", "--skip", "test.typo", stdout=io.StringIO())

    assert calls == ["b"]


def test_the_hourly_run_goes_on_after_a_failing_job_then_reports_the_failure(caplog):
    calls = []

    def broken(now):
        raise RuntimeError("database went away")

    with registry.isolated(keep=False):
        registry.add_job("test.broken", broken, order=1)
        registry.add_job("test.after", lambda now: calls.append(now), order=2)
        with pytest.raises(RuntimeError, match="database went away"):
            run_jobs("now")

    assert calls == ["now"]
    assert "test.broken failed" in caplog.text


def test_a_demo_step_is_left_out_with_the_steps_that_need_it():
    def step(*, stdout, now):
        return None

    with registry.isolated(keep=False):
        registry.add_demo_step("base", step, order=1)
        registry.add_demo_step("plan", step, order=2, needs=("base",))
        registry.add_demo_step("built_on_plan", step, order=3, needs=("plan",))
        registry.add_demo_step("other", step, order=4, needs=("base",))

        assert [s.key for s in steps_to_run(set())] == ["base", "plan", "built_on_plan", "other"]
        assert [s.key for s in steps_to_run({"plan"})] == ["base", "other"]
        assert steps_to_run({"base"}) == []


@pytest.mark.django_db
def test_demo_names_the_steps_for_an_unknown_one():
    with pytest.raises(CommandError, match="org, accounts, plans"):
        call_command("demo", "--skip", "nothing", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_offers_its_options_only_to_the_steps_that_take_them():
    seen = {}

    def plain(*, stdout, now):
        seen["plain"] = now

    def counted(*, stdout, now, enterprises=300):
        seen["counted"] = enterprises

    with registry.isolated(keep=False):
        registry.add_demo_step("plain", plain)
        registry.add_demo_step("counted", counted)
        call_command("demo", "--enterprises", "7", stdout=io.StringIO())

    assert seen["counted"] == 7 and seen["plain"] is not None
