"""The escalation ladder as pure functions: thresholds, backoff, quiet hours, lights, document numbers.

No ORM here, so the rules can be tested alone (hypothesis). The set-based engine (engine.py) turns the
thresholds into a handful of INSERT … SELECT / UPDATE statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

IsWorkday = Callable[[dt.date], bool]


@dataclass(frozen=True)
class Rungs:
    """The policy numbers the ladder needs (from an EscalationPolicy)."""

    remind_workdays: int  # remind when due within this many working days
    case_after_workdays: int  # open a 督办 case when overdue more than this many working days
    case_deadline_workdays: int  # the case's own deadline, in working days after it opens


@dataclass(frozen=True)
class Thresholds:
    """Dates that split occurrences into rungs for one day.

    remind:  today <= due_on <= remind_until      (open)
    urge:    due_on < today                       (open, overdue)
    case:    due_on < case_due_before             (open, overdue more than M working days)
    """

    today: dt.date
    remind_until: dt.date
    case_due_before: dt.date
    case_deadline: dt.date


def add_workdays(day: dt.date, count: int, is_workday: IsWorkday) -> dt.date:
    """The `count`-th working day after `day` (`day` itself not counted); 0 gives `day` rolled forward."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        while not is_workday(day):
            day += dt.timedelta(days=1)
        return day
    found = 0
    while found < count:
        day += dt.timedelta(days=1)
        if is_workday(day):
            found += 1
    return day


def nth_workday_back(day: dt.date, count: int, is_workday: IsWorkday) -> dt.date:
    """The `count`-th working day counting back from `day` inclusive (count >= 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    found = 0
    while True:
        if is_workday(day):
            found += 1
            if found == count:
                return day
        day -= dt.timedelta(days=1)


def workdays_after(start: dt.date, end: dt.date, is_workday: IsWorkday) -> int:
    """Working days d with start < d <= end."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count


def thresholds(today: dt.date, rungs: Rungs, is_workday: IsWorkday) -> Thresholds:
    """The day's cut dates: an occurrence due before `case_due_before` is overdue more than M working days."""
    return Thresholds(
        today=today,
        remind_until=add_workdays(today, rungs.remind_workdays, is_workday)
        if rungs.remind_workdays
        else today,
        case_due_before=nth_workday_back(today, rungs.case_after_workdays + 1, is_workday),
        case_deadline=add_workdays(today, rungs.case_deadline_workdays, is_workday),
    )


def backoff_seconds(attempts: int, base: int = 60, cap: int = 6 * 3600) -> int:
    """Wait before the next try after `attempts` failures: base, 2·base, 4·base … up to `cap`."""
    if attempts < 1:
        return 0
    return min(cap, base * 2 ** min(attempts - 1, 30))


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in local time when non-urgent messages wait (e.g. 22:00–07:00)."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """ "22:00-07:00" → QuietHours; "" → None (no quiet hours)."""
        text = text.strip()
        if not text:
            return None
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError as exc:
            raise ValueError(f"quiet hours must look like 22:00-07:00, not {text!r}") from exc
        return cls(start, end)

    def contains(self, moment: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def end_after(self, local: dt.datetime) -> dt.datetime:
        """The first moment at or after `local` outside the window (local stays in its own tz)."""
        if not self.contains(local.timetz().replace(tzinfo=None)):
            return local
        candidate = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += dt.timedelta(days=1)
        return candidate


def light(*, open_cases: int, overdue: int) -> str:
    """红灯 with an open 督办 case, 黄灯 with an overdue item not yet a case, 绿灯 otherwise."""
    if open_cases > 0:
        return "red"
    if overdue > 0:
        return "yellow"
    return "green"


def document_number(prefix: str, year: int, sequence: int) -> str:
    """An official document number, e.g. 临安委办督〔2026〕3号."""
    return f"{prefix}〔{year}〕{sequence}号"


def idempotency_key(event: str, obj: str, recipient: str, channel: str, period: str) -> str:
    """The key that makes a message unique: the same event never goes twice to the same place."""
    return f"{event}:{obj}:{recipient}:{channel}:{period}"
