"""交办 by hand (from the overdue list or an item) and what a granted extension does to the item's deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.duties import services as duty_services
from anze.duties.models import Occurrence
from anze.duties.tests.test_reports import PDF
from anze.supervision.services import decide_extension, request_extension
from anze.supervision.tests.factories import at

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
