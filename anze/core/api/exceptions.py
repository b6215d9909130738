"""API errors with stable codes, and denied requests written to the audit trail."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        from anze.audit.services import record_standalone

        request = context.get("request")
        record_standalone(
            "access.denied",
            actor=getattr(request, "user", None),
            obj=("api", request.path if request else "", ""),
            success=False,
            reason=str(getattr(exc, "detail", exc))[:500],
        )
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            response.data["code"] = codes
    return response
