"""The office's holiday arrangements (节假日安排) and the due dates that depend on them.

`refresh_calendar()` loads the arrangements into the working-day calendar (anze.duties.calendar) and
makes it the active one; the tick, event triggers and the pages call it before computing dates. A year
without an arrangement and without package data is provisional (暂定): occurrences whose due dates were
computed under it carry `due_provisional`.

The changes are service functions like the rest of the app: atomic, `actor=` keyword-only, exactly one
audit event each. Entering a year's arrangement recomputes, in the same transaction, the due dates of the
untouched occurrences that depend on it (set-based UPDATEs, one per new due date) and lists the touched
ones whose date would change; the office settles those one way or the other (`settle_touched_due_dates`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.duties.calendar import (
    SOURCE_LABELS,
    DayKind,
    Roll,
    Source,
    WorkingCalendar,
    YearArrangement,
    activate,
)
from anze.duties.choices import ArrangementSource, DutyKind, EventUnit
from anze.duties.errors import ConcurrentChangeError, DutyError, NotAllowedError
from anze.duties.holiday_format import ArrangementDay
from anze.duties.models import DutyRule, HolidayArrangement, HolidayDay, Occurrence, can_manage_holidays
from anze.duties.recurrence import Period, due_date_marked, event_due_marked

_loaded: tuple[Any, WorkingCalendar] | None = None
UPDATE_GROUPS = 200  # (rule, period) groups per UPDATE statement


def refresh_calendar() -> WorkingCalendar:
    """Load the office's arrangements (when they changed) and make that calendar the active one."""
    global _loaded
    stamp = tuple(
        HolidayArrangement.objects.aggregate(n=Count("id"), last=Max("updated_at"), v=Sum("version")).values()
    )
    if _loaded is None or _loaded[0] != stamp:
        years: dict[int, dict[str, set[dt.date]]] = defaultdict(lambda: {"holiday": set(), "workday": set()})
        for year in HolidayArrangement.objects.values_list("year", flat=True):
            years[year]  # a year is the office's even before its days are read
        for year, day, kind in HolidayDay.objects.values_list("arrangement__year", "day", "kind"):
            years[year][kind].add(day)
        _loaded = (
            stamp,
            WorkingCalendar(
                [
                    YearArrangement(year, frozenset(days["holiday"]), frozenset(days["workday"]))
                    for year, days in years.items()
                ]
            ),
        )
    return activate(_loaded[1])


def forget_calendar() -> None:
    """Drop the loaded arrangements (the next refresh reads them again)."""
    global _loaded
    _loaded = None
    activate(WorkingCalendar())


# --- what the pages show -----------------------------------------------------------------------------


