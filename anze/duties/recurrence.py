"""Recurrence (重复规则): RFC 5545 RRULE strings turned into calendar periods with working-day due dates.

Pure functions, no ORM. A recurring duty is owed once per calendar period of its rule (month, quarter,
half year, year, N years); the period's last day, rolled to a working day, is the due date. "至少每季度
召开1次" is FREQ=MONTHLY;INTERVAL=3 with a count of 1 per period. Event-triggered duties are due N days,
N working days or N months after the event. Coverage cycles plan which members of a set are covered in
which year so every member is covered once per cycle.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from anze.duties.calendar import Roll, WorkingCalendar, active

_ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYMONTHDAY", "BYMONTH"}
MAX_DAY = 28  # a day every month has; "the last day" is BYMONTHDAY=-1
_MONTH_INTERVALS = (1, 2, 3, 4, 6, 12)
MAX_YEARS = 10


class RuleError(ValueError):
    """A rule that cannot be parsed or has no calendar periods; `code` is stable, `message_zh` is shown."""

    def __init__(self, code: str, message_zh: str) -> None:
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"{code}: {message_zh}")


@dataclass(frozen=True)
class Rule:
    """A parsed rule: its frequency and interval decide the period; COUNT and UNTIL end the series."""

    text: str
    freq: str  # MONTHLY | YEARLY | WEEKLY
    interval: int = 1
    count: int | None = None  # RFC 5545 COUNT: how many periods in all
    until: dt.date | None = None
    # The due day within the period's last month (BYMONTHDAY, 1…28 or -1 for the last day) and, for yearly
    # rules, the month of the period's last year (BYMONTH). None: the period's last day.
    day: int | None = None
    month: int | None = None

    @property
    def months(self) -> int:
        """Length of the period in months (0 for weekly rules)."""
        if self.freq == "MONTHLY":
            return self.interval
        if self.freq == "YEARLY":
            return 12 * self.interval
        return 0

    @property
    def label(self) -> str:
        """每月, 每季度, 每半年, 每年, 每3年, 每周 …"""
        names = {1: "每月", 2: "每两个月", 3: "每季度", 4: "每四个月", 6: "每半年", 12: "每年"}
        if self.freq == "WEEKLY":
            return "每周"
        if self.months in names:
            return names[self.months]
        return f"每{self.months // 12}年"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period, both ends included."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True, order=True)
class Scheduled:
    """One period of a rule with its due date."""

    period_start: dt.date
    period_end: dt.date
    due_on: dt.date


def parse_rule(text: str) -> Rule:
    """Parse and validate an RRULE (with or without the "RRULE:" prefix); RuleError when it cannot be used."""
    cleaned = (text or "").strip().upper()
    if cleaned.startswith("RRULE:"):
        cleaned = cleaned[len("RRULE:") :]
    if not cleaned:
        raise RuleError("empty_rule", "重复规则不能为空。")
    try:
        rrulestr(cleaned, dtstart=dt.datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise RuleError(
            "invalid_rule", f"无法解析重复规则“{text}”，请按“FREQ=MONTHLY;INTERVAL=3”的格式填写（{exc}）。"
        ) from exc
    # rrulestr has refused empty parts, spaces around "=", an empty value and a rule without FREQ.
    parts = dict(chunk.split("=", 1) for chunk in cleaned.split(";"))
    unsupported = sorted(set(parts) - _ALLOWED_PARTS)
    if unsupported:
        raise RuleError(
            "unsupported_rule",
            f"重复规则“{text}”含有暂不支持的部分：{', '.join(unsupported)}（仅支持按月、季、半年、年、N年）。",
        )
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    if interval < 1:
        raise RuleError("invalid_rule", f"重复规则“{text}”的间隔必须为正整数。")
    if freq == "MONTHLY" and interval not in _MONTH_INTERVALS:
        raise RuleError(
            "unsupported_rule", f"按月重复的间隔须整除12（1、2、3、4、6、12），而不是 {interval}。"
        )
    if freq == "YEARLY" and interval > MAX_YEARS:
        raise RuleError("unsupported_rule", f"按年重复的间隔不能超过 {MAX_YEARS} 年。")
    if freq == "WEEKLY" and interval != 1:
        raise RuleError("unsupported_rule", "按周重复只支持每周一次。")
    if freq not in ("MONTHLY", "YEARLY", "WEEKLY"):
        raise RuleError("unsupported_rule", f"重复频率 {freq} 没有对应的日历周期。")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = _parse_until(parts["UNTIL"]) if "UNTIL" in parts else None
    if count is not None and count < 1:
        raise RuleError("invalid_rule", "COUNT 必须为正整数。")
    day, month = _parse_due_day(text, freq, parts)
    return Rule(text=cleaned, freq=freq, interval=interval, count=count, until=until, day=day, month=month)


def _single_int(text: str, key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RuleError(
            "unsupported_rule", f"重复规则“{text}”的 {key} 只能是一个整数（暂不支持多个取值）。"
        ) from None


def max_due_day(month: int | None) -> int:
    """The last due day every year has in `month` (28 in February); 28 when the month varies."""
    return MAX_DAY if month is None else _calendar.mdays[month]  # mdays: February's 28


def _parse_due_day(text: str, freq: str, parts: dict[str, str]) -> tuple[int | None, int | None]:
    """BYMONTHDAY (and BYMONTH for yearly rules) name the due day in the period's last month or year."""
    day = _single_int(text, "BYMONTHDAY", parts["BYMONTHDAY"]) if "BYMONTHDAY" in parts else None
    month = _single_int(text, "BYMONTH", parts["BYMONTH"]) if "BYMONTH" in parts else None
    if month is not None and not 1 <= month <= 12:
        raise RuleError("invalid_rule", f"BYMONTH 须为 1 至 12 月，而不是 {month}。")
    top = max_due_day(month)
    if day is not None and not (1 <= day <= top or day == -1):
        raise RuleError(
            "unsupported_rule", f"截止日 BYMONTHDAY 须为 1 至 {top} 日，或 -1（当月最后一天），而不是 {day}。"
        )
    if freq == "WEEKLY" and (day is not None or month is not None):
        raise RuleError("unsupported_rule", "按周重复不支持指定截止日。")
    if freq == "MONTHLY" and month is not None:
        raise RuleError("unsupported_rule", "按月重复的截止日只用 BYMONTHDAY（本期最后一个月的第几日）。")
    if freq == "YEARLY" and (day is None) != (month is None):
        raise RuleError("unsupported_rule", "按年重复指定截止日时须同时给出 BYMONTH 和 BYMONTHDAY。")
    return day, month


