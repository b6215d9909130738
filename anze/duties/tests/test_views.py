"""Pages and API by persona: who sees which occurrences, report and review through the forms, evidence, feeds."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anze.duties.choices import OccurrenceStatus
from anze.duties.models import CalendarFeed, Occurrence, Report
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty
from anze.duties.tests.test_reports import PDF
from anze.enterprises.tests import factories as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(org):
    """A quarterly duty on one city, one 兰山区 and one 罗庄区 unit, materialized for 2021, frozen in April."""
    with time_machine.travel(at("2021-04-08"), tick=False):
        clause = make_clause(
            org["linyi"], [org["city_emergency"], org["lanshan_emergency"], org["luozhuang_emergency"]]
        )
        duty = make_duty(clause)
        materialize_occurrences(now=at("2021-04-08"), horizon_days=300)
        yield {
            "duty": duty,
            **{
                k: Occurrence.objects.filter(unit=org[k])
                for k in ("city_emergency", "lanshan_emergency", "luozhuang_emergency")
            },
        }


def _ids(response):
    return {str(row.public_id) for row in response.context["table"].data}


def test_each_persona_lists_only_its_scope(work, signed_in, alice, bob, charlie, dave):
    url = reverse("duties:occurrence_list")
    expected = {
        alice: 12,
        bob: 4,
        charlie: 4,
        dave: 12,
    }
    for user, count in expected.items():
        client = signed_in(user)
        response = client.get(url, {"year": 2021})
        assert response.status_code == 200
        assert len(response.context["table"].data) == count, user.username
        client.logout()
    client = signed_in(charlie)
    assert _ids(client.get(url)) == {str(o.public_id) for o in work["luozhuang_emergency"]}


def test_out_of_scope_occurrence_answers_404_and_a_denied_post_changes_nothing(work, signed_in, charlie):
    other = work["lanshan_emergency"].first()
    client = signed_in(charlie)
    assert client.get(reverse("duties:occurrence_detail", args=[other.public_id])).status_code == 404
    response = client.post(
        reverse("duties:occurrence_report", args=[other.public_id]),
        {
            "text": "x",
            "evidence_on": "2021-03-30",
            "version": other.version,
            "files": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_unit_reports_through_the_form_and_office_accepts(work, signed_in, charlie, alice, client):
    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    with time_machine.travel(at("2021-04-08"), tick=False):
        c = signed_in(charlie)
        page = c.get(occurrence.get_absolute_url())
        assert page.status_code == 200 and page.context["report_form"] is not None
        response = c.post(
            reverse("duties:occurrence_report", args=[occurrence.public_id]),
            {
                "text": "已召开",
                "evidence_on": "2021-03-30",
                "version": occurrence.version,
                "files": [SimpleUploadedFile("纪要.pdf", PDF), SimpleUploadedFile("纪要2.pdf", PDF + b" ")],
            },
        )
        assert response.status_code == 302
        c.logout()
        occurrence.refresh_from_db()
        c = signed_in(alice)
        response = c.post(
            reverse("duties:occurrence_review", args=[occurrence.public_id]),
            {"decision": "accept", "reason": "", "version": occurrence.version},
        )
        assert response.status_code == 302
        stale = c.post(
            reverse("duties:occurrence_review", args=[occurrence.public_id]),
            {"decision": "return", "reason": "迟到的意见", "version": occurrence.version},
        )
        assert (
            stale.status_code == 409
            and "已被他人处理" in stale.content.decode()
            or "没有待审核" in stale.content.decode()
        )
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.ACCEPTED
    assert occurrence.reports.get().evidence.count() == 2


def test_bad_upload_through_the_form_shows_the_error_next_to_the_field(work, signed_in, charlie):
    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    with time_machine.travel(at("2021-04-08"), tick=False):
        response = signed_in(charlie).post(
            reverse("duties:occurrence_report", args=[occurrence.public_id]),
            {
                "text": "已召开",
                "evidence_on": "2021-03-30",
                "version": occurrence.version,
                "files": SimpleUploadedFile("纪要.pdf", b"<html><script>x</script></html>"),
            },
        )
    assert response.status_code == 400
    assert "允许的类型" in response.content.decode()
    assert not Report.objects.exists()


def test_evidence_is_served_only_in_scope_as_an_attachment(work, signed_in, charlie, bob):
    from anze.duties.services import submit_report

    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    with time_machine.travel(at("2021-04-08"), tick=False):
        item = submit_report(
            occurrence,
            actor=charlie,
            text="x",
            evidence_on=dt.date(2021, 3, 1),
            files=[("../../etc/passwd.pdf", PDF)],
        ).evidence.get()
    assert item.original_name == "passwd.pdf"
    url = reverse("duties:evidence_download", args=[item.public_id])
    response = signed_in(charlie).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    signed_in(charlie).logout()
    assert signed_in(bob).get(url).status_code == 404


def test_pages_render_for_the_office(work, signed_in, alice):
    client = signed_in(alice)
    for name in ("my_duties", "dashboard", "calendar", "overdue", "duty_list"):
        response = client.get(reverse(f"duties:{name}"), {"year": 2021} if name == "dashboard" else {})
        assert response.status_code == 200, name
    calendar = client.get(reverse("duties:calendar"), {"month": "2021-03"})
    assert "2021-03-31" in calendar.content.decode() or "每季度" in calendar.content.decode()
    dashboard = client.get(reverse("duties:dashboard"), {"year": 2021})
    body = dashboard.content.decode()
    assert 'data-chart="chart-task"' in body and 'id="chart-task" type="application/json"' in body
    assert reverse("duties:occurrence_list") + "?year=2021" in body
    assert client.get(work["duty"].get_absolute_url()).status_code == 200


def test_unit_dashboard_query_count_does_not_grow_with_rows(
    org, signed_in, charlie, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
    make_duty(clause, rrule="FREQ=MONTHLY")
    # Charlie's role must be in force on the travelled-to date, or the page would count nothing at all.
    charlie.role_assignments.update(valid_from=at("2020-01-01"))
    client = signed_in(charlie)
    with time_machine.travel(at("2021-04-08"), tick=False):
        rules = _rules_on(org)
        _link(rules["safety_director"], clause)
        ef.make_enterprise(org["luozhuang"], employees=300)
        materialize_occurrences(now=at("2021-04-08"), horizon_days=30)
        with CaptureQueriesContext(connection) as few:
            response = client.get(reverse("duties:my_duties"))
            assert response.status_code == 200 and len(_rows(response)) == 1
        few_rows = len(response.context["table"].data)
        # More occurrences, and more clauses, rules and evaluated enterprises behind the indicator card:
        # the card's two queries (results grouped by rule, then the rules) do not depend on any of them.
        second = make_clause(org["linyi"], [org["luozhuang_emergency"]], text="各单位建立安全生产委员会。")
        make_duty(second, rrule="FREQ=MONTHLY")
        _link(rules["safety_committee"], second)
        for _ in range(3):
            ef.make_enterprise(org["luozhuang"], employees=300)
        materialize_occurrences(now=at("2021-04-08"), horizon_days=600)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("duties:my_duties"))
            assert response.status_code == 200 and len(_rows(response)) == 2
        assert 0 < few_rows < len(response.context["table"].data)
    assert len(many) == len(few)


def _rules_on(org):
    """The initial rule set of Linyi (with its industries and departments), by rule code."""
    return {rule.code: rule for rule in ef.load_reference(org["linyi"]).rules.all()}


def _link(rule, clause):
    rule.clause = clause
    rule.save(update_fields=["clause"])


def _rows(response):
    """The rows of the enterprises' indicator card (each registered indicator is a card)."""
    return [
        row for card in response.context["indicators"] if card["key"] == "enterprises" for row in card["rows"]
    ]


