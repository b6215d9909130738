"""The ladder run as set-based SQL: a handful of INSERT … SELECT / UPDATE statements per policy.

Every insert is `ON CONFLICT DO NOTHING` against a unique idempotency key, so running twice (or two
workers at once) creates nothing twice. Rows are processed in bounded batches of occurrence ids. Each
rung's rows, their in-app notifications and their channel deliveries are written in one transaction, so
a crash never leaves a notification without its deliveries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from anze.duties.choices import OPEN_STATUSES
from anze.duties.models import Duty, Occurrence
from anze.org.models import Post, PostHolding, Region, Unit
from anze.plans.models import Clause, Plan, PlanVersion
from anze.supervision import ladder
from anze.supervision.choices import CaseSource, CaseStatus, DeliveryStatus, EventKind
from anze.supervision.models import (
    Case,
    Circular,
    CircularEntry,
    Delivery,
    Endpoint,
    EscalationPolicy,
    Notification,
)

DEFAULT_BATCH = 100_000


def _t(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _uuid_sql() -> str:
    return "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"


def _d(value: dt.date) -> object:
    return connection.ops.adapt_datefield_value(value)


def _ts(value: dt.datetime) -> object:
    return connection.ops.adapt_datetimefield_value(value)


def _in(values: Iterable[int]) -> str:
    """An inline list of integer ids (ints only, so nothing from outside reaches the SQL text)."""
    return ",".join(str(int(v)) for v in values) or "NULL"


_OPEN = ",".join(f"'{s}'" for s in OPEN_STATUSES)
_OPEN_CASES = f"'{CaseStatus.OPEN}','{CaseStatus.CIRCULATED}'"


def _head_sql(unit_column: str) -> str:
    """The current holder of the unit's first post (its head), or NULL when nobody is known."""
    return (
        f"(SELECT ph.person_id FROM {_t(Post)} p JOIN {_t(PostHolding)} ph ON ph.post_id = p.id "
        f"WHERE p.unit_id = {unit_column} AND p.is_active AND ph.ended_on IS NULL "
        f"ORDER BY p.sort_order, p.id LIMIT 1)"
    )


def _notification_insert() -> str:
    return (
        f"INSERT INTO {_t(Notification)} (public_id, key, kind, unit_id, person_id, user_id, occurrence_id, "
        f"case_id, circular_id, title, body, urgent, created_at, read_at) "
    )


def _occurrence_from(plan_ids: list[int]) -> str:
    return (
        f"FROM {_t(Occurrence)} o JOIN {_t(Duty)} d ON d.id = o.duty_id "
        f"JOIN {_t(Clause)} c ON c.id = d.clause_id JOIN {_t(PlanVersion)} v ON v.id = c.version_id "
        f"WHERE v.plan_id IN ({_in(plan_ids)}) AND o.status IN ({_OPEN}) "
    )


@dataclass
class Counts:
    reminders: int = 0
    urges: int = 0
    cases: int = 0
    case_notices: int = 0
    resolved: int = 0
    deliveries: int = 0
    statements: int = 0

    def add(self, name: str, rowcount: int) -> None:
        setattr(self, name, getattr(self, name) + max(rowcount, 0))


