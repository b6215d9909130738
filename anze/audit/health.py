"""The audit trail's part of `/healthz` (registered in AuditConfig.ready)."""

from __future__ import annotations

from typing import Any


def check_audit_chain() -> dict[str, Any]:
    """The audit chain's head row agrees with the newest event (the full proof is `anze audit verify`)."""
    from anze.audit.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.filter(pk=1).values("sequence", "hash").first()
    newest = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    if head is None:
        # No event appended yet: an empty trail is healthy, a trail without its head is not.
        return {"ok": newest is None, "sequence": 0, "hash": ""}
    ok = newest == head if newest else head["sequence"] == 0
    return {"ok": ok, "sequence": head["sequence"], "hash": head["hash"]}
