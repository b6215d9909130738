"""Duty setup a clerk can do: schedule choices on the confirm page, a preview of what it creates, refusals
of inconsistent input that name the field."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from anze.duties.choices import DutyKind, DutyStatus
from anze.duties.models import Duty, Occurrence
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def early_march():
    with time_machine.travel(at("2026-03-02"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft(org):
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_emergency"]])
    return make_duty(clause, status=DutyStatus.DRAFT, start_on=dt.date(2026, 1, 1))


def form_data(duty: Duty, **changes):
    data = {
        "version": duty.version,
        "title": duty.title,
        "kind": duty.kind,
        "subject_kind": duty.subject_kind,
        "start_on": duty.start_on.isoformat(),
        "times_per_period": 1,
        "roll": "following",
        "schedule": "quarterly",
        "due_on_kind": "period_end",
        "event_unit": "",
        "allow_overdue": "on",  # a start in January leaves some monthly items already past due
    }
    return data | changes


def test_the_confirm_page_offers_the_usual_choices_and_previews_the_items(draft, signed_in, alice):
    page = signed_in(alice).get(reverse("duties:duty_confirm", args=[draft.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    for choice in (
        "每月",
        "每季度",
        "每半年",
        "每年",
        "每N年",
        "周期最后一个工作日",
        "指定日期",
        "事件发生后N日内",
    ):
        assert choice in text, choice
    assert page.context["form"]["schedule"].value() == "quarterly"
    preview = page.context["preview"]
    # Four quarters of 2026 up to today + 400 days, then Q1 2027 (2027 lies past the holiday data).
    assert preview.parties == 2 and preview.count == len(preview.dates) * 2
    assert preview.upcoming[0] == dt.date(2026, 3, 31)


def test_a_monthly_duty_due_on_the_25th_is_saved_as_rule_text_and_materialized(draft, signed_in, alice):
    client = signed_in(alice)
    data = form_data(draft, schedule="monthly", due_on_kind="day", due_day=25)
    preview = client.post(reverse("duties:duty_confirm_preview", args=[draft.public_id]), data)
    assert preview.status_code == 200 and "FREQ=MONTHLY;BYMONTHDAY=25" in preview.content.decode()
    expected = preview.context["preview"].count
    response = client.post(reverse("duties:duty_confirm", args=[draft.public_id]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DutyStatus.CONFIRMED
    assert draft.rules.get().rrule == "FREQ=MONTHLY;BYMONTHDAY=25"
    created = materialize_occurrences(now=at("2026-03-02"), duties=Duty.objects.filter(pk=draft.pk)).created
    assert created == expected  # the preview said how many items the confirmation creates
    march = Occurrence.objects.filter(duty=draft, period_start=dt.date(2026, 3, 1)).first()
    assert march.due_on == dt.date(2026, 3, 25) and march.period_end == dt.date(2026, 3, 31)


def test_the_last_working_day_choice_rolls_the_period_end_back(draft, signed_in, alice):
    data = form_data(draft, schedule="half_yearly", due_on_kind="last_workday")
    response = signed_in(alice).post(reverse("duties:duty_confirm", args=[draft.public_id]), data)
    assert response.status_code == 302
    rule = draft.rules.get()
    assert (rule.rrule, rule.roll) == ("FREQ=MONTHLY;INTERVAL=6", "preceding")


def test_every_three_years_by_30_june(draft, signed_in, alice):
    data = form_data(draft, schedule="years", every_years=3, due_on_kind="day", due_month=6, due_day=30)
    response = signed_in(alice).post(reverse("duties:duty_confirm", args=[draft.public_id]), data)
    assert response.status_code == 302
    assert draft.rules.get().rrule == "FREQ=YEARLY;INTERVAL=3;BYMONTH=6;BYMONTHDAY=30"


def test_a_deadline_before_the_start_is_refused_next_to_the_deadline_and_nothing_is_saved(
    draft, signed_in, alice
):
    client = signed_in(alice)
    data = form_data(draft, kind=DutyKind.DEADLINE, deadline="2025-12-31")
    preview = client.post(reverse("duties:duty_confirm_preview", args=[draft.public_id]), data)
    assert preview.context["preview"] is None and "早于开始日期" in preview.content.decode()
    response = client.post(reverse("duties:duty_confirm", args=[draft.public_id]), data)
    assert response.status_code == 400
    assert "早于开始日期" in " ".join(response.context["form"].errors["deadline"])
    draft.refresh_from_db()
    assert draft.status == DutyStatus.DRAFT and draft.kind == DutyKind.RECURRING


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"schedule": "years", "every_years": ""}, "every_years"),
        ({"schedule": "monthly", "due_on_kind": "day", "due_day": 31}, "due_day"),
        ({"schedule": "yearly", "due_on_kind": "day", "due_day": 20}, "due_month"),
        ({"schedule": "custom", "rrule": "EVERY QUARTER"}, "rrule"),
        ({"schedule": "event"}, "schedule"),
        ({"kind": DutyKind.EVENT, "event_within": ""}, "event_within"),
    ],
)
def test_inconsistent_choices_are_refused_next_to_their_field(draft, signed_in, alice, changes, field):
    response = signed_in(alice).post(
        reverse("duties:duty_confirm", args=[draft.public_id]), form_data(draft, **changes)
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == DutyStatus.DRAFT


def test_the_api_refuses_a_deadline_before_the_start(draft, client, alice):
    client.force_login(alice)
    response = client.post(
        f"/api/duties/{draft.public_id}/confirm/",
        {"version": draft.version, "deadline": "2025-06-30"},
        content_type="application/json",
    )
    # A recurring duty ignores a deadline; as a deadline duty it is refused with a stable code.
    assert response.status_code == 200
    other = make_duty(
        draft.clause,
        title="限期完成",
        kind=DutyKind.DEADLINE,
        status=DutyStatus.DRAFT,
        start_on=dt.date(2026, 1, 1),
        rrule="",
        deadline=dt.date(2025, 6, 30),
    )
    response = client.post(
        f"/api/duties/{other.public_id}/confirm/", {"version": other.version}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "deadline_before_start"
