"""Deadlines (完成时限): 2020年年底 → 2020-12-31, 6月底前 in the plan's year, 长期坚持 → ongoing."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .model import Deadline

_CN = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"


def to_int(token: str) -> int | None:
    """Read an Arabic or Chinese numeral up to 99: 12, 十二, 两, 二十一."""
    if token.isdigit():
        return int(token)
    if not token or any(c not in _CN and c != "十" for c in token) or token.count("十") > 1:
        return None
    if "十" not in token:
        return _CN[token] if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> date | None:
    return _month_end(year, quarter * 3) if 1 <= quarter <= 4 else None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


Y = r"(?<!\d)(?P<y>\d{4})\s*年"
_PART_OF_YEAR = rf"{NUM}月|第?[一二三四1-4]季度|上半年|下半年|年中"
# (pattern, resolver) in order of specificity; each resolver gets the match and the plan's year.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # A span of years ends on the last year's last day, unless a month, quarter or half of it follows.
    (re.compile(rf"(?P<y1>\d{{4}})\s*(?:年)?\s*[-—–~～至到]\s*{Y}(?!{_PART_OF_YEAR})(?:底|末)?"), "year_end"),
    (re.compile(rf"{Y}(?P<m>{NUM})月(?P<d>{NUM})日"), "day"),
    (re.compile(rf"{Y}(?:第)?(?P<q>[一二三四1-4])季度"), "quarter"),
    (re.compile(rf"{Y}(?:上半年|年中)"), "half1"),
    (re.compile(rf"{Y}下半年"), "year_end"),
    (re.compile(rf"{Y}(?P<m>{NUM})月(?P<part>上旬|中旬|下旬|底|末|份)?"), "month"),
    (re.compile(rf"{Y}(?:年底|底|年末|末|年内|全年|年度)"), "year_end"),
    (re.compile(rf"{Y}(?=前|以前|之前|内|完成)"), "year_end"),
    (re.compile(rf"(?<!\d)(?P<m>{NUM})月(?P<d>{NUM})日"), "day"),
    (re.compile(rf"(?<!\d)(?P<m>{NUM})月(?P<part>上旬|中旬|下旬|底|末|份)"), "month"),
    (re.compile(rf"(?<!\d)(?P<m>{NUM})月(?=前|以前|之前)"), "month"),
    (re.compile(r"(?<!\d年)第(?P<q>[一二三四1-4])季度|(?<!\d年)(?P<q2>[一二三四])季度末?"), "quarter"),
    (re.compile(r"(?<![\d年])(?:上半年|年中)"), "half1"),
    (re.compile(r"(?<![\d年])下半年"), "year_end"),
    (
        re.compile(
            r"(?:今年|本年|当年)(?:度)?(?:底|末|内)?|(?<![\d一二两三四五六七八九十半几数每])年(?:底|末|内)"
        ),
        "year_end",
    ),
]
_ONGOING = re.compile(
    r"长期坚持|持续推进|长期|持续|常态化|经常性|日常|定期|动态|每年|每季度?|每月|每半年|逐年"
)
_ONGOING_PHRASE = re.compile(
    r"^(?:长期坚持|持续推进|持续开展|长期推进|常态化推进|常态推进|长期开展|持续实施)$"
)
# In running text only forms that read as a deadline count: a bare "3月5日" may be a meeting date.
_YEAR = r"(?<!\d)\d{4}\s*年"
_TEXT_KINDS = re.compile(
    rf"{_YEAR}(?:年底|底|年末|末|年内|上半年|下半年|年中|第?[一二三四1-4]季度)(?:前)?"
    rf"|{_YEAR}{NUM}月(?:{NUM}日)?(?:底|末)?(?:前|以前|之前)"
    rf"|{_YEAR}{NUM}月(?:底|末)"
    rf"|(?<![\d年]){NUM}月(?:{NUM}日)?(?:底|末)?(?:前|以前|之前)"
    rf"|(?<![\d年]){NUM}月(?:底|末)"
    r"|(?:今年|本年)(?:底|末)前?|(?<![\d一二两三四五六七八九十半几数每度])年(?:底|末)前|(?:^|(?<=[，。；]))年内"
)


def _resolve(match: re.Match[str], kind: str, year: int | None) -> date | None:
    groups = match.groupdict()
    y = int(groups["y"]) if groups.get("y") else year
    if y is None:
        return None
    if kind == "day":
        month, day = to_int(groups["m"]), to_int(groups["d"])
        return _day(y, month, day) if month and day else None
    if kind == "month":
        month = to_int(groups["m"])
        if not month:
            return None
        part = groups.get("part")
        if part in {"上旬", "中旬"}:
            return _day(y, month, 10 if part == "上旬" else 20)
        return _month_end(y, month)
    if kind == "quarter":
        quarter = to_int(groups.get("q") or groups.get("q2") or "")
        return _quarter_end(y, quarter) if quarter else None
    if kind == "half1":
        return date(y, 6, 30)
    return date(y, 12, 31)


def resolve_dates(text: str, year: int | None) -> list[date]:
    """Return every date that a deadline text names, resolving yearless forms in `year`."""
    found: list[date] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            resolved = _resolve(match, kind, year)
            if resolved:
                found.append(resolved)
                taken.append(span)
    return found


def parse_deadline(text: str, year: int | None = None) -> Deadline | None:
    """Parse a 完成时限 field or column; the latest date named is the deadline."""
    text = text.strip(" 。；，、")
    if not text:
        return None
    dates = resolve_dates(text, year)
    return Deadline(text=text, date=max(dates) if dates else None, ongoing=bool(_ONGOING.search(text)))


def find_deadline(text: str, year: int | None = None) -> Deadline | None:
    """Find a deadline in the running text of a clause, e.g. "2020年年底，…均达到100%"."""
    match = _TEXT_KINDS.search(text)
    if match:
        span = match.group(0)
        dates = resolve_dates(span, year)
        return Deadline(text=span, date=max(dates) if dates else None, ongoing=False)
    for part in re.split(r"[，。；（）]", text):
        if _ONGOING_PHRASE.match(part):
            return Deadline(text=part, date=None, ongoing=True)
    return None