def _execute(counts: Counts, sql: str, params: list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts.statements += 1
        return cursor.rowcount


def policies_by_plan() -> dict[EscalationPolicy, list[int]]:
    """Each active policy with the plans it governs: a plan's own policy, else its region's nearest default."""
    policies = list(EscalationPolicy.objects.filter(is_active=True).select_related("region"))
    own = {p.plan_id: p for p in policies if p.plan_id}
    defaults = sorted((p for p in policies if not p.plan_id), key=lambda p: -len(p.region.path))
    result: dict[EscalationPolicy, list[int]] = defaultdict(list)
    for plan_id, path in Plan.objects.values_list("id", "region__path"):
        policy = own.get(plan_id) or next((d for d in defaults if path.startswith(d.region.path)), None)
        if policy is not None:
            result[policy].append(plan_id)
    return result


def _not_yet(kind: str) -> str:
    """Skip occurrences already told about this due date, so each LIMITed batch makes progress."""
    return (
        f"AND NOT EXISTS (SELECT 1 FROM {_t(Notification)} n WHERE n.occurrence_id = o.id AND n.kind = '{kind}' "
        f"AND n.key = '{kind}:occ' || o.id || ':unit' || o.unit_id || ':inapp:' || o.due_on) "
    )


def not_held(held: Iterable[int]) -> str:
    """Leave out the items of batches the brake holds (see brake.py)."""
    ids = _in(held)
    return "" if ids == "NULL" else f"AND (o.rule_id IS NULL OR o.rule_id NOT IN ({ids})) "


def _in_batches(counts: Counts, name: str, sql: str, params: list, batch: int, now: dt.datetime) -> None:
    """Run a LIMITed INSERT … SELECT until it inserts fewer than `batch` rows; one transaction per batch."""
    while True:
        with transaction.atomic():
            inserted = _execute(counts, sql, [*params, batch])
            counts.add(name, inserted)
            if inserted:
                fan_out(counts, now)
        if inserted < batch:
            return


def _person_unit_sql(person_column: str) -> str:
    """The unit of the person's first current post: where a message to a person (a leader) is routed."""
    return (
        f"(SELECT p.unit_id FROM {_t(Post)} p JOIN {_t(PostHolding)} ph ON ph.post_id = p.id "
        f"WHERE ph.person_id = {person_column} AND ph.ended_on IS NULL ORDER BY p.sort_order, p.id LIMIT 1)"
    )


def fan_out(counts: Counts, now: dt.datetime) -> None:
    """A delivery for every notification created at `now` and every active endpoint that takes it.

    A message to a unit goes to that unit's and its regions' endpoints; one to a person alone (a leader
    asked to 签批) goes to the endpoints of the unit where the person holds a post.
    """
    sql = (
        f"INSERT INTO {_t(Delivery)} (key, notification_id, endpoint_id, channel, status, urgent, attempts, "
        f"next_attempt_at, created_at, sent_at, last_error, response) "
        f"SELECT n.key || ':' || e.channel || ':e' || e.id, n.id, e.id, e.channel, '{DeliveryStatus.PENDING}', "
        f"n.urgent, 0, %s, %s, NULL, '', '' "
        f"FROM {_t(Notification)} n JOIN {_t(Unit)} u ON u.id = COALESCE(n.unit_id, {_person_unit_sql('n.person_id')}) "
        f"JOIN {_t(Region)} r ON r.id = u.region_id "
        f"JOIN {_t(Endpoint)} e ON e.is_active "
        f"JOIN {_t(Region)} er ON er.id = e.region_id "
        f"WHERE n.created_at = %s AND (e.unit_id = u.id OR (e.unit_id IS NULL AND r.path LIKE er.path || '%%')) "
        f"AND (e.events = '' OR (',' || e.events || ',') LIKE ('%%,' || n.kind || ',%%')) "
        f"ON CONFLICT DO NOTHING"
    )
    counts.add("deliveries", _execute(counts, sql, [_ts(now), _ts(now), _ts(now)]))


def remind(counts: Counts, plan_ids: list[int], cut: ladder.Thresholds, now: dt.datetime, batch: int) -> None:
    """到期提醒 to the unit for open occurrences due within the next N working days."""
    sql = (
        _notification_insert()
        + f"SELECT {_uuid_sql()}, 'remind:occ' || o.id || ':unit' || o.unit_id || ':inapp:' || o.due_on, "
        f"'{EventKind.REMIND}', o.unit_id, NULL, NULL, o.id, NULL, NULL, '到期提醒：' || d.title, "
        f"'截止日期 ' || o.due_on || '，请按时报送办理情况。', FALSE, %s, NULL "
        + _occurrence_from(plan_ids)
        + "AND o.due_on >= %s AND o.due_on <= %s "
        + _not_yet(EventKind.REMIND)
        + "ORDER BY o.id LIMIT %s ON CONFLICT DO NOTHING"
    )
    _in_batches(counts, "reminders", sql, [_ts(now), _d(cut.today), _d(cut.remind_until)], batch, now)


def urge(
    counts: Counts,
    plan_ids: list[int],
    cut: ladder.Thresholds,
    now: dt.datetime,
    batch: int,
    held: Iterable[int] = (),
) -> None:
    """催办 to the unit's head (or the unit when its head is unknown) for open overdue occurrences."""
    sql = (
        _notification_insert()
        + f"SELECT {_uuid_sql()}, 'urge:occ' || o.id || ':unit' || o.unit_id || ':inapp:' || o.due_on, "
        f"'{EventKind.URGE}', o.unit_id, {_head_sql('o.unit_id')}, NULL, o.id, NULL, NULL, '催办：' || d.title, "
        f"'该事项已于 ' || o.due_on || ' 到期，至今未报送，请抓紧办理并报送。', FALSE, %s, NULL "
        + _occurrence_from(plan_ids)
        + "AND o.due_on < %s "
        + not_held(held)
        + _not_yet(EventKind.URGE)
        + "ORDER BY o.id LIMIT %s ON CONFLICT DO NOTHING"
    )
    _in_batches(counts, "urges", sql, [_ts(now), _d(cut.today)], batch, now)


def _next_sequence(prefix: str, year: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX(sequence), 0) FROM {_t(Case)} WHERE prefix = %s AND year = %s",
            [prefix, year],
        )
        return int(cursor.fetchone()[0])


