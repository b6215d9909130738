"""What every emergency service shares: who the actor is and whether the actor's scope covers the record."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from anze.core.restrict import scope_q
from anze.emergency.errors import NotAllowedError

# The label the system acts under when one of these services changes another app's records as a consequence.
SYSTEM_ACTOR = "emergency"


def is_person(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "is_authenticated", False)


def allowed(actor: Any, model: type[models.Model], action: str, obj: models.Model | None = None) -> bool:
    """Whether a person's scope covers `action` on `obj` (or on the model at all); the system always may."""
    if not is_person(actor):
        return True
    if obj is None:
        return scope_q(model, actor, action) is not None
    return model.objects.restrict(actor, action).filter(pk=obj.pk).exists()


def require(actor: Any, model: type[models.Model], action: str, obj: models.Model | None = None) -> None:
    if not allowed(actor, model, action, obj):
        raise NotAllowedError(_("您无权执行此操作。"))


def person_or_none(actor: Any) -> Any:
    return actor if is_person(actor) else None


def actor_label(actor: Any) -> str:
    if is_person(actor):
        return actor.get_username()
    return str(actor or "system")[:150]
