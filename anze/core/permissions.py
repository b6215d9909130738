"""Permission declarations for views: a view with none is refused by the route registry test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"


def declare(action: str) -> Callable[[F], F]:
    """Mark a function view with the action it performs ('view', 'change' …) or PUBLIC."""

    def mark(view: F) -> F:
        view.permission_action = action  # type: ignore[attr-defined]
        return view

    return mark


def declared_action(view: Any) -> str | None:
    """The action a resolved view declares: on the function, its view class, or its DRF viewset."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is None:
            continue
        action = getattr(candidate, "permission_action", None)
        if action:
            return action
        if getattr(candidate, "permission_classes", None) and hasattr(candidate, "get_queryset"):
            return "restricted"
    return None
