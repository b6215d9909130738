"""The compliance engine: every applicable rule over every enterprise, set-based in the database.

For each rule in force, one `INSERT INTO result … SELECT` writes a result row per applicable enterprise:
the enterprises the rule applies to, LEFT JOINed to the facts of their records (each record table
aggregated once, grouped by enterprise), with the reason a CASE over those facts. Then one grouped
INSERT … SELECT writes each evaluated enterprise's summary row into its narrow table. Results and
summaries are derived data without database foreign keys (docs/adr/0005-compliance-results-are-derived.md).
Re-evaluating one enterprise is the same statements narrowed to its id. Nothing loops over enterprises
in Python, so 200,000 enterprises cost a handful of statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from anze.enterprises.choices import (
    ComplianceStatus,
    EnterpriseStatus,
    PlanKind,
    Reason,
    Requirement,
    RuleSetStatus,
)
from anze.enterprises.conditions import compile_condition
from anze.enterprises.dates import months_before, workday_ordinal
from anze.enterprises.models import (
    CommitteeMeeting,
    ComplianceResult,
    ComplianceSummary,
    Drill,
    EmergencyPlan,
    Enterprise,
    InsurancePolicy,
    PlantArea,
    RescueArrangement,
    Rule,
    RuleSet,
    SafetyCommittee,
    SafetyPerson,
)

RESULT_COLUMNS = (
    "enterprise_id",
    "rule_id",
    "is_met",
    "reason",
    "reason_date",
    "reason_value",
    "reason_label",
    "evaluated_at",
)


# ------------------------------------------------------------------------------------ SQL fragments

# The enterprise row of the statement, as the derived table "e" names it (see rule_statement).
E_ID = '"e"."e_id"'


@dataclass(frozen=True)
class Sql:
    """A fragment of SQL and its parameters, in the order its %s placeholders appear."""

    text: str
    params: tuple = ()


def sql(template: str, *parts: Sql | str) -> Sql:
    """Fill each "{}" of `template` with a fragment (its params kept in order) or a plain SQL string.

    Values never go into the text: they come in as `value(...)` fragments, so they stay parameters.
    """
    pieces = template.split("{}")
    if len(pieces) != len(parts) + 1:
        raise ValueError(f"{template!r} needs {len(pieces) - 1} parts, got {len(parts)}")
    text, params = [pieces[0]], []
    for part, piece in zip(parts, pieces[1:], strict=True):
        if isinstance(part, Sql):
            text.append(part.text)
            params.extend(part.params)
        else:
            text.append(part)
        text.append(piece)
    return Sql("".join(text), tuple(params))


def value(v: Any) -> Sql:
    return Sql("%s", (v,))


def col(alias: str, column: str) -> str:
    """A fact column of the statement: `alias` is a table of facts (or "e", the enterprise)."""
    return f'"{alias}"."{column}"'


def has(alias: str, count: str) -> str:
    """True when the enterprise has at least one record counted in `count` (no facts row: it has none)."""
    return f"COALESCE({col(alias, count)}, 0) > 0"


def none(alias: str, count: str) -> str:
    return f"COALESCE({col(alias, count)}, 0) = 0"


def lookup(queryset: QuerySet, column: str) -> Sql:
    """A scalar subquery: `column` of the first record of `queryset` belonging to the statement's enterprise.

    Used only for the few values an aggregate cannot give (the name on the latest record), and placed
    inside a CASE so it runs only for the enterprises whose result needs it.
    """
    query = queryset.filter(enterprise_id=RawSQL(E_ID, ())).values(column)[:1]
    text, params = query.query.sql_with_params()
    return Sql(f"({text})", tuple(params))


# ------------------------------------------------------------------------------------ requirements


@dataclass
class Verdict:
    """What one requirement contributes to a result row.

    `facts` are each enterprise's records aggregated in one grouped pass per table (alias → a queryset of
    `values("enterprise_id").annotate(...)`), joined to the enterprise by its id. `reasons` are (condition,
    reason) pairs over those facts, tried in order; the first that holds is the result's reason, and a
    result with none is met. The date, value and label explain the reason.
    """

    facts: dict[str, QuerySet]
    reasons: list[tuple[str, str]]
    reason_date: Sql = field(default_factory=lambda: Sql("NULL"))
    reason_value: Sql = field(default_factory=lambda: Sql("NULL"))
    reason_label: Sql = field(default_factory=lambda: Sql("NULL"))


def _grouped(queryset: QuerySet, **facts: Any) -> QuerySet:
    return queryset.order_by().values("enterprise_id").annotate(**facts)


def _months(params: dict[str, Any], default: int) -> int:
    return int(params.get("months", default))


def _safety_person(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    people = SafetyPerson.objects.filter(own, role=params.get("role", "safety_director"))
    current = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    ended = Q(ended_on__lt=today)
    facts = _grouped(
        people,
        current=Count("pk", filter=current),
        ended=Count("pk", filter=ended),
        last_ended=Max("ended_on", filter=ended),
    )
    holder = lookup(people.filter(current).order_by("-started_on", "-id"), "name")
    return Verdict(
        facts={"p": facts},
        reasons=[
            (f"{none('p', 'current')} AND {has('p', 'ended')}", Reason.EXPIRED),
            (none("p", "current"), Reason.MISSING),
        ],
        reason_date=sql("CASE WHEN {} THEN NULL ELSE {} END", has("p", "current"), col("p", "last_ended")),
        reason_label=sql("CASE WHEN {} THEN {} END", has("p", "current"), holder),
    )


def _safety_committee(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    months = int(params.get("meeting_months", 0))
    active = Q(established_on__lte=today) & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today))
    held = Q(held_on__lte=today)
    recent = held & Q(held_on__gte=months_before(today, months)) if months else held
    reasons = [(none("c", "active"), Reason.MISSING)]
    if months:
        reasons.append((none("m", "recent"), Reason.NO_MEETING))
    return Verdict(
        facts={
            "c": _grouped(SafetyCommittee.objects.filter(own), active=Count("pk", filter=active)),
            "m": _grouped(
                CommitteeMeeting.objects.filter(own),
                recent=Count("pk", filter=recent),
                last_held=Max("held_on", filter=held),
            ),
        },
        reasons=reasons,
        reason_date=Sql(col("m", "last_held")),
    )


def _insurance(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    minimum = int(params.get("min_cover_per_person", 0))
    policies = InsurancePolicy.objects.filter(own)
    current = Q(starts_on__lte=today, ends_on__gte=today)
    enough = current & Q(cover_per_person__gte=minimum)
    past = Q(ends_on__lt=today)
    facts = _grouped(
        policies,
        current=Count("pk", filter=current),
        enough=Count("pk", filter=enough),
        past=Count("pk", filter=past),
        persons=Sum("persons_covered", filter=enough),
        first_end=Min("ends_on", filter=current),
        last_past=Max("ends_on", filter=past),
        best_cover=Max("cover_per_person", filter=current),
    )
    persons = f"COALESCE({col('i', 'persons')}, 0)"
    policy = lookup(policies.filter(current).order_by("-ends_on", "-id"), "policy_number")
    return Verdict(
        facts={"i": facts},
        reasons=[
            (f"{none('i', 'current')} AND {has('i', 'past')}", Reason.EXPIRED),
            (none("i", "current"), Reason.MISSING),
            (none("i", "enough"), Reason.COVER_TOO_LOW),
            (f"{col('e', 'e_employees')} > {persons}", Reason.TOO_FEW_PERSONS),
        ],
        reason_date=sql(
            "CASE WHEN {} THEN {} ELSE {} END",
            has("i", "current"),
            col("i", "first_end"),
            col("i", "last_past"),
        ),
        reason_value=sql(
            "CASE WHEN {} THEN {} ELSE {} END", none("i", "enough"), col("i", "best_cover"), persons
        ),
        reason_label=sql("CASE WHEN {} THEN {} END", has("i", "current"), policy),
    )


def _plan_filing(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    allowed = int(params.get("working_days", 20))
    today_workday = workday_ordinal(today)
    plans = EmergencyPlan.objects.filter(own, is_current=True, published_on__lte=today)
    filed_late = Q(filed_workday__isnull=False, filed_workday__gt=F("published_workday") + allowed)
    not_filed = Q(filed_workday__isnull=True, published_workday__lt=today_workday - allowed)
    facts = _grouped(
        plans,
        plans=Count("pk"),
        filed_late=Count("pk", filter=filed_late),
        not_filed=Count("pk", filter=not_filed),
    )
    late = plans.filter(filed_late | not_filed).order_by("published_on", "id")
    taken = ExpressionWrapper(
        Coalesce(F("filed_workday"), Value(today_workday)) - F("published_workday"),
        output_field=IntegerField(),
    )
    any_late = f"({has('f', 'filed_late')} OR {has('f', 'not_filed')})"
    reasons = [(none("f", "plans"), Reason.MISSING)] if params.get("require_plan", True) else []
    reasons += [(has("f", "filed_late"), Reason.FILED_LATE), (has("f", "not_filed"), Reason.NOT_FILED)]
    return Verdict(
        facts={"f": facts},
        reasons=reasons,
        reason_date=sql("CASE WHEN {} THEN {} END", any_late, lookup(late, "published_on")),
        reason_value=sql("CASE WHEN {} THEN {} END", any_late, lookup(late.annotate(taken=taken), "taken")),
        reason_label=sql("CASE WHEN {} THEN {} END", any_late, lookup(late, "title")),
    )


def _drill(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    since = months_before(today, _months(params, 12))
    drills = Drill.objects.filter(own, held_on__lte=today)
    if params.get("kinds"):
        drills = drills.filter(kind__in=params["kinds"])
    facts = _grouped(drills, recent=Count("pk", filter=Q(held_on__gte=since)), last_held=Max("held_on"))
    return Verdict(
        facts={"d": facts},
        reasons=[
            (f"{none('d', 'recent')} AND {col('d', 'last_held')} IS NOT NULL", Reason.STALE),
            (none("d", "recent"), Reason.MISSING),
        ],
        reason_date=Sql(col("d", "last_held")),
    )


def _on_site_drill(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    since = months_before(today, _months(params, 6))
    window = Q(kind=PlanKind.ON_SITE, held_on__gte=since, held_on__lte=today)
    area_drilled = Exists(Drill.objects.filter(window, plant_area=OuterRef("pk")))
    areas = _grouped(
        PlantArea.objects.filter(own).annotate(drilled=area_drilled),
        areas=Count("pk"),
        uncovered=Count("pk", filter=Q(drilled=False)),
        uncovered_name=Min("name", filter=Q(drilled=False)),
    )
    on_site = _grouped(
        Drill.objects.filter(own, kind=PlanKind.ON_SITE, held_on__lte=today),
        recent=Count("pk", filter=Q(held_on__gte=since)),
        last_held=Max("held_on"),
    )
    # With plant areas, every area needs its own recent on-site drill; without, any recent one will do.
    return Verdict(
        facts={"a": areas, "o": on_site},
        reasons=[
            (has("a", "uncovered"), Reason.AREA_WITHOUT_DRILL),
            (
                f"{none('a', 'areas')} AND {none('o', 'recent')} AND {col('o', 'last_held')} IS NOT NULL",
                Reason.STALE,
            ),
            (f"{none('a', 'areas')} AND {none('o', 'recent')}", Reason.MISSING),
        ],
        reason_date=Sql(col("o", "last_held")),
        reason_label=Sql(col("a", "uncovered_name")),
    )


def _rescue(params: dict[str, Any], today: dt.date, own: Q) -> Verdict:
    arrangements = RescueArrangement.objects.filter(own)
    current = Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    ended = Q(valid_until__lt=today)
    facts = _grouped(
        arrangements,
        current=Count("pk", filter=current),
        ended=Count("pk", filter=ended),
        last_ended=Max("valid_until", filter=ended),
    )
    name = lookup(arrangements.filter(current).order_by("-valid_from", "-id"), "name")
    return Verdict(
        facts={"r": facts},
        reasons=[
            (f"{none('r', 'current')} AND {has('r', 'ended')}", Reason.EXPIRED),
            (none("r", "current"), Reason.MISSING),
        ],
        reason_date=sql("CASE WHEN {} THEN NULL ELSE {} END", has("r", "current"), col("r", "last_ended")),
        reason_label=sql("CASE WHEN {} THEN {} END", has("r", "current"), name),
    )


REQUIREMENTS: dict[str, Callable[[dict[str, Any], dt.date, Q], Verdict]] = {
    Requirement.SAFETY_PERSON: _safety_person,
    Requirement.SAFETY_COMMITTEE: _safety_committee,
    Requirement.INSURANCE: _insurance,
    Requirement.PLAN_FILING: _plan_filing,
    Requirement.DRILL: _drill,
    Requirement.ON_SITE_DRILL: _on_site_drill,
    Requirement.RESCUE: _rescue,
}

# Requirements whose records live in an app above this one (training's 考核合格证): that app registers the
# verdict in its AppConfig.ready(), since enterprises may not import it.
_REGISTERED: dict[str, Callable[[dict[str, Any], dt.date, Q], Verdict]] = {}


def register_requirement(requirement: str, verdict: Callable[[dict[str, Any], dt.date, Q], Verdict]) -> None:
    """Let a higher app supply the verdict of a requirement (called from its AppConfig.ready())."""
    _REGISTERED[str(requirement)] = verdict


def verdict_for(requirement: str) -> Callable[[dict[str, Any], dt.date, Q], Verdict]:
    verdict = REQUIREMENTS.get(requirement) or _REGISTERED.get(requirement)
    if verdict is None:
        raise LookupError(
            f"requirement {requirement!r} has no verdict; is the app that registers it installed?"
        )
    return verdict


# ------------------------------------------------------------------------------------ rule sets in force


def rule_sets_in_force(today: dt.date) -> list[RuleSet]:
    """The active rule set of each region on `today`, most specific region first."""
    candidates = (
        RuleSet.objects.filter(status=RuleSetStatus.ACTIVE, effective_from__lte=today)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
        .select_related("region")
        .order_by("region__path", "-version")
    )
    chosen: dict[int, RuleSet] = {}
    for rule_set in candidates:
        chosen.setdefault(rule_set.region_id, rule_set)
    return sorted(chosen.values(), key=lambda rs: -len(rs.region.path))


def governed_q(rule_set: RuleSet, in_force: Iterable[RuleSet]) -> Q:
    """The enterprises a rule set governs: its region's, except those under a more specific rule set."""
    q = Q(region__path__startswith=rule_set.region.path)
    for other in in_force:
        path = other.region.path
        if path != rule_set.region.path and path.startswith(rule_set.region.path):
            q &= ~Q(region__path__startswith=path)
    return q


