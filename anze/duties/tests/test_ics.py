"""The iCalendar feed: written by the icalendar library, distinguishable summaries, 逾期 for overdue items."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from anze.duties import ics
from anze.duties.scheduling import materialize_occurrences
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

pytestmark = pytest.mark.django_db
SHARED = "各县区、市有关部门每季度组织开展一次安全生产隐患排查治理工作并形成书面报告报市安委办，其中"


def test_titles_that_look_the_same_when_cut_keep_enough_to_differ():
    one, two, short = SHARED + "重点行业领域单独成册", SHARED + "危险化学品企业单独报送", "每月召开一次会议"
    cut = ics.short_titles([one, two, short, "甲" * 50])
    assert cut[short] == short
    assert cut["甲" * 50] == "甲" * 40 + "…"
    assert cut[one] != cut[two]
    assert cut[one].startswith(SHARED) and "重点" in cut[one]


def test_the_feed_is_valid_icalendar_with_folded_lines_and_escaped_text():
    body = ics.calendar(
        [
            {
                "uid": "u1",
                "day": dt.date(2027, 2, 1),
                "summary": "【逾期】召开会议, 形成纪要; 报送 — 罗庄区应急局" + "长" * 40,
                "description": "第一行\n第二行",
                "url": "https://anze.example/x",
            }
        ],
        name="安责 · 测试",
        now=at("2027-01-06"),
    )
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270201" in text and "DTEND;VALUE=DATE:20270202" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("【逾期】召开会议, 形成纪要; 报送")
    assert str(event["DESCRIPTION"]) == "第一行\n第二行"


@pytest.fixture
def two_duties(org):
    """Two quarterly duties of one clause whose titles share their first 40 characters, frozen in April 2021."""
    with time_machine.travel(at("2021-04-08"), tick=False):
        clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
        make_duty(clause, title=SHARED + "重点行业领域单独成册")
        make_duty(clause, title=SHARED + "危险化学品企业单独报送")
        materialize_occurrences(now=at("2021-04-08"), horizon_days=100)
        yield


def test_the_feed_tells_two_duties_of_one_task_apart_and_shows_overdue_as_overdue(
    two_duties, charlie, signed_in, client
):
    c = signed_in(charlie)
    c.post(reverse("duties:feed_issue"))
    path = c.session["duties_new_feed_url"].split("testserver", 1)[-1]
    c.logout()
    events = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    first_quarter = sorted(str(e["SUMMARY"]) for e in events if e.decoded("DTSTART") == dt.date(2021, 3, 31))
    assert len(first_quarter) == 2 and first_quarter[0] != first_quarter[1]
    assert all(summary.startswith("【逾期】") for summary in first_quarter)
    second_quarter = [str(e["SUMMARY"]) for e in events if e.decoded("DTSTART") == dt.date(2021, 6, 30)]
    assert len(second_quarter) == 2 and all(summary.startswith("【待报送】") for summary in second_quarter)
