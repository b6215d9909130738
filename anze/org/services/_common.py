"""Shared helpers of the organization services: scope checks, errors, field updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

# ---------------------------------------------------------------------------------------------- helpers


def _is_user(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str)


def _ensure_allowed(actor: Any, action: str, obj: models.Model) -> None:
    """Refuse unless `obj` lies within the actor's scope for `action` (the system and commands may)."""
    if not _is_user(actor):
        return
    if not type(obj).objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权对“%(object)s”执行此操作。") % {"object": obj})


def _region_grant(actor: Any, action: str, model: type[models.Model], path: str) -> bool:
    """Whether the actor holds `action` on `model` through a region-wide grant covering `path`
    (or everywhere): a grant over one unit does not count."""
    from anze.accounts.roles import GLOBAL_ROLES, actions_for

    if not _is_user(actor):
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_superuser:
        return True
    roles = getattr(getattr(model, "scope", None), "roles", None)
    for assignment in actor.active_assignments():
        if action not in actions_for(assignment.role, roles):
            continue
        if assignment.region_id is not None and path.startswith(assignment.region.path):
            return True
        if assignment.region_id is None and assignment.unit_id is None and assignment.role in GLOBAL_ROLES:
            return True
    return False


def placeable_regions_q(user: Any, action: str, model: type[models.Model]) -> Any:
    """A Q over Region rows where `user` holds `action` on `model` through a region-wide grant (or
    everywhere); None when nowhere. Used for "where may I add a unit/person/…" choices."""
    from django.db.models import Q

    from anze.accounts.roles import GLOBAL_ROLES, actions_for

    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if user.is_superuser:
        return Q()
    roles = getattr(getattr(model, "scope", None), "roles", None)
    q, granted = Q(), False
    for assignment in user.active_assignments():
        if action not in actions_for(assignment.role, roles):
            continue
        if assignment.region_id is not None:
            q |= Q(path__startswith=assignment.region.path)
            granted = True
        elif assignment.unit_id is None and assignment.role in GLOBAL_ROLES:
            return Q()
    return q if granted else None


def _refuse(obj: Any) -> PermissionDenied:
    return PermissionDenied(_("您无权对“%(object)s”执行此操作。") % {"object": obj})


def _fail(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _apply(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields that actually change; return their names."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot change {sorted(unknown)} here")
    changed = []
    for field, value in changes.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def _save(obj: models.Model, **clean: Any) -> None:
    obj.full_clean(**clean)
    obj.save()