def rule_statement(
    rule: Rule, base: QuerySet, governed: Q, own: Q, today: dt.date, at: dt.datetime, using: str
) -> tuple[str, list]:
    """The INSERT … SELECT that writes one result row per enterprise the rule applies to.

    The enterprises the rule applies to form the derived table "e"; each table of facts is LEFT JOINed
    to it by enterprise id; the verdict is a CASE over the facts. `own` narrows the records aggregated to
    the enterprises being evaluated.
    """
    connection = connections[using]
    verdict = verdict_for(rule.requirement)(rule.params or {}, today, own)
    enterprises = (
        base.filter(governed)
        .filter(compile_condition(rule.condition))
        .order_by()
        .annotate(e_id=F("pk"), e_employees=F("employee_count"))
        .values("e_id", "e_employees")
    )
    source = sql('({}) "e"', Sql(*_compiled_sql(enterprises, using)))
    for alias, facts in verdict.facts.items():
        source = sql(
            f'{{}} LEFT JOIN ({{}}) "{alias}" ON {col(alias, "enterprise_id")} = {E_ID}',
            source,
            Sql(*_compiled_sql(facts, using)),
        )
    whens = " ".join(f"WHEN {condition} THEN %s" for condition, _reason in verdict.reasons)
    reason = Sql(f"CASE {whens} ELSE %s END", (*(str(r) for _c, r in verdict.reasons), str(Reason.OK)))
    table = connection.ops.quote_name(ComplianceResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in RESULT_COLUMNS)
    statement = sql(
        f"INSERT INTO {table} ({columns}) SELECT {E_ID}, {{}}, {{}} = {{}}, {{}}, {{}}, {{}}, {{}}, {{}} FROM {{}}",
        value(rule.pk),
        reason,
        value(str(Reason.OK)),
        reason,
        verdict.reason_date,
        verdict.reason_value,
        sql("COALESCE({}, '')", verdict.reason_label),
        value(DateTimeField().get_db_prep_value(at, connection)),
        source,
    )
    return statement.text, list(statement.params)


