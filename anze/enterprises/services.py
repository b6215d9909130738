"""State changes of the enterprises app. Each is atomic, takes `actor`, writes one audit event and, when
it changes an enterprise or one of its records, re-evaluates that enterprise before returning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from anze.audit.services import record, snapshot
from anze.core.restrict import scope_q
from anze.enterprises import engine
from anze.enterprises.choices import RuleSetStatus
from anze.enterprises.conditions import validate as validate_condition
from anze.enterprises.dates import workday_ordinal
from anze.enterprises.models import (
    EmergencyPlan,
    Enterprise,
    EnterpriseMembership,
    EnterpriseRecordsAccess,
    Industry,
    IndustrySupervisor,
    PlantArea,
    Rule,
    RuleSet,
    categories_text,
)
from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit

ENTERPRISE_FIELDS = [
    "name", "credit_code", "region", "address", "industry", "categories", "employee_count",
    "is_crowded_place", "in_chemical_park", "has_major_hazard", "legal_representative",
    "actual_controller", "principal", "status",
]  # fmt: skip
_AUDIT_FIELDS = [*ENTERPRISE_FIELDS, "county", "is_high_risk", "supervising_unit"]


def _allowed(actor: Any, model: type[models.Model], action: str, obj: models.Model | None = None) -> None:
    """Refuse a change the actor's scope does not cover (None is the system: demo loader, jobs)."""
    if actor is None:
        return
    if obj is None:
        if scope_q(model, actor, action) is None:
            raise PermissionDenied(_("您无权执行此操作。"))
        return
    if not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权执行此操作。"))


def may_keep_records(actor: Any, enterprise: Enterprise, action: str) -> bool:
    """Whether the actor may `action` ("add", "change" …) this enterprise's records."""
    return EnterpriseRecordsAccess.objects.restrict(actor, action).filter(pk=enterprise.pk).exists()


# ---------------------------------------------------------------------------------------- registry


def clean_credit_code(value: str) -> str:
    """The 统一社会信用代码 in its compact form; a wrong length, character or check character is refused."""
    try:
        return uscc.validate(value or "")
    except StdnumError as error:
        raise ValidationError(
            {"credit_code": _("统一社会信用代码无效：%(reason)s") % {"reason": error}}
        ) from None


def county_of(region: Region) -> Region:
    """The county-level region (county, district or development zone) a region lies in."""
    current: Region | None = region
    while current is not None and current.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        if current.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
            break
        current = current.parent
    if current is None or current.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        raise ValidationError({"region": _("请选择县区或乡镇街道。")})
    return current


def supervisor_for(region_id: int, industry_id: int, *, mappings: dict, industry_parent: dict,
                   region_parent: dict) -> int | None:  # fmt: skip
    """The department for an industry in a region: the most specific industry first, then the nearest region."""
    industry: int | None = industry_id
    while industry is not None:
        region: int | None = region_id
        while region is not None:
            unit = mappings.get((region, industry))
            if unit is not None:
                return unit
            region = region_parent.get(region)
        industry = industry_parent.get(industry)
    return None


def assign_supervisors(enterprises: models.QuerySet | None = None) -> int:
    """Set every (given) enterprise's supervising department from the industry map.

    The map is resolved once per distinct (region, industry) pair, not per enterprise, and written with
    one UPDATE per department, so a province's enterprises take a few dozen statements.
    """
    queryset = Enterprise.objects.all() if enterprises is None else enterprises
    mappings = {(m.region_id, m.industry_id): m.unit_id for m in IndustrySupervisor.objects.all()}
    industry_parent = dict(Industry.objects.values_list("pk", "parent_id"))
    region_parent = dict(Region.objects.values_list("pk", "parent_id"))
    by_unit: dict[int | None, list[tuple[int, int]]] = {}
    for region_id, industry_id in queryset.order_by().values_list("region_id", "industry_id").distinct():
        unit = supervisor_for(
            region_id,
            industry_id,
            mappings=mappings,
            industry_parent=industry_parent,
            region_parent=region_parent,
        )
        by_unit.setdefault(unit, []).append((region_id, industry_id))
    changed = 0
    for unit, pairs in by_unit.items():
        for start in range(0, len(pairs), 200):
            q = Q()
            for region_id, industry_id in pairs[start : start + 200]:
                q |= Q(region_id=region_id, industry_id=industry_id)
            changed += queryset.filter(q).update(supervising_unit_id=unit)
    return changed


def _prepare(enterprise: Enterprise) -> None:
    enterprise.credit_code = clean_credit_code(enterprise.credit_code)
    enterprise.county = county_of(enterprise.region)
    enterprise.categories = categories_text(enterprise.category_list)
    enterprise.is_high_risk = bool(enterprise.categories)
    enterprise.full_clean(exclude=["county"], validate_unique=True)


