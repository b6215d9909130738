"""The one scoping mechanism: `Model.objects.restrict(user, action)`, deny by default.

A model says how its rows relate to the organization through a `Scope` declaration:

    class Unit(BaseModel):
        scope = Scope(region="region__path", unit="pk")

A user's active role assignments grant actions (ROLE_ACTIONS in anze.accounts.roles) over an area: a
region and everything under it, or one unit. A row is visible for an action when some assignment that
grants the action covers the row's region path or unit. Reference data may open `view` to every
signed-in internal user (`internal_view=True`). Anything not granted is filtered out, so pages, the API,
exports, form choices and jobs all see the same rows, and an out-of-scope object answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from anze.core.signals import object_denied

ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Scope:
    """How a model's rows are placed in the organization, for restrict()."""

    region: str | None = None  # lookup to a Region.path, e.g. "region__path"
    unit: str | None = None  # lookup to a Unit id, e.g. "unit_id" or "pk" for Unit itself
    internal_view: bool = False  # every internal user may view (reference data)
    # lookup to an enterprises.Enterprise id ("pk", "enterprise_id"): enterprise users (Role.ENTERPRISE)
    # reach only the rows of the enterprises they belong to (enterprises.EnterpriseMembership)
    enterprise: str | None = None
    roles: dict[str, frozenset[str]] | None = None  # per-model override of ROLE_ACTIONS
    # A foreign key at the head of `region` (e.g. "unit" of "unit__region__path"): a region grant then reads
    # `unit_id IN (the region's units)` instead of joining every row to its unit and region, so a large
    # table is searched through its (unit, …) index; SQLite otherwise walks the whole table by another index.
    region_via: str | None = None

    def __post_init__(self) -> None:
        if self.region_via and not (self.region or "").startswith(f"{self.region_via}__"):
            raise ValueError(f"region_via {self.region_via!r} must be the first step of region {self.region!r}")


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may do."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; use one of {ACTIONS}")
        q = scope_q(self.model, user, action)
        if q is None:
            return self.none()
        if q is ALL:
            return self.all()
        return self.filter(q)


class _All:
    """Marker: no filtering needed."""


ALL: Any = _All()


def scope_q(model: type[models.Model], user: Any, action: str) -> Q | Any | None:
    """The filter that limits `model` to `user`'s grants for `action`: ALL, a Q, or None (nothing)."""
    from anze.accounts.roles import GLOBAL_ROLES, Role, actions_for, is_internal_role

    scope: Scope | None = getattr(model, "scope", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ALL
    if scope is None:
        return None
    assignments = user.active_assignments()
    if action == "view" and scope.internal_view and any(is_internal_role(a.role) for a in assignments):
        return ALL
    q = Q()
    granted = False
    for assignment in assignments:
        if action not in actions_for(assignment.role, scope.roles):
            continue
        if assignment.role == Role.ENTERPRISE:
            # An enterprise user's area is its own enterprise, never a region or "everything".
            if scope.enterprise:
                q |= Q(**{f"{scope.enterprise}__in": _enterprise_ids(user)})
                granted = True
            continue
        if assignment.region_id is not None and scope.region:
            q |= _region_q(model, scope, assignment.region.path)
            granted = True
        elif assignment.unit_id is not None:
            if scope.unit:
                q |= Q(**{scope.unit: assignment.unit_id})
                granted = True
        elif assignment.region_id is None and assignment.unit_id is None and assignment.role in GLOBAL_ROLES:
            # The auditor and the three administrators hold their role without an area: it covers
            # everything the role's actions allow. Any other role without an area grants nothing.
            return ALL
    return q if granted else None


def _region_q(model: type[models.Model], scope: Scope, path: str) -> Q:
    """The rows placed under the region at `path` (and its descendants)."""
    assert scope.region is not None
    if not scope.region_via:
        return Q(**{f"{scope.region}__startswith": path})
    related = model._meta.get_field(scope.region_via).related_model
    rest = scope.region[len(scope.region_via) + 2 :]
    within = related._base_manager.filter(**{f"{rest}__startswith": path}).values("pk")
    return Q(**{f"{scope.region_via}__in": within})


def _enterprise_ids(user: Any) -> Any:
    """The ids of the enterprises `user` belongs to, as a subquery (empty without the enterprises app)."""
    from django.apps import apps

    try:
        membership = apps.get_model("enterprises", "EnterpriseMembership")
    except LookupError:
        return []
    return membership.objects.filter(user_id=user.pk).values("enterprise_id")


def get_restricted_or_404(queryset: models.QuerySet, user: Any, action: str, **lookup: Any) -> Any:
    """Fetch one object within the user's scope; an out-of-scope one answers 404 and is audited (the audit
    app receives `object_denied`)."""
    from django.http import Http404

    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.filter(**lookup).exists():
            object_denied.send(sender=queryset.model, user=user, lookup=lookup, action=action)
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None
