"""API errors with stable codes, and denied requests announced to the audit trail (`request_denied`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from anze.core.signals import request_denied


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    if isinstance(exc, DjangoValidationError):
        # A value a model field refuses before any query runs (a malformed id in the address or in a
        # filter): the request is wrong, not the server. Its message names the value, never internals.
        exc = exceptions.ValidationError(
            {"detail": gettext("请求中的值格式不正确：") + "；".join(exc.messages), "code": "invalid"}
        )
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
        elif isinstance(exc, exceptions.ValidationError) and "detail" not in response.data:
            # Field errors ({field: [messages]}) carry the same two keys as every other API error too,
            # so a client (and the schema) can rely on `detail` and `code` in every 400.
            response.data["detail"] = gettext("请求有误，请按各字段的提示修改后重试。")
            response.data["code"] = "invalid"
    return response
