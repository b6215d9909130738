"""The holiday-arrangement format (节假日安排): text, CSV or xlsx in, checked days out. Pure, no ORM.

One line (or row) per holiday or run of holidays, and one per make-up working day, as the 国务院办公厅
notice lists them:

    # 2027年部分节假日安排（国办发明电〔2026〕X号）
    2027-01-01            休  元旦
    2027-02-05~2027-02-11 休  春节
    2027-02-14            班  春节

- the date: `2027-02-05`, `2027/2/5`, `2027年2月5日`, or a run `起~止` (also `至`, `～`, `..`, `—`);
- the kind: `休` (also 放假, 假) for a holiday, `班` (also 上班, 调休上班) for a make-up working day;
- the holiday's name, optional; the kind and the name may come in either order.

Text separates the columns by spaces, tabs or commas; CSV (UTF-8 or GB18030) and xlsx (the first sheet)
use three columns 日期, 类型, 节日, with or without a header row. `#` starts a comment. Every error names
its line; nothing is saved unless the whole file is right (docs/duties.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from anze.duties.calendar import DayKind

MAX_RUN_DAYS = 15
_KINDS = {
    "休": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
}
_RANGE = re.compile(r"\s*(?:~|～|至|\.\.|—|–)\s*")
_DATE = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?$")
_HEADER_WORDS = ("日期", "date")


@dataclass(frozen=True)
class ArrangementDay:
    """One day of the arrangement and the line it came from."""

    day: dt.date
    kind: DayKind
    name: str
    line: int


@dataclass
class ArrangementFormatError(ValueError):
    """The file cannot be used; `errors` lists (line, message) for every problem found."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    code = "invalid_holiday_arrangement"

    def __str__(self) -> str:
        return "；".join(f"第 {line} 行：{message}" if line else message for line, message in self.errors)


def _date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _rows_from_text(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            # A run may be written with spaces around its separator ("2027-02-05 至 2027-02-11").
            line = _RANGE.sub("~", line)
            rows.append((number, [cell for cell in re.split(r"[\s,，;；]+", line) if cell]))
    return rows


def _rows_from_csv(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cleaned = [cell.strip() for cell in cells]
        if cleaned and cleaned[0].startswith("#"):
            continue
        if any(cleaned):
            rows.append((number, [cell for cell in cleaned if cell]))
    return rows


def _rows_from_xlsx(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ArrangementFormatError([(0, f"无法读取 xlsx 文件：{exc}")]) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for value in values[:3]:
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                cells.append(value.isoformat())
            elif value is not None and str(value).strip():
                cells.append(str(value).strip())
        if cells and not cells[0].startswith("#"):
            rows.append((number, cells))
    workbook.close()
    return rows


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ArrangementFormatError([(0, "文件不是 UTF-8 或 GB18030 编码的文本。")])


def read_rows(content: bytes, filename: str = "") -> list[tuple[int, list[str]]]:
    """The non-empty rows of a text, CSV or xlsx file, with their line numbers."""
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return _rows_from_xlsx(content)
    text = _decode(content)
    if filename.lower().endswith(".csv"):
        return _rows_from_csv(text)
    return _rows_from_text(text)


def _expand(cell: str) -> tuple[dt.date, dt.date] | str:
    parts = _RANGE.split(cell.strip())
    if len(parts) > 2:
        return f"“{cell}”不是一个日期或日期区间。"
    first = _date(parts[0])
    last = _date(parts[-1])
    if first is None or last is None:
        return f"“{cell}”不是日期（写作 2027-02-05，区间写作 2027-02-05~2027-02-11）。"
    if last < first:
        return f"区间“{cell}”的结束日期早于开始日期。"
    if (last - first).days + 1 > MAX_RUN_DAYS:
        return f"区间“{cell}”超过 {MAX_RUN_DAYS} 天，请检查日期。"
    return first, last


def parse_arrangement(rows: list[tuple[int, list[str]]], *, year: int) -> list[ArrangementDay]:
    """Check every row and return the arrangement's days; ArrangementFormatError lists every problem."""
    errors: list[tuple[int, str]] = []
    days: dict[dt.date, ArrangementDay] = {}
    earliest = dt.date(year - 1, 12, 1)  # 元旦 may begin in the last days of the year before
    latest = dt.date(year, 12, 31)
    for index, (line, cells) in enumerate(rows):
        if index == 0 and cells and any(word in cells[0].lower() for word in _HEADER_WORDS):
            continue  # a header row
        span = _expand(cells[0])
        if isinstance(span, str):
            errors.append((line, span))
            continue
        kinds = [_KINDS[cell] for cell in cells[1:] if cell in _KINDS]
        names = [cell for cell in cells[1:] if cell not in _KINDS]
        if len(kinds) != 1:
            errors.append((line, "请写明是“休”（放假）还是“班”（调休上班），且只写一个。"))
            continue
        kind = kinds[0]
        name = " ".join(names)[:20]
        first, last = span
        day = first
        while day <= last:
            if not earliest <= day <= latest:
                errors.append(
                    (line, f"{day:%Y-%m-%d} 不在 {year} 年的安排内（元旦假期可从上一年12月开始）。")
                )
            elif kind == DayKind.WORKDAY and day.weekday() < 5:
                errors.append((line, f"{day:%Y-%m-%d} 本来就是工作日，不必列为调休上班日。"))
            elif day in days:
                errors.append((line, f"{day:%Y-%m-%d} 已在第 {days[day].line} 行列出。"))
            else:
                days[day] = ArrangementDay(day, kind, name, line)
            day += dt.timedelta(days=1)
    if not errors and not any(d.kind == DayKind.HOLIDAY for d in days.values()):
        errors.append((0, f"没有找到 {year} 年的放假日期；请按格式逐行填写（见说明）。"))
    if errors:
        raise ArrangementFormatError(errors)
    return sorted(days.values(), key=lambda d: d.day)


def parse_file(content: bytes, *, year: int, filename: str = "") -> list[ArrangementDay]:
    """Read and check a text, CSV or xlsx file of one year's arrangement."""
    return parse_arrangement(read_rows(content, filename), year=year)


def format_days(days: list[tuple[dt.date, str, str]]) -> str:
    """The days (date, kind, name) written back in the text format, runs of holidays joined."""
    lines: list[str] = []
    run: list[tuple[dt.date, str, str]] = []

    def flush() -> None:
        if run:
            first, last = run[0][0], run[-1][0]
            span = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d}~{last:%Y-%m-%d}"
            word = "休" if run[0][1] == DayKind.HOLIDAY else "班"
            lines.append(f"{span} {word} {run[0][2]}".rstrip())
            run.clear()

    for entry in sorted(days):
        day, kind, name = entry
        if run and (
            kind != DayKind.HOLIDAY
            or run[-1][1] != kind
            or run[-1][2] != name
            or day - run[-1][0] != dt.timedelta(days=1)
        ):
            flush()
        run.append(entry)
        if kind != DayKind.HOLIDAY:
            flush()
    flush()
    return "\n".join(lines)
