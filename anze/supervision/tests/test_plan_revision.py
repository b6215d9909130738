"""A revised plan reaches its duties safely, and the brake holds a mistaken confirmation.

The office imports a plan, confirms its duties and runs the tick; half a year later it imports a revision
(one task's cadence 每季度 → 每两个月, one responsible unit replaced, one task added) and decides per duty:
keep, update from an effective date, or retire. Every count of items and 督办 cases is checked exactly.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Q

from anze.audit.models import AuditEvent
from anze.duties.choices import DutyStatus, RevisionDecision
from anze.duties.errors import DutyError
from anze.duties.models import Duty, DutyRevision, Occurrence
from anze.duties.revision import keep_duty, retire_from_revision, update_forecast, update_from_revision
from anze.duties.scheduling import run_tick
from anze.duties.services import confirm_duty
from anze.duties.suggest import suggest_duties
from anze.org.models import Unit
from anze.plans.services import import_plan, parse_document
from anze.supervision.brake import release_batch, withdraw_batch
from anze.supervision.choices import CaseStatus, EventKind, HoldStatus
from anze.supervision.models import BatchHold, Case, Notification
from anze.supervision.services import run_ladder
from anze.supervision.tests.factories import at, make_policy

PLAN_V1 = """临沂市安全生产重点工作责任分工方案
一、强化责任落实
1. 每季度至少召开1次安全生产形势分析会，研究解决重点问题。（牵头单位：市应急局；责任单位：市交通运输局、市住房城乡建设局）
2. 每年组织1次安全生产专题培训。（责任单位：市委宣传部）
"""
PLAN_V2 = (
    PLAN_V1.replace("每季度", "每两个月").replace("市住房城乡建设局", "市水利局")
    + "3. 每半年开展1次应急演练。（责任单位：市农业农村局）\n"
)
CONFIRMED_ON = at("2025-01-02")
REVISED_ON = at("2025-07-15")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _import(text: str, name: str, region):
    return import_plan(parse_document(text.encode("utf-8"), name), actor=None, region=region).version


def _tick(moment: dt.datetime) -> tuple[int, int]:
    """The hourly job at `moment`: (items created, 督办 cases opened)."""
    with time_machine.travel(moment, tick=False):
        created = run_tick(now=moment)["materialized"]["created"]
        cases = run_ladder(now=moment, send=False)["cases"]
    return created, cases


def _unit(name: str) -> Unit:
    return Unit.objects.get(Q(name=name) | Q(short_name=name))


def _confirmed_v1(org):
    """The plan imported, its suggestions confirmed as offered on 2025-01-02 and the tick run."""
    from anze.org.demo import load

    load()
    region = org["linyi"]
    make_policy(region)
    with time_machine.travel(CONFIRMED_ON, tick=False):
        v1 = _import(PLAN_V1, "plan.txt", region)
        drafts = suggest_duties(v1, actor="test")
        assert [d.start_on for d in drafts] == [dt.date(2025, 1, 2)] * 2  # today, not the issue date
        meetings, training = (confirm_duty(d, actor="test") for d in drafts)
    # quarterly from Q1 2025 to the horizon (2026-02-06): 5 quarters × 3 units; yearly 2025 and 2026
    assert _tick(CONFIRMED_ON) == (15 + 2, 0)
    return region, meetings, training


@pytest.fixture
def revised(org):
    """v1 confirmed on 2025-01-02 and ticked; v2 imported on 2025-07-15 and its suggestions generated."""
    region, meetings, training = _confirmed_v1(org)
    with time_machine.travel(REVISED_ON, tick=False):
        v2 = _import(PLAN_V2, "plan-revised.txt", region)
        drafts = suggest_duties(v2, actor="test")
    return {"v2": v2, "meetings": meetings, "training": training, "drafts": drafts}


def test_the_hourly_job_flags_a_revision_without_anyone_pressing_a_button(org):
    from anze.core import registry

    region, meetings, training = _confirmed_v1(org)
    with time_machine.travel(REVISED_ON, tick=False):
        v2 = _import(PLAN_V2, "plan-revised.txt", region)
    job = next(job for job in registry.jobs() if job.key == "duties.revisions")
    done = job.func(REVISED_ON)
    assert done == {str(v2.public_id): {"relinked": 1, "flagged": 1, "drafts_dropped": 0, "superseded": 0}}
    assert DutyRevision.objects.get(duty=meetings).decision == RevisionDecision.PENDING
    events = AuditEvent.objects.count()
    assert job.func(REVISED_ON) == {}  # nothing left to do: nothing written
    assert AuditEvent.objects.count() == events


def test_a_revision_flags_changed_duties_keeps_unchanged_ones_and_suggests_only_new_clauses(revised):
    meetings, training = revised["meetings"], revised["training"]
    v2 = revised["v2"]
    meetings.refresh_from_db()
    training.refresh_from_db()
    # the unchanged clause keeps its duty, now on the new version, rule untouched
    assert training.clause.version_id == v2.pk and training.status == DutyStatus.CONFIRMED
    assert training.rules.get().rrule == "FREQ=YEARLY"
    # the changed clause's duty is flagged 方案已修订 with the clause diff, and keeps running meanwhile
    revision = DutyRevision.objects.get(duty=meetings)
    assert revision.decision == RevisionDecision.PENDING and revision.version_id == v2.pk
    assert revision.diff["change"] == "changed"
    assert revision.diff["before"]["responsible_units"] == ["市交通运输局", "市住房城乡建设局"]
    assert revision.diff["after"]["responsible_units"] == ["市交通运输局", "市水利局"]
    assert meetings.status == DutyStatus.CONFIRMED and meetings.clause.version.number == 1
    # one draft, for the new clause only; nothing re-created for the two existing duties
    assert [d.title for d in revised["drafts"]] == ["每半年开展1次应急演练"]
    assert revised["drafts"][0].start_on == dt.date(2025, 7, 15)
    assert Duty.objects.count() == 3
    # generating suggestions again adds nothing
    with time_machine.travel(REVISED_ON, tick=False):
        assert suggest_duties(v2, actor="test") == []


def test_keep_leaves_the_duty_as_confirmed(revised):
    revision = DutyRevision.objects.get(duty=revised["meetings"])
    keep_duty(revision, actor="test")
    # Q2 and Q3 2026 reach the new horizon (2026-08-19) for the same 3 units; 6 cases for Q1, Q2 2025
    assert _tick(REVISED_ON) == (6, 6)
    meetings = Occurrence.objects.filter(duty=revised["meetings"])
    assert meetings.count() == 15 + 6
    assert not meetings.filter(unit=_unit("市水利局")).exists()
    assert set(meetings.values_list("rule__rrule", flat=True)) == {"FREQ=MONTHLY;INTERVAL=3"}
    revision.refresh_from_db()
    assert revision.decision == RevisionDecision.KEPT


def test_update_applies_the_new_rule_and_units_from_the_chosen_date_and_keeps_past_items(revised):
    revision = DutyRevision.objects.get(duty=revised["meetings"])
    effective = dt.date(2025, 9, 1)
    # Sep–Oct 2025 … Jul–Aug 2026: 6 two-month periods × 3 units, none overdue
    coming = update_forecast(revision, effective_from=effective, today=REVISED_ON.date())
    assert (coming.items, coming.overdue, coming.parties) == (18, 0, 3)
    events = AuditEvent.objects.count()
    with time_machine.travel(REVISED_ON, tick=False):
        update_from_revision(revision, actor="test", effective_from=effective)
    assert AuditEvent.objects.count() == events + 1
    duty = Duty.objects.get(pk=revised["meetings"].pk)
    assert duty.clause.version_id == revised["v2"].pk and duty.title.startswith("每两个月")
    # Q4 2025 and Q1 2026 (untouched, from the date on) withdrawn for the 3 old units
    assert Occurrence.objects.filter(duty=duty).count() == 15 - 6
    assert _tick(REVISED_ON) == (18, 6)
    items = Occurrence.objects.filter(duty=duty)
    old_unit, new_unit = _unit("市住房城乡建设局"), _unit("市水利局")
    # past items stay as they were: Q1–Q3 2025 quarterly, for the unit the revision removed too
    assert list(
        items.filter(unit=old_unit).values_list("period_start", flat=True).order_by("period_start")
    ) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 7, 1),
    ]
    # the new unit owes only the new rule's periods, from the effective date: nothing back-filled
    new_items = items.filter(unit=new_unit)
    assert new_items.count() == 6
    assert min(new_items.values_list("period_start", flat=True)) == effective
    assert set(new_items.values_list("rule__rrule", flat=True)) == {"FREQ=MONTHLY;INTERVAL=2"}
    assert not Case.objects.filter(unit=new_unit).exists()


def test_update_from_a_past_date_needs_an_explicit_choice_for_overdue_items(revised):
    revision = DutyRevision.objects.get(duty=revised["meetings"])
    with time_machine.travel(REVISED_ON, tick=False), pytest.raises(DutyError) as refused:
        update_from_revision(revision, actor="test", effective_from=dt.date(2025, 2, 1))
    assert refused.value.code == "overdue_needs_choice"
    # Mar–Apr 2025 … Jul–Aug 2026: 9 periods × 3 units; Mar–Apr and May–Jun 2025 are past due
    assert "将立即生成 27 项办理事项，其中 6 项" in refused.value.message_zh
    revision.refresh_from_db()
    assert revision.decision == RevisionDecision.PENDING
    with time_machine.travel(REVISED_ON, tick=False), pytest.raises(DutyError) as refused:
        update_from_revision(revision, actor="test", effective_from=dt.date(2025, 1, 2))
    assert refused.value.code == "effective_before_start"


def test_retire_withdraws_untouched_future_items_and_keeps_the_past(revised):
    revision = DutyRevision.objects.get(duty=revised["meetings"])
    with time_machine.travel(REVISED_ON, tick=False):
        retire_from_revision(revision, actor="test")
    duty = Duty.objects.get(pk=revised["meetings"].pk)
    assert duty.status == DutyStatus.RETIRED and duty.end_on == dt.date(2025, 7, 14)
    # Q4 2025 and Q1 2026 withdrawn; Q1–Q3 2025 stay (Q3 began before the date)
    assert Occurrence.objects.filter(duty=duty).count() == 9
    assert _tick(REVISED_ON) == (0, 6)
    assert Occurrence.objects.filter(duty=duty).count() == 9


def _mistaken_confirmation(revised):
    """The office confirms the new clause's draft with a start date in 2020 (the mistake)."""
    drill = revised["drafts"][0]
    with time_machine.travel(REVISED_ON, tick=False):
        with pytest.raises(DutyError) as refused:
            confirm_duty(drill, actor="test", start_on=dt.date(2020, 1, 1))
        # H1 2020 … H2 2026: 14 half-years for 1 unit, 11 of them due before today
        assert refused.value.code == "overdue_needs_choice"
        assert "将立即生成 14 项办理事项，其中 11 项" in refused.value.message_zh
        confirm_duty(drill, actor="test", start_on=dt.date(2020, 1, 1), allow_overdue=True)
    return Duty.objects.get(pk=drill.pk)


