"""Materializing occurrences and marking overdue ones: set-based SQL, idempotent, safe to run twice.

Each confirmed duty's periods are computed in Python (a handful per duty), and its responsible parties
stay in the database: one INSERT … SELECT per duty crosses the parties with the periods and skips the
rows that exist (the unique constraints make it idempotent). Overdue marking is one UPDATE over the
indexed (status, due_on) columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import BigIntegerField, F, Q, Value
from django.utils import timezone

from anze.audit.services import record
from anze.duties.calendar import Roll, WorkingCalendar
from anze.duties.choices import OPEN_STATUSES, DutyKind, DutyStatus, OccurrenceStatus, SubjectKind
from anze.duties.holidays import refresh_calendar
from anze.duties.models import (
    CoverageCycle,
    CoverageVisit,
    Duty,
    DutyRule,
    JobRun,
    Occurrence,
    overdue_q,
)
from anze.duties.recurrence import (
    Period,
    RuleError,
    add_to_coverage,
    cycle_bounds,
    due_date_marked,
    parse_rule,
    periods,
    plan_coverage,
)

JOB_ACTOR = "job:duties.tick"
TICK_JOB = "duties.tick"
STALE_AFTER = dt.timedelta(hours=3)
DEFAULT_HORIZON_DAYS = 400


@dataclass
class MaterializeResult:
    """What one run of materialize_occurrences did."""

    duties: int = 0
    created: int = 0
    periods: int = 0
    provisional: int = 0  # periods whose due date is provisional (the year's arrangement not yet entered)
    provisional_years: list[int] = field(default_factory=list)
    cycles_created: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "duties": self.duties,
            "created": self.created,
            "periods": self.periods,
            "provisional": self.provisional,
            "provisional_years": sorted(set(self.provisional_years)),
            "cycles_created": self.cycles_created,
            "errors": self.errors[:20],
        }


# --- who owes a duty --------------------------------------------------------------------------------


def _as_parties(
    queryset: models.QuerySet, unit: str, committee: str | None = None, person: int | None = None
):
    null = Value(None, output_field=BigIntegerField())
    return queryset.annotate(
        party_unit=F(unit),
        party_committee=F(committee) if committee else null,
        party_person=Value(person, output_field=BigIntegerField()) if person else null,
    ).values("party_unit", "party_committee", "party_person")


def parties(duty: Duty) -> models.QuerySet:
    """The responsible parties of a duty as rows (party_unit, party_committee, party_person), unevaluated."""
    from anze.org.choices import CommitteeKind
    from anze.org.models import Committee, Post, Unit
    from anze.plans.choices import AssignmentRole
    from anze.plans.models import ClauseAssignment

    kind = SubjectKind(duty.subject_kind)
    if kind == SubjectKind.UNIT:
        return _as_parties(Unit.objects.filter(pk=duty.subject_unit_id, is_active=True), "id")
    if kind == SubjectKind.GROUP:
        return _as_parties(duty.subject_group.members(), "id")
    if kind == SubjectKind.COMMITTEES:
        committees = Committee.objects.filter(
            kind=CommitteeKind.SPECIALIZED,
            is_active=True,
            office_unit__isnull=False,
            region__path__startswith=duty.region.path,
        )
        return _as_parties(committees, "office_unit_id", "id")
    if kind == SubjectKind.PERSON:
        unit_ids = Post.objects.filter(
            holdings__person_id=duty.subject_person_id, holdings__ended_on__isnull=True, is_active=True
        ).values("unit_id")[:1]
        return _as_parties(Unit.objects.filter(pk__in=unit_ids), "id", person=duty.subject_person_id)
    rows = ClauseAssignment.objects.filter(
        clause_id=duty.clause_id,
        role__in=[AssignmentRole.LEAD_UNIT, AssignmentRole.RESPONSIBLE_UNIT],
        unit__isnull=False,
        unit__is_active=True,
    ).distinct()
    return _as_parties(rows, "unit_id")


# --- when a duty is owed ----------------------------------------------------------------------------


def duty_periods(duty: Duty, rules: list[DutyRule], *, until: dt.date) -> list[tuple[Period, DutyRule]]:
    """The periods of a scheduled duty up to `until`, each with the rule version in force at its start."""
    if not rules:
        return []
    rules = sorted(rules, key=lambda r: r.effective_from)
    last_day = min(until, duty.end_on) if duty.end_on else until
    if duty.kind == DutyKind.DEADLINE:
        rule = rules[-1]
        deadline = rule.deadline or duty.clause.deadline_date
        if deadline is None or duty.start_on > last_day:
            return []
        return [(Period(min(duty.start_on, deadline), deadline), rule)]
    result: list[tuple[Period, DutyRule]] = []
    for index, rule in enumerate(rules):
        window_start = duty.start_on if index == 0 else max(rule.effective_from, duty.start_on)
        next_from = rules[index + 1].effective_from if index + 1 < len(rules) else None
        window_end = min(last_day, next_from - dt.timedelta(days=1)) if next_from else last_day
        if window_end < window_start or not rule.rrule:
            continue
        parsed = parse_rule(rule.rrule)
        for period in periods(parsed, start=window_start, until=window_end, anchor_year=duty.start_on.year):
            if index > 0 and period.start < rule.effective_from:
                continue  # that period began under the previous version
            if duty.generate_from and period.start < duty.generate_from:
                continue  # revised from generate_from on: earlier periods are history, never back-filled
            result.append((period, rule))
    return result


# --- what a confirmation will create -------------------------------------------------------------------


@dataclass
class ConfirmationPreview:
    """What confirming a duty will make the next tick create: its due dates and the items they give."""

    dates: list[dt.date] = field(default_factory=list)  # every due date up to `until`
    parties: int = 0  # responsible units (or committees) each period is owed by
    until: dt.date | None = None
    today: dt.date | None = None
    provisional: int = 0  # periods whose due date rests on the provisional calendar (暂定)
    waits_for_event: bool = False

    @property
    def count(self) -> int:
        """How many items (办理事项) the first tick creates."""
        return len(self.dates) * self.parties

    @property
    def overdue_at_once(self) -> int:
        """Of those, how many are past due already (they count as overdue from the start)."""
        return sum(1 for day in self.dates if self.today and day < self.today) * self.parties

    @property
    def upcoming(self) -> list[dt.date]:
        return [day for day in self.dates if self.today is None or day >= self.today][:6]


def confirmation_preview(
    duty: Duty,
    values: dict[str, Any],
    rule_values: dict[str, Any],
    *,
    today: dt.date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> ConfirmationPreview:
    """The due dates and item count of a draft duty with `values` (its fields) and `rule_values` (its first
    rule's), as the tick would create them up to today + horizon; nothing is written."""
    draft = Duty(clause_id=duty.clause_id, region=duty.region, **values)
    until = today + dt.timedelta(days=horizon_days)
    preview = ConfirmationPreview(until=until, today=today)
    if DutyKind(draft.kind) == DutyKind.EVENT:
        preview.waits_for_event = True
        return preview
    rule = DutyRule(effective_from=draft.start_on, **rule_values)
    parsed = parse_rule(rule.rrule) if rule.rrule and draft.kind != DutyKind.DEADLINE else None
    for period, _rule in duty_periods(draft, [rule], until=until):
        due, provisional = due_date_marked(period, Roll(rule.roll), due_rule=parsed)
        preview.dates.append(due)
        preview.provisional += int(provisional)
    preview.parties = parties(draft).count()
    return preview


# --- materializing ----------------------------------------------------------------------------------


def _insert_sql(party_sql: str, period_rows: int) -> str:
    vendor = connection.vendor
    table = Occurrence._meta.db_table
    qn = connection.ops.quote_name
    uuid_sql = "gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))"
    date = "CAST(%s AS date)" if vendor == "postgresql" else "%s"
    bigint = "CAST(%s AS bigint)" if vendor == "postgresql" else "%s"
    stamp = "CAST(%s AS timestamptz)" if vendor == "postgresql" else "%s"
    boolean = "CAST(%s AS boolean)" if vendor == "postgresql" else "%s"
    row = f"SELECT {date} AS ps, {date} AS pe, {date} AS due, {boolean} AS prov, {bigint} AS rid"
    period_sql = " UNION ALL ".join([row] * period_rows)
    columns = [
        "public_id",
        "created_at",
        "updated_at",
        "duty_id",
        "rule_id",
        "unit_id",
        "committee_id",
        "person_id",
        "period_start",
        "period_end",
        "due_on",
        "due_provisional",
        "event_note",
        "status",
        "late",
        "touched",
        "version",
    ]
    return (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
        f"SELECT {uuid_sql}, {stamp}, {stamp}, {bigint}, d.rid, CAST(p.party_unit AS bigint), CAST(p.party_committee AS bigint), CAST(p.party_person AS bigint), "
        f"d.ps, d.pe, d.due, d.prov, '', %s, %s, %s, 1 "
        f"FROM ({party_sql}) p CROSS JOIN ({period_sql}) d "
        f"WHERE p.party_unit IS NOT NULL ON CONFLICT DO NOTHING"
    )


def insert_occurrences(
    duty: Duty, rows: list[tuple[Period, dt.date, bool, DutyRule]], *, now: dt.datetime
) -> int:
    """INSERT … SELECT the duty's parties × `rows` (period, due date, provisional, rule); existing rows are
    skipped."""
    if not rows:
        return 0
    party_sql, party_params = parties(duty).query.sql_with_params()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    created = 0
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        period_params: list[Any] = []
        for period, due, provisional, rule in chunk:
            period_params += [
                ops.adapt_datefield_value(period.start),
                ops.adapt_datefield_value(period.end),
                ops.adapt_datefield_value(due),
                provisional,
                rule.pk,
            ]
        params = [
            stamp,
            stamp,
            duty.pk,
            OccurrenceStatus.PENDING.value,
            False,
            False,
            *party_params,
            *period_params,
        ]
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(party_sql, len(chunk)), params)
            created += max(cursor.rowcount, 0)
    return created


