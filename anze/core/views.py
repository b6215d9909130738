"""The home page and the generic error pages (no traceback, an error id to quote)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from anze.core.permissions import declare

logger = logging.getLogger("anze.errors")


@declare("view")
@login_required
def home(request: HttpRequest) -> HttpResponse:
    from anze.core.dashboard import home_cards

    return render(request, "core/home.html", {"cards": home_cards(request.user)})


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    error_id = getattr(request, "request_id", "")
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message, "error_id": error_id},
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


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    logger.error("server error, error id %s", getattr(request, "request_id", ""))
    return _error(request, 500, "系统错误", "系统处理请求时出错，已记录。请把错误编号告诉管理员。")
