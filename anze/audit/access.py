"""Who reads the audit trail (三权分立): the auditor and the audit admin everything, the city and county
offices their own region's events; the system and security administrators never."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from anze.accounts.roles import Role
from anze.audit.models import AuditEvent

READER_ROLES = frozenset({Role.AUDITOR.value, Role.AUDIT_ADMIN.value, Role.OFFICE.value, Role.COUNTY.value})
ADMIN_ROLES = frozenset({Role.AUDIT_ADMIN.value})


def is_audit_reader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*READER_ROLES))


def is_audit_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*ADMIN_ROLES))


def deny(user: Any, path: str, reason: str) -> PermissionDenied:
    """Write the refusal to the trail and return the exception for the caller to raise."""
    from anze.audit.services import record_standalone

    record_standalone("access.denied", actor=user, obj=("path", path[:64], ""), success=False, reason=reason)
    return PermissionDenied(reason)


def require_reader(user: Any, path: str) -> None:
    if not is_audit_reader(user):
        raise deny(user, path, "the audit log is open to audit readers only")


def require_admin(user: Any, path: str) -> None:
    if not is_audit_admin(user):
        raise deny(user, path, "audit chain verification is open to the audit administrator only")


def visible_events(user: Any):
    """The events `user` may read: everything, their region's, or nothing."""
    if not is_audit_reader(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.restrict(user, "view")
