"""API authorization: every view declares its action per method, and querysets are restricted."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def action_for(request: Request) -> str:
    return METHOD_ACTIONS.get(request.method or "GET", "change")


class RestrictedPermission(BasePermission):
    """Deny by default: the caller must be signed in, and objects come from a restricted queryset.

    The per-object check is done by the queryset itself (`restrict(user, action)`), so an object
    outside the caller's scope is simply not found (404), the same as on the pages.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_active)
