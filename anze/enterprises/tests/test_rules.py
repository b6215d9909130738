"""Each initial rule on enterprises just under and just over its threshold, with expiring records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from anze.enterprises.choices import ComplianceStatus, PlanKind, Reason
from anze.enterprises.models import ComplianceResult
from anze.enterprises.tests import factories as f
from anze.enterprises.tests.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def result(enterprise, code):
    return ComplianceResult.objects.filter(enterprise=enterprise, rule__code=code).first()


def days(n):
    return TODAY - dt.timedelta(days=n)


# --- 安全总监 and 安委会: high-risk ≥300, others ≥1000 -------------------------------------------------


@pytest.mark.parametrize(
    "industry,employees,applies",
    [("26", 299, False), ("26", 300, True), ("34", 999, False), ("34", 1000, True)],
)
def test_director_and_committee_apply_from_the_threshold(make_enterprise, industry, employees, applies):
    enterprise = make_enterprise(industry=industry, employees=employees)
    for code in ("safety_director", "safety_committee"):
        found = result(enterprise, code)
        assert (found is not None) is applies
        if applies:
            assert not found.is_met and found.reason == Reason.MISSING


def test_director_in_office_meets_the_rule_and_one_who_left_yesterday_does_not(make_enterprise):
    enterprise = make_enterprise(employees=300)
    person = f.director(enterprise, started_on=days(400))
    assert result(enterprise, "safety_director").is_met
    assert result(enterprise, "safety_director").reason_label == "张总监"
    from anze.enterprises import services

    services.update_record(person, actor=None, ended_on=days(1))
    found = result(enterprise, "safety_director")
    assert not found.is_met and found.reason == Reason.EXPIRED and found.reason_date == days(1)


def test_director_leaving_today_still_counts(make_enterprise):
    enterprise = make_enterprise(employees=300)
    f.director(enterprise, started_on=days(400), ended_on=TODAY)
    assert result(enterprise, "safety_director").is_met


def test_committee_needs_a_meeting_in_the_last_three_months(make_enterprise):
    enterprise = make_enterprise(employees=300)
    f.committee(enterprise, established_on=days(500), met_on=dt.date(2025, 3, 15))
    found = result(enterprise, "safety_committee")
    assert (
        not found.is_met and found.reason == Reason.NO_MEETING and found.reason_date == dt.date(2025, 3, 15)
    )
    f.add(f.CommitteeMeeting, enterprise, held_on=dt.date(2025, 3, 16), topic="例会")
    assert result(enterprise, "safety_committee").is_met


# --- 安责险: high-risk, all employees covered, ≥ the region's minimum per person ----------------------


def test_insurance_applies_to_high_risk_only(make_enterprise):
    assert result(make_enterprise(industry="34"), "liability_insurance") is None
    assert result(make_enterprise(industry="34", categories=["dust_explosion"]), "liability_insurance")


def test_insurance_missing_then_met(make_enterprise):
    enterprise = make_enterprise(employees=120)
    assert result(enterprise, "liability_insurance").reason == Reason.MISSING
    f.policy(enterprise, days(100), days(100) + dt.timedelta(days=364), persons=120)
    assert result(enterprise, "liability_insurance").is_met


def test_policy_ending_today_counts_and_one_ending_yesterday_has_expired(make_enterprise):
    today_ends = make_enterprise(employees=50)
    f.policy(today_ends, days(364), TODAY, persons=50)
    assert result(today_ends, "liability_insurance").is_met
    expired = make_enterprise(employees=50)
    f.policy(expired, days(365), days(1), persons=50)
    found = result(expired, "liability_insurance")
    assert not found.is_met and found.reason == Reason.EXPIRED and found.reason_date == days(1)


@pytest.mark.parametrize("persons,met", [(119, False), (120, True)])
def test_policy_must_cover_every_employee(make_enterprise, persons, met):
    enterprise = make_enterprise(employees=120)
    f.policy(enterprise, days(10), days(10) + dt.timedelta(days=364), persons=persons)
    found = result(enterprise, "liability_insurance")
    assert found.is_met is met
    if not met:
        assert found.reason == Reason.TOO_FEW_PERSONS and found.reason_value == 119


@pytest.mark.parametrize("cover,met", [(399_999, False), (400_000, True)])
def test_cover_per_person_must_reach_the_regions_minimum(make_enterprise, cover, met):
    enterprise = make_enterprise(employees=10)
    f.policy(enterprise, days(10), days(10) + dt.timedelta(days=364), persons=10, cover=cover)
    found = result(enterprise, "liability_insurance")
    assert found.is_met is met
    if not met:
        assert found.reason == Reason.COVER_TOO_LOW and found.reason_value == 399_999


def test_two_current_policies_together_cover_the_workforce(make_enterprise):
    enterprise = make_enterprise(employees=100)
    f.policy(enterprise, days(10), days(10) + dt.timedelta(days=364), persons=60)
    f.policy(enterprise, days(5), days(5) + dt.timedelta(days=364), persons=40)
    assert result(enterprise, "liability_insurance").is_met


# --- 预案备案: within 20 working days of publication ---------------------------------------------------


def test_filing_on_the_twentieth_working_day_is_on_time_and_the_next_is_late(make_enterprise):
    from anze.enterprises.dates import add_workdays

    published = dt.date(2025, 4, 1)
    # 2025-04-04 (清明) and 05-01…05-05 (劳动节) are holidays; 04-27 is a make-up working Sunday.
    deadline = add_workdays(published, 20)
    assert deadline == dt.date(2025, 4, 29)
    on_time = make_enterprise()
    f.plan(on_time, published, deadline)
    assert result(on_time, "plan_filing").is_met
    late = make_enterprise()
    f.plan(late, published, dt.date(2025, 4, 30))
    found = result(late, "plan_filing")
    assert not found.is_met and found.reason == Reason.FILED_LATE
    assert (
        found.reason_value == 21 and found.reason_date == published and found.reason_label == "综合应急预案"
    )


def test_unfiled_plan_is_fine_until_the_deadline_passes(make_enterprise):
    from anze.enterprises.dates import add_workdays

    enterprise = make_enterprise()
    published = dt.date(2025, 5, 16)
    assert add_workdays(published, 20) == TODAY  # the last day to file is today
    f.plan(enterprise, published, None)
    assert result(enterprise, "plan_filing").is_met
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        from anze.enterprises import engine

        engine.reevaluate(enterprise)
    found = result(enterprise, "plan_filing")
    assert not found.is_met and found.reason == Reason.NOT_FILED


def test_filing_applies_only_where_filing_is_required(make_enterprise):
    assert result(make_enterprise(industry="34"), "plan_filing") is None
    assert (
        result(make_enterprise(industry="34", is_crowded_place=True), "plan_filing").reason == Reason.MISSING
    )


def test_a_superseded_late_plan_no_longer_counts(make_enterprise):
    enterprise = make_enterprise()
    old = f.plan(enterprise, dt.date(2024, 1, 2), dt.date(2024, 6, 1))
    f.plan(enterprise, dt.date(2025, 4, 1), dt.date(2025, 4, 10))
    assert not result(enterprise, "plan_filing").is_met
    from anze.enterprises import services

    services.update_record(old, actor=None, is_current=False)
    assert result(enterprise, "plan_filing").is_met


# --- drills: half-yearly for high-risk and crowded places, yearly for others, on-site per plant area ---


@pytest.mark.parametrize(
    "fields,code,window_start",
    [
        ({"industry": "26"}, "drill_half_year", dt.date(2024, 12, 16)),
        ({"industry": "34", "is_crowded_place": True}, "drill_half_year", dt.date(2024, 12, 16)),
        ({"industry": "34"}, "drill_yearly", dt.date(2024, 6, 16)),
    ],
)
def test_drill_frequency_just_inside_and_just_outside_the_window(make_enterprise, fields, code, window_start):
    inside = make_enterprise(**fields)
    f.drill(inside, window_start)
    assert result(inside, code).is_met
    outside = make_enterprise(**fields)
    f.drill(outside, window_start - dt.timedelta(days=1))
    found = result(outside, code)
    assert not found.is_met and found.reason == Reason.STALE
    assert found.reason_date == window_start - dt.timedelta(days=1)


def test_each_plant_area_needs_its_own_on_site_drill(make_enterprise):
    enterprise = make_enterprise(industry="34")
    first, second = f.area(enterprise, "1号厂区"), f.area(enterprise, "2号厂区")
    f.drill(enterprise, days(30), PlanKind.ON_SITE, first)
    found = result(enterprise, "on_site_drill")
    assert not found.is_met and found.reason == Reason.AREA_WITHOUT_DRILL and found.reason_label == "2号厂区"
    f.drill(enterprise, dt.date(2024, 12, 16), PlanKind.ON_SITE, second)
    assert result(enterprise, "on_site_drill").is_met


def test_without_declared_areas_one_on_site_drill_is_enough(make_enterprise):
    enterprise = make_enterprise(industry="34")
    assert result(enterprise, "on_site_drill").reason == Reason.MISSING
    f.drill(enterprise, dt.date(2024, 12, 15), PlanKind.ON_SITE)
    assert result(enterprise, "on_site_drill").reason == Reason.STALE
    f.drill(enterprise, days(1), PlanKind.ON_SITE)
    assert result(enterprise, "on_site_drill").is_met


# --- rescue team or agreement for high-risk ------------------------------------------------------------


def test_rescue_agreement_for_high_risk(make_enterprise):
    assert result(make_enterprise(industry="34"), "rescue") is None
    enterprise = make_enterprise()
    assert result(enterprise, "rescue").reason == Reason.MISSING
    f.rescue(enterprise, days(400), days(1))
    found = result(enterprise, "rescue")
    assert found.reason == Reason.EXPIRED and found.reason_date == days(1)
    f.rescue(enterprise, days(1), None)
    assert result(enterprise, "rescue").is_met


# --- the summary and non-operating enterprises ------------------------------------------------------


def test_a_fully_kept_enterprise_is_compliant(make_enterprise):
    enterprise = make_enterprise(industry="34", employees=50)
    f.drill(enterprise, days(10), PlanKind.ON_SITE)
    enterprise.refresh_from_db()
    assert enterprise.compliance == ComplianceStatus.COMPLIANT and enterprise.unmet_count == 0
    assert enterprise.evaluated_at == NOW


def test_closing_an_enterprise_removes_its_results(make_enterprise):
    from anze.enterprises import services
    from anze.enterprises.choices import EnterpriseStatus

    enterprise = make_enterprise()
    assert enterprise.compliance == ComplianceStatus.NON_COMPLIANT
    services.update_enterprise(enterprise, actor=None, status=EnterpriseStatus.CLOSED)
    assert enterprise.compliance == ComplianceStatus.NOT_EVALUATED
    assert not ComplianceResult.objects.filter(enterprise=enterprise).exists()


def test_growing_past_the_threshold_re_evaluates_at_once(make_enterprise):
    from anze.enterprises import services

    enterprise = make_enterprise(employees=299)
    assert result(enterprise, "safety_director") is None
    services.update_enterprise(enterprise, actor=None, employee_count=300)
    assert result(enterprise, "safety_director") is not None


def test_full_evaluation_matches_one_by_one(make_enterprise):
    from anze.enterprises import engine
    from anze.enterprises.models import ComplianceSummary

    made = [make_enterprise(employees=n) for n in (10, 300, 1200)]
    f.director(made[1], started_on=days(400), ended_on=days(3))
    f.committee(made[2], established_on=days(500), met_on=days(20))
    f.drill(made[0], days(300), PlanKind.ON_SITE)
    columns = ("enterprise_id", "rule_id", "is_met", "reason", "reason_date", "reason_value", "reason_label")
    before = sorted(ComplianceResult.objects.values_list(*columns))
    summaries = sorted(ComplianceSummary.objects.values_list("enterprise_id", "compliance", "unmet_count"))
    counts = engine.evaluate()
    after = sorted(ComplianceResult.objects.values_list(*columns))
    assert before == after and counts["results"] == len(after) and len(made) == 3
    assert summaries == sorted(
        ComplianceSummary.objects.values_list("enterprise_id", "compliance", "unmet_count")
    )
    assert {r[3] for r in after} >= {Reason.EXPIRED, Reason.MISSING, Reason.STALE, Reason.OK}


def test_results_have_no_database_keys_but_follow_deletes_through_django(make_enterprise):
    """Results are derived (docs/adr/0005): deleting their rule through Django still removes them."""
    from anze.enterprises.models import ComplianceSummary, Rule

    enterprise = make_enterprise(employees=300)
    assert ComplianceSummary.objects.filter(enterprise=enterprise).exists()
    rule = Rule.objects.get(code="safety_director")
    assert ComplianceResult.objects.filter(rule=rule).exists()
    fields = {f.name: f for f in ComplianceResult._meta.fields}
    assert not fields["enterprise"].db_constraint and not fields["rule"].db_constraint
    rule.delete()
    assert not ComplianceResult.objects.filter(rule_id=rule.pk).exists()
    assert ComplianceResult.objects.filter(enterprise=enterprise).exists()
