"""Disclosure rules for penalty decisions — pure functions, no ORM.

Safety Law art. 78 ¶2: a safety penalty decision is published within 7 working days of the decision; the
working days come from the duties calendar (statutory holidays and make-up days). Natural persons' personal
data is masked on the public page: the name keeps its first character (张** ), identity numbers and phone
numbers are never shown, and an individual business is shown by its name only.
"""

from __future__ import annotations

import datetime as dt

from anze.duties.calendar import add_workdays

DISCLOSURE_WORKDAYS = 7


def disclosure_due(decided_on: dt.date) -> dt.date:
    """The last day to publish a decision made on `decided_on` (the 7th working day after it)."""
    return add_workdays(decided_on, DISCLOSURE_WORKDAYS)


def is_late(decided_on: dt.date, published_on: dt.date | None, today: dt.date) -> bool:
    """Late when published after the due day, or still unpublished after it."""
    due = disclosure_due(decided_on)
    return (published_on or today) > due


def mask_name(name: str) -> str:
    """A natural person's name for the public: the first character, the rest as asterisks (at least one)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