def materialize_duty(
    duty: Duty,
    *,
    now: dt.datetime,
    until: dt.date,
    result: MaterializeResult,
    calendar: WorkingCalendar | None = None,
) -> None:
    rules = list(duty.rules.all())
    try:
        scheduled = duty_periods(duty, rules, until=until)
        parsed = {
            rule.pk: parse_rule(rule.rrule) for rule in rules if rule.rrule and duty.kind != DutyKind.DEADLINE
        }
    except RuleError as exc:
        result.errors.append(f"{duty.public_id}: {exc.code}")
        return
    rows = []
    for period, rule in scheduled:
        # A year without a holiday arrangement gives a provisional due date, never a skipped period.
        due, provisional = due_date_marked(
            period, Roll(rule.roll), calendar=calendar, due_rule=parsed.get(rule.pk)
        )
        if provisional:
            result.provisional += 1
            result.provisional_years.append(due.year)
        rows.append((period, due, provisional, rule))
    result.periods += len(rows)
    result.created += insert_occurrences(duty, rows, now=now)
    if duty.kind == DutyKind.COVERAGE:
        result.cycles_created += ensure_coverage_cycles(
            duty, rules, today=timezone.localdate(now), until=until
        )


def scheduled_duties() -> models.QuerySet:
    return (
        Duty.objects.filter(status=DutyStatus.CONFIRMED)
        .exclude(kind=DutyKind.EVENT)
        .select_related("region", "clause", "subject_group__region")
        .prefetch_related("rules")
        .order_by("pk")
    )