def open_cases(
    counts: Counts,
    policy: EscalationPolicy,
    plan_ids: list[int],
    cut: ladder.Thresholds,
    now: dt.datetime,
    batch: int,
    held: Iterable[int] = (),
) -> None:
    """A 督办 case, numbered in order, for each open occurrence overdue more than M working days; its notice."""
    occurrence_type = ContentType.objects.get_for_model(Occurrence).pk
    year = cut.today.year
    sql = (
        f"INSERT INTO {_t(Case)} (public_id, created_at, updated_at, key, source, content_type_id, object_id, "
        f"region_id, unit_id, policy_id, plan_id, clause_id, title, body, prefix, year, sequence, number, "
        f"opened_at, original_deadline, deadline, extensions, delay_days, status, circulated_at, resolved_at, "
        f"resolution) "
        f"SELECT {_uuid_sql()}, %s, %s, 'occurrence:' || o.id, '{CaseSource.OCCURRENCE}', {occurrence_type}, o.id, "
        f"u.region_id, o.unit_id, {int(policy.pk)}, v.plan_id, c.id, d.title, "
        f"'该事项应于 ' || o.due_on || ' 前完成，逾期超过 {int(policy.case_after_workdays)} 个工作日仍未报送，"
        f"现予督办。', "
        f"CAST(%s AS TEXT), {year}, %s + ROW_NUMBER() OVER (ORDER BY o.id), "
        f"CAST(%s AS TEXT) || '〔{year}〕' || (%s + ROW_NUMBER() OVER (ORDER BY o.id)) || '号', "
        f"%s, %s, %s, 0, 0, '{CaseStatus.OPEN}', NULL, NULL, '' "
        + _occurrence_from(plan_ids).replace("WHERE", f"JOIN {_t(Unit)} u ON u.id = o.unit_id WHERE", 1)
        + f"AND o.due_on < %s {not_held(held)}AND NOT EXISTS (SELECT 1 FROM {_t(Case)} k "
        f"WHERE k.content_type_id = {occurrence_type} AND k.object_id = o.id) ORDER BY o.id LIMIT %s "
        f"ON CONFLICT DO NOTHING"
    )
    notice = (
        _notification_insert()
        + f"SELECT {_uuid_sql()}, 'case_opened:case' || k.id || ':unit' || k.unit_id || ':inapp:-', "
        f"'{EventKind.CASE_OPENED}', k.unit_id, {_head_sql('k.unit_id')}, NULL, k.object_id, k.id, NULL, "
        f"'督办通知（' || k.number || '）：' || k.title, '请于 ' || k.deadline || ' 前办结并报送。', FALSE, %s, NULL "
        f"FROM {_t(Case)} k WHERE k.created_at = %s AND k.policy_id = {int(policy.pk)} ON CONFLICT DO NOTHING"
    )
    while True:
        with transaction.atomic():
            base = _next_sequence(policy.notice_prefix, year)
            params = [_ts(now), _ts(now), policy.notice_prefix, base, policy.notice_prefix, base, _ts(now)]
            params += [_d(cut.case_deadline), _d(cut.case_deadline), _d(cut.case_due_before), batch]
            created = _execute(counts, sql, params)
            counts.add("cases", created)
            if created:
                counts.add("case_notices", _execute(counts, notice, [_ts(now), _ts(now)]))
                fan_out(counts, now)
        if created < batch:
            return


