"""The schedule choices a clerk makes (每月, 每季度 … on a given day, within N working days of an event) and
the rule fields they stand for. Pure functions, no ORM.

`to_rule(choice)` gives the RFC 5545 text and the holiday adjustment a choice means; `from_rule(...)` reads
them back, or gives None for a rule the choices cannot express (the page then shows the rule text, which
stays available for the unusual case). The due day of a period is named by BYMONTHDAY in the period's last
month (and BYMONTH in its last year for yearly rules), so the text means what RFC 5545 says it means
when the series starts at the first period's last month (or last year).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from anze.duties.recurrence import MAX_YEARS, Rule, RuleError, max_due_day, parse_rule


class Frequency(StrEnum):
    """How often (周期)."""

    MONTHLY = "monthly"  # 每月
    QUARTERLY = "quarterly"  # 每季度
    HALF_YEARLY = "half_yearly"  # 每半年
    YEARLY = "yearly"  # 每年
    YEARS = "years"  # 每N年
    EVENT = "event"  # 事件发生后N日/个工作日/个月内
    CUSTOM = "custom"  # 自定义规则（RFC 5545）


class DueOn(StrEnum):
    """Which day of the period the work is due (截止日)."""

    PERIOD_END = "period_end"  # 周期最后一天（遇节假日按“节假日调整”）
    LAST_WORKDAY = "last_workday"  # 周期最后一个工作日
    DAY = "day"  # 指定日期


PERIODIC = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY, Frequency.YEARS)
_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}
_BY_MONTHS = {months: frequency for frequency, months in _MONTHS.items()}
EVENT_UNITS = ("days", "workdays", "months")
FOLLOWING, PRECEDING = "following", "preceding"


class ChoiceError(ValueError):
    """A choice that does not hold together; `field` names the form field to fix, `message_zh` says how."""

    def __init__(self, field: str, code: str, message_zh: str) -> None:
        self.field = field
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"{field}: {code}: {message_zh}")


@dataclass(frozen=True)
class ScheduleChoice:
    """What the clerk picked."""

    frequency: Frequency
    years: int | None = None  # 每N年
    due: DueOn = DueOn.PERIOD_END
    day: int | None = None  # 1…28, or -1 for the last day of the month
    month: int | None = None  # for yearly rules: the month of the due day
    event_within: int | None = None
    event_unit: str = "workdays"
    roll: str = FOLLOWING  # what a due day on a rest day does (DueOn.LAST_WORKDAY always moves it earlier)
    rrule: str = ""  # Frequency.CUSTOM: the rule text as typed


@dataclass(frozen=True)
class RuleFields:
    """The duty rule fields a choice stands for."""

    rrule: str
    roll: str
    event_within: int | None = None
    event_unit: str = ""

    @property
    def is_event(self) -> bool:
        return self.event_within is not None


def _check(choice: ScheduleChoice) -> None:
    if choice.frequency == Frequency.YEARS and (choice.years is None or not 2 <= choice.years <= MAX_YEARS):
        raise ChoiceError("every_years", "years_range", f"“每N年”的 N 须为 2 至 {MAX_YEARS}。")
    if choice.frequency in PERIODIC and choice.due == DueOn.DAY:
        yearly = choice.frequency in (Frequency.YEARLY, Frequency.YEARS)
        if yearly and (choice.month is None or not 1 <= choice.month <= 12):
            raise ChoiceError("due_month", "month_required", "按年的职责指定截止日时须选月份（1 至 12 月）。")
        top = max_due_day(choice.month if yearly else None)
        if choice.day is None or not (1 <= choice.day <= top or choice.day == -1):
            raise ChoiceError(
                "due_day",
                "day_range",
                f"截止日须为 1 至 {top} 日（月底请选“周期最后一天”或“最后一个工作日”）。",
            )
    if choice.frequency == Frequency.EVENT:
        if choice.event_within is None or choice.event_within < 1:
            raise ChoiceError(
                "event_within", "event_within_required", "请填写事件发生后几日内完成（至少 1）。"
            )
        if choice.event_unit not in EVENT_UNITS:
            raise ChoiceError("event_unit", "event_unit_required", "请选择期限单位（日、个工作日或个月）。")


def to_rule(choice: ScheduleChoice) -> RuleFields:
    """The rule fields a choice means; ChoiceError naming the field when it does not hold together."""
    _check(choice)
    if choice.frequency == Frequency.EVENT:
        return RuleFields("", choice.roll, choice.event_within, choice.event_unit)
    if choice.frequency == Frequency.CUSTOM:
        try:
            rule = parse_rule(choice.rrule)
        except RuleError as exc:
            raise ChoiceError("rrule", exc.code, exc.message_zh) from exc
        return RuleFields(rule.text, choice.roll)
    if choice.frequency in _MONTHS:
        months = _MONTHS[choice.frequency]
        text = "FREQ=MONTHLY" + (f";INTERVAL={months}" if months > 1 else "")
    else:
        years = choice.years if choice.frequency == Frequency.YEARS else 1
        text = "FREQ=YEARLY" + (f";INTERVAL={years}" if years and years > 1 else "")
    roll = choice.roll
    if choice.due == DueOn.DAY:
        if choice.frequency in (Frequency.YEARLY, Frequency.YEARS):
            text += f";BYMONTH={choice.month}"
        text += f";BYMONTHDAY={choice.day}"
    elif choice.due == DueOn.LAST_WORKDAY:
        roll = PRECEDING
    return RuleFields(text, roll)


def from_rule(rrule: str, roll: str, event_within: int | None = None, event_unit: str = "") -> ScheduleChoice:
    """The choice a rule's fields stand for; Frequency.CUSTOM (with the text) when no choice expresses it."""
    if event_within is not None and not (rrule or "").strip():
        return ScheduleChoice(
            Frequency.EVENT, event_within=event_within, event_unit=event_unit or "workdays", roll=roll
        )
    custom = ScheduleChoice(Frequency.CUSTOM, roll=roll, rrule=(rrule or "").strip().upper())
    try:
        rule = parse_rule(rrule)
    except RuleError:
        return custom
    if rule.count is not None or rule.until is not None or rule.freq == "WEEKLY" or "WKST" in rule.text:
        return custom
    frequency, years = _frequency(rule)
    if frequency is None:
        return custom
    if rule.day is not None:
        due, day, month = DueOn.DAY, rule.day, rule.month
    elif roll == PRECEDING:
        due, day, month = DueOn.LAST_WORKDAY, None, None
    else:
        due, day, month = DueOn.PERIOD_END, None, None
    choice = ScheduleChoice(frequency, years=years, due=due, day=day, month=month, roll=roll)
    made = to_rule(choice)
    return choice if made.roll == roll and _meaning(parse_rule(made.rrule)) == _meaning(rule) else custom


def _meaning(rule: Rule) -> tuple:
    return (rule.freq, rule.interval, rule.count, rule.until, rule.day, rule.month)


def _frequency(rule: Rule) -> tuple[Frequency | None, int | None]:
    if rule.freq == "MONTHLY":
        return _BY_MONTHS.get(rule.interval), None
    if rule.interval == 1:
        return Frequency.YEARLY, None
    return Frequency.YEARS, rule.interval