def year_status(year: int, *, calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """A year's source of working days and how many due dates are still provisional in it."""
    working = calendar or refresh_calendar()
    source = working.source(year)
    provisional = Occurrence.objects.filter(
        due_provisional=True, due_on__gte=dt.date(year, 1, 1), due_on__lte=dt.date(year, 12, 31)
    )
    return {
        "year": year,
        "source": source.value,
        "source_label": SOURCE_LABELS[source],
        "provisional": source == Source.PROVISIONAL,
        "provisional_count": provisional.count(),
        "touched_count": touched_to_settle(working).filter(due_on__year=year).count(),
    }


def touched_to_settle(calendar: WorkingCalendar | None = None):
    """Touched occurrences with a provisional due date whose year now has an arrangement (for the office)."""
    working = calendar or refresh_calendar()
    years = [a.year for a in working.arrangements]
    if not years:
        return Occurrence.objects.none()
    in_years = Q()
    for year in years:
        in_years |= Q(due_on__gte=dt.date(year - 1, 12, 1), due_on__lte=dt.date(year, 12, 31))
    return Occurrence.objects.filter(in_years, due_provisional=True, touched=True)


def missing_year_message(year: int) -> str:
    """What a clerk reads when a year has no holiday arrangement yet: what is missing and where to enter it."""
    return _(
        "%(year)s 年的节假日安排（国务院办公厅发布的放假通知）尚未录入，%(year)s 年的截止日期暂按周末和元旦、"
        "劳动节、国庆节计算，标为“暂定”。请安委会办公室在“职责与进度 → 节假日安排”中录入 %(year)s 年的"
        "放假和调休上班日期，暂定的截止日期将自动重算。"
    ) % {"year": year}


def calendar_notes(
    occurrences, *, today: dt.date, calendar: WorkingCalendar | None = None
) -> list[dict[str, Any]]:
    """One note per provisional year that matters now: this year, or a later one with provisional due dates
    among `occurrences` (a scoped queryset)."""
    working = calendar or refresh_calendar()
    notes = []
    for year in working.provisional_years(today.year, today.year + 1):
        counted = occurrences.filter(
            due_provisional=True, due_on__gte=dt.date(year, 1, 1), due_on__lte=dt.date(year, 12, 31)
        ).exists()
        if year == today.year or counted:
            notes.append(
                {
                    "year": year,
                    "text": missing_year_message(year),
                    "url": reverse("duties:holiday_year", args=[year]),
                }
            )
    return notes


# --- recomputing due dates ---------------------------------------------------------------------------


@dataclass
class Recomputed:
    """What one recomputation did."""

    recomputed: int = 0  # untouched occurrences whose due date or provisional mark changed
    confirmed: int = 0  # touched ones whose date stands: only the provisional mark was cleared
    touched: list[dict[str, Any]] = field(default_factory=list)  # touched ones whose date would change

    def as_dict(self) -> dict[str, Any]:
        return {
            "recomputed": self.recomputed,
            "confirmed": self.confirmed,
            "touched": len(self.touched),
            "touched_items": self.touched[:200],
        }


def recomputed_due(
    rule: DutyRule, kind: str, start: dt.date, end: dt.date, working: WorkingCalendar
) -> tuple[dt.date, bool]:
    """An occurrence's due date (and whether provisional) from its rule and period under `working`."""
    if kind == DutyKind.EVENT:
        return event_due_marked(
            start,
            rule.event_within or 0,
            EventUnit(rule.event_unit or EventUnit.DAYS),
            Roll(rule.roll),
            calendar=working,
        )
    return due_date_marked(Period(start, end), Roll(rule.roll), calendar=working)


def _recompute(candidates, *, working: WorkingCalendar, today: dt.date, now: dt.datetime) -> Recomputed:
    """Recompute the due dates of `candidates` under `working`: untouched ones are updated in set-based
    UPDATEs, touched ones whose date would change are reported, not changed."""
    result = Recomputed()
    keys = ("rule_id", "duty__kind", "period_start", "period_end", "due_on", "due_provisional", "touched")
    groups = list(candidates.filter(rule__isnull=False).values(*keys).annotate(n=Count("id")).order_by())
    rules = DutyRule.objects.in_bulk({g["rule_id"] for g in groups})
    updates: dict[tuple[dt.date, bool], list[Q]] = defaultdict(list)
    clear_marks: list[Q] = []
    touched_keys: list[tuple[Q, dt.date]] = []
    for group in groups:
        due, provisional = recomputed_due(
            rules[group["rule_id"]], group["duty__kind"], group["period_start"], group["period_end"], working
        )
        if (due, provisional) == (group["due_on"], group["due_provisional"]):
            continue
        same = Q(
            rule_id=group["rule_id"],
            period_start=group["period_start"],
            period_end=group["period_end"],
            due_on=group["due_on"],
            due_provisional=group["due_provisional"],
            touched=group["touched"],
        )
        if not group["touched"]:
            updates[(due, provisional)].append(same)
        elif due == group["due_on"]:
            clear_marks.append(same)
        elif group["due_provisional"]:
            touched_keys.append((same, due))
    base = Occurrence.objects.all()
    for (due, provisional), conditions in updates.items():
        for start in range(0, len(conditions), UPDATE_GROUPS):
            where = Q()
            for condition in conditions[start : start + UPDATE_GROUPS]:
                where |= condition
            result.recomputed += base.filter(where).update(
                due_on=due, due_provisional=provisional, late=due < today, updated_at=now
            )
    for start in range(0, len(clear_marks), UPDATE_GROUPS):
        where = Q()
        for condition in clear_marks[start : start + UPDATE_GROUPS]:
            where |= condition
        result.confirmed += base.filter(where).update(due_provisional=False, updated_at=now)
    for condition, due in touched_keys:
        for row in base.filter(condition).values("public_id", "due_on", "status")[:200]:
            result.touched.append(
                {
                    "occurrence": str(row["public_id"]),
                    "due_on": row["due_on"],
                    "would_be": due,
                    "status": row["status"],
                }
            )
    return result


def _candidates(year: int):
    """Occurrences whose due date may depend on `year`'s arrangement, or is provisional anywhere."""
    first, last = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    return Occurrence.objects.filter(
        Q(due_provisional=True)
        | Q(due_on__gte=first, due_on__lte=last)
        | Q(period_end__gte=first, period_end__lte=last)
    )


def _require_office(actor: Any) -> None:
    if not isinstance(actor, str) and actor is not None and not can_manage_holidays(actor):
        raise NotAllowedError("只有安委会办公室可以录入节假日安排。")


# --- services ----------------------------------------------------------------------------------------


@transaction.atomic
def enter_holiday_arrangement(
    *,
    actor: Any,
    year: int,
    days: list[ArrangementDay],
    notice: str = "",
    source: ArrangementSource | str = ArrangementSource.ENTERED,
    source_name: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[HolidayArrangement, Recomputed]:
    """The office enters (or corrects) a year's holidays and make-up working days from the notice; the due
    dates of untouched occurrences that depend on the year are recomputed, touched ones are listed."""
    _require_office(actor)
    now = now or timezone.now()
    if not 2000 <= year <= 2100:
        raise DutyError("年度须在 2000 至 2100 之间。", "invalid_year")
    if not any(d.kind == DayKind.HOLIDAY for d in days):
        raise DutyError(f"{year} 年的安排中没有放假日期。", "no_holidays")
    person = actor if not isinstance(actor, str) and getattr(actor, "is_authenticated", False) else None
    arrangement = HolidayArrangement.objects.select_for_update().filter(year=year).first()
    before = None
    if arrangement is None:
        arrangement = HolidayArrangement.objects.create(
            year=year, notice=notice[:200], source=source, source_name=source_name[:255], entered_by=person
        )
    else:
        if expected_version is not None and arrangement.version != expected_version:
            raise ConcurrentChangeError("该年度的节假日安排已被他人修改，请刷新后重试。")
        before = {
            "notice": arrangement.notice,
            "days": [(d.day, d.kind) for d in arrangement.days.order_by("day")],
        }
        arrangement.days.all().delete()
        arrangement.notice = notice[:200]
        arrangement.source = source
        arrangement.source_name = source_name[:255]
        arrangement.entered_by = person
        arrangement.version += 1
        arrangement.save()
    HolidayDay.objects.bulk_create(
        [HolidayDay(arrangement=arrangement, day=d.day, kind=d.kind, name=d.name) for d in days]
    )
    working = refresh_calendar()
    result = _recompute(_candidates(year), working=working, today=timezone.localdate(now), now=now)
    record(
        "duties.holidays.enter",
        actor=actor,
        obj=arrangement,
        before=before,
        after={
            "year": year,
            "notice": arrangement.notice,
            "source": str(source),
            "source_name": arrangement.source_name,
            "holidays": sum(d.kind == DayKind.HOLIDAY for d in days),
            "workdays": sum(d.kind == DayKind.WORKDAY for d in days),
            "days": [(d.day, d.kind) for d in days],
            **result.as_dict(),
        },
    )
    return arrangement, result


@transaction.atomic
def settle_touched_due_dates(
    occurrences: list[Occurrence], *, actor: Any, adopt: bool, now: dt.datetime | None = None
) -> int:
    """The office settles touched occurrences with a provisional due date: adopt the date the year's
    arrangement gives (`adopt=True`) or keep the current one; either way the date is no longer provisional."""
    _require_office(actor)
    now = now or timezone.now()
    working = refresh_calendar()
    ids = [o.pk for o in occurrences]
    rows = list(touched_to_settle(working).filter(pk__in=ids).select_related("rule", "duty"))
    changes = []
    for row in rows:
        due, provisional = recomputed_due(row.rule, row.duty.kind, row.period_start, row.period_end, working)
        new_due = due if adopt else row.due_on
        changes.append((row, new_due, provisional if adopt else False))
    by_value: dict[tuple[dt.date, bool], list[int]] = defaultdict(list)
    for row, new_due, provisional in changes:
        by_value[(new_due, provisional)].append(row.pk)
    for (new_due, provisional), pks in by_value.items():
        Occurrence.objects.filter(pk__in=pks).update(
            due_on=new_due, due_provisional=provisional, updated_at=now
        )
    record(
        "duties.holidays.settle",
        actor=actor,
        obj=("duties.occurrence", "", "settle provisional due dates"),
        after={
            "adopt": adopt,
            "settled": len(changes),
            "items": [
                {"occurrence": str(row.public_id), "from": row.due_on, "to": new_due}
                for row, new_due, _p in changes
            ][:200],
        },
    )
    return len(changes)