def resolve_reported(counts: Counts, now: dt.datetime) -> None:
    """Cases whose occurrence has since been reported (报送) are resolved (办结)."""
    occurrence_type = ContentType.objects.get_for_model(Occurrence).pk
    sql = (
        f"UPDATE {_t(Case)} SET status = '{CaseStatus.RESOLVED}', resolved_at = %s, updated_at = %s, "
        f"resolution = '责任单位已报送办理情况' "
        f"WHERE status IN ({_OPEN_CASES}) AND content_type_id = {occurrence_type} AND EXISTS (SELECT 1 FROM "
        f"{_t(Occurrence)} o WHERE o.id = {_t(Case)}.object_id AND o.status NOT IN ({_OPEN}))"
    )
    with transaction.atomic():
        counts.add("resolved", _execute(counts, sql, [_ts(now), _ts(now)]))


def enter_circular(counts: Counts, circular_id: int, policy_id: int, today: dt.date, now: dt.datetime) -> int:
    """Name every case of the policy still open after its deadline in the circular; mark them circulated."""
    entries = (
        f"INSERT INTO {_t(CircularEntry)} (circular_id, case_id, unit_id, year) "
        f"SELECT {int(circular_id)}, k.id, k.unit_id, {today.year} FROM {_t(Case)} k "
        f"WHERE k.policy_id = {int(policy_id)} AND k.status = '{CaseStatus.OPEN}' AND k.deadline < %s "
        f"ON CONFLICT DO NOTHING"
    )
    mark = (
        f"UPDATE {_t(Case)} SET status = '{CaseStatus.CIRCULATED}', circulated_at = %s, updated_at = %s "
        f"WHERE status = '{CaseStatus.OPEN}' AND id IN (SELECT case_id FROM {_t(CircularEntry)} "
        f"WHERE circular_id = {int(circular_id)})"
    )
    notify = (
        _notification_insert()
        + f"SELECT {_uuid_sql()}, 'circular:circ' || ci.id || ':unit' || x.unit_id || ':inapp:-', "
        f"'{EventKind.CIRCULAR}', x.unit_id, {_head_sql('x.unit_id')}, NULL, NULL, NULL, ci.id, "
        f"'通报（' || ci.number || '）：' || ci.title, '贵单位有督办事项逾期未办结，已予通报。', FALSE, %s, NULL "
        f"FROM (SELECT DISTINCT unit_id FROM {_t(CircularEntry)} WHERE circular_id = {int(circular_id)}) x, "
        f"{_t(Circular)} ci WHERE ci.id = {int(circular_id)} ON CONFLICT DO NOTHING"
    )
    added = _execute(counts, entries, [_d(today)])
    _execute(counts, mark, [_ts(now), _ts(now)])
    _execute(counts, notify, [_ts(now)])
    fan_out(counts, now)
    return added