@transaction.atomic
def materialize_occurrences(
    *,
    now: dt.datetime,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    batch: int = 100,
    actor: Any = JOB_ACTOR,
    duties: models.QuerySet | None = None,
) -> MaterializeResult:
    """Create the missing occurrences of every confirmed duty up to `now` + horizon; never deletes any."""
    until = timezone.localdate(now) + dt.timedelta(days=horizon_days)
    result = MaterializeResult()
    calendar = refresh_calendar()
    queryset = duties if duties is not None else scheduled_duties()
    last_pk = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            break
        for duty in chunk:
            materialize_duty(duty, now=now, until=until, result=result, calendar=calendar)
        result.duties += len(chunk)
        last_pk = chunk[-1].pk
    record(
        "duties.occurrence.materialize",
        actor=actor,
        obj=("duties.occurrence", "", "materialize"),
        after={"now": now, "until": until, **result.as_dict()},
    )
    return result


@transaction.atomic
def mark_overdue(*, now: dt.datetime, actor: Any = JOB_ACTOR) -> int:
    """Flag every open occurrence whose deadline (due date or granted extension) has passed: one UPDATE over
    the indexed (status, due_on)."""
    today = timezone.localdate(now)
    count = Occurrence.objects.filter(overdue_q(today), late=False).update(late=True, updated_at=now)
    record(
        "duties.occurrence.mark_overdue",
        actor=actor,
        obj=("duties.occurrence", "", "mark_overdue"),
        after={"now": now, "today": today, "marked": count},
    )
    return count