def _compiled_sql(queryset: QuerySet, using: str) -> tuple[str, tuple]:
    text, params = queryset.query.get_compiler(using=using).as_sql()
    return text, tuple(params)


# Statements for one enterprise are compiled once per rule version and day, then run with the enterprise's
# id and the time bound in: building and compiling these querysets costs far more than running them.
_ONE = -7_777_777_001
_AT = dt.datetime(1901, 1, 1, 0, 0, 1, 234567, tzinfo=dt.UTC)
_compiled: dict[tuple, tuple[str, tuple]] = {}


def _compile(key: tuple | None, build: Any) -> tuple[str, tuple]:
    if key is not None and key in _compiled:
        return _compiled[key]
    sql, params = build()
    if key is not None:
        if len(_compiled) > 512:
            _compiled.clear()
        _compiled[key] = (sql, tuple(params))
    return sql, tuple(params)


def _bind(params: tuple, using: str, enterprise_id: int | None, now: dt.datetime) -> list:
    connection = connections[using]
    sentinel_at = DateTimeField().get_db_prep_value(_AT, connection)
    real_at = DateTimeField().get_db_prep_value(now, connection)
    bound = []
    for value in params:
        if enterprise_id is not None and type(value) is int and value == _ONE:
            value = enterprise_id
        elif type(value) is type(sentinel_at) and value == sentinel_at:
            value = real_at
        bound.append(value)
    return bound


