import datetime as dt

from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.prevention import stats
from anze.prevention.models import HiddenDanger, HiddenDangerTally
from anze.prevention.services import refresh_statistics, register_hidden_danger
from anze.prevention.tests.factories import report


def test_tally_gives_the_same_figures_as_the_live_query(lanshan_enterprise, luozhuang_enterprise, alice):
    for i, (enterprise, grade, found) in enumerate(
        [
            (lanshan_enterprise, "general", dt.date(2026, 2, 1)),
            (lanshan_enterprise, "major", dt.date(2026, 5, 3)),
            (luozhuang_enterprise, "general", dt.date(2026, 8, 9)),
            (luozhuang_enterprise, "general", dt.date(2025, 8, 9)),
        ]
    ):
        hd = report(
            enterprise,
            alice,
            grade=grade,
            found_on=found,
            deadline=found + dt.timedelta(days=10),
            title=f"h{i}",
        )
        if i == 0:
            register_hidden_danger(actor=alice, hd=hd)
    today = dt.date(2026, 6, 1)
    refresh_statistics(actor=alice, today=today)
    assert AuditEvent.objects.filter(action="prevention.refresh_statistics").count() == 1
    live = stats.hidden_danger_year(HiddenDanger.objects.all(), 2026, today)
    summed = stats.tally_year(HiddenDangerTally.objects.all(), 2026)
    assert live == summed
    assert live["totals"]["total"] == 3 and live["totals"]["major"] == 1
    assert live["totals"]["overdue"] == 2  # the Aug one is not yet due on 2026-06-01
    assert [
        r["enterprise_id"] for r in stats.tally_top_enterprises(HiddenDangerTally.objects.all(), 2026)
    ] == [r["enterprise_id"] for r in stats.top_enterprises(HiddenDanger.objects.all(), 2026, today)]
    refresh_statistics(actor=alice, today=today)  # safe to run twice
    assert HiddenDangerTally.objects.filter(year=2026).count() == 3  # one row per enterprise and quarter


def test_tally_is_scoped_like_the_records(
    client, signed_in, bob, alice, lanshan_enterprise, luozhuang_enterprise
):
    report(lanshan_enterprise, alice)
    report(luozhuang_enterprise, alice)
    refresh_statistics(actor=alice, today=dt.date(2026, 3, 3))
    response = signed_in(bob).get(reverse("prevention:hidden_danger_stats") + "?year=2026")
    assert [c["name"] for c in response.context["counties"]] == ["兰山区"]
    assert response.context["as_of"] == dt.date(2026, 3, 3)


def test_only_the_office_refreshes(client, signed_in, bob, alice):
    assert signed_in(bob).post(reverse("prevention:hidden_danger_stats_refresh")).status_code == 404
    client.logout()
    assert signed_in(alice).post(reverse("prevention:hidden_danger_stats_refresh")).status_code == 302