def _figures(response):
    return {
        row["rule"].code: (row["applicable"], row["met"], row["unmet"], row["rate"])
        for row in _rows(response)
    }


@pytest.fixture
def indicated(work, org):
    """设置安全总监 tied to the work's clause: two 罗庄区 chemical works (one meets it) and one in 兰山区 (fails);
    建立安全生产委员会 tied to a clause only 市交通运输局 has duties on."""
    rules = _rules_on(org)
    _link(rules["safety_director"], work["duty"].clause)
    other = make_clause(org["linyi"], [org["city_transport"]], text="交通运输企业建立安全生产委员会。")
    make_duty(other)
    _link(rules["safety_committee"], other)
    materialize_occurrences(now=at("2021-04-08"), horizon_days=300)
    meets = ef.make_enterprise(org["luozhuang"], employees=300, name="罗庄达标化工")
    ef.director(meets, started_on=dt.date(2020, 1, 1))
    ef.make_enterprise(org["luozhuang"], employees=300, name="罗庄缺总监化工")
    ef.make_enterprise(org["lanshan"], employees=300, name="兰山缺总监化工")
    return {**work, "rules": rules}


def test_my_duties_shows_the_indicators_of_the_clauses_its_duties_come_from(indicated, signed_in, charlie):
    response = signed_in(charlie).get(reverse("duties:my_duties"))
    assert response.status_code == 200
    # 罗庄区应急局 has duties on the 安全总监 clause only, and supervises the two 罗庄区 works.
    assert _figures(response) == {"safety_director": (2, 1, 1, 50.0)}
    body = response.content.decode()
    assert "企业合规指标" in body and "设置安全总监" in body and "50.0%" in body
    assert "建立安全生产委员会" not in body
    rule = indicated["rules"]["safety_director"]
    assert f'href="{reverse("enterprises:enterprise_list")}?rule={rule.public_id}"' in body
    clause = indicated["duty"].clause
    assert f'href="{reverse("plans:plan_detail", args=[clause.version.plan.public_id])}#clause-1.1"' in body


