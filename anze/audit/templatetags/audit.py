"""`{% load audit %}{% audit_history obj %}`: an object's audit history on its detail page."""

from __future__ import annotations

from typing import Any

from django import template

from anze.audit.actions import action_label
from anze.audit.history import HISTORY_PAGE_SIZE, history_context

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def audit_history(obj: Any, limit: int = HISTORY_PAGE_SIZE) -> dict[str, Any]:
    """The object's events, newest first, each with actor, action, time and the fields it changed.

    The page that shows `obj` has already checked the reader may view it; older events load through
    the audit:history URL, which checks again.
    """
    return history_context(obj, limit=limit)


@register.filter
def audit_action_label(code: str) -> str:
    return action_label(code)