def _execute(sql: str, params: list, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _summary_sql(results: QuerySet, at: dt.datetime, using: str) -> tuple[str, list]:
    """INSERT … SELECT of one summary row per enterprise with results: its unmet count and its status."""
    unmet = Count("pk", filter=Q(is_met=False))
    grouped = (
        results.order_by()
        .values("enterprise_id")
        .annotate(summary_unmet=unmet)
        .annotate(
            summary_status=Case(
                When(Q(summary_unmet__gt=0), then=Value(ComplianceStatus.NON_COMPLIANT)),
                default=Value(ComplianceStatus.COMPLIANT),
                output_field=CharField(),
            ),
            summary_at=Value(at, output_field=DateTimeField()),
        )
        .values_list("enterprise_id", "summary_status", "summary_unmet", "summary_at")
    )
    connection = connections[using]
    sql, params = grouped.query.get_compiler(using=using).as_sql()
    table = connection.ops.quote_name(ComplianceSummary._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(c) for c in ("enterprise_id", "compliance", "unmet_count", "evaluated_at")
    )
    return f"INSERT INTO {table} ({columns}) {sql}", list(params)


@transaction.atomic
def evaluate(
    *, now: dt.datetime | None = None, enterprise_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Evaluate the rules in force for all enterprises (or the given ones); returns counts.

    Results are replaced, not appended: a result always says what the records show at `now`.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    using = router.db_for_write(ComplianceResult)
    ids = None if enterprise_ids is None else list(enterprise_ids)
    one = ids[0] if ids is not None and len(ids) == 1 else None
    enterprises = Enterprise.objects.all()
    results = ComplianceResult.objects.all()
    summaries = ComplianceSummary.objects.all()
    own = Q()
    if one is not None:
        enterprises = enterprises.filter(pk=_ONE)
        results = results.filter(enterprise_id=_ONE)
        summaries = summaries.filter(enterprise_id=one)
        own = Q(enterprise_id=_ONE)
        ComplianceResult.objects.filter(enterprise_id=one)._raw_delete(using)
    elif ids is not None:
        enterprises = enterprises.filter(pk__in=ids)
        results = results.filter(enterprise_id__in=ids)
        summaries = summaries.filter(enterprise_id__in=ids)
        own = Q(enterprise_id__in=ids)
        results._raw_delete(using)
    else:
        results._raw_delete(using)
    summaries._raw_delete(using)
    if one is None and connections[using].vendor == "postgresql":
        # Large set-based statements have high cost estimates that switch on JIT compilation, which costs
        # more than it saves here (a second per statement).
        _execute("SET LOCAL jit = off", [], using)
    at = _AT if one is not None else now
    base = enterprises.filter(status=EnterpriseStatus.OPERATING)
    in_force = rule_sets_in_force(today)
    forces = tuple((rs.pk, rs.region.path) for rs in in_force)
    written = 0
    rules = 0
    for rule_set in in_force:
        governed = governed_q(rule_set, in_force)
        for rule in rule_set.rules.order_by("order", "id"):
            key = ("rule", using, rule.pk, rule.updated_at, today, forces) if one is not None else None
            text, params = _compile(
                key,
                lambda rule=rule, governed=governed: rule_statement(
                    rule, base, governed, own, today, at, using
                ),
            )
            written += _execute(text, _bind(params, using, one, now), using)
            rules += 1
    key = ("summary", using) if one is not None else None
    text, params = _compile(key, lambda: _summary_sql(results, at, using))
    _execute(text, _bind(params, using, one, now), using)
    return {"rules": rules, "results": written}


def reevaluate(enterprise: Enterprise, *, now: dt.datetime | None = None) -> None:
    """Re-evaluate one enterprise at once (called by every service that changes it or its records)."""
    evaluate(now=now, enterprise_ids=[enterprise.pk])
    enterprise._state.fields_cache.pop("summary", None)  # the summary just rewritten is read afresh
