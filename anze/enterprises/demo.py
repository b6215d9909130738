"""`anze demo` for enterprises: industries, the Linyi industry → department map, the initial rule set and
generated enterprises with records, then one evaluation. Safe to run again: nothing is duplicated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models, router, transaction
from django.db.models import Max
from django.utils import timezone

from anze.audit.services import record
from anze.enterprises import engine, seed, services
from anze.enterprises.generate import Generated, generate
from anze.enterprises.models import (
    CommitteeMeeting,
    Drill,
    EmergencyPlan,
    Enterprise,
    EnterpriseMembership,
    Industry,
    InsurancePolicy,
    PlantArea,
    RescueArrangement,
    SafetyCommittee,
    SafetyPerson,
)
from anze.org.choices import RegionLevel
from anze.org.models import Region

CITY_CODE = "371300"
DEMO_ENTERPRISE_USER = "demo_enterprise"


def write(items: Iterable[Generated], *, batch_size: int = 5000) -> int:
    """Insert generated enterprises and their records in large batches; returns enterprises written.

    Rows go in through executemany (SQLite) or COPY (PostgreSQL) with ids assigned here (the generator is the only writer while it
    runs), because Django's bulk_create spends most of its time preparing values row by row: 200,000
    enterprises with about a million records take minutes that way instead of seconds.
    """
    written = 0
    batch: list[Generated] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            written += _write_batch(batch)
            batch = []
    if batch:
        written += _write_batch(batch)
    if written:
        _reset_sequences()
    return written


_RECORD_MODELS = (PlantArea, SafetyPerson, SafetyCommittee, CommitteeMeeting, InsurancePolicy, EmergencyPlan,
                  Drill, RescueArrangement)  # fmt: skip


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    if isinstance(field, models.UUIDField):
        return (lambda v: v) if connection.features.has_native_uuid_field else (lambda v: v.hex)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return lambda v: v


def _insert(model: type[models.Model], rows: list[dict[str, Any]], now: dt.datetime) -> None:
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = list(model._meta.concrete_fields)
    converters = [_converter(f, connection) for f in fields]
    auto_now = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = []
    for row in rows:
        values.append(
            tuple(
                convert(
                    now if f.attname in auto_now else row[f.attname] if f.attname in row else f.get_default()
                )
                for f, convert in zip(fields, converters, strict=True)
            )
        )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, values)  # SQLite is in-process: no round trips to save
            return
        # PostgreSQL: COPY streams the rows in one command.
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)


def _reset_sequences() -> None:
    connection = connections[router.db_for_write(Enterprise)]
    statements = connection.ops.sequence_reset_sql(no_style(), [Enterprise, *_RECORD_MODELS])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@transaction.atomic
def _write_batch(batch: list[Generated]) -> int:
    now = timezone.now()
    next_enterprise = _next_id(Enterprise)
    ids = {model: _next_id(model) for model in _RECORD_MODELS}

    def rows_of(model: type[models.Model], enterprise_id: int, items: list[dict[str, Any]]) -> list[dict]:
        rows = []
        for item in items:
            rows.append({"id": ids[model], "enterprise_id": enterprise_id, **item})
            ids[model] += 1
        return rows

    enterprises, records = [], {model: [] for model in _RECORD_MODELS}
    for offset, item in enumerate(batch):
        pk = next_enterprise + offset
        enterprises.append({"id": pk, **item.enterprise})
        areas = rows_of(PlantArea, pk, [{"name": name} for name in item.areas])
        records[PlantArea] += areas
        area_ids = {row["name"]: row["id"] for row in areas}
        records[SafetyPerson] += rows_of(SafetyPerson, pk, item.people)
        records[SafetyCommittee] += rows_of(SafetyCommittee, pk, [item.committee] if item.committee else [])
        records[CommitteeMeeting] += rows_of(CommitteeMeeting, pk, item.meetings)
        records[InsurancePolicy] += rows_of(InsurancePolicy, pk, item.policies)
        records[EmergencyPlan] += rows_of(EmergencyPlan, pk, item.plans)
        drills = []
        for drill in item.drills:
            data = dict(drill)
            data["plant_area_id"] = area_ids.get(data.pop("area"))
            drills.append(data)
        records[Drill] += rows_of(Drill, pk, drills)
        records[RescueArrangement] += rows_of(RescueArrangement, pk, item.rescues)
    _insert(Enterprise, enterprises, now)
    for model in _RECORD_MODELS:
        _insert(model, records[model], now)
    return len(enterprises)


def generated_for(city: Region, count: int, *, today: dt.date, seed_value: int = 2026, start: int = 1):
    """The generator over `city`'s counties and the loaded industries."""
    counties = list(
        Region.objects.filter(parent=city, level__in=[RegionLevel.COUNTY, RegionLevel.ZONE])
        .order_by("sort_order", "code")
        .values_list("pk", "code")
    )
    industries = {i.code: (i.pk, i.category) for i in Industry.objects.all()}
    return generate(count, counties=counties, industries=industries, today=today, seed=seed_value,
                    start_serial=start)  # fmt: skip


def load(*, actor: Any = None, enterprises: int = 300, now: dt.datetime | None = None) -> dict[str, int]:
    """Load or complete the enterprise demo for Linyi; returns counts of what was added."""
    now = now or timezone.now()
    city = Region.objects.filter(code=CITY_CODE).first()
    if city is None:
        return {}
    counts = {"industries": seed.load_industries()}
    counts["supervisors"] = seed.seed_supervisors(city, actor=actor)
    counts["rule_sets"] = 1 if seed.load_rule_set(city, actor=actor) else 0
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    fresh = [
        item
        for item in generated_for(city, enterprises, today=timezone.localdate(now))
        if item.enterprise["credit_code"] not in existing
    ]
    counts["enterprises"] = write(fresh)
    if counts["enterprises"]:
        with transaction.atomic():
            services.assign_supervisors()
            result = engine.evaluate(now=now)
            record(
                "enterprises.enterprise.import",
                actor=actor,
                obj=("enterprises.enterprise", "", "演示企业"),
                after={"added": counts["enterprises"], **result},
                reason="demo",
                scope_path=city.path,
            )
    counts["memberships"] = _demo_membership(actor)
    return {key: value for key, value in counts.items() if value}


def _demo_membership(actor: Any) -> int:
    """Give the demo enterprise account the first high-risk demo enterprise, once."""
    from anze.accounts.models import User

    user = User.objects.filter(username=DEMO_ENTERPRISE_USER).first()
    if user is None or EnterpriseMembership.objects.filter(user=user).exists():
        return 0
    enterprise = Enterprise.objects.filter(is_high_risk=True).order_by("id").first()
    if enterprise is None:
        return 0
    with transaction.atomic():
        services.add_member(actor=actor, enterprise=enterprise, user=user)
    return 1


def demo_step(*, stdout: Any, now: dt.datetime, enterprises: int = 300) -> None:
    """`anze demo`: industries, their supervising departments, the rules and `enterprises` demo enterprises."""
    from anze.core.demo import write_counts

    write_counts(stdout, "企业演示数据", load(actor=None, enterprises=max(0, enterprises), now=now))