def test_each_persona_sees_the_indicators_of_its_own_enterprises(indicated, signed_in, alice, bob):
    client = signed_in(bob)
    # 兰山区's county office: only the 兰山区 works count.
    assert _figures(client.get(reverse("duties:my_duties"))) == {"safety_director": (1, 0, 1, 0.0)}
    client.logout()
    # The office has every duty's clause and every enterprise of the city.
    assert _figures(signed_in(alice).get(reverse("duties:my_duties"))) == {
        "safety_director": (3, 1, 2, 33.3),
        "safety_committee": (3, 0, 3, 0.0),
    }


def test_my_duties_without_indicators_shows_no_card(work, signed_in, charlie):
    response = signed_in(charlie).get(reverse("duties:my_duties"))
    assert response.context["indicators"] == []
    assert "企业合规指标" not in response.content.decode()


def test_calendar_feed_token_url_serves_icalendar_and_can_be_revoked(work, signed_in, charlie, client):
    c = signed_in(charlie)
    c.post(reverse("duties:feed_issue"))
    url = c.session.get("duties_new_feed_url") or c.get(reverse("duties:calendar")).context["new_feed_url"]
    path = url.split("testserver", 1)[-1]
    c.logout()
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 5
    assert "DTSTART;VALUE=DATE:20210331" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    c = signed_in(charlie)
    c.post(reverse("duties:feed_revoke"))
    assert client.get(path).status_code == 404
    assert CalendarFeed.objects.filter(user=charlie, revoked_at__isnull=True).count() == 0


def test_health_endpoint_reports_a_stale_tick(client, db):
    response = client.get(reverse("duties:health"))
    assert response.status_code == 503 and response.json()["stale"] is True


def test_api_lists_in_scope_and_reports_with_multipart_upload(work, charlie, alice, bob):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(charlie)
    listed = api.get("/api/occurrences/", {"year": 2021}).json()
    assert listed["count"] == 4
    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    with time_machine.travel(at("2021-04-08"), tick=False):
        bad = api.post(
            f"/api/occurrences/{occurrence.public_id}/report/",
            {"text": "x", "evidence_on": "2021-03-30", "files": [SimpleUploadedFile("a.pdf", b"")]},
            format="multipart",
        )
        assert bad.status_code == 400 and bad.json()["code"] == "empty_file"
        ok = api.post(
            f"/api/occurrences/{occurrence.public_id}/report/",
            {"text": "x", "evidence_on": "2021-03-30", "files": [SimpleUploadedFile("a.pdf", PDF)]},
            format="multipart",
        )
        assert ok.status_code == 201, ok.content
        api.force_authenticate(bob)
        assert api.post(f"/api/occurrences/{occurrence.public_id}/accept/", {"version": 2}).status_code == 404
        api.force_authenticate(alice)
        assert api.post(f"/api/occurrences/{occurrence.public_id}/accept/", {"version": 1}).status_code == 409
        accepted = api.post(f"/api/occurrences/{occurrence.public_id}/accept/", {"version": 2})
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api.get("/api/reports/").json()["count"] == 1
    assert api.get("/api/duties/").status_code == 200