def test_the_brake_holds_a_mistaken_confirmation_until_the_office_releases_it(revised, settings):
    settings.ANZE_SUPERVISION_CASE_BRAKE = 8
    drill = _mistaken_confirmation(revised)
    keep_duty(DutyRevision.objects.get(duty=revised["meetings"]), actor="test")
    # the drill's 14 items and the kept meetings' 6; only the meetings' 6 cases (6 ≤ 8) open
    assert _tick(REVISED_ON) == (14 + 6, 6)
    hold = BatchHold.objects.get(duty=drill)
    assert hold.status == HoldStatus.HELD and hold.cases_held == 11
    assert not Case.objects.filter(unit=_unit("市农业农村局")).exists()
    assert not Notification.objects.filter(occurrence__duty=drill, kind=EventKind.URGE).exists()
    # running again holds it still
    assert _tick(REVISED_ON + dt.timedelta(hours=1)) == (0, 0)
    release_batch(hold, actor="test")
    assert _tick(REVISED_ON + dt.timedelta(hours=2)) == (0, 11)
    assert Case.objects.filter(unit=_unit("市农业农村局"), status=CaseStatus.OPEN).count() == 11


def test_a_mistaken_batch_is_withdrawn_in_one_audited_step(revised, settings):
    settings.ANZE_SUPERVISION_CASE_BRAKE = 20
    drill = _mistaken_confirmation(revised)
    keep_duty(DutyRevision.objects.get(duty=revised["meetings"]), actor="test")
    assert _tick(REVISED_ON) == (14 + 6, 6 + 11)  # under the bound of 20: the cases open
    events = AuditEvent.objects.count()
    result = withdraw_batch(drill.rules.get(), actor="test", reason="开始日期选错")
    assert AuditEvent.objects.count() == events + 1
    assert result["items_withdrawn"] == 14 and result["cases_cancelled"] == 11
    assert not Occurrence.objects.filter(duty=drill).exists()
    assert Case.objects.filter(unit=_unit("市农业农村局"), status=CaseStatus.CANCELLED).count() == 11
    drill.refresh_from_db()
    assert drill.status == DutyStatus.DRAFT
    # the next tick makes nothing for it again
    assert _tick(REVISED_ON + dt.timedelta(hours=1)) == (0, 0)
    assert not Occurrence.objects.filter(duty=drill).exists()


