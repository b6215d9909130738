"""API errors with stable codes, and denied requests announced to the audit trail (`request_denied`)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from anze.core.signals import request_denied


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    response = drf_exception_handler(exc, context)
    if isinstance(
        exc, exceptions.PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed
    ):
        request = context.get("request")
        request_denied.send(
            sender=None,
            user=getattr(request, "user", None),
            path=request.path if request else "",
            reason=str(getattr(exc, "detail", exc))[:500],
        )
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            response.data["code"] = codes
    return response
