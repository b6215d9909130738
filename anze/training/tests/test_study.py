"""Government staff study becomes a duty item of the unit, through the duties service, with its evidence
reported there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.training import services
from anze.training.choices import StudyKind
from anze.training.errors import NotAllowedError, TrainingError
from anze.training.models import StudySession

pytestmark = pytest.mark.django_db


@pytest.fixture
def study_duty(org):
    from anze.duties.choices import DutyKind
    from anze.duties.tests.factories import make_clause, make_duty

    clause = make_clause(
        org["linyi"], [org["city_emergency"]], text="把安全生产纳入理论学习中心组学习的重要内容"
    )
    duty = make_duty(
        clause,
        kind=DutyKind.EVENT,
        rrule="",
        title="专题学习佐证",
        event_within=10,
        event_unit="days",
        roll="none",
    )
    services.configure_study_duty(actor=None, region=org["linyi"], kind=StudyKind.THEORY, duty=duty)
    return duty


def test_a_study_session_raises_the_units_duty_item(org, study_duty, alice):
    # given the city's study duty; when the office records the bureau's theory study
    held = timezone.localdate() - dt.timedelta(days=2)
    session = services.record_study(actor=alice, unit=org["city_emergency"], kind=StudyKind.THEORY, title="中心组专题学习",
                                    held_on=held, hours=Decimal("2.5"), participants=15)  # fmt: skip
    # then the unit owes the duty item within 10 days of the study, to be reported with evidence
    occurrence = session.occurrence
    assert (occurrence.duty_id, occurrence.unit_id, occurrence.period_start) == (
        study_duty.pk,
        org["city_emergency"].pk,
        held,
    )
    assert occurrence.due_on == held + dt.timedelta(days=10)
    assert occurrence.event_note == "中心组专题学习"
    assert AuditEvent.objects.filter(
        action="training.study.record", object_id=str(session.public_id)
    ).exists()


def test_a_kind_without_a_configured_duty_is_recorded_without_an_item(org, study_duty, alice):
    session = services.record_study(actor=alice, unit=org["city_emergency"], kind=StudyKind.TRAINING, title="培训班",
                                    held_on=timezone.localdate(), hours=Decimal("8"), participants=40)  # fmt: skip
    assert session.occurrence is None


def test_a_unit_may_record_only_its_own_study(org, study_duty, charlie):
    with pytest.raises(NotAllowedError):
        services.record_study(actor=charlie, unit=org["city_emergency"], kind=StudyKind.THEORY, title="学习",
                              held_on=timezone.localdate(), hours=Decimal("1"), participants=3)  # fmt: skip
    assert not StudySession.objects.exists()


def test_a_future_date_is_refused(org, alice):
    with pytest.raises(TrainingError, match="不能晚于今天"):
        services.record_study(actor=alice, unit=org["city_emergency"], kind=StudyKind.THEORY, title="学习",
                              held_on=timezone.localdate() + dt.timedelta(days=1), hours=Decimal("1"), participants=3)  # fmt: skip


def test_the_study_page_records_and_leads_to_the_duty_item(signed_in, org, study_duty, alice):
    client = signed_in(alice)
    response = client.post(
        reverse("training:study_create"),
        {"unit": org["city_emergency"].pk, "kind": StudyKind.THEORY, "title": "学习会", "held_on": timezone.localdate().isoformat(),
         "hours": "2", "participants": "12"},
    )  # fmt: skip
    session = StudySession.objects.get()
    assert response.status_code == 302 and response["Location"] == session.occurrence.get_absolute_url()
    assert client.get(reverse("training:study_list")).status_code == 200


def test_the_study_list_links_each_record_to_its_duty_item_for_who_may_open_it(
    signed_in, org, study_duty, alice
):
    # given a recorded study with its duty item
    session = services.record_study(actor=alice, unit=org["city_emergency"], kind=StudyKind.THEORY, title="中心组学习",
                                    held_on=timezone.localdate(), hours=Decimal("2"), participants=10)  # fmt: skip
    # when the office opens the study list
    html = signed_in(alice).get(reverse("training:study_list")).content.decode()
    # then the record links to the duty item
    assert f'href="{session.occurrence.get_absolute_url()}"' in html
