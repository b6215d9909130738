"""Fixtures for the supervision tests: a ladder policy and an open case in each county."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anze.supervision.models import Case
from anze.supervision.services import run_ladder
from anze.supervision.tests.factories import at, make_occurrences, make_policy


@pytest.fixture
def cases(org):
    """One open 督办 case for 罗庄区应急局 (charlie's unit) and one for 兰山区政府 (bob's county)."""
    make_policy(org["linyi"])
    make_occurrences(org, [org["luozhuang_emergency"], org["lanshan_gov"]], dt.date(2026, 3, 31))
    moment = at("2026-04-09")
    with time_machine.travel(moment, tick=False):
        run_ladder(now=moment, send=False)
    return {
        "luozhuang": Case.objects.get(unit=org["luozhuang_emergency"]),
        "lanshan": Case.objects.get(unit=org["lanshan_gov"]),
    }
