"""Deadlines (完成时限) read by hand from the forms plans use, and Chinese numerals against a plain writer."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anze.plans.parsing.deadlines import find_deadline, parse_deadline, resolve_dates, to_int


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django."""
    return None


DIGITS = "零一二三四五六七八九"


def written(n: int) -> str:
    """How a plan writes 1…99 in Chinese: 三, 十, 十二, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")) + (
        "" if ones == 0 else DIGITS[ones]
    )


@given(st.integers(min_value=1, max_value=99))
def test_chinese_numerals_up_to_ninety_nine(n):
    assert to_int(written(n)) == n
    assert to_int(str(n)) == n


@pytest.mark.parametrize(
    "token,value",
    [
        ("两", 2),
        ("〇", 0),
        ("零", 0),
        ("007", 7),
        ("", None),
        ("十十", None),
        ("二三", None),
        ("1二", None),
        ("半", None),
    ],
)
def test_numeral_edge_cases(token, value):
    assert to_int(token) == value


# (text as written, the plan's year, the date it names, ongoing) — each date worked out on a calendar.
@pytest.mark.parametrize(
    "text,year,day,ongoing",
    [
        # A span of years: the end of the last one.
        ("2021-2023年", None, date(2023, 12, 31), False),
        ("2021至2023年底", None, date(2023, 12, 31), False),
        ("2021年～2022年", 2030, date(2022, 12, 31), False),
        # A day, with and without its year; the plan's year for the yearless form.
        ("2022年3月15日", None, date(2022, 3, 15), False),
        ("2024年二月二十九日前", None, date(2024, 2, 29), False),
        ("3月15日前", 2021, date(2021, 3, 15), False),
        ("十月十日", 2021, date(2021, 10, 10), False),
        ("13月1日", 2021, None, False),
        ("3月15日前", None, None, False),  # no year known: nothing to resolve
        # Quarters.
        ("2022年第三季度", None, date(2022, 9, 30), False),
        ("2022年1季度", None, date(2022, 3, 31), False),
        ("2022年四季度", None, date(2022, 12, 31), False),
        ("第二季度", 2021, date(2021, 6, 30), False),
        ("三季度末", 2021, date(2021, 9, 30), False),
        # Halves of the year.
        ("2022年上半年", None, date(2022, 6, 30), False),
        ("2022年年中", None, date(2022, 6, 30), False),
        ("2022年下半年", None, date(2022, 12, 31), False),
        ("上半年", 2021, date(2021, 6, 30), False),
        ("下半年", 2021, date(2021, 12, 31), False),
        # Months: 上旬 by the 10th, 中旬 by the 20th, 下旬/底/份 by the month's last day.
        ("2024年2月底", None, date(2024, 2, 29), False),
        ("2023年2月", None, date(2023, 2, 28), False),
        ("2022年3月上旬", None, date(2022, 3, 10), False),
        ("2022年3月中旬", None, date(2022, 3, 20), False),
        ("2022年4月下旬", None, date(2022, 4, 30), False),
        ("11月份", 2021, date(2021, 11, 30), False),
        ("6月上旬", 2021, date(2021, 6, 10), False),
        ("6月中旬", 2021, date(2021, 6, 20), False),
        ("9月前", 2021, date(2021, 9, 30), False),
        ("2022年13月", None, None, False),
        # The year's end.
        ("2022年年底", None, date(2022, 12, 31), False),
        ("2022年全年", None, date(2022, 12, 31), False),
        ("2022年前完成", None, date(2022, 12, 31), False),
        ("今年底", 2021, date(2021, 12, 31), False),
        ("本年度内", 2021, date(2021, 12, 31), False),
        ("年底前", 2021, date(2021, 12, 31), False),
        # The latest date named is the deadline.
        ("2021年6月底前完成试点，2022年底前全面推开", None, date(2022, 12, 31), False),
        ("6月底前完成排查，9月底前完成整改", 2021, date(2021, 9, 30), False),
        # Ongoing work, with or without a date; the edges' punctuation is not part of the text.
        ("常态化开展", 2021, None, True),
        ("每季度", 2021, None, True),
        ("2021年底前完成，长期坚持。", 2021, date(2021, 12, 31), True),
    ],
)
def test_deadline_forms(text, year, day, ongoing):
    deadline = parse_deadline(text, year)
    assert (deadline.date, deadline.ongoing) == (day, ongoing)
    assert deadline.text == text.strip(" 。；，、")


def test_an_empty_field_has_no_deadline():
    assert parse_deadline("", 2021) is None
    assert parse_deadline(" 。；", 2021) is None
    assert parse_deadline("；2021年底前。", 2021).text == "2021年底前"


def test_a_day_is_read_once_not_again_as_its_month():
    # "2022年3月15日" must not also count as the end of March.
    assert resolve_dates("2022年3月15日", None) == [date(2022, 3, 15)]
    assert resolve_dates("3月15日", 2021) == [date(2021, 3, 15)]
    assert resolve_dates("2021年6月底、2022年9月底", None) == [date(2021, 6, 30), date(2022, 9, 30)]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_any_written_day_is_that_day(day, chinese):
    month = written(day.month) if chinese else str(day.month)
    dom = written(day.day) if chinese else str(day.day)
    assert parse_deadline(f"{day.year}年{month}月{dom}日前", None).date == day
    assert parse_deadline(f"{month}月{dom}日前", day.year).date == day


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=12))
def test_a_month_end_is_the_last_day_on_the_calendar(year, month):
    last = calendar.monthrange(year, month)[1]
    assert parse_deadline(f"{year}年{month}月底前", None).date == date(year, month, last)
    assert parse_deadline(f"{written(month)}月底", year).date == date(year, month, last)


# Deadlines found in the running text of a clause: only forms that read as a deadline count.
@pytest.mark.parametrize(
    "text,year,found,day,ongoing",
    [
        ("2020年年底，全市规模以上企业均达到100%。", None, "2020年年底", date(2020, 12, 31), False),
        ("力争2021年第三季度前完成。", None, "2021年第三季度前", date(2021, 9, 30), False),
        ("于2021年10月15日前完成评估。", None, "2021年10月15日前", date(2021, 10, 15), False),
        ("2021年6月底，全面完成。", None, "2021年6月底", date(2021, 6, 30), False),
        ("6月15日前报送市安委办。", 2021, "6月15日前", date(2021, 6, 15), False),
        ("6月底，完成整治。", 2021, "6月底", date(2021, 6, 30), False),
        ("今年底前完成。", 2021, "今年底前", date(2021, 12, 31), False),
        ("各县区年底前完成。", 2021, "年底前", date(2021, 12, 31), False),
        ("年内完成全部整改。", 2021, "年内", date(2021, 12, 31), False),
        ("加强巡查，长期坚持。", 2021, "长期坚持", None, True),
        ("健全机制（持续推进）", 2021, "持续推进", None, True),
    ],
)
def test_deadlines_in_running_text(text, year, found, day, ongoing):
    deadline = find_deadline(text, year)
    assert (deadline.text, deadline.date, deadline.ongoing) == (found, day, ongoing)


@pytest.mark.parametrize(
    "text",
    [
        "3月5日召开全市安全生产会议。",
        "每年底前报送总结。",
        "坚持长期坚持的做法。",
        "持续推进工作机制建设。",
        "开展检查",
    ],
)
def test_dates_that_are_not_deadlines_in_running_text(text):
    assert find_deadline(text, 2021) is None


def test_a_later_date_is_read_after_an_earlier_one_whose_month_was_already_taken():
    # "2022年3月" is part of the day already read; the month pattern must go on to "2022年6月底".
    assert parse_deadline("2022年3月15日前完成排查，2022年6月底前完成整改", None).date == date(2022, 6, 30)
    assert resolve_dates("2022年3月15日前完成排查，2022年6月底前完成整改", None) == [
        date(2022, 3, 15),
        date(2022, 6, 30),
    ]


@pytest.mark.parametrize(
    "text",
    ["2021年6月底2022年3月15日", "2022年3月15日2021年6月底"],
)
def test_two_dates_written_edge_to_edge_are_both_read(text):
    # A cell whose two lines were joined: the dates touch but do not overlap.
    assert sorted(resolve_dates(text, None)) == [date(2021, 6, 30), date(2022, 3, 15)]


@pytest.mark.parametrize(
    "text,kept",
    [
        ("、2021年底前，", "2021年底前"),
        ("，长期坚持、", "长期坚持"),
        (" 2021年底前；。", "2021年底前"),
        ("2021年底前完成，长期坚持", "2021年底前完成，长期坚持"),
    ],
)
def test_a_fields_edge_punctuation_is_not_its_text_but_inner_punctuation_is(text, kept):
    assert parse_deadline(text, 2021).text == kept


@pytest.mark.parametrize(
    "text,day",
    [
        ("2021年至2022年3月15日", date(2022, 3, 15)),
        ("2021—2022年6月底", date(2022, 6, 30)),
        ("2021-2022年第三季度", date(2022, 9, 30)),
        ("2021至2022年上半年", date(2022, 6, 30)),
        # A span that ends with its year still ends on the year's last day.
        ("2021-2023年底", date(2023, 12, 31)),
    ],
)
def test_a_span_of_years_ending_in_a_month_a_day_or_a_quarter_ends_there(text, day):
    assert resolve_dates(text, None) == [day]
    assert parse_deadline(text, None).date == day


def test_only_punctuation_and_spaces_are_stripped_from_a_fields_edges():
    # "X光机" (an X-ray machine) starts with a Latin letter: it is the field's text, not an edge mark.
    assert parse_deadline("X光机年底前完成检测", 2021).text == "X光机年底前完成检测"
    assert parse_deadline("年底前完成CT、X", 2021).text == "年底前完成CT、X"
