"""Government plans are drilled at least every two years (708号令 art. 8) and counties run social drills: both
are work items of the duties app, answered with the drill's evaluation report as evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.duties.choices import OccurrenceStatus
from anze.duties.models import Occurrence
from anze.emergency import services
from anze.emergency.choices import DrillForm, DrillKind, DrillStatus, DutyPurpose, PlanLevel
from anze.emergency.errors import EmergencyError, NotAllowedError
from anze.emergency.tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def drill_duties(org):
    return {
        "government": f.event_duty(org["linyi"], [org["lanshan_gov"]], purpose=DutyPurpose.GOVERNMENT_DRILL,
                                   months=24, title="政府生产安全事故应急救援预案至少每2年演练一次"),
        "social": f.event_duty(org["linyi"], [org["lanshan_gov"]], purpose=DutyPurpose.SOCIAL_DRILL,
                               months=1, title="县区社会应急演练按计划举行并评估"),
    }  # fmt: skip


def test_a_plan_is_owed_a_drill_within_two_years_and_each_drill_opens_the_next_cycle(org, bob, drill_duties):
    published = dt.date(2025, 3, 1)
    plan = services.register_plan(actor=bob, unit=org["lanshan_gov"], title="兰山区生产安全事故应急预案",
                                  level=PlanLevel.OVERALL, published_on=published)  # fmt: skip
    first = plan.occurrence
    assert first.unit == org["lanshan_gov"] and first.due_on == dt.date(2027, 3, 1)

    drill = services.plan_drill(actor=bob, kind=DrillKind.GOVERNMENT, unit=org["lanshan_gov"], plan=plan,
                                title="危化品泄漏桌面推演", form=DrillForm.TABLETOP, planned_on=dt.date(2026, 5, 10))  # fmt: skip
    assert drill.occurrence == first
    services.record_drill(actor=bob, drill=drill, held_on=dt.date(2026, 5, 10), participants=60,
                          evaluation="流程顺畅；通讯保障不足，已明确整改。", files=[("评估报告.pdf", PDF)])  # fmt: skip

    first.refresh_from_db()
    plan.refresh_from_db()
    drill.refresh_from_db()
    assert drill.status == DrillStatus.HELD
    assert first.status == OccurrenceStatus.SUBMITTED and first.reports.get().evidence.count() == 1
    assert plan.occurrence != first and plan.occurrence.due_on == dt.date(2028, 5, 10)


def test_a_county_social_drill_raises_its_own_work_item(org, bob, drill_duties):
    drill = services.plan_drill(actor=bob, kind=DrillKind.SOCIAL, unit=org["lanshan_gov"],
                                title="兰山区社区火灾疏散演练", form=DrillForm.LIVE, planned_on=dt.date(2026, 9, 20))  # fmt: skip
    occurrence = Occurrence.objects.get(pk=drill.occurrence_id)
    assert occurrence.duty == drill_duties["social"] and occurrence.due_on == dt.date(2026, 10, 20)


def test_a_held_drill_needs_its_evaluation_report(org, bob, drill_duties):
    drill = services.plan_drill(actor=bob, kind=DrillKind.SOCIAL, unit=org["lanshan_gov"], title="演练",
                                form=DrillForm.LIVE, planned_on=dt.date(2026, 9, 20))  # fmt: skip
    with pytest.raises(EmergencyError) as error:
        services.record_drill(
            actor=bob, drill=drill, held_on=dt.date(2026, 9, 20), participants=10, evaluation=" "
        )
    assert error.value.code == "evaluation_required"


def test_a_county_office_cannot_plan_for_another_county(org, bob, drill_duties):
    with pytest.raises(NotAllowedError):
        services.plan_drill(actor=bob, kind=DrillKind.SOCIAL, unit=org["luozhuang_gov"], title="演练",
                            form=DrillForm.LIVE, planned_on=dt.date(2026, 9, 20))  # fmt: skip