# --- coverage cycles --------------------------------------------------------------------------------


def coverage_members(duty: Duty) -> dict[str, int]:
    """Current members of the duty's coverage set: name → unit id."""
    from anze.org.models import Unit

    ids: set[int] = set()
    for group in duty.coverage_groups.all():
        ids.update(group.members().values_list("pk", flat=True))
    return dict(Unit.objects.filter(pk__in=ids).values_list("name", "pk"))


def ensure_coverage_cycles(duty: Duty, rules: list[DutyRule], *, today: dt.date, until: dt.date) -> int:
    """Make sure the cycles covering today..until exist with every current member planned in one year."""
    rule = duty.rule_on(today) if rules else None
    years = (rule.cycle_years if rule else None) or 1
    members = coverage_members(duty)
    created = 0
    start_year = duty.start_on.year
    year = max(today.year, start_year)
    while year <= until.year:
        first, last = cycle_bounds(start_year, years, year)
        cycle, was_created = CoverageCycle.objects.get_or_create(
            duty=duty, first_year=first, defaults={"years": years}
        )
        created += int(was_created)
        existing = dict(cycle.visits.values_list("member__name", "planned_year"))
        plan = (
            plan_coverage(members, first_year=first, years=years)
            if not existing
            else add_to_coverage(existing, members, first_year=first, years=years, from_year=today.year)
        )
        new = [
            CoverageVisit(cycle=cycle, member_id=members[name], planned_year=planned)
            for name, planned in plan.items()
            if name not in existing and name in members
        ]
        CoverageVisit.objects.bulk_create(new, ignore_conflicts=True)
        year = last + 1
    return created


# --- the periodic job -------------------------------------------------------------------------------


def run_tick(*, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS) -> dict[str, Any]:
    """Materialize and mark overdue once, recording the run so a stopped job shows as stale."""
    started = timezone.now()
    JobRun.objects.update_or_create(name=TICK_JOB, defaults={"last_started_at": started})
    try:
        materialized = materialize_occurrences(now=now, horizon_days=horizon_days)
        marked = mark_overdue(now=now)
    except Exception as exc:
        JobRun.objects.filter(name=TICK_JOB).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    result = {"materialized": materialized.as_dict(), "overdue_marked": marked}
    JobRun.objects.filter(name=TICK_JOB).update(
        last_finished_at=timezone.now(), last_now=now, last_result=result, last_error="", runs=F("runs") + 1
    )
    return result


def tick_health(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Whether the tick ran recently enough; a job that never ran or stopped is stale."""
    now = now or timezone.now()
    run = JobRun.objects.filter(name=TICK_JOB).first()
    finished = run.last_finished_at if run else None
    stale = finished is None or now - finished > STALE_AFTER
    return {
        "job": TICK_JOB,
        "stale": stale,
        "last_finished_at": finished,
        "last_error": run.last_error if run else "",
        "runs": run.runs if run else 0,
        "provisional_years": ((run.last_result or {}).get("materialized") or {}).get("provisional_years", [])
        if run
        else [],
    }


def schedule_health() -> dict[str, Any]:
    """For `/healthz`: when the scheduled run last finished, and whether that is recent enough."""
    health = tick_health()
    finished = health["last_finished_at"]
    return {
        "ok": not health["stale"],
        "job": health["job"],
        "last_success_at": finished.isoformat() if finished else None,
        "stale_after_hours": STALE_AFTER.total_seconds() / 3600,
        "last_run_failed": bool(health["last_error"]),
    }


def is_open_q() -> Q:
    return Q(status__in=OPEN_STATUSES)
