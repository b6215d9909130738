"""Cases: extensions (approve moves the deadline, counted), resolution, generic sources, the .docx documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from anze.audit.models import AuditEvent
from anze.supervision import documents
from anze.supervision.choices import CaseSource, CaseStatus, EventKind, ExtensionStatus
from anze.supervision.errors import SupervisionError
from anze.supervision.models import Case, Circular, ExtensionRequest, Notification
from anze.supervision.services import (
    cancel_case,
    decide_extension,
    open_case,
    request_extension,
    resolve_case,
    run_ladder,
)
from anze.supervision.tests.factories import at


def test_approved_extension_moves_the_deadline_and_is_counted(
    cases, charlie, alice, django_capture_on_commit_callbacks
):
    case = cases["luozhuang"]
    extension = request_extension(
        case, actor=charlie, reason="需协调多部门，材料未齐。", requested_deadline=dt.date(2026, 5, 8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_extension(extension, actor=alice, approve=True, note="同意延期。")
    case.refresh_from_db()
    assert case.deadline == dt.date(2026, 5, 8) and case.original_deadline == dt.date(2026, 4, 23)
    assert (case.extensions, case.delay_days) == (1, 15)
    assert ExtensionRequest.objects.get().state == ExtensionStatus.APPROVED
    assert Notification.objects.filter(kind=EventKind.EXTENSION_DECIDED, case=case).count() == 1
    assert AuditEvent.objects.filter(action="supervision.extension.approve").count() == 1
    # The moved deadline keeps the case out of the circular until it passes.
    moment = at("2026-04-24")
    with time_machine.travel(moment, tick=False):
        run_ladder(now=moment, send=False)
    case.refresh_from_db()
    assert case.state == CaseStatus.OPEN
    assert list(Circular.objects.get().entries.values_list("unit__name", flat=True)) == [
        "临沂市兰山区人民政府"
    ]


def test_refused_extension_needs_a_reason_and_changes_nothing(cases, charlie, alice):
    case = cases["luozhuang"]
    extension = request_extension(
        case, actor=charlie, reason="人手不足", requested_deadline=dt.date(2026, 5, 8)
    )
    with pytest.raises(SupervisionError):
        decide_extension(extension, actor=alice, approve=False, note="")
    decide_extension(extension, actor=alice, approve=False, note="理由不充分。")
    case.refresh_from_db()
    assert (case.deadline, case.extensions, case.delay_days) == (dt.date(2026, 4, 23), 0, 0)


def test_extension_guards(cases, charlie, bob, alice):
    case = cases["luozhuang"]
    with pytest.raises(SupervisionError):
        request_extension(case, actor=charlie, reason="x", requested_deadline=dt.date(2026, 4, 1))
    with pytest.raises(SupervisionError) as denied:
        request_extension(case, actor=bob, reason="x", requested_deadline=dt.date(2026, 5, 8))
    assert denied.value.code == "forbidden"
    extension = request_extension(case, actor=charlie, reason="x", requested_deadline=dt.date(2026, 5, 8))
    with pytest.raises(SupervisionError):
        request_extension(case, actor=charlie, reason="y", requested_deadline=dt.date(2026, 5, 9))
    with pytest.raises(SupervisionError) as not_office:
        decide_extension(extension, actor=charlie, approve=True)
    assert not_office.value.code == "forbidden"
    assert ExtensionRequest.objects.count() == 1


def test_resolve_and_cancel(cases, alice, dave):
    with pytest.raises(SupervisionError):
        resolve_case(cases["luozhuang"], actor=dave, resolution="x")
    resolved = resolve_case(cases["luozhuang"], actor=alice, resolution="已整改完毕。")
    assert resolved.state == CaseStatus.RESOLVED and resolved.resolved_at
    cancelled = cancel_case(cases["lanshan"], actor=alice, reason="误立案")
    assert cancelled.state == CaseStatus.CANCELLED
    with pytest.raises(SupervisionError):
        resolve_case(cancelled, actor=alice, resolution="x")


def test_a_case_can_come_from_any_source(org, alice):
    from anze.supervision.tests.factories import make_policy

    make_policy(org["linyi"])
    source = org["lanshan_emergency"]  # stands in for a 重大隐患, an alarm or a public tip
    case = open_case(
        actor=alice,
        unit=org["lanshan_emergency"],
        title="重大隐患整改督办",
        deadline=dt.date(2026, 6, 30),
        source=CaseSource.HIDDEN_DANGER,
        source_object=source,
    )
    assert case.source_object == source and case.number == f"临安委办督〔{case.year}〕1号"
    assert Notification.objects.filter(kind=EventKind.CASE_OPENED, case=case).exists()
    with pytest.raises(SupervisionError):
        open_case(
            actor=alice, unit=source, title="again", deadline=dt.date(2026, 6, 30), source_object=source
        )
    assert Case.objects.count() == 1


def test_notice_docx_holds_the_cases_facts(cases):
    case = cases["luozhuang"]
    content = documents.notice_docx(case)
    Document(io.BytesIO(content))  # opens
    text = documents.docx_text(content)
    for fact in (
        "督办通知单",
        "临安委办督〔2026〕",
        case.unit.name,
        case.title,
        "2026年4月23日",
        "临沂市安全生产委员会办公室",
        "2026年4月9日",
    ):
        assert fact in text, fact


def test_circular_docx_names_the_units(cases):
    moment = at("2026-04-24")
    with time_machine.travel(moment, tick=False):
        run_ladder(now=moment, send=False)
    circular = Circular.objects.get()
    text = documents.docx_text(documents.circular_docx(circular))
    for fact in (
        circular.number,
        circular.title,
        "临沂市罗庄区应急管理局",
        "临沂市兰山区人民政府",
        cases["luozhuang"].number,
        "2026年4月24日",
        "计入年度安全生产考核",
    ):
        assert fact in text, fact
