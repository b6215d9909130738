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
