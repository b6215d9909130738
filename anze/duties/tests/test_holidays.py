"""The calendar after the package's last year: provisional due dates, the office's holiday arrangement,
the recomputation it triggers, and the arrangement's file format."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from anze.audit.models import AuditEvent
from anze.duties import holidays, services
from anze.duties.calendar import DayKind, Source, WorkingCalendar, YearArrangement, supported_years
from anze.duties.choices import ArrangementSource, DutyKind, OccurrenceStatus
from anze.duties.errors import NotAllowedError
from anze.duties.holiday_format import ArrangementFormatError, format_days, parse_file
from anze.duties.models import HolidayArrangement, Occurrence
from anze.duties.recurrence import Period, due_date_marked, event_due_marked
from anze.duties.scheduling import run_tick
from anze.duties.tests.conftest import at
from anze.duties.tests.factories import make_clause, make_duty

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A 2027 arrangement in the notice's shape. 2027 is past the installed chinese-calendar's data.
NOTICE_2027 = """# 2027年部分节假日安排（测试用）
2027-01-01 休 元旦
2027-02-06~2027-02-13 休 春节
2027-01-31 班 春节
2027-02-20 班 春节
2027-05-01~2027-05-05 休 劳动节
2027-10-01~2027-10-07 休 国庆节
"""


def test_the_package_data_ends_before_2027_so_2027_is_provisional():
    assert supported_years()[1] < 2027
    assert WorkingCalendar().source(2027) == Source.PROVISIONAL
    assert WorkingCalendar().source(2026) == Source.PACKAGE


# --- the calendar itself (pure) ----------------------------------------------------------------------


def test_the_provisional_calendar_rests_on_weekends_and_the_fixed_date_holidays():
    working = WorkingCalendar()
    assert not working.is_workday(dt.date(2027, 1, 1))  # Friday, 元旦
    assert not working.is_workday(dt.date(2027, 5, 1)) and working.is_workday(dt.date(2027, 5, 3))  # no 补假
    assert not working.is_workday(dt.date(2027, 10, 1)) and not working.is_workday(dt.date(2027, 10, 3))
    assert working.is_workday(dt.date(2027, 10, 4))  # Monday
    assert not working.is_workday(dt.date(2027, 1, 31))  # Sunday


def test_a_due_date_rolled_across_into_a_provisional_year_is_marked_provisional():
    working = WorkingCalendar()
    # December 2026 ends on a Thursday: the package's data decides, nothing provisional.
    assert due_date_marked(Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31)), calendar=working) == (
        dt.date(2026, 12, 31),
        False,
    )
    # January 2027 ends on a Sunday: rolled to Monday 1 February under the provisional calendar.
    assert due_date_marked(Period(dt.date(2027, 1, 1), dt.date(2027, 1, 31)), calendar=working) == (
        dt.date(2027, 2, 1),
        True,
    )
    # "Not adjusted" consults no calendar, so nothing is provisional about it.
    assert due_date_marked(Period(dt.date(2027, 1, 1), dt.date(2027, 1, 31)), "none", calendar=working) == (
        dt.date(2027, 1, 31),
        False,
    )
    # Five working days after 2026-12-29 reach into 2027 (past 元旦).
    assert event_due_marked(dt.date(2026, 12, 29), 5, "workdays", calendar=working) == (
        dt.date(2027, 1, 6),
        True,
    )


def test_the_office_arrangement_decides_its_year_with_holidays_and_make_up_days():
    arrangement = YearArrangement(
        2027,
        holidays=frozenset(dt.date(2027, 2, day) for day in range(6, 14)),
        workdays=frozenset({dt.date(2027, 1, 31)}),
    )
    working = WorkingCalendar([arrangement])
    assert working.source(2027) == Source.OFFICE
    assert working.is_workday(dt.date(2027, 1, 31))  # Sunday, 调休上班
    assert not working.is_workday(dt.date(2027, 2, 8))  # Monday in 春节
    assert working.is_workday(dt.date(2027, 1, 1))  # not listed in this (partial) arrangement: a Friday
    assert due_date_marked(Period(dt.date(2027, 1, 1), dt.date(2027, 1, 31)), calendar=working) == (
        dt.date(2027, 1, 31),
        False,
    )


# --- the file format (pure) --------------------------------------------------------------------------


def test_the_text_format_reads_runs_make_up_days_and_names():
    days = parse_file(NOTICE_2027.encode(), year=2027)
    by_day = {d.day: d for d in days}
    assert len([d for d in days if d.kind == DayKind.HOLIDAY]) == 1 + 8 + 5 + 7
    assert (
        by_day[dt.date(2027, 1, 31)].kind == DayKind.WORKDAY and by_day[dt.date(2027, 1, 31)].name == "春节"
    )
    assert by_day[dt.date(2027, 2, 10)].kind == DayKind.HOLIDAY
    again = parse_file(format_days([(d.day, d.kind, d.name) for d in days]).encode(), year=2027)
    assert [(d.day, d.kind, d.name) for d in again] == [(d.day, d.kind, d.name) for d in days]


def test_csv_in_gb18030_and_xlsx_read_the_same_days():
    csv_text = (
        "日期,类型,节日\n2027-01-01,休,元旦\n2027/2/6 至 2027/2/13,放假,春节\n2027年1月31日,上班,春节\n"
    )
    from_csv = parse_file(csv_text.encode("gb18030"), year=2027, filename="2027.csv")
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "节日"])
    sheet.append([dt.datetime(2027, 1, 1), "休", "元旦"])
    sheet.append(["2027-02-06~2027-02-13", "休", "春节"])
    sheet.append([dt.date(2027, 1, 31), "班", "春节"])
    buffer = io.BytesIO()
    book.save(buffer)
    from_xlsx = parse_file(buffer.getvalue(), year=2027, filename="2027.xlsx")
    assert [(d.day, d.kind, d.name) for d in from_csv] == [(d.day, d.kind, d.name) for d in from_xlsx]
    assert len(from_csv) == 1 + 8 + 1


def test_every_bad_line_is_named_and_nothing_is_returned():
    text = (
        "2027-01-01 休 元旦\n"
        "2027-02-30 休 春节\n"  # no such day
        "2027-02-08 班\n"  # a Monday is a working day anyway
        "2026-06-01 休\n"  # another year
        "2027-01-01 休 元旦\n"  # listed twice
        "2027-03-01\n"  # neither 休 nor 班
    )
    with pytest.raises(ArrangementFormatError) as info:
        parse_file(text.encode(), year=2027)
    lines = [line for line, _message in info.value.errors]
    assert lines == [2, 3, 4, 5, 6]
    assert "第 3 行" in str(info.value) and "本来就是工作日" in str(info.value)


def test_an_arrangement_without_holidays_is_refused():
    with pytest.raises(ArrangementFormatError) as info:
        parse_file(b"2027-01-31 \xe7\x8f\xad\n", year=2027)  # "班" only
    assert "没有找到 2027 年的放假日期" in str(info.value)


# --- the tick, the provisional mark and the recomputation (database) ---------------------------------


@pytest.fixture
def monthly(org):
    """A monthly report of two units starting in November 2026."""
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"], org["lanshan_emergency"]])
    return make_duty(
        clause, title="每月报送安全生产情况", rrule="FREQ=MONTHLY", start_on=dt.date(2026, 11, 1)
    )


def _periods(duty):
    return sorted(set(Occurrence.objects.filter(duty=duty).values_list("period_start", flat=True)))


@pytest.mark.django_db
def test_the_december_and_january_ticks_skip_no_period_past_the_package_data(monthly):
    december = run_tick(now=at("2026-12-06"))
    assert "skipped_out_of_range" not in december["materialized"]
    starts = _periods(monthly)
    # Every month from November 2026 to the horizon (2026-12-06 + 400 days), with no gap.
    expected = [dt.date(2026, 11, 1)]
    while expected[-1] < dt.date(2028, 1, 1):
        last = expected[-1]
        expected.append(dt.date(last.year + last.month // 12, last.month % 12 + 1, 1))
    assert starts == expected
    assert december["materialized"]["provisional"] == 13  # periods: the 2027 months and January 2028
    assert december["materialized"]["provisional_years"] == [2027, 2028]

    january = run_tick(now=at("2027-01-05"))
    assert january["materialized"]["created"] == 2  # February 2028, for both units
    january_2027 = Occurrence.objects.filter(duty=monthly, period_start=dt.date(2027, 1, 1))
    assert {(o.due_on, o.due_provisional) for o in january_2027} == {(dt.date(2027, 2, 1), True)}
    december_2026 = Occurrence.objects.filter(duty=monthly, period_start=dt.date(2026, 12, 1))
    assert {(o.due_on, o.due_provisional) for o in december_2026} == {(dt.date(2026, 12, 31), False)}


@pytest.fixture
def crossed(monthly, org, charlie):
    """The January tick has run; 罗庄区应急局 has reported on its January item (touched)."""
    with time_machine.travel(at("2027-01-05"), tick=False):
        run_tick(now=at("2027-01-05"))
        touched = Occurrence.objects.get(
            duty=monthly, unit=org["luozhuang_emergency"], period_start=dt.date(2027, 1, 1)
        )
        services.submit_report(
            touched,
            actor=charlie,
            text="1月4日已报送。",
            evidence_on=dt.date(2027, 1, 4),
            files=[("a.pdf", PDF)],
        )
    return monthly


@pytest.mark.django_db
def test_entering_the_arrangement_recomputes_untouched_due_dates_and_lists_touched_ones(crossed, org, alice):
    untouched_2027 = Occurrence.objects.filter(
        duty=crossed, touched=False, period_start__year=2027, due_provisional=True
    ).count()
    assert untouched_2027 == 12 * 2 - 1

    arrangement, result = holidays.enter_holiday_arrangement(
        actor=alice,
        year=2027,
        days=parse_file(NOTICE_2027.encode(), year=2027),
        notice="国办发明电〔2026〕X号",
        source=ArrangementSource.ENTERED,
        now=at("2027-01-06"),
    )

    lanshan_january = Occurrence.objects.get(
        duty=crossed, unit=org["lanshan_emergency"], period_start=dt.date(2027, 1, 1)
    )
    assert (lanshan_january.due_on, lanshan_january.due_provisional) == (
        dt.date(2027, 1, 31),
        False,
    )  # 调休上班
    february = Occurrence.objects.filter(duty=crossed, period_start=dt.date(2027, 2, 1))
    assert {(o.due_on, o.due_provisional) for o in february} == {(dt.date(2027, 3, 1), False)}
    assert result.recomputed == untouched_2027
    assert not Occurrence.objects.filter(
        duty=crossed, period_start__year=2027, touched=False, due_provisional=True
    )
    # 2028 stays provisional: its arrangement is not entered.
    assert set(
        Occurrence.objects.filter(duty=crossed, period_start__year=2028).values_list(
            "due_provisional", flat=True
        )
    ) == {True}

    touched = Occurrence.objects.get(
        duty=crossed, unit=org["luozhuang_emergency"], period_start=dt.date(2027, 1, 1)
    )
    assert (touched.due_on, touched.due_provisional, touched.status) == (
        dt.date(2027, 2, 1),
        True,
        OccurrenceStatus.SUBMITTED,
    )
    assert [(t["occurrence"], t["would_be"]) for t in result.touched] == [
        (str(touched.public_id), dt.date(2027, 1, 31))
    ]
    assert list(holidays.touched_to_settle()) == [touched]

    event = AuditEvent.objects.filter(action="duties.holidays.enter").get()
    assert event.after["recomputed"] == untouched_2027 and event.after["touched"] == 1
    assert arrangement.days.count() == 1 + 8 + 2 + 5 + 7

    settled = holidays.settle_touched_due_dates([touched], actor=alice, adopt=True, now=at("2027-01-07"))
    touched.refresh_from_db()
    assert settled == 1 and (touched.due_on, touched.due_provisional) == (dt.date(2027, 1, 31), False)
    assert AuditEvent.objects.filter(action="duties.holidays.settle").count() == 1
    assert not holidays.touched_to_settle().exists()


@pytest.mark.django_db
def test_correcting_an_arrangement_recomputes_again_and_keeps_the_previous_days_in_the_audit(crossed, alice):
    days = parse_file(NOTICE_2027.encode(), year=2027)
    holidays.enter_holiday_arrangement(actor=alice, year=2027, days=days, now=at("2027-01-06"))
    without_make_up = [d for d in days if d.day != dt.date(2027, 1, 31)]
    arrangement, result = holidays.enter_holiday_arrangement(
        actor=alice, year=2027, days=without_make_up, expected_version=1, now=at("2027-01-06")
    )
    assert arrangement.version == 2
    assert set(
        Occurrence.objects.filter(duty=crossed, period_start=dt.date(2027, 1, 1), touched=False).values_list(
            "due_on", flat=True
        )
    ) == {dt.date(2027, 2, 1)}
    assert result.recomputed == 1
    last = AuditEvent.objects.filter(action="duties.holidays.enter").order_by("-sequence").first()
    assert ["2027-01-31", "workday"] in last.before["days"]


@pytest.mark.django_db
def test_a_unit_user_cannot_enter_an_arrangement_and_nothing_changes(monthly, charlie):
    with pytest.raises(NotAllowedError):
        holidays.enter_holiday_arrangement(
            actor=charlie, year=2027, days=parse_file(NOTICE_2027.encode(), year=2027)
        )
    assert not HolidayArrangement.objects.exists()
    assert not AuditEvent.objects.filter(action="duties.holidays.enter").exists()


@pytest.mark.django_db
def test_an_event_due_date_into_a_provisional_year_is_marked_and_recomputed(org, alice):
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
    duty = make_duty(clause, kind=DutyKind.EVENT, rrule="", event_within=5, event_unit="workdays")
    occurrence = services.trigger_event(
        duty, actor=alice, unit=org["luozhuang_emergency"], event_on=dt.date(2026, 12, 29), note="较大事故"
    )
    assert (occurrence.due_on, occurrence.due_provisional) == (dt.date(2027, 1, 6), True)
    # The notice begins 元旦 on 31 December (a day of the package's year): five working days end on 7 January.
    days = parse_file("2026-12-31~2027-01-03 休 元旦".encode(), year=2027)
    holidays.enter_holiday_arrangement(actor=alice, year=2027, days=days, now=at("2026-12-30"))
    occurrence.refresh_from_db()
    assert (occurrence.due_on, occurrence.due_provisional) == (dt.date(2027, 1, 7), False)


# --- the pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_provisional_due_dates_are_marked_on_the_item_the_lists_the_calendar_and_my_duties(
    crossed, org, charlie, signed_in
):
    provisional = Occurrence.objects.get(
        duty=crossed, unit=org["luozhuang_emergency"], period_start=dt.date(2027, 2, 1)
    )
    settled = Occurrence.objects.get(
        duty=crossed, unit=org["luozhuang_emergency"], period_start=dt.date(2026, 12, 1)
    )
    with time_machine.travel(at("2027-01-06"), tick=False):
        client = signed_in(charlie)
        detail = client.get(
            reverse("duties:occurrence_detail", args=[provisional.public_id])
        ).content.decode()
        assert "暂定" in detail and "2027 年的节假日安排尚未录入" in detail
        assert (
            "暂定"
            not in client.get(reverse("duties:occurrence_detail", args=[settled.public_id])).content.decode()
        )
        listed = client.get(reverse("duties:occurrence_list"), {"provisional": "true"})
        assert {row.pk for row in listed.context["table"].data} == set(
            Occurrence.objects.filter(unit=org["luozhuang_emergency"], due_provisional=True).values_list(
                "pk", flat=True
            )
        )
        assert "badge text-bg-warning" in listed.content.decode()
        month = client.get(reverse("duties:calendar"), {"month": "2027-03"}).content.decode()
        assert "【暂定】" in month
        mine = client.get(reverse("duties:my_duties"), {"year": "2027"}).content.decode()
        assert ">暂定<" in mine
        # What a clerk reads says what is missing and where to enter it, not a package name.
        assert "2027 年的节假日安排（国务院办公厅发布的放假通知）尚未录入" in mine
        assert "节假日安排" in mine and "chinesecalendar" not in mine


@pytest.mark.django_db
def test_the_dashboard_names_the_missing_year_and_links_to_where_it_is_entered(crossed, alice, signed_in):
    # A December day after the personas' role assignments begin (they start when the fixtures run).
    with time_machine.travel(at("2026-12-31"), tick=False):
        client = signed_in(alice)
        page = client.get(reverse("duties:dashboard")).content.decode()
    assert "2027 年的节假日安排（国务院办公厅发布的放假通知）尚未录入" in page
    assert reverse("duties:holiday_year", args=[2027]) in page
    assert "chinesecalendar" not in page


@pytest.mark.django_db
def test_the_office_imports_the_arrangement_on_the_page_and_settles_the_touched_item(
    crossed, org, alice, signed_in
):
    with time_machine.travel(at("2027-01-06"), tick=False):
        client = signed_in(alice)
        listing = client.get(reverse("duties:holiday_list")).content.decode()
        assert "2027" in listing and "暂定" in listing
        bad = client.post(
            reverse("duties:holiday_enter", args=[2027]),
            {"notice": "", "file": SimpleUploadedFile("2027.txt", "2027-02-30 休 春节\n".encode())},
        )
        assert bad.status_code == 400 and "第 1 行" in bad.content.decode()
        assert not HolidayArrangement.objects.exists()
        response = client.post(
            reverse("duties:holiday_enter", args=[2027]),
            {"notice": "国办发明电〔2026〕X号", "file": SimpleUploadedFile("2027.txt", NOTICE_2027.encode())},
        )
        assert response.status_code == 302
        arrangement = HolidayArrangement.objects.get(year=2027)
        assert (arrangement.source, arrangement.source_name) == (ArrangementSource.IMPORTED, "2027.txt")
        page = client.get(reverse("duties:holiday_year", args=[2027])).content.decode()
        touched = Occurrence.objects.get(touched=True, period_start=dt.date(2027, 1, 1))
        assert str(touched.public_id) in page and "2027-01-31" in page
        client.post(
            reverse("duties:holiday_settle", args=[2027]),
            {"occurrence": [str(touched.public_id)], "decision": "keep"},
        )
    touched.refresh_from_db()
    assert (touched.due_on, touched.due_provisional) == (dt.date(2027, 2, 1), False)


@pytest.mark.django_db
def test_a_unit_user_sees_the_arrangement_but_cannot_enter_one(monthly, charlie, signed_in):
    client = signed_in(charlie)
    assert client.get(reverse("duties:holiday_year", args=[2027])).status_code == 200
    response = client.post(reverse("duties:holiday_enter", args=[2027]), {"days": NOTICE_2027, "notice": ""})
    assert response.status_code == 403
    assert not HolidayArrangement.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_file_and_refuses_a_bad_one_with_its_lines(crossed, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.txt"
    bad.write_text("2027-02-30 休 春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行"):
        call_command("holidays", "import", "2027", str(bad))
    assert not HolidayArrangement.objects.exists()
    good = tmp_path / "2027.txt"
    good.write_text(NOTICE_2027, encoding="utf-8")
    out = io.StringIO()
    call_command("holidays", "import", "2027", str(good), "--notice", "国办发明电〔2026〕X号", stdout=out)
    assert '"touched": 1' in out.getvalue()
    assert HolidayArrangement.objects.get(year=2027).source == ArrangementSource.IMPORTED
    assert AuditEvent.objects.filter(action="duties.holidays.enter").count() == 1
