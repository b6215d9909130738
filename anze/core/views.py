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

logger = logging.getLogger("anze.errors")


@declare("view")
@login_required
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


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    error_id = getattr(request, "request_id", "")
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


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached (restart, failover, lock timeout): nothing was saved.

    Rendered without the request's context processors, which would read the session and the user from
    the database that just failed; Django closes the broken connection when the request ends and the next
    request opens a new one, so the site recovers when the database returns without a restart.
    """
    error_id = getattr(request, "request_id", "")
    logger.warning("database unavailable, error id %s", error_id)
    message = gettext(
        "数据库暂时无法访问，本次操作没有保存。请稍等片刻后重试；如果持续出现，请把错误编号告诉管理员。"
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "code": "database_unavailable", "error_id": error_id},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {
            "status": 503,
            "title": gettext("服务暂时不可用"),
            "message": message,
            "error_id": error_id,
            "layout": "base_public.html",
        }
        response = HttpResponse(render_to_string("core/error.html", context), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the handler while handling the exception, so the exception is at hand here.
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable(request)
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
