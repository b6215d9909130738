"""`anze demo` loads the Linyi organization, demo users and the Linyi plan, and a second run changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from anze.accounts.models import User
from anze.audit.models import AuditEvent
from anze.org.models import Region, Unit
from anze.plans.choices import AssignmentStatus
from anze.plans.models import Clause, ClauseAssignment, Plan


@pytest.mark.django_db
def test_demo_loads_the_linyi_plan_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=open(tmp_path / "out1.txt", "w"))

    assert Region.objects.filter(code="371300").exists()
    assert Unit.objects.filter(name="临沂市应急管理局").exists()
    assert User.objects.filter(username="demo_office", is_active=True).exists()
    plan = Plan.objects.get()
    assert plan.doc_number == "办字〔2020〕23号"
    assert Clause.objects.filter(task__section__version__plan=plan).count() == 16
    assert not ClauseAssignment.objects.filter(status=AssignmentStatus.UNRESOLVED).exists()
    first_run = (tmp_path / "out1.txt").read_text()
    assert "demo_office" in first_run and "已导入" in first_run

    events = AuditEvent.objects.count()
    call_command("demo", stdout=open(tmp_path / "out2.txt", "w"))
    assert Plan.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_demo_refuses_without_debug_testing_or_the_confirmation(settings, db):
    from django.core.management.base import CommandError

    from anze.org.models import Region

    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="--yes-demo-database"):
        call_command("demo", "--no-users", "--no-plan", "--enterprises", "0")
    assert not Region.objects.exists()
    assert not User.objects.filter(username="demo_office").exists()


# A day inside the holiday data (chinesecalendar ends in 2026) with past quarters and half-years.
DEMO_DAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.django_db
@time_machine.travel(DEMO_DAY)
def test_demo_confirms_the_plan_duties_acts_them_out_and_runs_the_ladder_once(tmp_path, settings):
    from anze.duties.choices import DutyKind, DutyStatus, OccurrenceStatus
    from anze.duties.models import Duty, Evidence, Occurrence
    from anze.supervision.models import Case, EscalationPolicy

    settings.MEDIA_ROOT = tmp_path
    out = tmp_path / "out1.txt"
    call_command("demo", "--enterprises", "0", stdout=open(out, "w"))

    assert Duty.objects.filter(status=DutyStatus.CONFIRMED, confirmed_by__username="demo_office").exists()
    # The plan's 2020 deadline is left for the office to decide, not turned into years-overdue work.
    assert Duty.objects.get(kind=DutyKind.DEADLINE).status == DutyStatus.DRAFT
    occurrences = Occurrence.objects.all()
    assert occurrences.filter(status=OccurrenceStatus.ACCEPTED).exists()
    assert occurrences.filter(status=OccurrenceStatus.SUBMITTED).exists()
    assert occurrences.filter(status=OccurrenceStatus.RETURNED, unit__name="临沂市应急管理局").count() == 1
    assert occurrences.filter(status=OccurrenceStatus.PENDING, late=True).exists()
    reported_units = occurrences.exclude(status=OccurrenceStatus.PENDING).values("unit").distinct().count()
    assert reported_units > 5
    evidence = Evidence.objects.first()
    assert evidence.content_type == "application/pdf" and (tmp_path / evidence.file.name).exists()
    assert EscalationPolicy.objects.filter(region__code="371300", plan__isnull=True).count() == 1
    late_pending = occurrences.filter(status=OccurrenceStatus.PENDING, late=True)
    assert Case.objects.filter(object_id__in=late_pending.values("pk")).exists()
    text = out.read_text()
    assert "职责演示数据已载入" in text and "督办演示数据已载入" in text

    counts = (Duty.objects.count(), occurrences.count(), Evidence.objects.count(), Case.objects.count())
    events = AuditEvent.objects.count()
    call_command("demo", "--enterprises", "0", stdout=open(tmp_path / "out2.txt", "w"))
    assert (
        Duty.objects.count(),
        occurrences.count(),
        Evidence.objects.count(),
        Case.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert "职责演示数据" not in (tmp_path / "out2.txt").read_text()


@pytest.mark.django_db
def test_demo_without_the_plan_leaves_duties_and_supervision_alone(settings, tmp_path):
    from anze.duties.models import Duty
    from anze.supervision.models import EscalationPolicy

    settings.MEDIA_ROOT = tmp_path
    call_command("demo", "--no-plan", "--enterprises", "0", stdout=open(tmp_path / "out.txt", "w"))
    assert not Duty.objects.exists()
    assert not EscalationPolicy.objects.exists()