def test_dashboard_names_a_task_without_a_heading_by_its_first_clause(org, signed_in, alice):
    """Plans like Linyi's number some tasks without a heading; the board shows the clause's opening."""
    clause = make_clause(
        org["linyi"],
        [org["luozhuang_emergency"]],
        text="各县区、各部门每季度召开一次安全生产形势分析会议，研究部署重点工作。",
    )
    clause.task.title = None
    clause.task.save(update_fields=["title"])
    make_duty(clause, rrule="FREQ=MONTHLY")
    alice.role_assignments.update(valid_from=at("2020-01-01"))  # in force on the travelled-to date
    client = signed_in(alice)
    with time_machine.travel(at("2021-04-08"), tick=False):
        materialize_occurrences(now=at("2021-04-08"), horizon_days=30)
        response = client.get(reverse("duties:dashboard") + "?year=2021")
    labels = [row["label"] for row in response.context["by_task"]]
    assert labels == ["1. 各县区、各部门每季度召开一次安全生产形势分析会议…"]


def test_api_confirm_of_a_duty_one_may_not_change_answers_404_before_reading_the_body(org, bob, alice):
    from rest_framework.test import APIClient

    from anze.duties.choices import DutyStatus

    duty = make_duty(make_clause(org["luozhuang"], [org["luozhuang_emergency"]]), status=DutyStatus.DRAFT)
    url = reverse("api:duty-confirm", kwargs={"id": duty.public_id})
    api = APIClient()
    api.force_authenticate(bob)
    assert api.post(url, {}, format="json").status_code == 404
    assert api.post(url, {"version": duty.version}, format="json").status_code == 404
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DRAFT
    api.force_authenticate(alice)
    confirmed = api.post(url, {"version": duty.version, "allow_overdue": True}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    duty.refresh_from_db()
    assert duty.status == DutyStatus.CONFIRMED


def test_duty_page_is_read_only(work, signed_in, alice):
    client = signed_in(alice)
    url = reverse("duties:duty_detail", kwargs={"public_id": work["duty"].public_id})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_progress_board_puts_its_charts_first_and_keeps_tables_and_buttons_whole(client, alice):
    client.force_login(alice)
    html = client.get(reverse("duties:dashboard")).content.decode()
    assert 'class="d-flex flex-nowrap gap-1"' in html and "btn-sm text-nowrap" in html  # 查看 on one line
    charts, first_table = html.index('<div class="row g-3 mb-3">'), html.index("按任务")
    assert charts < first_table  # the picture first, the 90-row tables after it
    assert 'class="col-xl-6"' not in html  # each table takes the full width, no column cut off


def test_a_list_longer_than_the_cap_says_so_and_pages_its_first_rows(work, signed_in, alice, monkeypatch):
    from anze.core.pagination import CappedPaginator

    client = signed_in(alice)
    url = reverse("duties:occurrence_list")
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    capped = client.get(url)
    paginator = capped.context["table"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 1)
    assert len(capped.context["table"].page.object_list) == 5
    assert "符合条件的超过 5 项" in capped.content.decode()

    monkeypatch.setattr(CappedPaginator, "cap", 1000)
    whole = client.get(url)
    every = Occurrence.objects.restrict(alice, "view").count()
    assert every > 5
    assert (whole.context["table"].paginator.count, whole.context["table"].paginator.capped) == (every, False)
    assert "符合条件的超过" not in whole.content.decode()
