"""Accidents: grade, tracked report steps, follow-ups that regrade, investigation, reply, closing, evaluations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.duties.models import Occurrence
from anze.enforcement import errors, grading, services
from anze.enforcement.choices import AccidentGrade, AccidentStatus, EvaluationPurpose, ReportLevel, StepKind
from anze.enforcement.models import Accident, AccidentStep
from anze.enforcement.tests.factories import accident, event_duty


def report_levels(a):
    return list(a.steps.filter(kind=StepKind.REPORT).order_by("level").values_list("level", flat=True))


def test_a_larger_accident_is_graded_and_reported_up_to_the_province(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    assert a.grade == AccidentGrade.LARGER
    assert report_levels(a) == [ReportLevel.COUNTY, ReportLevel.CITY, ReportLevel.PROVINCE]
    county = a.steps.get(level=ReportLevel.COUNTY)
    assert county.done_at is not None and county.due_at == a.occurred_at + dt.timedelta(hours=1)
    assert a.steps.filter(kind=StepKind.INVESTIGATION).count() == 1
    assert AuditEvent.objects.filter(action="enforcement.report_accident").count() == 1


def test_the_highest_measure_decides(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=1, serious_injuries=2, direct_loss=5200)
    assert a.grade == AccidentGrade.MAJOR
    assert report_levels(a)[-1] == ReportLevel.NATION


def test_reaching_a_level_starts_the_next_two_hours(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    reached = a.occurred_at + dt.timedelta(hours=1, minutes=30)
    services.reach_level(actor=alice, accident=a, level=ReportLevel.CITY, reached_at=reached)
    assert a.steps.get(level=ReportLevel.PROVINCE).due_at == reached + dt.timedelta(hours=2)


def test_a_level_cannot_be_reached_before_the_one_below(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    with pytest.raises(errors.TransitionError):
        services.reach_level(actor=alice, accident=a, level=ReportLevel.PROVINCE, reached_at=timezone.now())


def test_a_follow_up_within_thirty_days_regrades_and_adds_the_province(alice, lanshan_enterprise):
    a = accident(
        alice, enterprise=lanshan_enterprise, deaths=2, occurred_at=timezone.now() - dt.timedelta(days=10)
    )
    assert a.grade == AccidentGrade.GENERAL
    assert report_levels(a) == [ReportLevel.COUNTY, ReportLevel.CITY]
    now = timezone.now()
    follow_up = services.add_follow_up(
        actor=alice, accident=a, reported_at=now, deaths=3, serious_injuries=0, direct_loss=Decimal(100)
    )
    a.refresh_from_db()
    assert follow_up.regraded and a.grade == AccidentGrade.LARGER
    province = a.steps.get(level=ReportLevel.PROVINCE)
    # the province's two hours run from when the higher grade became known, not from ten days ago
    assert province.due_at >= now + dt.timedelta(hours=2)


def test_a_follow_up_after_seven_days_of_a_road_accident_is_refused(alice, org):
    a = accident(
        alice,
        county=org["lanshan"],
        unit_name="某运输公司",
        accident_type="road_traffic",
        occurred_at=timezone.now() - dt.timedelta(days=8),
        deaths=2,
    )
    with pytest.raises(errors.EnforcementError) as exc:
        services.add_follow_up(
            actor=alice, accident=a, reported_at=timezone.now(), deaths=3, serious_injuries=0, direct_loss=0
        )
    assert exc.value.code == "follow_up_window_closed"
    a.refresh_from_db()
    assert a.grade == AccidentGrade.GENERAL and a.follow_ups.count() == 0


def test_the_investigation_extends_once_by_at_most_sixty_days(alice, org, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    services.open_investigation(
        actor=alice, accident=a, lead_unit=org["city_emergency"], opened_on=timezone.localdate()
    )
    with pytest.raises(errors.EnforcementError):
        services.extend_investigation(actor=alice, accident=a, days=61, reason="技术鉴定")
    before = a.steps.get(kind=StepKind.INVESTIGATION).due_at
    services.extend_investigation(actor=alice, accident=a, days=30, reason="技术鉴定")
    assert a.steps.get(kind=StepKind.INVESTIGATION).due_at == before + dt.timedelta(days=30)
    with pytest.raises(errors.TransitionError):
        services.extend_investigation(actor=alice, accident=a, days=10, reason="再延")


def test_closing_a_larger_accident_raises_the_six_month_evaluation_duty_of_the_lead_unit(
    alice, org, lanshan_enterprise
):
    closing = event_duty(org["linyi"], [org["city_emergency"]], months=6)
    reply = event_duty(org["linyi"], [org["city_emergency"]], months=12, title="批复后一年内评估整改落实情况")
    services.configure_evaluation_duty(
        actor=alice, region=org["linyi"], purpose=EvaluationPurpose.CLOSING_EVALUATION, duty=closing
    )
    services.configure_evaluation_duty(
        actor=alice, region=org["linyi"], purpose=EvaluationPurpose.REPLY_EVALUATION, duty=reply
    )
    a = accident(
        alice, enterprise=lanshan_enterprise, deaths=4, occurred_at=timezone.now() - dt.timedelta(days=80)
    )
    lead = org["city_emergency"]
    day = timezone.localdate() - dt.timedelta(days=70)
    services.open_investigation(actor=alice, accident=a, lead_unit=lead, opened_on=day)
    services.submit_investigation(actor=alice, accident=a, submitted_on=day + dt.timedelta(days=50))
    assert a.steps.get(kind=StepKind.REPLY).due_at.date() == day + dt.timedelta(days=65)
    services.record_reply(actor=alice, accident=a, replied_on=day + dt.timedelta(days=60))
    services.close_accident(actor=alice, accident=a, closed_on=day + dt.timedelta(days=62))
    a.refresh_from_db()
    assert a.status == AccidentStatus.CLOSED
    closing_step = a.steps.get(kind=StepKind.CLOSING_EVALUATION)
    assert timezone.localtime(closing_step.due_at).date() == grading.add_months(
        day + dt.timedelta(days=62), 6
    )
    occurrence = Occurrence.objects.get(pk=closing_step.occurrence_id)
    assert occurrence.unit == lead and occurrence.duty == closing
    assert occurrence.due_on == closing_step.due_at.date() or occurrence.due_on >= closing_step.due_at.date()
    assert a.steps.get(kind=StepKind.REPLY_EVALUATION).occurrence.duty == reply


def test_a_general_accident_has_no_six_month_evaluation(alice, org, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=1)
    services.open_investigation(
        actor=alice, accident=a, lead_unit=org["lanshan_emergency"], opened_on=timezone.localdate()
    )
    services.submit_investigation(actor=alice, accident=a, submitted_on=timezone.localdate())
    services.record_reply(actor=alice, accident=a, replied_on=timezone.localdate())
    services.close_accident(actor=alice, accident=a, closed_on=timezone.localdate())
    assert not a.steps.filter(kind=StepKind.CLOSING_EVALUATION).exists()
    assert a.steps.get(kind=StepKind.REPLY_EVALUATION).occurrence is None


def test_closing_before_the_reply_is_refused(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    with pytest.raises(errors.TransitionError):
        services.close_accident(actor=alice, accident=a, closed_on=timezone.localdate())
    assert Accident.objects.get(pk=a.pk).status == AccidentStatus.REPORTED


def test_overdue_steps_are_flagged_once(alice, lanshan_enterprise):
    a = accident(
        alice, enterprise=lanshan_enterprise, deaths=3, occurred_at=timezone.now() - dt.timedelta(days=1)
    )
    now = timezone.now()
    assert services.mark_overdue_steps(now=now) == 2  # the city and the province, never reached
    assert services.mark_overdue_steps(now=now) == 0
    assert set(
        AccidentStep.objects.filter(accident=a, overdue_at__isnull=False).values_list("level", flat=True)
    ) == {
        ReportLevel.CITY,
        ReportLevel.PROVINCE,
    }


def test_misreports_are_recorded_once_per_kind(alice, lanshan_enterprise):
    a = accident(alice, enterprise=lanshan_enterprise, deaths=3)
    services.record_misreport(
        actor=alice, accident=a, kind="concealed", found_on=timezone.localdate(), description="隐瞒1人死亡"
    )
    with pytest.raises(errors.EnforcementError):
        services.record_misreport(
            actor=alice, accident=a, kind="concealed", found_on=timezone.localdate(), description="再次"
        )
    assert a.misreports.count() == 1


def test_an_accident_in_the_future_is_refused(alice, lanshan_enterprise):
    with pytest.raises(errors.EnforcementError):
        accident(alice, enterprise=lanshan_enterprise, occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert not Accident.objects.exists()


def test_scope_county_sees_its_own_accidents(alice, bob, lanshan_enterprise, luozhuang_enterprise):
    mine = accident(alice, enterprise=lanshan_enterprise)
    accident(alice, enterprise=luozhuang_enterprise)
    assert list(Accident.objects.restrict(bob, "view")) == [mine]


def test_two_accidents_closed_the_same_day_share_the_lead_units_occurrence(alice, org, lanshan_enterprise):
    closing = event_duty(org["linyi"], [org["city_emergency"]], months=6)
    services.configure_evaluation_duty(
        actor=alice, region=org["linyi"], purpose=EvaluationPurpose.CLOSING_EVALUATION, duty=closing
    )
    day = timezone.localdate()
    steps = []
    for deaths in (3, 4):
        a = accident(alice, enterprise=lanshan_enterprise, deaths=deaths)
        services.open_investigation(actor=alice, accident=a, lead_unit=org["city_emergency"], opened_on=day)
        services.submit_investigation(actor=alice, accident=a, submitted_on=day)
        services.record_reply(actor=alice, accident=a, replied_on=day)
        services.close_accident(actor=alice, accident=a, closed_on=day)
        steps.append(a.steps.get(kind=StepKind.CLOSING_EVALUATION))
    assert steps[0].occurrence_id is not None and steps[0].occurrence_id == steps[1].occurrence_id
    assert Occurrence.objects.filter(duty=closing).count() == 1
