"""Before a duty is confirmed the office sees how many items it makes and how many are overdue already."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from anze.duties.choices import DutyStatus
from anze.duties.forecast import forecast
from anze.duties.models import Duty, Occurrence
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

TODAY = at("2025-05-06")


def _draft(org, start_on: dt.date) -> Duty:
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_gov"]])
    return make_duty(clause, status=DutyStatus.DRAFT, start_on=start_on)


def test_the_forecast_counts_what_the_tick_then_creates(org):
    duty = _draft(org, dt.date(2025, 1, 1))
    coming = forecast(duty, list(duty.rules.all()), today=TODAY.date(), horizon_days=240)
    # Q1 … Q4 2025 (the horizon ends 2026-01-01, inside Q1 2026: 5 quarters) × 2 units; Q1 2025 is past due
    assert (coming.periods, coming.parties, coming.items, coming.overdue) == (5, 2, 10, 2)
    Duty.objects.filter(pk=duty.pk).update(status=DutyStatus.CONFIRMED, confirmed_at=TODAY)
    result = materialize_occurrences(now=TODAY, horizon_days=240)
    assert result.created == coming.items
    assert Occurrence.objects.filter(duty=duty, due_on__lt=TODAY.date()).count() == coming.overdue
    # once made, nothing more is forecast
    assert forecast(duty, list(duty.rules.all()), today=TODAY.date(), horizon_days=240).items == 0


def test_the_confirmation_page_needs_an_explicit_choice_for_overdue_items(org, alice, signed_in):
    duty = _draft(org, dt.date(2021, 1, 1))
    client = signed_in(alice)
    url = reverse("duties:duty_confirm", args=[duty.public_id])
    page = client.get(url).content.decode()
    assert "项办理事项，其中" in page and "已经逾期" in page
    form = {
        "title": duty.title,
        "kind": duty.kind,
        "subject_kind": duty.subject_kind,
        "start_on": "2021-01-01",
        "rrule": "FREQ=MONTHLY;INTERVAL=3",
        "times_per_period": 1,
        "roll": "following",
        "version": duty.version,
    }
    refused = client.post(url, form)
    assert refused.status_code == 400 and "同时生成已逾期的事项" in refused.content.decode()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DRAFT
    today = timezone.localdate()
    confirmed = client.post(url, {**form, "start_on": today.isoformat()})
    assert confirmed.status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CONFIRMED and duty.start_on == today


def test_the_office_may_choose_to_create_overdue_items(org):
    duty = _draft(org, dt.date(2021, 1, 1))
    with time_machine.travel(TODAY, tick=False):
        from anze.duties.services import confirm_duty

        confirm_duty(duty, actor="test", allow_overdue=True)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CONFIRMED
