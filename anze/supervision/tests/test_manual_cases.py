"""交办 by hand (from the overdue list or an item) and what a granted extension does to the item's deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.duties import services as duty_services
from anze.duties.models import Occurrence
from anze.duties.tests.test_reports import PDF
from anze.supervision.choices import CaseSource, EventKind
from anze.supervision.errors import SupervisionError
from anze.supervision.models import Case, Notification
from anze.supervision.services import assign_cases, decide_extension, request_extension, run_ladder
from anze.supervision.tests.factories import at, make_occurrences, make_policy

pytestmark = pytest.mark.django_db


def _report(occurrence, user, *, on: dt.datetime):
    return duty_services.submit_report(
        occurrence, actor=user, text="已召开。", evidence_on=on.date(), files=[("纪要.pdf", PDF)], now=on
    )


def test_a_granted_extension_is_the_items_deadline_and_a_report_by_then_is_on_time(cases, charlie, alice):
    case = cases["luozhuang"]
    extension = request_extension(
        case, actor=charlie, reason="需协调多部门，材料未齐。", requested_deadline=dt.date(2026, 5, 8)
    )
    decide_extension(extension, actor=alice, approve=True, note="同意延期。")
    item = Occurrence.objects.get(pk=case.object_id)
    assert item.due_on == dt.date(2026, 3, 31) and item.extended_until == dt.date(2026, 5, 8)
    assert not _report(item, charlie, on=at("2026-05-08", 17)).late


def test_a_refused_extension_leaves_the_item_late(cases, charlie, alice):
    case = cases["luozhuang"]
    extension = request_extension(
        case, actor=charlie, reason="人手不足", requested_deadline=dt.date(2026, 5, 8)
    )
    decide_extension(extension, actor=alice, approve=False, note="理由不充分。")
    item = Occurrence.objects.get(pk=case.object_id)
    assert item.extended_until is None
    assert _report(item, charlie, on=at("2026-05-07")).late


# -- 交办 ---------------------------------------------------------------------------------------------


@pytest.fixture
def overdue(org):
    """Overdue items of 罗庄区应急局 (charlie's unit, 罗庄区) and 兰山区政府 (bob's county), with a policy."""
    make_policy(org["linyi"])
    items = make_occurrences(
        org, [org["luozhuang_emergency"], org["lanshan_gov"], org["lanshan_emergency"]], dt.date(2026, 3, 31)
    )
    return {"luozhuang": items[0], "lanshan": items[1], "lanshan_emergency": items[2]}


def test_the_office_assigns_rows_of_the_overdue_list_with_a_reason(overdue, signed_in, alice):
    client = signed_in(alice)
    listing = client.get(reverse("duties:overdue")).content.decode()
    assert 'name="occurrence"' in listing and 'form="assign-form"' in listing and "交办督办" in listing
    picked = [overdue["luozhuang"].public_id, overdue["lanshan"].public_id]
    page = client.get(reverse("supervision:occurrence_assign"), {"occurrence": picked})
    assert page.status_code == 200 and len(page.context["items"]) == 2
    events = AuditEvent.objects.filter(action="supervision.case.open").count()
    response = client.post(
        reverse("supervision:occurrence_assign"), {"occurrence": picked, "reason": "连续两季度未报送"}
    )
    assert response.status_code == 302
    cases = Case.objects.filter(source=CaseSource.MANUAL).order_by("sequence")
    assert [c.object_id for c in cases] == [overdue["luozhuang"].pk, overdue["lanshan"].pk]
    assert all("连续两季度未报送" in c.body for c in cases)
    assert AuditEvent.objects.filter(action="supervision.case.open").count() == events + 2
    assert Notification.objects.filter(kind=EventKind.CASE_OPENED, case__in=cases).count() == 2
    # The ladder does not open a second case on an item already under 督办.
    with time_machine.travel(at("2026-04-20"), tick=False):
        run_ladder(now=at("2026-04-20"), send=False)
    assert Case.objects.filter(object_id=overdue["luozhuang"].pk).count() == 1


def test_the_office_assigns_from_an_item_page_with_its_own_deadline(overdue, signed_in, alice, charlie):
    item = overdue["luozhuang"]
    page = signed_in(alice).get(item.get_absolute_url()).content.decode()
    assert reverse("supervision:occurrence_assign") in page
    response = signed_in(alice).post(
        reverse("supervision:occurrence_assign"),
        {"occurrence": [item.public_id], "reason": "市领导批示督办", "deadline": "2027-01-15"},
    )
    case = Case.objects.get(object_id=item.pk)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.deadline == dt.date(2027, 1, 15) and case.source == CaseSource.MANUAL
    with pytest.raises(SupervisionError) as again:
        assign_cases([item], actor=alice, reason="再次")
    assert again.value.code == "case_exists"
    signed_in(charlie)
    assert (
        reverse("supervision:occurrence_assign")
        not in signed_in(charlie).get(item.get_absolute_url()).content.decode()
    )


def test_a_county_office_assigns_only_within_its_county(overdue, signed_in, bob):
    with pytest.raises(SupervisionError) as denied:
        assign_cases([overdue["luozhuang"], overdue["lanshan"]], actor=bob, reason="x")
    assert denied.value.code == "forbidden" and not Case.objects.exists()
    client = signed_in(bob)
    # Out of his county the item is not even offered: the page sends him back to his overdue list.
    response = client.get(
        reverse("supervision:occurrence_assign"), {"occurrence": [overdue["luozhuang"].public_id]}
    )
    assert response.status_code == 302
    client.post(
        reverse("supervision:occurrence_assign"),
        {"occurrence": [overdue["lanshan"].public_id], "reason": "县区督办"},
    )
    assert list(Case.objects.values_list("object_id", flat=True)) == [overdue["lanshan"].pk]


def test_a_unit_cannot_assign_and_a_denied_request_changes_nothing(overdue, signed_in, charlie):
    response = signed_in(charlie).post(
        reverse("supervision:occurrence_assign"),
        {"occurrence": [overdue["luozhuang"].public_id], "reason": "x"},
    )
    assert response.status_code == 403 and not Case.objects.exists()


def test_assigning_needs_a_reason_and_refuses_accepted_items(overdue, signed_in, alice):
    response = signed_in(alice).post(
        reverse("supervision:occurrence_assign"),
        {"occurrence": [overdue["luozhuang"].public_id], "reason": " "},
    )
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    item = overdue["lanshan"]
    Occurrence.objects.filter(pk=item.pk).update(
        status="accepted", touched=True, accepted_at=at("2026-04-01")
    )
    with pytest.raises(SupervisionError) as done:
        assign_cases([overdue["luozhuang"], item], actor=alice, reason="x")
    assert done.value.code == "already_done" and not Case.objects.exists()  # all or nothing


def test_the_api_assigns_in_scope_and_answers_404_outside(overdue, client, alice, bob):
    url = "/api/supervision/cases/assign/"
    client.force_login(bob)
    outside = client.post(
        url,
        {"occurrences": [str(overdue["luozhuang"].public_id)], "reason": "x"},
        content_type="application/json",
    )
    assert outside.status_code == 404 and not Case.objects.exists()
    client.force_login(alice)
    missing_reason = client.post(
        url,
        {"occurrences": [str(overdue["luozhuang"].public_id)], "reason": " "},
        content_type="application/json",
    )
    assert missing_reason.status_code == 400 and not Case.objects.exists()
    created = client.post(
        url,
        {
            "occurrences": [str(overdue["luozhuang"].public_id), str(overdue["lanshan_emergency"].public_id)],
            "reason": "API 交办",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and len(created.json()) == 2
    assert Case.objects.filter(source=CaseSource.MANUAL).count() == 2


def test_the_case_page_shows_that_its_item_was_reported_late(cases, charlie, alice, signed_in):
    case = cases["luozhuang"]
    item = Occurrence.objects.get(pk=case.object_id)
    _report(item, charlie, on=at("2026-04-20"))
    page = signed_in(alice).get(case.get_absolute_url()).content.decode()
    assert "逾期报送" in page and "2026-04-20 09:00" in page
