"""Fixtures for the duties tests: private media, the Linyi organization, the seed plan and its duties."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anze.plans.tests.conftest import seed_path  # the plan the package ships


def at(day: str, hour: int = 9) -> dt.datetime:
    """An aware datetime in the project's time zone."""
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The working-day calendar is process state: each test starts and ends without loaded arrangements."""
    from anze.duties.holidays import forget_calendar

    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture
def linyi(org):
    from anze.org.demo import load

    load()
    return org["linyi"]


@pytest.fixture
def linyi_version(linyi):
    from anze.plans.services import import_plan, parse_document

    upload = parse_document(seed_path().read_bytes(), "linyi-2020-23.txt")
    return import_plan(upload, actor=None, region=linyi).version


@pytest.fixture
def linyi_duties(linyi_version):
    """Every suggested duty of the seed plan, confirmed as suggested, starting 2021-01-01; the plan's
    2020 deadline stays a draft (a deadline before the start is refused, as the office would be told)."""
    from anze.duties.choices import DutyKind
    from anze.duties.services import confirm_duty
    from anze.duties.suggest import suggest_duties

    start = dt.date(2021, 1, 1)
    drafts = suggest_duties(linyi_version, actor="test", start_on=start)
    passed = [d for d in drafts if d.kind == DutyKind.DEADLINE and d.rules.get().deadline < start]
    return [confirm_duty(duty, actor="test", allow_overdue=True) for duty in drafts if duty not in passed]
