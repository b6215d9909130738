"""`{% load audit %}{% audit_history obj %}`: an object's audit history on its detail page."""

from __future__ import annotations

from typing import Any

from django import template

from anze.audit.actions import action_label, model_label
from anze.audit.history import HISTORY_PAGE_SIZE, history_context

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def audit_history(context: Any, obj: Any, limit: int = HISTORY_PAGE_SIZE) -> dict[str, Any]:
    """The object's events, newest first, each with actor, action, time and the fields it changed.

    Shown only to audit readers (office/county within their scope, auditor, audit admin) and narrowed
    to the events they may read; anyone else sees no history section at all. Older events load through
    the audit:history URL, which checks again.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return history_context(obj, user=user, limit=limit)


@register.filter
def audit_action_label(code: str) -> str:
    return action_label(code)


@register.filter
def audit_model_label(object_type: str) -> str:
    """"public.tip" → 举报 (the model's name), the code itself when it names no model."""
    return model_label(object_type) if object_type else ""


@register.filter
def audit_source_label(source: str) -> str:
    from anze.audit.tables import SOURCE_LABELS

    return str(SOURCE_LABELS.get(source, source))
