"""Inspections and penalties: checklist, findings into prevention's loop, 责令限期整改, the decision, its .docx and
its disclosure within 7 working days with personal data masked."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from anze.enforcement import errors, services
from anze.enforcement.choices import CheckResult, FindingKind, InspectionStatus
from anze.enforcement.models import Inspection, Penalty
from anze.enforcement.tests.factories import approved_plan, make_enterprise
from anze.prevention.choices import HiddenDangerStatus


@pytest.fixture
def drawn(alice, org):
    enterprises = [
        make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"]) for _ in range(3)
    ]
    plan, share, people = approved_plan(alice, org, enterprises)
    draw = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    return draw, people


def test_a_draw_schedules_its_inspections_once(alice, drawn):
    draw, _people = drawn
    assert services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate()) == 3
    assert services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate()) == 0
    inspection = Inspection.objects.first()
    assert inspection.inspectors.count() == 2 and inspection.checks.count() == 1


def test_an_inspection_needs_two_inspectors_without_conflicts(alice, org, lanshan_enterprise):
    people = [
        services.add_inspector(
            actor=alice,
            name=f"人{n}",
            certificate=f"C{n}",
            department=org["city_emergency"],
            region=org["linyi"],
        )
        for n in range(2)
    ]
    with pytest.raises(errors.EnforcementError):
        services.schedule_inspection(
            actor=alice,
            enterprise=lanshan_enterprise,
            department=org["city_emergency"],
            inspectors=people[:1],
            scheduled_on=timezone.localdate(),
        )
    services.declare_conflict(
        actor=alice,
        inspector=people[1],
        enterprise=lanshan_enterprise,
        reason="kinship",
        declared_on=timezone.localdate(),
    )
    with pytest.raises(errors.EnforcementError) as exc:
        services.schedule_inspection(
            actor=alice,
            enterprise=lanshan_enterprise,
            department=org["city_emergency"],
            inspectors=people,
            scheduled_on=timezone.localdate(),
        )
    assert exc.value.code == "conflict_of_interest"
    assert not Inspection.objects.exists()


def test_findings_become_hidden_dangers_or_ordered_violations(alice, drawn):
    draw, _people = drawn
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    inspection = Inspection.objects.first()
    today = timezone.localdate()
    danger = services.add_finding(
        actor=alice,
        inspection=inspection,
        kind=FindingKind.HIDDEN_DANGER,
        description="配电箱未接地",
        rectify_by=today + dt.timedelta(days=10),
    )
    assert danger.hidden_danger.status == HiddenDangerStatus.REGISTERED
    assert danger.hidden_danger.source == "government_inspection"
    violation = services.add_finding(
        actor=alice,
        inspection=inspection,
        kind=FindingKind.VIOLATION,
        description="未按规定开展安全培训",
        rectify_by=today + dt.timedelta(days=1),
    )
    now = timezone.now() + dt.timedelta(days=3)
    assert services.mark_overdue_findings(now=now) == 1
    assert services.mark_overdue_findings(now=now) == 0
    services.confirm_rectified(actor=alice, finding=violation, rectified_on=today)
    with pytest.raises(errors.TransitionError):
        services.confirm_rectified(actor=alice, finding=violation, rectified_on=today)


def test_completion_needs_every_check(alice, drawn):
    draw, _people = drawn
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    inspection = Inspection.objects.first()
    with pytest.raises(errors.EnforcementError) as exc:
        services.complete_inspection(
            actor=alice, inspection=inspection, inspected_on=timezone.localdate(), summary="完"
        )
    assert exc.value.code == "checks_pending"
    services.record_check(actor=alice, check=inspection.checks.get(), result=CheckResult.COMPLIANT)
    services.complete_inspection(
        actor=alice, inspection=inspection, inspected_on=timezone.localdate(), summary="完"
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED


def penalty(alice, org, subject, **overrides):
    fields = dict(
        decision_number="（临）应急罚〔2026〕1号",
        department=org["city_emergency"],
        party_kind="unit",
        party_name=subject.name,
        facts="未按规定对从业人员进行安全生产教育和培训",
        legal_basis="《安全生产法》第九十七条",
        penalty_type="fine",
        amount=Decimal(30000),
        decided_on=dt.date(2026, 9, 28),
        enterprise=subject,
    )
    fields.update(overrides)
    return services.decide_penalty(actor=alice, **fields)


def test_disclosure_is_due_seven_working_days_after_the_decision(alice, org, lanshan_enterprise):
    # 2026-09-28 (Mon): the National Day holiday (10-01 … 10-08) is not counted.
    p = penalty(alice, org, lanshan_enterprise)
    assert p.disclosure_due > dt.date(2026, 10, 7)
    assert p.disclosure_due == services_add_workdays(dt.date(2026, 9, 28), 7)
    services.publish_penalty(actor=alice, penalty=p, published_on=p.disclosure_due + dt.timedelta(days=1))
    p.refresh_from_db()
    assert p.published_late


def services_add_workdays(day, n):
    from anze.duties.calendar import add_workdays

    return add_workdays(day, n)


def test_a_fine_needs_an_amount(alice, org, lanshan_enterprise):
    with pytest.raises(errors.EnforcementError):
        penalty(alice, org, lanshan_enterprise, amount=0)
    assert not Penalty.objects.exists()


def test_the_decision_docx_names_the_party_basis_and_amount(signed_in, alice, org, lanshan_enterprise):
    p = penalty(alice, org, lanshan_enterprise)
    response = signed_in(alice).get(reverse("enforcement:penalty_docx", args=[p.public_id]))
    assert response.status_code == 200
    text = "\n".join(par.text for par in Document(io.BytesIO(response.content)).paragraphs)
    assert (
        "行政处罚决定书" in text
        and lanshan_enterprise.name in text
        and "第九十七条" in text
        and "30,000.00" in text
    )


def test_the_public_page_masks_natural_persons_and_shows_late_ones(client, alice, org, lanshan_enterprise):
    p1 = penalty(alice, org, lanshan_enterprise)
    services.publish_penalty(actor=alice, penalty=p1, published_on=p1.disclosure_due + dt.timedelta(days=2))
    p2 = penalty(
        alice,
        org,
        lanshan_enterprise,
        decision_number="（临）应急罚〔2026〕2号",
        party_kind="person",
        party_name="王小明",
        party_id_number="37130219800101123X",
        enterprise=None,
        county=org["lanshan"],
    )
    services.publish_penalty(actor=alice, penalty=p2, published_on=p2.decided_on)
    penalty(alice, org, lanshan_enterprise, decision_number="（临）应急罚〔2026〕3号")  # not yet published
    body = client.get(reverse("enforcement_public:penalty_list")).content.decode()
    assert "王**" in body and "王小明" not in body and "37130219800101123X" not in body
    assert "〔2026〕3号" not in body and "超期公开" in body
    late_only = client.get(reverse("enforcement_public:penalty_list") + "?late=1").content.decode()
    assert "〔2026〕1号" in late_only and "〔2026〕2号" not in late_only
    found = client.get(reverse("enforcement_public:penalty_list") + "?q=2号").content.decode()
    assert "〔2026〕2号" in found and "〔2026〕1号" not in found
    assert (
        client.get(reverse("enforcement_public:penalty_list") + "?q=王小明")
        .content.decode()
        .count("list-group-item")
        == 1
    )


def test_inspector_today_page_shows_own_inspections(signed_in, alice, org, drawn):
    from anze.accounts.roles import Role
    from conftest import make_user

    draw, people = drawn
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    officer = make_user("ivan", (Role.INSPECTOR, {"region": org["linyi"]}))
    people[0].user = officer
    people[0].save()
    mine = Inspection.objects.filter(inspectors=people[0]).count()
    body = signed_in(officer).get(reverse("enforcement:inspection_today")).content.decode()
    assert body.count("list-group-item-action") == mine


def test_inspection_pages_record_and_404_out_of_scope(signed_in, alice, bob, org, drawn):
    draw, _people = drawn
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    inspection = Inspection.objects.first()
    c = signed_in(alice)
    check = inspection.checks.get()
    c.post(
        reverse("enforcement:inspection_action", args=[inspection.public_id, "checks"]),
        {f"result_{check.pk}": "compliant", f"note_{check.pk}": "证照齐全"},
    )
    check.refresh_from_db()
    assert check.result == "compliant"
    other = make_enterprise(org["luozhuang"])
    people = list(inspection.inspectors.all())
    far = services.schedule_inspection(
        actor=alice,
        enterprise=other,
        department=org["city_emergency"],
        inspectors=people,
        scheduled_on=timezone.localdate(),
    )
    assert signed_in(bob).get(far.get_absolute_url()).status_code == 404


def test_a_persons_identity_number_is_stored_encrypted_and_only_in_the_decision(
    signed_in, alice, org, lanshan_enterprise
):
    p = penalty(
        alice,
        org,
        lanshan_enterprise,
        decision_number="（临）应急罚〔2026〕9号",
        party_kind="person",
        party_name="王小明",
        party_id_number="37130219800101123X",
        enterprise=None,
        county=org["lanshan"],
    )
    raw = bytes(Penalty.objects.values_list("party_id_ciphertext", flat=True).get(pk=p.pk))
    assert b"37130219800101123X" not in raw
    c = signed_in(alice)
    text = "\n".join(
        par.text
        for par in Document(
            io.BytesIO(c.get(reverse("enforcement:penalty_docx", args=[p.public_id])).content)
        ).paragraphs
    )
    assert "37130219800101123X" in text
    assert "37130219800101123X" not in c.get(p.get_absolute_url()).content.decode()
    assert "37130219800101123X" not in c.get(f"/api/penalties/{p.public_id}/").content.decode()
    from anze.audit.models import AuditEvent

    assert not any("37130219800101123X" in str(e.after) for e in AuditEvent.objects.all())


def test_api_publishes_a_penalty_and_lists_inspections(signed_in, alice, org, lanshan_enterprise, drawn):
    draw, _people = drawn
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    c = signed_in(alice)
    assert len(c.get("/api/inspections/").json()["results"]) == Inspection.objects.count() >= 3
    p = penalty(alice, org, lanshan_enterprise)
    response = c.post(
        f"/api/penalties/{p.public_id}/publish/",
        {"published_on": str(p.decided_on)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["published_late"] is False
    response = c.post(
        f"/api/penalties/{p.public_id}/publish/",
        {"published_on": str(p.decided_on)},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_exports_hold_only_the_scope(signed_in, alice, bob, org, lanshan_enterprise, luozhuang_enterprise):
    from openpyxl import load_workbook

    from anze.enforcement.tests.factories import accident

    penalty(alice, org, lanshan_enterprise)
    penalty(
        alice, org, luozhuang_enterprise, decision_number="（临）应急罚〔2026〕5号", party_name="罗庄机械"
    )
    accident(alice, enterprise=lanshan_enterprise, title="兰山事故", deaths=3)
    accident(alice, enterprise=luozhuang_enterprise, title="罗庄事故")
    c = signed_in(bob)
    sheet = load_workbook(io.BytesIO(c.get(reverse("enforcement:penalty_export")).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["（临）应急罚〔2026〕1号"]
    sheet = load_workbook(
        io.BytesIO(c.get(reverse("enforcement:accident_export") + "?grade=larger").content)
    ).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["兰山事故"]