# --- the pages -------------------------------------------------------------------------------------


def test_the_revision_page_shows_the_clause_comparison_and_the_office_keeps_a_duty(revised, alice, signed_in):
    from django.urls import reverse

    client = signed_in(alice)
    listing = client.get(reverse("duties:duty_list"))
    assert "方案已修订：1 条已确认的职责" in listing.content.decode()
    page = client.get(reverse("duties:revision_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<del class="bg-danger-subtle">季度</del>' in html
        and '<ins class="bg-success-subtle">两个月</ins>' in html
    )
    assert "增加 市水利局" in html and "去掉 市住房城乡建设局" in html
    assert "FREQ=" not in html
    revision = DutyRevision.objects.get(duty=revised["meetings"])
    update = client.get(reverse("duties:revision_update", args=[revision.public_id]))
    assert update.status_code == 200 and "项办理事项，其中" in update.content.decode()
    kept = client.post(reverse("duties:revision_keep", args=[revision.public_id]))
    assert kept.status_code == 302
    revision.refresh_from_db()
    assert revision.decision == RevisionDecision.KEPT


def test_only_the_office_decides_on_a_revision(revised, bob, charlie, signed_in):
    from django.urls import reverse

    revision = DutyRevision.objects.get(duty=revised["meetings"])
    for user in (bob, charlie):
        client = signed_in(user)
        assert client.post(reverse("duties:revision_keep", args=[revision.public_id])).status_code == 404
        assert client.get(reverse("duties:revision_update", args=[revision.public_id])).status_code == 404
        client.logout()
    revision.refresh_from_db()
    assert revision.decision == RevisionDecision.PENDING


def test_the_batch_page_lists_a_held_batch_and_withdraws_it(revised, settings, alice, signed_in):
    from django.urls import reverse

    settings.ANZE_SUPERVISION_CASE_BRAKE = 8
    drill = _mistaken_confirmation(revised)
    _tick(REVISED_ON)
    client = signed_in(alice)
    assert "暂缓督办的批次" in client.get(reverse("supervision:case_list")).content.decode()
    page = client.get(reverse("supervision:batch_list"))
    assert page.status_code == 200 and "将立案 11 件" in page.content.decode()
    rule = drill.rules.get()
    refused = client.post(reverse("supervision:batch_withdraw", args=[rule.public_id]), {"reason": ""})
    assert refused.status_code == 302 and Occurrence.objects.filter(duty=drill).count() == 14
    done = client.post(
        reverse("supervision:batch_withdraw", args=[rule.public_id]), {"reason": "开始日期选错"}
    )
    assert done.status_code == 302
    assert not Occurrence.objects.filter(duty=drill).exists()
    assert BatchHold.objects.get(rule=rule).status == HoldStatus.WITHDRAWN
