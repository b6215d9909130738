"""Request context for the audit trail, security headers, and no caching of signed-in pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from anze.audit.context import audit_context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address.

    Behind ANZE_PROXY_HOPS trusted reverse proxies, each proxy appends the address it received the
    request from to X-Forwarded-For, so the client is the entry that many places from the right; what
    stands further left was written by the client and proves nothing. Without trusted proxies the header
    is ignored.
    """
    hops = settings.ANZE_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id and makes its origin known to audit events written while it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(
            source, request_id=request_id, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and the headers Django does not set by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.ANZE_CSP_BY_PATH.get(request.path, settings.ANZE_CSP)
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class NoStoreMiddleware:
    """Pages shown to a signed-in user are never kept by the browser or a proxy (residual information)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class SiteLanguageMiddleware(LocaleMiddleware):
    """The site's configured language (ANZE_LANGUAGE) unless the person chose another with the switcher.

    Django's own LocaleMiddleware follows the browser's Accept-Language, so an official whose browser is
    set to English met an English site although the site is Chinese. Here the choice is the language
    cookie that the switcher sets; the browser's preference is not asked.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