def _finish(enterprise: Enterprise) -> None:
    assign_supervisors(Enterprise.objects.filter(pk=enterprise.pk))
    engine.reevaluate(enterprise)
    enterprise.refresh_from_db()


@transaction.atomic
def create_enterprise(*, actor: Any, **data: Any) -> Enterprise:
    """Register an enterprise; its categories default to its industry's."""
    if "categories" not in data or data["categories"] is None:
        industry = data.get("industry")
        data["categories"] = categories_text([industry.category] if industry and industry.category else [])
    elif isinstance(data["categories"], list | tuple | set):
        data["categories"] = categories_text(data["categories"])
    enterprise = Enterprise(**data)
    _prepare(enterprise)
    _check_region(actor, enterprise.region, "add")
    enterprise.save()
    _finish(enterprise)
    record(
        "enterprises.enterprise.create",
        actor=actor,
        obj=enterprise,
        after=snapshot(enterprise, _AUDIT_FIELDS),
    )
    return enterprise


def may_place(actor: Any, region: Region, action: str) -> bool:
    """Whether the actor may register (add) or move (change) an enterprise into `region`."""
    if actor is None or actor.is_superuser:
        return True
    from anze.accounts.roles import actions_for

    for assignment in actor.active_assignments():
        if action not in actions_for(assignment.role, Enterprise.scope.roles):
            continue
        if assignment.region_id and region.path.startswith(assignment.region.path):
            return True
    return False


def may_add_anywhere(actor: Any) -> bool:
    """Whether the actor may register enterprises somewhere (the 登记企业 button)."""
    return scope_q(Enterprise, actor, "add") is not None


def _check_region(actor: Any, region: Region, action: str) -> None:
    if not may_place(actor, region, action):
        raise PermissionDenied(_("您无权在该区划登记或修改企业。"))


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, actor: Any, **changes: Any) -> Enterprise:
    """Change an enterprise's registry entry, then re-derive its department and re-evaluate it."""
    _allowed(actor, Enterprise, "change", enterprise)
    before = snapshot(enterprise, _AUDIT_FIELDS)
    if isinstance(changes.get("categories"), list | tuple | set):
        changes["categories"] = categories_text(changes["categories"])
    for field, value in changes.items():
        if field not in ENTERPRISE_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(enterprise, field, value)
    _prepare(enterprise)
    _check_region(actor, enterprise.region, "change")
    enterprise.save()
    _finish(enterprise)
    record(
        "enterprises.enterprise.update",
        actor=actor,
        obj=enterprise,
        before=before,
        after=snapshot(enterprise, _AUDIT_FIELDS),
    )
    return enterprise


@transaction.atomic
def add_member(*, actor: Any, enterprise: Enterprise, user: Any) -> EnterpriseMembership:
    """Let a user with the enterprise role keep this enterprise's records."""
    _allowed(actor, Enterprise, "change", enterprise)
    membership, _created = EnterpriseMembership.objects.get_or_create(user=user, enterprise=enterprise)
    record(
        "enterprises.membership.create",
        actor=actor,
        obj=enterprise,
        after={"user": user.username, "enterprise": enterprise.credit_code},
    )
    return membership


# ---------------------------------------------------------------------------------------- records


def _prepare_record(obj: models.Model) -> None:
    area_id = getattr(obj, "plant_area_id", None)
    if area_id and not PlantArea.objects.filter(pk=area_id, enterprise_id=obj.enterprise_id).exists():
        raise ValidationError({"plant_area": _("厂区不属于该企业。")})
    if isinstance(obj, EmergencyPlan):
        obj.published_workday = workday_ordinal(obj.published_on)
        obj.filed_workday = workday_ordinal(obj.filed_on) if obj.filed_on else None
    obj.full_clean()


def _label(model: type[models.Model]) -> str:
    return f"enterprises.{model._meta.model_name}"


