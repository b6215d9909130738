"""Reports, evidence and review: the states, refused transitions, concurrent reviewers, bad input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.duties import services
from anze.duties.choices import DutyKind, OccurrenceStatus
from anze.duties.errors import ConcurrentChangeError, DutyError, NotAllowedError, StateError
from anze.duties.evidence import EvidenceError, sniff
from anze.duties.models import Evidence, Occurrence, Report, Review
from anze.duties.scheduling import mark_overdue, materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def frozen():
    with time_machine.travel(at("2021-04-08"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def q1(org, frozen):
    """罗庄区应急局's Q1 2021 meeting (due 2021-03-31), materialized."""
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_emergency"]])
    duty = make_duty(clause)
    materialize_occurrences(now=at("2021-04-08"), horizon_days=0)
    return Occurrence.objects.get(
        duty=duty, unit=org["luozhuang_emergency"], period_start=dt.date(2021, 1, 1)
    )


def submit(occurrence, user, files=None, evidence_on=dt.date(2021, 3, 30), **kwargs):
    return services.submit_report(
        occurrence,
        actor=user,
        text="3月30日召开一季度安全形势分析会。",
        evidence_on=evidence_on,
        files=files if files is not None else [("会议纪要.pdf", PDF)],
        **kwargs,
    )


def test_report_received_after_the_due_date_belongs_to_its_quarter_and_is_late(q1, charlie):
    report = submit(q1, charlie)
    q1.refresh_from_db()
    # The work was done on 30 March, inside the quarter; the report reached us on 8 April, after 31 March.
    assert q1.status == OccurrenceStatus.SUBMITTED and q1.touched and q1.late and report.late
    assert report.evidence_on == dt.date(2021, 3, 30) and report.submitted_at.date() == dt.date(2021, 4, 8)
    item = report.evidence.get()
    assert item.content_type == "application/pdf" and len(item.sm3) == 64
    assert item.file.name == f"evidence/{item.sm3[:2]}/{item.sm3}"
    assert default_storage.exists(item.file.name)


def test_work_done_after_the_period_is_taken_as_given_and_late(q1, charlie):
    report = submit(q1, charlie, evidence_on=dt.date(2021, 4, 2))
    q1.refresh_from_db()
    assert report.evidence_on == dt.date(2021, 4, 2) and report.done_after_period
    assert q1.late and report.late


def test_work_done_before_the_period_began_is_refused(q1, charlie):
    with pytest.raises(DutyError) as info:
        submit(q1, charlie, evidence_on=dt.date(2020, 12, 30))
    assert info.value.code == "evidence_before_period"


def test_the_full_review_cycle_accept_return_resubmit(q1, charlie, alice):
    submit(q1, charlie)
    services.return_report(q1, actor=alice, reason="缺少签到表")
    assert q1.status == OccurrenceStatus.RETURNED
    services.resubmit(
        q1, actor=charlie, text="补充签到表。", evidence_on=dt.date(2021, 3, 30), files=[("签到表.png", PNG)]
    )
    assert q1.status == OccurrenceStatus.RESUBMITTED
    services.accept_report(q1, actor=alice)
    assert q1.status == OccurrenceStatus.ACCEPTED and q1.is_closed
    assert list(q1.reports.values_list("number", flat=True)) == [1, 2]
    assert list(Review.objects.filter(occurrence=q1).values_list("decision", flat=True)) == [
        "return",
        "accept",
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=str(q1.public_id))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "duties.report.submit",
        "duties.report.return",
        "duties.report.resubmit",
        "duties.report.accept",
    ]


