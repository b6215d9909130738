"""The home page and the generic error pages (no traceback, an error id to quote)."""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from anze.core import registry
from anze.core.permissions import PUBLIC, declare
from anze.core.replica import reads_from_replica
from anze.core.storage import is_storage_full

logger = logging.getLogger("anze.errors")


@declare("view")
@login_required
@reads_from_replica
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": home_panels(request)})


def home_panels(request: HttpRequest) -> list[str]:
    """The registered home panels that have something for this user, each rendered with its own context."""
    rendered = []
    for panel in registry.home_panels():
        context = panel.context(request)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered


# The codes API clients read when a request under /api/ matches no endpoint or fails outside one.
API_ERROR_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "server_error"}


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    error_id = getattr(request, "request_id", "")
    if request.path.startswith("/api/"):
        # An API client gets JSON, as from the endpoints themselves (the schema promises no HTML).
        return JsonResponse(
            {"detail": message, "code": API_ERROR_CODES[status], "error_id": error_id},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    # A signed-in user keeps the navigation (no dead end); a server error keeps the plain layout, which
    # needs no database.
    user = getattr(request, "user", None)
    signed_in = status < 500 and user is not None and user.is_authenticated
    return render(
        request,
        "core/error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "error_id": error_id,
            "layout": "base.html" if signed_in else "base_public.html",
        },
        status=status,
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from anze.core.params import BadQueryParameter

    if isinstance(exception, BadQueryParameter):  # our own message; others may carry internal detail
        return _error(request, 400, "请求有误", exception.message_zh)
    return _error(request, 400, "请求有误", "请求的格式或内容不正确，请检查后重试。")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "无权访问", "您没有访问此页面的权限。如需访问，请联系安全管理员授权。")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "页面不存在", "您要找的页面不存在，或不在您的权限范围内。")


# Seconds a client is told to wait before retrying while the database is unreachable.
DATABASE_RETRY_AFTER = 30


def _service_error(request: HttpRequest, status: int, code: str, title: str, message: str) -> HttpResponse:
    """An error page (JSON under /api/) rendered without the request's context processors, which would read
    the session and the user from the database: it must render while the database or the disk fails."""
    error_id = getattr(request, "request_id", "")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "code": code, "error_id": error_id},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "status": status,
        "title": title,
        "message": message,
        "error_id": error_id,
        "layout": "base_public.html",
    }
    return HttpResponse(render_to_string("core/error.html", context), status=status)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached (restart, failover, lock timeout): nothing was saved.

    Django closes the broken connection when the request ends and the next request opens a new one, so the
    site recovers when the database returns without a restart.
    """
    logger.warning("database unavailable, error id %s", getattr(request, "request_id", ""))
    response = _service_error(
        request,
        503,
        "database_unavailable",
        gettext("服务暂时不可用"),
        gettext(
            "数据库暂时无法访问，本次操作没有保存。请稍等片刻后重试；如果持续出现，请把错误编号告诉管理员。"
        ),
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def storage_full(request: HttpRequest) -> HttpResponse:
    """507 when the media volume is full: the upload and the record it belonged to were not saved."""
    logger.error("media storage full, error id %s", getattr(request, "request_id", ""))
    return _service_error(
        request,
        507,
        "storage_full",
        gettext("存储空间不足"),
        gettext(
            "服务器的文件存储空间已满，本次上传和填写的内容都没有保存。请把错误编号告诉管理员，扩容后再重新提交。"
        ),
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the handler while handling the exception, so the exception is at hand here.
    exception = sys.exception()
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request)
    if is_storage_full(exception):
        return storage_full(request)
    logger.error("server error, error id %s", getattr(request, "request_id", ""))
    return _error(request, 500, "系统错误", "系统处理请求时出错，已记录。请把错误编号告诉管理员。")


@declare(PUBLIC)
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer and monitoring: 200 when every part is healthy, 503 naming the failing ones."""
    from anze.core.health import run_checks

    report = run_checks()
    return JsonResponse(
        report, status=503 if report["failing"] else 200, json_dumps_params={"ensure_ascii": False}
    )
