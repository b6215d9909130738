"""Truth first: lateness is when the report reached the server, never the date the unit gives for the work.

The story: 罗庄区应急局's Q2 2025 meeting is due 30 June. The meeting really took place on 20 November and
is reported that day; reporting it with a back-dated 20 June changes nothing: both are late. 兰山区应急局
reported on 25 June and is on time.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse

from anze.duties import services, stats
from anze.duties.models import Occurrence, Report
from anze.duties.scheduling import mark_overdue, materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty
from anze.duties.tests.test_reports import PDF

pytestmark = pytest.mark.django_db
JUNE_30 = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def early_2025():
    """Everyone and everything is set up at the start of 2025 (role assignments start when created)."""
    with time_machine.travel(at("2025-01-02"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def q2(org):
    """The Q2 2025 items (due 30 June) of 罗庄区应急局 and 兰山区应急局, and the rest of 2025."""
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_emergency"]])
    duty = make_duty(clause, start_on=dt.date(2025, 1, 1))
    materialize_occurrences(now=at("2025-01-02"), horizon_days=364)
    items = Occurrence.objects.filter(duty=duty, period_start=dt.date(2025, 4, 1))
    return {
        "luozhuang": items.get(unit=org["luozhuang_emergency"]),
        "lanshan": items.get(unit=org["lanshan_emergency"]),
    }


def report(occurrence, user, *, on: str, evidence_on: dt.date, hour: int = 10):
    with time_machine.travel(at(on, hour), tick=False):
        return services.submit_report(
            occurrence,
            actor=user,
            text="召开二季度安全形势分析会。",
            evidence_on=evidence_on,
            files=[("纪要.pdf", PDF)],
        )


def fresh(signed_in, user):
    """Sign in on the travelled-to day (the password was set months earlier, at setup)."""
    from django.utils import timezone

    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
    return signed_in(user)


def test_the_real_completion_date_after_the_period_is_accepted_and_the_item_is_late(q2, charlie):
    item = q2["luozhuang"]
    assert item.due_on == JUNE_30
    sent = report(item, charlie, on="2025-11-20", evidence_on=dt.date(2025, 11, 20))
    item.refresh_from_db()
    assert sent.evidence_on == dt.date(2025, 11, 20) and sent.done_after_period
    assert sent.late and item.late
    assert item.submitted_at == sent.submitted_at == at("2025-11-20", 10)


def test_a_back_dated_completion_date_does_not_make_a_late_report_on_time(q2, charlie):
    item = q2["luozhuang"]
    sent = report(item, charlie, on="2025-11-20", evidence_on=dt.date(2025, 6, 20))
    item.refresh_from_db()
    assert sent.evidence_on == dt.date(2025, 6, 20) and not sent.done_after_period
    assert sent.late and item.late


def test_a_report_received_on_the_due_day_is_on_time_and_the_next_morning_is_late(q2, charlie, bob):
    on_time = report(q2["luozhuang"], charlie, on="2025-06-30", hour=23, evidence_on=dt.date(2025, 6, 20))
    late = report(q2["lanshan"], bob, on="2025-07-01", hour=0, evidence_on=dt.date(2025, 6, 20))
    assert not on_time.late and late.late


def test_rates_tell_on_time_completion_from_completion(q2, charlie, bob, alice):
    report(q2["lanshan"], bob, on="2025-06-25", evidence_on=dt.date(2025, 6, 20))
    report(q2["luozhuang"], charlie, on="2025-11-20", evidence_on=dt.date(2025, 6, 20))
    with time_machine.travel(at("2025-11-21"), tick=False):
        for item in q2.values():
            services.accept_report(item, actor=alice)
    both = Occurrence.objects.filter(pk__in=[i.pk for i in q2.values()])
    head = stats.headline(both, today=dt.date(2025, 11, 21), year=2025)
    assert (head["closed"], head["on_time"], head["late"]) == (2, 1, 1)
    assert head["completion_rate"] == 100.0 and head["on_time_rate"] == 50.0
    rows = {
        row["label"]: row for row in stats.dashboard(both, today=dt.date(2025, 11, 21), year=2025)["by_unit"]
    }
    assert rows["临沂市罗庄区应急管理局"]["on_time_rate"] == 0.0
    assert rows["临沂市罗庄区应急管理局"]["completion_rate"] == 100.0
    assert rows["临沂市兰山区应急管理局"]["on_time_rate"] == 100.0


def test_the_lists_behind_the_rates_separate_on_time_from_late(q2, charlie, bob, alice, signed_in):
    report(q2["lanshan"], bob, on="2025-06-25", evidence_on=dt.date(2025, 6, 20))
    report(q2["luozhuang"], charlie, on="2025-11-20", evidence_on=dt.date(2025, 6, 20))
    with time_machine.travel(at("2025-11-21"), tick=False):
        for item in q2.values():
            services.accept_report(item, actor=alice)
        client = fresh(signed_in, alice)
        url = reverse("duties:occurrence_list")
        on_time = {row.pk for row in client.get(url, {"state": "on_time"}).context["table"].data}
        closed_late = {row.pk for row in client.get(url, {"state": "closed_late"}).context["table"].data}
        page = client.get(reverse("duties:dashboard"), {"year": 2025}).content.decode()
    assert on_time == {q2["lanshan"].pk} and closed_late == {q2["luozhuang"].pk}
    assert "逾期完成" in page and "按时完成率" in page


def test_the_item_page_shows_the_late_report_and_the_completion_date_after_the_period(q2, charlie, signed_in):
    report(q2["luozhuang"], charlie, on="2025-11-20", evidence_on=dt.date(2025, 11, 20))
    with time_machine.travel(at("2025-11-21"), tick=False):
        client = fresh(signed_in, charlie)
        page = client.get(q2["luozhuang"].get_absolute_url()).content.decode()
        mine = client.get(reverse("duties:my_duties")).content.decode()
        api = client.get(f"/api/occurrences/{q2['luozhuang'].public_id}/").json()
    assert "逾期报送" in mine and api["late"] is True
    assert "逾期报送" in page and "晚于本周期" in page
    assert "2025-11-20 10:00" in page  # when the server received it
    assert "按时报送" not in page


def test_a_granted_extension_moves_the_deadline_for_overdue_and_lateness(q2, charlie, alice, signed_in):
    item = q2["luozhuang"]
    with time_machine.travel(at("2025-07-10"), tick=False):
        mark_overdue(now=at("2025-07-10"))
        services.apply_extension(item.pk, until=dt.date(2025, 7, 31))
        item.refresh_from_db()
        assert item.deadline == dt.date(2025, 7, 31) and not item.late and not item.is_overdue
        overdue = fresh(signed_in, alice).get(reverse("duties:overdue")).context["table"].data
        assert item.pk not in {row.pk for row in overdue}
        assert q2["lanshan"].pk in {row.pk for row in overdue}
    with time_machine.travel(at("2025-08-01"), tick=False):
        assert mark_overdue(now=at("2025-08-01")) == 1  # past the extension: overdue again
    sent = report(item, charlie, on="2025-08-02", evidence_on=dt.date(2025, 7, 30))
    assert sent.late


def test_a_report_within_a_granted_extension_is_on_time(q2, charlie):
    item = q2["luozhuang"]
    with time_machine.travel(at("2025-07-10"), tick=False):
        services.apply_extension(item.pk, until=dt.date(2025, 7, 31))
    item.refresh_from_db()
    sent = report(item, charlie, on="2025-07-30", evidence_on=dt.date(2025, 7, 29))
    item.refresh_from_db()
    assert not sent.late and not item.late


def test_the_data_migration_corrects_lateness_from_when_reports_were_received(q2, charlie, bob, alice):
    report(q2["lanshan"], bob, on="2025-06-25", evidence_on=dt.date(2025, 6, 20))
    report(q2["luozhuang"], charlie, on="2025-11-20", evidence_on=dt.date(2025, 6, 20))
    with time_machine.travel(at("2025-11-21"), tick=False):
        services.accept_report(q2["luozhuang"], actor=alice)
    # What the old rule (evidence date against due date) left behind, and a lost submission time.
    Report.objects.update(late=False)
    Occurrence.objects.filter(pk=q2["luozhuang"].pk).update(late=False, submitted_at=None)
    migration = importlib.import_module("anze.duties.migrations.0004_truthful_lateness")
    with time_machine.travel(at("2025-11-21"), tick=False):
        migration.recompute_lateness(django_apps, None)
    late_item = Occurrence.objects.get(pk=q2["luozhuang"].pk)
    assert late_item.late and late_item.submitted_at == at("2025-11-20", 10)
    assert late_item.reports.get().late
    on_time_item = Occurrence.objects.get(pk=q2["lanshan"].pk)
    assert not on_time_item.late and not on_time_item.reports.get().late
    q3_still_owed = Occurrence.objects.get(unit=q2["lanshan"].unit, due_on=dt.date(2025, 9, 30))
    assert q3_still_owed.late  # owed and past its due date on the day of the migration