@pytest.mark.parametrize(
    "step",
    [
        "accept_pending",
        "return_without_reason",
        "submit_twice",
        "report_on_accepted",
        "resubmit_pending",
        "sign_off_not_needed",
    ],
)
def test_refused_transitions_change_nothing(q1, charlie, alice, step):
    if step in ("submit_twice", "report_on_accepted"):
        submit(q1, charlie)
    if step == "report_on_accepted":
        services.accept_report(q1, actor=alice)
    before = (
        Occurrence.objects.get(pk=q1.pk).status,
        Report.objects.count(),
        Review.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(DutyError):
        if step == "accept_pending":
            services.accept_report(q1, actor=alice)
        elif step == "return_without_reason":
            services.return_report(q1, actor=alice, reason="  ")
        elif step in ("submit_twice", "report_on_accepted"):
            submit(q1, charlie)
        elif step == "resubmit_pending":
            services.resubmit(
                q1, actor=charlie, text="x", evidence_on=dt.date(2021, 3, 1), files=[("a.pdf", PDF)]
            )
        else:
            services.sign_off(q1, actor=alice)
    after = (
        Occurrence.objects.get(pk=q1.pk).status,
        Report.objects.count(),
        Review.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_two_reviewers_at_once_the_second_is_told_and_nothing_is_overwritten(q1, charlie, alice, bob, org):
    from conftest import make_user

    other = make_user("erin", (Role.OFFICE, {"region": org["linyi"]}))
    submit(q1, charlie)
    first_view = Occurrence.objects.get(pk=q1.pk)
    second_view = Occurrence.objects.get(pk=q1.pk)
    services.accept_report(first_view, actor=alice, expected_version=first_view.version)
    with pytest.raises(ConcurrentChangeError):
        services.return_report(
            second_view, actor=other, reason="不合格", expected_version=second_view.version
        )
    q1.refresh_from_db()
    assert q1.status == OccurrenceStatus.ACCEPTED
    assert list(Review.objects.filter(occurrence=q1).values_list("decision", flat=True)) == ["accept"]


def test_a_unit_cannot_review_its_own_report_and_a_county_cannot_review_another_county(q1, charlie, bob):
    submit(q1, charlie)
    with pytest.raises(NotAllowedError):
        services.accept_report(q1, actor=charlie)
    with pytest.raises(NotAllowedError):
        services.accept_report(q1, actor=bob)  # bob's county is 兰山区; 罗庄区 is not his


def test_out_of_scope_report_is_refused(org, frozen, bob):
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
    make_duty(clause)
    materialize_occurrences(now=at("2021-04-08"), horizon_days=0)
    occurrence = Occurrence.objects.first()
    with pytest.raises(NotAllowedError):
        submit(occurrence, bob)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("empty.pdf", b"", "empty_file"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "forbidden_type"),
        ("logo.jpg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "forbidden_type"),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", "forbidden_type"),
    ],
)
def test_bad_files_are_refused_by_content_and_nothing_is_half_saved(
    q1, charlie, media_root, name, content, code
):
    with pytest.raises(EvidenceError) as info:
        submit(q1, charlie, files=[("good.pdf", PDF), (name, content)])
    assert info.value.code == code
    q1.refresh_from_db()
    assert q1.status == OccurrenceStatus.PENDING and not q1.touched
    assert not Report.objects.exists() and not Evidence.objects.exists()
    assert not any(media_root.rglob("*")) or not list((media_root / "evidence").rglob("*"))


def test_a_file_over_the_limit_is_refused(q1, charlie, settings):
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "EVIDENCE_MAX_BYTES": 1024}
    with pytest.raises(EvidenceError) as info:
        submit(q1, charlie, files=[("big.pdf", PDF + b"0" * 2048)])
    assert info.value.code == "file_too_large"
    assert not Report.objects.exists()


def test_content_sniffing():
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff(docx_bytes()).endswith("wordprocessingml.document")
    assert sniff("会议纪要\n参加人员".encode()) == "text/plain"
    assert sniff("会议纪要".encode("gb18030")) == "text/plain"
    assert sniff(b"PK\x03\x04not a zip") is None
    assert sniff(b"<html><body>x</body></html>") is None


