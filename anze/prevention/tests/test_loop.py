import datetime as dt

import pytest

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent
from anze.prevention import errors
from anze.prevention.choices import HiddenDangerStatus, PhotoStage
from anze.prevention.models import HiddenDanger
from anze.prevention.services import (
    accept_rectification,
    add_photo,
    close_hidden_danger,
    escalate_overdue_hidden_dangers,
    register_hidden_danger,
    reject_rectification,
    save_rectification_plan,
    start_rectification,
    submit_rectification,
)
from anze.prevention.tests.factories import SIX_ELEMENTS, jpeg_bytes, report
from conftest import make_user


@pytest.fixture
def rectifier(org):
    return make_user("rectifier", (Role.COUNTY, {"region": org["lanshan"]}))


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


def _to_awaiting(hd, alice, rectifier):
    hd = register_hidden_danger(actor=alice, hd=hd)
    hd = start_rectification(actor=alice, hd=hd)
    add_photo(actor=rectifier, hd=hd, stage=PhotoStage.BEFORE, data=jpeg_bytes())
    add_photo(actor=rectifier, hd=hd, stage=PhotoStage.AFTER, data=jpeg_bytes(size=(20, 20)))
    return submit_rectification(actor=rectifier, hd=hd, note="已接地")


def test_full_loop_each_step_writes_one_audit_event(lanshan_enterprise, alice, rectifier):
    hd = report(lanshan_enterprise, alice)
    assert hd.status == HiddenDangerStatus.FOUND
    assert hd.region_path == lanshan_enterprise.region.path
    steps = [
        ("prevention.register_hidden_danger", lambda h: register_hidden_danger(actor=alice, hd=h)),
        ("prevention.start_rectification", lambda h: start_rectification(actor=alice, hd=h)),
    ]
    for action, step in steps:
        before = _events(action)
        hd = step(hd)
        assert _events(action) == before + 1
    add_photo(actor=rectifier, hd=hd, stage=PhotoStage.AFTER, data=jpeg_bytes())
    hd = submit_rectification(actor=rectifier, hd=hd, note="已整改")
    assert hd.status == HiddenDangerStatus.AWAITING_ACCEPTANCE and hd.rectified_by == rectifier
    hd = accept_rectification(actor=alice, hd=hd, note="合格")
    assert hd.status == HiddenDangerStatus.ACCEPTED
    hd = close_hidden_danger(actor=alice, hd=hd)
    assert hd.status == HiddenDangerStatus.CLOSED and hd.closed_at
    assert _events("prevention.close_hidden_danger") == 1


def test_rectifier_cannot_accept_own_work(lanshan_enterprise, alice, rectifier):
    hd = _to_awaiting(report(lanshan_enterprise, alice), alice, rectifier)
    with pytest.raises(errors.NotAllowedError) as exc:
        accept_rectification(actor=rectifier, hd=hd)
    assert exc.value.code == errors.ACCEPTOR_IS_RECTIFIER
    hd.refresh_from_db()
    assert hd.status == HiddenDangerStatus.AWAITING_ACCEPTANCE and hd.accepted_by is None


def test_no_closing_without_acceptance(lanshan_enterprise, alice, rectifier):
    hd = report(lanshan_enterprise, alice)
    for state_step in (None, "register", "start", "submit"):
        if state_step == "register":
            hd = register_hidden_danger(actor=alice, hd=hd)
        elif state_step == "start":
            hd = start_rectification(actor=alice, hd=hd)
        elif state_step == "submit":
            add_photo(actor=rectifier, hd=hd, stage=PhotoStage.AFTER, data=jpeg_bytes())
            hd = submit_rectification(actor=rectifier, hd=hd, note="done")
        with pytest.raises(errors.TransitionError) as exc:
            close_hidden_danger(actor=alice, hd=hd)
        assert exc.value.code == errors.NOT_ACCEPTED
    assert _events("prevention.close_hidden_danger") == 0


