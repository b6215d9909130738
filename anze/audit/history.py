"""An object's audit history (变更记录): its events, newest first, with the fields each one changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse

from anze.audit.actions import action_label, display_value, field_label
from anze.audit.models import AuditEvent

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class Change:
    """One field's value before and after an event."""

    field: str
    label: str
    before: Any
    after: Any


def object_key(obj: models.Model) -> tuple[str, str]:
    """How record() names an object: ("app.model", public_id or pk)."""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(getattr(obj, "public_id", None) or obj.pk)


def changes_of(event: AuditEvent) -> list[Change]:
    return [
        Change(
            name,
            field_label(event.object_type, name),
            display_value(event.object_type, name, old),
            display_value(event.object_type, name, new),
        )
        for name, old, new in event.changes
    ]


def history_context(
    obj: models.Model, *, user: Any, before: int | None = None, limit: int = HISTORY_PAGE_SIZE
) -> dict:
    """The template context of one page of an object's history, with a link to the next older page.

    Only the events `user` may read in the audit trail are shown (access.visible_events): nothing for the
    system and security administrators or any other non-reader (三权分立).
    """
    from anze.audit.access import is_audit_reader, visible_events

    object_type, object_id = object_key(obj)
    events = visible_events(user).filter(object_type=object_type, object_id=object_id).select_related("actor")
    if before is not None:
        events = events.filter(sequence__lt=before)
    page = list(events.order_by("-sequence")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    rows = [
        {
            "event": event,
            "actor": (event.actor.display_name or event.actor_label) if event.actor else event.actor_label,
            "label": action_label(event.action),
            "changes": changes_of(event),
        }
        for event in page
    ]
    url = reverse("audit:history", kwargs={"object_type": object_type, "object_id": object_id})
    return {
        "visible": is_audit_reader(user),
        "rows": rows,
        "history_url": url,
        "more_url": f"{url}?before={page[-1].sequence}" if more and page else "",
        "is_continuation": before is not None,
    }
