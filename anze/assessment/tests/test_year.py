"""The year end to end: computed, explained, self-assessment compared, published (frozen), appealed,
corrected; a fact changed after publication does not change the published results; awards refuse a veto."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from anze.assessment import errors, services
from anze.assessment.choices import RunStatus
from anze.assessment.models import BodyResult
from anze.assessment.tests.conftest import at, fresh

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 11, 30)


def _results(run) -> dict[str, BodyResult]:
    return {str(r.body.unit): r for r in run.results.select_related("body__unit")}


def test_each_body_is_scored_from_the_recorded_facts(year, alice):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    results = _results(run)
    lanshan, luozhuang, city = results["兰山区政府"], results["罗庄区应急局"], results["市应急局"]
    # 兰山区政府: no work items (A full 40), no case (B 20), two accidents in the window (C 20 − 2×10 = 0),
    # the accepted 专题询问 entry (D 18): 78.
    assert [i["score"] for i in lanshan.items] == ["40.00", "20.00", "0.00", "18.00"]
    assert lanshan.total == Decimal("78.00")
    # 罗庄区应急局: its item on time (A 40), no case (B 20), one accident (C 10), no entry (D 0): 70.
    assert luozhuang.total == Decimal("70.00")
    # 市应急局: its item accepted late (0% on time: A 0), one case (B 15), no accident (C 20), D 0: 35.
    assert city.total == Decimal("35.00")
    assert [r.rank for r in (lanshan, luozhuang, city)] == [1, 2, 3]


def test_vetoes_and_yellow_cards_name_their_rule_and_link_each_fact(year, alice):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    results = _results(run)
    lanshan, luozhuang, city = results["兰山区政府"], results["罗庄区应急局"], results["市应急局"]
    assert lanshan.outcome == "yellow"
    assert [h["key"] for h in lanshan.hits] == ["Y1"]
    expected = {reverse("enforcement:accident_detail", args=[a.public_id]) for a in year["accidents"][:2]}
    assert {r["url"] for r in lanshan.hits[0]["records"]} == expected
    assert luozhuang.outcome == "veto" and [h["key"] for h in luozhuang.hits] == ["D1"]
    assert luozhuang.hits[0]["records"][0]["title"] == "罗庄某厂中毒事故"
    assert city.outcome == "veto" and [h["key"] for h in city.hits] == ["V4"]
    assert luozhuang.leaders == [
        {"id": year["chief"].pk, "public_id": str(year["chief"].public_id), "name": "王局长", "post": "局长"}
    ]


def test_the_on_time_item_links_to_the_duties_list_it_counts(year, alice):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    item = _results(run)["罗庄区应急局"].items[0]
    assert item["value"] == "100.0"
    url = item["records"][0]["url"]
    assert url.startswith(reverse("duties:occurrence_list")) and "state=on_time" in url


def test_the_leader_roll_up_covers_the_bodies_of_the_clauses_each_leader_leads(year, alice):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    (row,) = run.rollup
    assert row["name"] == "王局长" and row["bodies"] == 2
    assert row["average"] == "52.50"  # (70 + 35) / 2
    assert row["vetoed"] == 2


def test_what_if_names_the_county_one_accident_from_a_veto(year, alice):
    rows = services.what_if(year["scheme"], as_of=AS_OF)
    lanshan = next(r for r in rows if r["body"] == year["lanshan"])
    # Two 较大 already: a third vetoes (V2); no 重大 yet, so the one-accident rule V1 is not "near".
    assert {m.key for m in lanshan["misses"] if m.trigger == "accident"} == {"V2"}


def test_publication_freezes_the_results_against_later_facts(year, alice):
    from anze.enforcement.tests.factories import accident

    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    # Given a 重大 accident in 兰山区 in the window, registered after publication:
    accident(
        alice,
        enterprise=year["lanshan_plant"],
        deaths=12,
        occurred_at=at("2025-10-01"),
        title="迟登记的重大事故",
    )
    # Then the published result is unchanged and recomputes the same from its frozen facts.
    lanshan = _results(run)["兰山区政府"]
    assert lanshan.outcome == "yellow" and lanshan.total == Decimal("78.00")
    again = services.reproduce(lanshan)
    assert again.total == lanshan.total and again.outcome == lanshan.outcome
    with pytest.raises(errors.TransitionError):
        services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    # A correction is a new version with its reason, and reads the facts on record now.
    corrected = services.correct_results(actor=alice, run=run, reason="补录10月1日重大事故", as_of=AS_OF)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED and corrected.status == RunStatus.PUBLISHED
    assert corrected.number == 2 and corrected.previous == run
    assert _results(corrected)["兰山区政府"].outcome == "veto"
    assert _results(run)["兰山区政府"].outcome == "yellow"


def test_self_assessment_differs_item_by_item_on_the_explain_page(year, alice, signed_in):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    result = _results(run)["罗庄区应急局"]
    page = fresh(signed_in, alice).get(result.get_absolute_url())
    assert page.status_code == 200
    rows = {r["key"]: r for r in page.context["rows"]}
    assert rows["A"]["entry"].score == Decimal("40.00") and rows["A"]["difference"] == Decimal("0")
    assert rows["B"]["entry"] is None
    assert page.context["reproducible"]


def test_an_upheld_appeal_changes_the_item_in_the_correction(year, alice, charlie):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    result = _results(run)["罗庄区应急局"]
    appeal = services.file_appeal(
        actor=charlie,
        result=result,
        item=year["items"]["C"],
        reason="事故系外包单位责任。",
        now=at("2025-12-12"),
    )
    services.decide_appeal(
        actor=alice, appeal=appeal, upheld=True, decision="经核实，扣分减半。", adjusted_score=15
    )
    corrected = services.correct_results(actor=alice, run=run, reason="申诉裁定", as_of=AS_OF)
    new = _results(corrected)["罗庄区应急局"]
    assert new.items[2]["score"] == "15.00" and new.total == Decimal("75.00")
    assert "申诉裁定" in new.items[2]["reason"]
    assert _results(run)["罗庄区应急局"].total == Decimal("70.00")


def test_an_appeal_after_the_deadline_is_refused(year, alice, charlie):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    result = _results(run)["罗庄区应急局"]
    with pytest.raises(errors.TransitionError, match="申诉期限已过"):
        services.file_appeal(actor=charlie, result=result, reason="迟到的申诉", now=at("2025-12-18"))
    assert not result.appeals.exists()


def test_the_awards_list_refuses_a_vetoed_unit_and_its_leader_with_the_reason(year, alice, org):
    from anze.assessment.models import Award

    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    with pytest.raises(errors.IneligibleError, match="一票否决"):
        services.record_award(
            actor=alice,
            region=org["linyi"],
            year=2025,
            title="安全生产先进单位",
            unit=org["luozhuang_emergency"],
        )
    with pytest.raises(errors.IneligibleError, match="王局长为罗庄区应急局的负责人"):
        services.record_award(
            actor=alice, region=org["linyi"], year=2025, title="先进个人", person=year["chief"]
        )
    award = services.record_award(
        actor=alice, region=org["linyi"], year=2025, title="安全生产先进单位", unit=org["lanshan_gov"]
    )
    assert list(Award.objects.all()) == [award]


def test_every_change_writes_one_audit_event(year, alice):
    from anze.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)[before:])
    assert actions == ["assessment.compute_results", "assessment.publish_results"]


def test_a_hand_entered_item_needs_evidence_and_a_returned_entry_scores_nothing(year, alice, charlie):
    with pytest.raises(errors.AssessmentError, match="佐证材料"):
        services.submit_entry(
            actor=charlie, body=year["luozhuang"], item=year["items"]["D"], score=20, note="很好"
        )
    from anze.assessment.tests.conftest import evidence

    entry = services.submit_entry(
        actor=charlie,
        body=year["luozhuang"],
        item=year["items"]["D"],
        score=20,
        note="很好",
        evidence=evidence(),
    )
    services.review_entry(actor=alice, entry=entry, accept=False, note="佐证不足")
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    assert _results(run)["罗庄区应急局"].items[3]["score"] == "0.00"


def test_each_change_tells_who_must_act_in_the_inbox(
    year, alice, charlie, org, django_capture_on_commit_callbacks
):
    """Published results reach each assessed unit with its appeal deadline; an appeal reaches the office;
    the decision reaches the appellant's unit; publishing again tells nobody twice."""
    from anze.supervision.choices import EventKind
    from anze.supervision.models import Notification

    def told(**who) -> list[str]:
        return list(Notification.objects.filter(kind=EventKind.ALERT, **who).values_list("title", flat=True))

    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    bodies = run.results.count()
    assert bodies >= 2
    assert Notification.objects.filter(kind=EventKind.ALERT, unit__isnull=False).count() == bodies
    luozhuang = Notification.objects.get(kind=EventKind.ALERT, unit=org["luozhuang_emergency"])
    assert year["scheme"].name in luozhuang.title
    assert run.appeal_until.isoformat() in luozhuang.body
    assert f"第 {_results(run)['罗庄区应急局'].rank} 名" in luozhuang.body

    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.file_appeal(
            actor=charlie, result=_results(run)["罗庄区应急局"], item=year["items"]["C"],
            reason="事故系外包单位责任。", now=at("2025-12-12"),
        )  # fmt: skip
    assert told(user=alice) == ["考核申诉待裁定：罗庄区应急局"]
    assert not told(user=charlie)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(actor=alice, appeal=appeal, upheld=False, decision="证据不足，维持原分。")
    decided = Notification.objects.filter(kind=EventKind.ALERT, unit=org["luozhuang_emergency"]).order_by(
        "pk"
    )
    assert decided.count() == 2
    assert decided.last().body == "证据不足，维持原分。"