def test_database_refuses_closed_without_acceptance(lanshan_enterprise, alice):
    from django.db import IntegrityError, transaction

    hd = report(lanshan_enterprise, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        HiddenDanger.objects.filter(pk=hd.pk).update(status=HiddenDangerStatus.CLOSED)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (HiddenDangerStatus.REGISTERED, "register"),
        (HiddenDangerStatus.FOUND, "start"),
        (HiddenDangerStatus.FOUND, "submit"),
        (HiddenDangerStatus.RECTIFYING, "accept"),
        (HiddenDangerStatus.REGISTERED, "reject"),
    ],
)
def test_refused_transitions_have_a_stable_code_and_change_nothing(lanshan_enterprise, alice, status, action):
    hd = report(lanshan_enterprise, alice)
    HiddenDanger.objects.filter(pk=hd.pk).update(status=status)
    hd.refresh_from_db()
    calls = {
        "register": lambda: register_hidden_danger(actor=alice, hd=hd),
        "start": lambda: start_rectification(actor=alice, hd=hd),
        "submit": lambda: submit_rectification(actor=alice, hd=hd, note=""),
        "accept": lambda: accept_rectification(actor=alice, hd=hd),
        "reject": lambda: reject_rectification(actor=alice, hd=hd, note="no"),
    }
    events = AuditEvent.objects.count()
    with pytest.raises(errors.TransitionError) as exc:
        calls[action]()
    assert exc.value.code == "invalid_transition"
    hd.refresh_from_db()
    assert hd.status == status
    assert AuditEvent.objects.count() == events


def test_submit_needs_an_after_photo(lanshan_enterprise, alice):
    hd = start_rectification(
        actor=alice, hd=register_hidden_danger(actor=alice, hd=report(lanshan_enterprise, alice))
    )
    with pytest.raises(errors.PreventionError) as exc:
        submit_rectification(actor=alice, hd=hd, note="")
    assert exc.value.code == errors.AFTER_PHOTO_MISSING


def test_reject_sends_it_back_to_rectifying(lanshan_enterprise, alice, rectifier):
    hd = _to_awaiting(report(lanshan_enterprise, alice), alice, rectifier)
    hd = reject_rectification(actor=alice, hd=hd, note="接地电阻不合格")
    assert hd.status == HiddenDangerStatus.RECTIFYING


def test_major_needs_the_six_element_plan_before_rectifying(lanshan_enterprise, alice):
    hd = register_hidden_danger(actor=alice, hd=report(lanshan_enterprise, alice, grade="major"))
    with pytest.raises(errors.PreventionError) as exc:
        start_rectification(actor=alice, hd=hd)
    assert exc.value.code == errors.PLAN_INCOMPLETE
    save_rectification_plan(actor=alice, hd=hd, **{**SIX_ELEMENTS, "funding": " "})
    with pytest.raises(errors.PreventionError):
        start_rectification(actor=alice, hd=hd)
    save_rectification_plan(actor=alice, hd=hd, funding="5万元")
    assert start_rectification(actor=alice, hd=hd).status == HiddenDangerStatus.RECTIFYING


def test_registering_a_major_one_opens_a_supervision_case(lanshan_enterprise, alice):
    from anze.supervision.models import Case

    hd = register_hidden_danger(actor=alice, hd=report(lanshan_enterprise, alice, grade="major"))
    hd.refresh_from_db()
    assert hd.reported_at is not None
    case = Case.objects.get()
    assert case.unit == lanshan_enterprise.supervising_unit and case.deadline == hd.deadline
    assert case.object_id == hd.pk and case.source == "hidden_danger"
    assert AuditEvent.objects.filter(action="supervision.case.open").count() == 1


def test_major_without_supervising_department_is_recorded(org, alice):
    from anze.prevention.tests.factories import make_enterprise

    orphan = make_enterprise(org["lanshan"])
    register_hidden_danger(actor=alice, hd=report(orphan, alice, grade="major"))
    assert AuditEvent.objects.filter(action="prevention.escalate_major_hidden_danger").count() == 1


def test_general_one_is_not_escalated(lanshan_enterprise, alice):
    hd = register_hidden_danger(actor=alice, hd=report(lanshan_enterprise, alice))
    hd.refresh_from_db()
    assert hd.reported_at is None
    assert not AuditEvent.objects.filter(action="prevention.escalate_major_hidden_danger").exists()


def test_overdue_escalation_runs_once(lanshan_enterprise, alice, rectifier):
    late = register_hidden_danger(actor=alice, hd=report(lanshan_enterprise, alice))
    on_time = report(lanshan_enterprise, alice, deadline=dt.date(2026, 12, 31))
    done = _to_awaiting(report(lanshan_enterprise, alice), alice, rectifier)
    done = close_hidden_danger(actor=alice, hd=accept_rectification(actor=alice, hd=done))
    today = dt.date(2026, 4, 1)
    assert escalate_overdue_hidden_dangers(today=today) == 1
    assert escalate_overdue_hidden_dangers(today=today) == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at and on_time.escalated_at is None
    assert _events("prevention.escalate_overdue") == 1


def test_deadline_before_found_is_refused(lanshan_enterprise, alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        report(lanshan_enterprise, alice, deadline=dt.date(2026, 1, 1))