def _parse_until(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError as exc:
        raise RuleError("invalid_rule", f"UNTIL 日期“{value}”无法解析。") from exc


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def period_containing(rule: Rule, day: dt.date, *, anchor_year: int | None = None) -> Period:
    """The period of `rule` that contains `day`. Multi-year periods start at `anchor_year` (the duty's start)."""
    if rule.freq == "WEEKLY":
        start = day - dt.timedelta(days=day.weekday())
        return Period(start, start + dt.timedelta(days=6))
    months = rule.months
    if months <= 12:
        first_month = ((day.month - 1) // months) * months + 1
        last_month = first_month + months - 1
        return Period(dt.date(day.year, first_month, 1), _month_end(day.year, last_month))
    years = months // 12
    anchor = day.year if anchor_year is None else anchor_year
    first_year = anchor + ((day.year - anchor) // years) * years
    return Period(dt.date(first_year, 1, 1), dt.date(first_year + years - 1, 12, 31))


def periods(rule: Rule, *, start: dt.date, until: dt.date, anchor_year: int | None = None) -> list[Period]:
    """The rule's periods from the one containing `start` to the last one beginning on or before `until`."""
    result: list[Period] = []
    current = period_containing(rule, start, anchor_year=anchor_year)
    while current.start <= until:
        if rule.count is not None and len(result) >= rule.count:
            break
        if rule.until is not None and current.start > rule.until:
            break
        result.append(current)
        # Periods tile time: the next one begins the day after, in its own first year (no anchor needed).
        current = period_containing(rule, current.end + dt.timedelta(days=1))
    return result


def nominal_due(period: Period, rule: Rule | None = None) -> dt.date:
    """The due day of a period before rolling: the day the rule names in the period's last month (monthly
    rules) or last year (yearly rules), else the period's last day."""
    if rule is None or rule.day is None:
        return period.end
    year = period.end.year
    month = rule.month if rule.month is not None else period.end.month
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if rule.day == -1 else rule.day)


def due_date(
    period: Period,
    rule: Roll | str = Roll.FOLLOWING,
    *,
    calendar: WorkingCalendar | None = None,
    due_rule: Rule | None = None,
) -> dt.date:
    """The due date of a period: its (or `due_rule`'s) due day, rolled to a working day."""
    return due_date_marked(period, rule, calendar=calendar, due_rule=due_rule)[0]


def due_date_marked(
    period: Period,
    rule: Roll | str = Roll.FOLLOWING,
    *,
    calendar: WorkingCalendar | None = None,
    due_rule: Rule | None = None,
) -> tuple[dt.date, bool]:
    """The due date of a period and whether it was computed under a provisional calendar (暂定)."""
    working = calendar or active()
    nominal = nominal_due(period, due_rule)
    due = working.roll(nominal, rule)
    return due, Roll(rule) != Roll.NONE and working.spans_provisional(nominal, due)


def schedule(
    rule: Rule,
    *,
    start: dt.date,
    until: dt.date,
    anchor_year: int | None = None,
    roll_rule: Roll | str = Roll.FOLLOWING,
    calendar: WorkingCalendar | None = None,
) -> list[Scheduled]:
    """Every period of the rule in [start, until] with its due date."""
    return [
        Scheduled(p.start, p.end, due_date(p, roll_rule, calendar=calendar, due_rule=rule))
        for p in periods(rule, start=start, until=until, anchor_year=anchor_year)
    ]


def preview_occurrences(
    rule: Rule,
    *,
    start: dt.date,
    until: dt.date,
    roll_rule: Roll | str = Roll.FOLLOWING,
    anchor_year: int | None = None,
    calendar: WorkingCalendar | None = None,
    limit: int | None = None,
) -> list[Scheduled]:
    """The periods of `rule` from `start` to `until` with their due dates, for showing before saving.

    `calendar` rolls a due day to a working day (the active working calendar by default). Nothing is
    written; pass a calendar to read nothing either.
    """
    working = calendar or active()
    result: list[Scheduled] = []
    for p in periods(rule, start=start, until=until, anchor_year=anchor_year):
        result.append(Scheduled(p.start, p.end, working.roll(nominal_due(p, rule), roll_rule)))
        if limit is not None and len(result) >= limit:
            break
    return result


# --- event-triggered duties -------------------------------------------------------------------------


class EventUnit(StrEnum):
    """How "within N …" after an event is counted."""

    DAYS = "days"  # 日（自然日）
    WORKDAYS = "workdays"  # 个工作日
    MONTHS = "months"  # 个月


def event_due(
    event_on: dt.date,
    within: int,
    unit: EventUnit | str,
    roll_rule: Roll | str = Roll.FOLLOWING,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.date:
    """The due date of work owed within `within` days / working days / months after an event."""
    return event_due_marked(event_on, within, unit, roll_rule, calendar=calendar)[0]


def event_due_marked(
    event_on: dt.date,
    within: int,
    unit: EventUnit | str,
    roll_rule: Roll | str = Roll.FOLLOWING,
    *,
    calendar: WorkingCalendar | None = None,
) -> tuple[dt.date, bool]:
    """The due date after an event and whether it was computed under a provisional calendar (暂定)."""
    if within < 0:
        raise RuleError("invalid_rule", "期限不能为负数。")
    working = calendar or active()
    unit = EventUnit(unit)
    if unit == EventUnit.WORKDAYS:
        due = working.add_workdays(event_on, within)
        return due, working.spans_provisional(event_on, due)
    target = event_on + (
        relativedelta(months=within) if unit == EventUnit.MONTHS else dt.timedelta(days=within)
    )
    due = working.roll(target, roll_rule)
    return due, Roll(roll_rule) != Roll.NONE and working.spans_provisional(target, due)


# --- coverage cycles --------------------------------------------------------------------------------


def plan_coverage(members: Iterable[str], *, first_year: int, years: int) -> dict[str, int]:
    """Which year of a cycle each member is covered in: deterministic (sorted) and even (sizes differ ≤ 1)."""
    if years < 1:
        raise RuleError("invalid_rule", "覆盖周期至少为1年。")
    ordered = sorted(set(members))
    return {member: first_year + (index % years) for index, member in enumerate(ordered)}


def add_to_coverage(
    plan: Mapping[str, int], new_members: Iterable[str], *, first_year: int, years: int, from_year: int
) -> dict[str, int]:
    """Place members who joined mid-cycle in the least-loaded remaining year (ties: the earliest)."""
    result = dict(plan)
    last_year = first_year + years - 1
    candidates = list(range(max(first_year, from_year), last_year + 1)) or [last_year]
    for member in sorted(set(new_members) - set(result)):
        load = Counter(result.values())
        result[member] = min(candidates, key=lambda year: (load[year], year))
    return result


def uncovered(plan: Mapping[str, int], covered: Iterable[str]) -> list[str]:
    """Members of the cycle not yet covered."""
    done = set(covered)
    return sorted(member for member in plan if member not in done)


def due_in_year(plan: Mapping[str, int], year: int, covered: Iterable[str]) -> list[str]:
    """Members planned for `year` or earlier and not yet covered (what must be done by the end of `year`)."""
    done = set(covered)
    return sorted(member for member, planned in plan.items() if planned <= year and member not in done)


def cycle_bounds(start_year: int, years: int, year: int) -> tuple[int, int]:
    """The first and last year of the cycle that contains `year` (cycles start at `start_year`)."""
    first = start_year + ((year - start_year) // years) * years
    return first, first + years - 1


def is_even(plan: Mapping[str, int]) -> bool:
    """Whether the years' sizes differ by at most one (years with nobody planned are not counted)."""
    counts = Counter(plan.values())
    return not counts or max(counts.values()) - min(counts.values()) <= 1