def test_evidence_revisions_are_immutable(q1, charlie):
    from anze.duties.models import ImmutableRecordError

    item = submit(q1, charlie).evidence.get()
    item.original_name = "改名.pdf"
    with pytest.raises(ImmutableRecordError):
        item.save()
    with pytest.raises(ImmutableRecordError):
        item.delete()


def test_leader_sign_off_closes_an_accepted_occurrence(org, frozen, charlie, alice):
    from anze.org.models import Person
    from conftest import make_user

    leader = Person.objects.create(name="侯晓滨", region=org["linyi"])
    leader_user = make_user("lee", (Role.LEADER, {"region": org["linyi"]}), person=leader)
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]], leader=leader)
    make_duty(clause, needs_sign_off=True)
    materialize_occurrences(now=at("2021-04-08"), horizon_days=0)
    occurrence = Occurrence.objects.get(period_start=dt.date(2021, 1, 1))
    submit(occurrence, charlie)
    services.accept_report(occurrence, actor=alice)
    assert occurrence.awaits_sign_off and not occurrence.is_closed
    with pytest.raises(NotAllowedError):
        services.sign_off(occurrence, actor=alice)
    services.sign_off(occurrence, actor=leader_user)
    assert occurrence.is_closed and occurrence.signed_off_by == leader_user


def test_mark_overdue_is_one_update_and_skips_submitted(q1, charlie, django_assert_num_queries):
    other = Occurrence.objects.exclude(pk=q1.pk).get(period_start=dt.date(2021, 1, 1))
    submit(q1, charlie)
    assert mark_overdue(now=at("2021-04-08")) == 1
    other.refresh_from_db()
    q1.refresh_from_db()
    assert other.late and other.submitted_at is None
    assert q1.late and q1.submitted_at  # late because it was reported after the due date, not by the job


def test_event_triggered_duty_is_due_n_working_days_after_the_event(org, frozen, alice):
    from anze.duties.choices import EventUnit

    clause = make_clause(
        org["linyi"], [org["luozhuang_emergency"]], text="较大事故结案后5个工作日内开展评估。"
    )
    duty = make_duty(clause, kind=DutyKind.EVENT, rrule="", event_within=5, event_unit=EventUnit.WORKDAYS)
    occurrence = services.trigger_event(
        duty, actor=alice, unit=org["luozhuang_emergency"], event_on=dt.date(2021, 9, 28), note="某事故结案"
    )
    assert occurrence.due_on == dt.date(2021, 10, 11)
    with pytest.raises(DutyError):
        services.trigger_event(
            duty, actor=alice, unit=org["luozhuang_emergency"], event_on=dt.date(2021, 9, 28), note="重复"
        )


def test_an_unparseable_rule_is_refused_when_confirming_and_nothing_is_saved(org, alice):
    from anze.duties.choices import DutyStatus

    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
    duty = make_duty(clause, status=DutyStatus.DRAFT)
    events = AuditEvent.objects.count()
    with pytest.raises(DutyError) as info:
        services.confirm_duty(duty, actor=alice, title="改过的标题", rrule="EVERY QUARTER")
    assert info.value.code == "invalid_rule"
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DRAFT and duty.title != "改过的标题"
    assert duty.rules.get().rrule == "FREQ=MONTHLY;INTERVAL=3"
    assert AuditEvent.objects.count() == events
    services.confirm_duty(duty, actor=alice, rrule="FREQ=MONTHLY;INTERVAL=6", allow_overdue=True)
    assert duty.status == DutyStatus.CONFIRMED and duty.rules.get().rrule == "FREQ=MONTHLY;INTERVAL=6"


def test_only_the_office_confirms_duties(org, bob, charlie):
    from anze.duties.choices import DutyStatus

    duty = make_duty(make_clause(org["linyi"], [org["luozhuang_emergency"]]), status=DutyStatus.DRAFT)
    for user in (bob, charlie):
        with pytest.raises(NotAllowedError):
            services.confirm_duty(duty, actor=user)
    with pytest.raises(StateError):
        services.confirm_duty(make_duty(duty.clause, title="另一条"), actor="test")
