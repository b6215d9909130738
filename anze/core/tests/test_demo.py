"""`anze demo` loads the Linyi organization, demo users and the Linyi plan, and a second run changes nothing."""

import pytest
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
