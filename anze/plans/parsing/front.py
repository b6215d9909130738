"""The document's front matter: title, document number (文号), issuers (发文机关) and issue date (成文日期)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .deadlines import to_int
from .names import split_concatenated_orgs
from .text import TERMINAL_PUNCTUATION


@dataclass
class Line:
    """One line of the document: its canonical text and the text as written."""

    text: str
    original: str
    table: list[list[str]] | None = None


@dataclass
class FrontMatter:
    """What precedes the tasks: title, 文号, issuers, date; `body_start` is the first body line."""

    title: str = ""
    original_title: str = ""
    doc_number: str | None = None
    issued_on: date | None = None
    issuers: list[str] = field(default_factory=list)
    body_start: int = 0


DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12}?)[〔［（【](?P<year>\d{4})[〕］）】]\s*第?(?P<serial>\d{1,4})\s*号"
)
_DATE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
_CN_DATE = re.compile(
    r"^(?P<y>[〇零○O一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日$"
)
_PRINTED_DATE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日印发$")
_TITLE_END = re.compile(
    r"(?:方案|分工|清单|任务|措施|计划|要点|意见|安排|细则|办法|责任书|分解表|台账|一览表|责任表|任务表|规划|"
    r"分工表|责任分工)$"
)
_ORG_LINE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff（）]{2,30}?(?:办公室|办公厅|委员会|人民政府|政府|管委会|党委|安委会|局|厅|委|部|院|办)"
    r"(?:文件)?$"
)
_MARKER_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|（[一二三四五六七八九十\d]{1,3}）|\d{1,3}[.、]|第[一二三四五六七八九十]+(?:部分|章))"
)
_QUOTED_TITLE = re.compile(r"《(?P<title>[^《》]{6,120})》")


def parse_cn_year(token: str) -> int | None:
    """Read a year written in Chinese digits, e.g. 二〇二〇."""
    digits = {"〇": "0", "零": "0", "○": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
    try:
        return int("".join(digits[c] for c in token))
    except KeyError:
        return None


def parse_date_line(text: str) -> date | None:
    """Return the date of a line that is only a date (2020年11月11日 or 二〇二〇年十一月十一日)."""
    match = _DATE.match(text)
    year: int | None
    if match:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    else:
        match = _CN_DATE.match(text)
        if not match:
            return None
        year, month_n, day_n = parse_cn_year(match["y"]), to_int(match["m"]), to_int(match["d"])
        if year is None or month_n is None or day_n is None:
            return None
        month, day = month_n, day_n
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_doc_number(lines: list[Line]) -> str | None:
    """Return the first document number (文号), brackets written as 〔〕: 办字〔2020〕23号."""
    for line in lines:
        match = DOC_NUMBER.search(line.text)
        if match:
            return f"{match['prefix']}〔{match['year']}〕{match['serial']}号"
    return None


def is_org_line(text: str) -> bool:
    """Return whether a line is only the name(s) of issuing bodies."""
    return bool(_ORG_LINE.match(text)) and not _MARKER_START.match(text)


def find_issuers(lines: list[Line], limit: int) -> tuple[date | None, list[str], int | None]:
    """Find the signature block: the first standalone date before `limit` and the bodies above it."""
    for index in range(min(limit, len(lines))):
        issued = parse_date_line(lines[index].text)
        if issued is None:
            continue
        issuers: list[str] = []
        cursor = index - 1
        while cursor >= 0 and index - cursor <= 4 and is_org_line(lines[cursor].text):
            issuers[:0] = split_concatenated_orgs(lines[cursor].text)
            cursor -= 1
        return issued, issuers, index
    return None, [], None


def header_issuers(lines: list[Line], limit: int) -> list[str]:
    """Issuers from the masthead (发文机关标志) such as 中共临沂市委办公室文件, when no signature is found."""
    found: list[str] = []
    for line in lines[: min(limit, 6)]:
        if DOC_NUMBER.search(line.text):
            break
        if is_org_line(line.text):
            found.extend(split_concatenated_orgs(re.sub(r"文件$", "", line.text)))
    return found


def _is_title_candidate(text: str) -> bool:
    return (
        6 <= len(text) <= 90
        and bool(_TITLE_END.search(text))
        and not any(c in text for c in TERMINAL_PUNCTUATION + "：，《")
        and not _MARKER_START.match(text)
        and "关于印发" not in text
    )


def _is_title_fragment(text: str) -> bool:
    return (
        0 < len(text) <= 45
        and not any(c in text for c in TERMINAL_PUNCTUATION + "：，")
        and not _MARKER_START.match(text)
        and parse_date_line(text) is None
        and not DOC_NUMBER.search(text)
        and not is_org_line(text)
        and not text.startswith(("（", "〔", "【"))
    )


def find_title(lines: list[Line], first_marker: int) -> tuple[str, str, int | None]:
    """Return (title, original, index of its last line); the plan title is the last candidate before the tasks."""
    preamble = "".join(line.text for line in lines[: max(first_marker, 1)])
    quoted = [m["title"] for m in _QUOTED_TITLE.finditer(preamble)]
    # A notice whose own text has numbered items: the plan starts at the line repeating the quoted title.
    for wanted in quoted:
        for index in range(first_marker, len(lines)):
            if lines[index].text == wanted:
                return wanted, lines[index].original, index
    candidates = [i for i in range(first_marker) if _is_title_candidate(lines[i].text)]
    if candidates:
        end = candidates[-1]
        start = end
        while start > 0 and end - start < 2 and _is_title_fragment(lines[start - 1].text):
            joined = "".join(line.text for line in lines[start - 1 : end + 1])
            if len(joined) > 90:
                break
            start -= 1
        title = "".join(line.text for line in lines[start : end + 1])
        for wanted in quoted:
            if wanted.endswith(lines[end].text) and title.endswith(wanted):
                title = wanted
        original = "\n".join(line.original for line in lines[start : end + 1])
        return title, original, end
    if quoted:
        return quoted[0], quoted[0], None
    for index, line in enumerate(lines[: max(first_marker, 1)]):
        if not (DOC_NUMBER.search(line.text) or parse_date_line(line.text) or is_org_line(line.text)):
            return line.text, line.original, index
    return "", "", None


def read_front_matter(lines: list[Line], first_marker: int) -> FrontMatter:
    """Read the title, 文号, issuers and date that precede the first task marker."""
    title, original_title, title_end = find_title(lines, first_marker)
    body_start = first_marker if title_end is None else title_end + 1
    limit = body_start if title_end is not None else first_marker
    issued_on, issuers, _ = find_issuers(lines, limit)
    if not issuers:
        issuers = header_issuers(lines, limit)
    return FrontMatter(
        title=title,
        original_title=original_title,
        doc_number=find_doc_number(lines[: max(limit, 1)]) or find_doc_number(lines[:10]),
        issued_on=issued_on,
        issuers=issuers,
        body_start=body_start,
    )


def printed_date(lines: list[Line]) -> date | None:
    """Return the 印发 date of the colophon (版记), used when no signature date is found."""
    for line in reversed(lines):
        match = _PRINTED_DATE.search(line.text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None
