"""The compliance engine: every applicable rule over every enterprise, set-based in the database.

For each rule in force, one `INSERT INTO result … SELECT … FROM enterprise WHERE <condition>` writes a
result row per applicable enterprise, its verdict and its reason computed by correlated subqueries on
the enterprise's records (Exists, Subquery, Case). Then one UPDATE refreshes every enterprise's summary.
Re-evaluating one enterprise is the same statements narrowed to its id. Nothing loops over enterprises
in Python, so 200,000 enterprises cost a handful of statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.subqueries import UpdateQuery
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


@dataclass
class Verdict:
    """The expressions one requirement contributes to a result row."""

    is_met: Any
    reason: Any
    reason_date: Any = None
    reason_value: Any = None
    reason_label: Any = None


def _reason(*whens: When, default: Any = None) -> Case:
    return Case(
        *whens, default=default if default is not None else Value(Reason.OK), output_field=CharField()
    )


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _own(model: type) -> QuerySet:
    return model.objects.filter(enterprise=OuterRef("pk"))


def _months(params: dict[str, Any], default: int) -> int:
    return int(params.get("months", default))


# ------------------------------------------------------------------------------------ requirements


def _safety_person(params: dict[str, Any], today: dt.date) -> Verdict:
    people = _own(SafetyPerson).filter(role=params.get("role", "safety_director"))
    current = people.filter(started_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    ended = people.filter(ended_on__lt=today)
    return Verdict(
        is_met=Exists(current),
        reason=_reason(
            When(Exists(current), then=Value(Reason.OK)),
            When(Exists(ended), then=Value(Reason.EXPIRED)),
            default=Value(Reason.MISSING),
        ),
        reason_date=Case(When(Exists(current), then=None), default=_latest(ended, "ended_on")),
        reason_label=Subquery(current.order_by("-started_on").values("name")[:1]),
    )


def _safety_committee(params: dict[str, Any], today: dt.date) -> Verdict:
    committee = _own(SafetyCommittee).filter(established_on__lte=today)
    committee = committee.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today))
    months = int(params.get("meeting_months", 0))
    meetings = _own(CommitteeMeeting).filter(held_on__lte=today)
    if months:
        recent = Exists(meetings.filter(held_on__gte=months_before(today, months)))
        is_met = Exists(committee) & recent
    else:
        recent = None
        is_met = Exists(committee)
    whens = [When(~Exists(committee), then=Value(Reason.MISSING))]
    if recent is not None:
        whens.append(When(~recent, then=Value(Reason.NO_MEETING)))
    return Verdict(
        is_met=ExpressionWrapper(is_met, output_field=BooleanField()),
        reason=_reason(*whens),
        reason_date=_latest(meetings, "held_on"),
    )


def _insurance(params: dict[str, Any], today: dt.date) -> Verdict:
    minimum = int(params.get("min_cover_per_person", 0))
    current = _own(InsurancePolicy).filter(starts_on__lte=today, ends_on__gte=today)
    enough = current.filter(cover_per_person__gte=minimum)
    persons = Coalesce(
        Subquery(
            enough.order_by().values("enterprise").annotate(total=Sum("persons_covered")).values("total")
        ),
        0,
        output_field=BigIntegerField(),
    )
    past = _own(InsurancePolicy).filter(ends_on__lt=today)
    return Verdict(
        is_met=Case(When(Exists(enough) & Q(employee_count__lte=persons), then=True), default=False),
        reason=_reason(
            When(~Exists(current) & Exists(past), then=Value(Reason.EXPIRED)),
            When(~Exists(current), then=Value(Reason.MISSING)),
            When(~Exists(enough), then=Value(Reason.COVER_TOO_LOW)),
            When(employee_count__gt=persons, then=Value(Reason.TOO_FEW_PERSONS)),
        ),
        reason_date=Case(
            When(Exists(current), then=Subquery(current.order_by("ends_on").values("ends_on")[:1])),
            default=_latest(past, "ends_on"),
        ),
        reason_value=Case(
            When(~Exists(enough), then=_latest(current, "cover_per_person")),
            default=persons,
            output_field=BigIntegerField(),
        ),
        reason_label=Subquery(current.order_by("-ends_on").values("policy_number")[:1]),
    )


def _plan_filing(params: dict[str, Any], today: dt.date) -> Verdict:
    allowed = int(params.get("working_days", 20))
    today_workday = workday_ordinal(today)
    plans = _own(EmergencyPlan).filter(is_current=True, published_on__lte=today)
    filed_late = plans.filter(filed_workday__isnull=False, filed_workday__gt=F("published_workday") + allowed)
    not_filed = plans.filter(filed_workday__isnull=True, published_workday__lt=today_workday - allowed)
    late = plans.filter(
        Q(filed_workday__isnull=False, filed_workday__gt=F("published_workday") + allowed)
        | Q(filed_workday__isnull=True, published_workday__lt=today_workday - allowed)
    ).order_by("published_on", "id")
    whens = []
    is_met: Any = ~Exists(late)
    if params.get("require_plan", True):
        whens.append(When(~Exists(plans), then=Value(Reason.MISSING)))
        is_met = Exists(plans) & is_met
    whens += [
        When(Exists(filed_late), then=Value(Reason.FILED_LATE)),
        When(Exists(not_filed), then=Value(Reason.NOT_FILED)),
    ]
    taken = ExpressionWrapper(
        Coalesce(F("filed_workday"), Value(today_workday)) - F("published_workday"),
        output_field=IntegerField(),
    )
    return Verdict(
        is_met=ExpressionWrapper(is_met, output_field=BooleanField()),
        reason=_reason(*whens),
        reason_date=Subquery(late.values("published_on")[:1]),
        reason_value=Subquery(late.annotate(taken=taken).values("taken")[:1]),
        reason_label=Subquery(late.values("title")[:1]),
    )


def _drill(params: dict[str, Any], today: dt.date) -> Verdict:
    since = months_before(today, _months(params, 12))
    drills = _own(Drill).filter(held_on__lte=today)
    if params.get("kinds"):
        drills = drills.filter(kind__in=params["kinds"])
    recent = drills.filter(held_on__gte=since)
    return Verdict(
        is_met=Exists(recent),
        reason=_reason(
            When(Exists(recent), then=Value(Reason.OK)),
            When(Exists(drills), then=Value(Reason.STALE)),
            default=Value(Reason.MISSING),
        ),
        reason_date=_latest(drills, "held_on"),
    )


def _on_site_drill(params: dict[str, Any], today: dt.date) -> Verdict:
    since = months_before(today, _months(params, 6))
    area_drills = Drill.objects.filter(
        plant_area=OuterRef("pk"), kind=PlanKind.ON_SITE, held_on__gte=since, held_on__lte=today
    )
    areas = _own(PlantArea)
    uncovered = areas.filter(~Exists(area_drills)).order_by("name")
    on_site = _own(Drill).filter(kind=PlanKind.ON_SITE, held_on__lte=today)
    recent = on_site.filter(held_on__gte=since)
    return Verdict(
        is_met=Case(
            When(Exists(areas), then=~Exists(uncovered)),
            default=Exists(recent),
            output_field=BooleanField(),
        ),
        reason=_reason(
            When(Exists(uncovered), then=Value(Reason.AREA_WITHOUT_DRILL)),
            When(Exists(areas), then=Value(Reason.OK)),
            When(Exists(recent), then=Value(Reason.OK)),
            When(Exists(on_site), then=Value(Reason.STALE)),
            default=Value(Reason.MISSING),
        ),
        reason_date=_latest(on_site, "held_on"),
        reason_label=Subquery(uncovered.values("name")[:1]),
    )


def _rescue(params: dict[str, Any], today: dt.date) -> Verdict:
    arrangements = _own(RescueArrangement)
    current = arrangements.filter(valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    ended = arrangements.filter(valid_until__lt=today)
    return Verdict(
        is_met=Exists(current),
        reason=_reason(
            When(Exists(current), then=Value(Reason.OK)),
            When(Exists(ended), then=Value(Reason.EXPIRED)),
            default=Value(Reason.MISSING),
        ),
        reason_date=Case(When(Exists(current), then=None), default=_latest(ended, "valid_until")),
        reason_label=Subquery(current.order_by("-valid_from").values("name")[:1]),
    )


REQUIREMENTS = {
    Requirement.SAFETY_PERSON: _safety_person,
    Requirement.SAFETY_COMMITTEE: _safety_committee,
    Requirement.INSURANCE: _insurance,
    Requirement.PLAN_FILING: _plan_filing,
    Requirement.DRILL: _drill,
    Requirement.ON_SITE_DRILL: _on_site_drill,
    Requirement.RESCUE: _rescue,
}


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


def rule_queryset(rule: Rule, base: QuerySet, governed: Q, today: dt.date, now: dt.datetime) -> QuerySet:
    """The SELECT that yields one result row per enterprise the rule applies to (RESULT_COLUMNS order)."""
    verdict = REQUIREMENTS[rule.requirement](rule.params or {}, today)
    return (
        base.filter(governed)
        .filter(compile_condition(rule.condition))
        .annotate(
            result_rule=Value(rule.pk, output_field=BigIntegerField()),
            result_met=ExpressionWrapper(verdict.is_met, output_field=BooleanField()),
            result_reason=verdict.reason,
            result_date=verdict.reason_date
            if verdict.reason_date is not None
            else Value(None, output_field=DateField()),
            result_value=ExpressionWrapper(verdict.reason_value, output_field=BigIntegerField())
            if verdict.reason_value is not None
            else Value(None, output_field=BigIntegerField()),
            result_label=Coalesce(verdict.reason_label, Value(""), output_field=CharField())
            if verdict.reason_label is not None
            else Value("", output_field=CharField()),
            result_at=Value(now, output_field=DateTimeField()),
        )
        .order_by()
        .values_list(
            "pk", "result_rule", "result_met", "result_reason", "result_date", "result_value", "result_label",
            "result_at",
        )
    )  # fmt: skip


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


def _insert_sql(queryset: QuerySet, using: str) -> tuple[str, list]:
    connection = connections[using]
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    table = connection.ops.quote_name(ComplianceResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in RESULT_COLUMNS)
    return f"INSERT INTO {table} ({columns}) {sql}", list(params)


def _summary_sql(enterprises: QuerySet, at: dt.datetime, using: str) -> tuple[str, list]:
    results = ComplianceResult.objects.filter(enterprise=OuterRef("pk"))
    unmet = results.filter(is_met=False)
    unmet_count = Subquery(
        unmet.order_by().values("enterprise").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )
    query = enterprises.query.chain(UpdateQuery)
    query.add_update_values(
        {
            "unmet_count": Coalesce(unmet_count, 0),
            "compliance": Case(
                When(Exists(unmet), then=Value(ComplianceStatus.NON_COMPLIANT)),
                When(Exists(results), then=Value(ComplianceStatus.COMPLIANT)),
                default=Value(ComplianceStatus.NOT_EVALUATED),
            ),
            "evaluated_at": Case(
                When(Exists(results), then=Value(at)), default=None, output_field=DateTimeField()
            ),
        }
    )
    sql, params = query.get_compiler(using=using).as_sql()
    return sql, list(params)


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
    if one is not None:
        enterprises = enterprises.filter(pk=_ONE)
        results = results.filter(enterprise_id=one)
    elif ids is not None:
        enterprises = enterprises.filter(pk__in=ids)
        results = results.filter(enterprise_id__in=ids)
    results._raw_delete(using)
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
            sql, params = _compile(
                key,
                lambda rule=rule, governed=governed: _insert_sql(
                    rule_queryset(rule, base, governed, today, at), using
                ),
            )
            written += _execute(sql, _bind(params, using, one, now), using)
            rules += 1
    if one is None and connections[using].vendor == "postgresql":
        # Fresh statistics, so the summary UPDATE uses the index rather than guessing from an empty table.
        _execute(f"ANALYZE {connections[using].ops.quote_name(ComplianceResult._meta.db_table)}", [], using)
    key = ("summary", using) if one is not None else None
    sql, params = _compile(key, lambda: _summary_sql(enterprises, at, using))
    _execute(sql, _bind(params, using, one, now), using)
    return {"rules": rules, "results": written}


def reevaluate(enterprise: Enterprise, *, now: dt.datetime | None = None) -> None:
    """Re-evaluate one enterprise at once (called by every service that changes it or its records)."""
    evaluate(now=now, enterprise_ids=[enterprise.pk])