@transaction.atomic
def add_record(model: type[models.Model], *, actor: Any, enterprise: Enterprise, **data: Any) -> models.Model:
    """Add a record (policy, plan, drill …) to an enterprise the actor keeps; re-evaluates it."""
    if actor is not None and not may_keep_records(actor, enterprise, "add"):
        raise PermissionDenied(_("您无权为该企业新增记录。"))
    obj = model(enterprise=enterprise, **data)
    _prepare_record(obj)
    obj.save()
    engine.reevaluate(enterprise)
    record(f"{_label(model)}.create", actor=actor, obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def update_record(obj: models.Model, *, actor: Any, **changes: Any) -> models.Model:
    """Change one record; re-evaluates its enterprise."""
    _allowed(actor, type(obj), "change", obj)
    before = snapshot(obj)
    for field, value in changes.items():
        if field in ("enterprise", "enterprise_id", "id", "public_id"):
            raise ValueError(f"{field} cannot be changed")
        setattr(obj, field, value)
    _prepare_record(obj)
    obj.save()
    engine.reevaluate(obj.enterprise)
    record(f"{_label(type(obj))}.update", actor=actor, obj=obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, actor: Any) -> None:
    """Remove a record entered in error; re-evaluates its enterprise."""
    _allowed(actor, type(obj), "delete", obj)
    before = snapshot(obj)
    enterprise = obj.enterprise
    try:
        obj.delete()
    except models.ProtectedError:
        raise ValidationError(_("该记录仍被其他记录引用（如演练引用的厂区），不能删除。")) from None
    engine.reevaluate(enterprise)
    record(f"{_label(type(obj))}.delete", actor=actor, obj=(_label(type(obj)), before.get("id", ""), str(obj)),
           before=before, scope_path=enterprise.region.path)  # fmt: skip


# ---------------------------------------------------------------------------------------- configuration


@transaction.atomic
def set_industry_supervisor(
    *, actor: Any, region: Region, industry: Industry, unit: Unit
) -> IndustrySupervisor:
    """Make `unit` the competent department of `industry` in `region`; re-derive affected enterprises."""
    _allowed(actor, RuleSet, "add")
    mapping, created = IndustrySupervisor.objects.update_or_create(
        region=region, industry=industry, defaults={"unit": unit}
    )
    assign_supervisors(Enterprise.objects.filter(region__path__startswith=region.path))
    record(
        "enterprises.industrysupervisor.update",
        actor=actor,
        obj=mapping,
        after={"region": region.code, "industry": industry.code, "unit": unit.name, "created": created},
    )
    return mapping


@transaction.atomic
def update_rule(rule: Rule, *, actor: Any, **changes: Any) -> Rule:
    """Edit a rule of a draft rule set (thresholds, amounts, condition, severity, clause)."""
    _allowed(actor, Rule, "change", rule)
    if not rule.rule_set.can_edit():
        raise ValidationError(_("只能修改草稿状态的规则集；请先新建版本。"))
    before = snapshot(rule)
    for field, value in changes.items():
        setattr(rule, field, value)
    problems = validate_condition(rule.condition)
    if problems:
        raise ValidationError({"condition": problems})
    if not isinstance(rule.params, dict):
        raise ValidationError({"params": _("参数须为 JSON 对象。")})
    rule.full_clean()
    rule.save()
    record("enterprises.rule.update", actor=actor, obj=rule, before=before, after=snapshot(rule))
    return rule


@transaction.atomic
def create_rule_set_version(rule_set: RuleSet, *, actor: Any, effective_from: dt.date) -> RuleSet:
    """A new draft version of a rule set, its rules copied, to be edited and then published."""
    _allowed(actor, RuleSet, "change", rule_set)
    latest = RuleSet.objects.filter(region=rule_set.region).order_by("-version").first()
    draft = RuleSet.objects.create(
        region=rule_set.region,
        name=rule_set.name,
        version=(latest.version if latest else 0) + 1,
        status=RuleSetStatus.DRAFT,
        effective_from=effective_from,
        source=rule_set.source,
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=draft,
            code=r.code,
            title=r.title,
            requirement=r.requirement,
            condition=r.condition,
            params=r.params,
            severity=r.severity,
            clause=r.clause,
            clause_ref=r.clause_ref,
            task_number=r.task_number,
            order=r.order,
        )
        for r in rule_set.rules.all()
    )
    record("enterprises.ruleset.create", actor=actor, obj=draft, after=snapshot(draft))
    return draft


@transaction.atomic
def publish_rule_set(rule_set: RuleSet, *, actor: Any, now: dt.datetime | None = None) -> RuleSet:
    """Put a draft in force from its date; the region's previous active version ends the day before."""
    _allowed(actor, RuleSet, "change", rule_set)
    if not rule_set.can_publish():
        raise ValidationError(_("只有草稿可以发布。"))
    previous = RuleSet.objects.filter(region=rule_set.region, status=RuleSetStatus.ACTIVE)
    for old in previous:
        old.effective_until = max(old.effective_from, rule_set.effective_from - dt.timedelta(days=1))
        old.status = (
            RuleSetStatus.RETIRED if rule_set.effective_from <= timezone.localdate(now) else old.status
        )
        old.save(update_fields=["effective_until", "status", "updated_at"])
    rule_set.status = RuleSetStatus.ACTIVE
    rule_set.save(update_fields=["status", "updated_at"])
    record("enterprises.ruleset.publish", actor=actor, obj=rule_set, after=snapshot(rule_set))
    return rule_set


@transaction.atomic
def evaluate_all(*, actor: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Evaluate every enterprise against the rules in force (nightly, and on the office's demand)."""
    _allowed(actor, RuleSet, "change")
    counts = engine.evaluate(now=now)
    record(
        "enterprises.compliance.evaluate",
        actor=actor,
        obj=("enterprises.ruleset", "", "全部企业"),
        after=counts,
    )
    return counts
