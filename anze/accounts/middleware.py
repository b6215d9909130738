"""Session limits, the administration network allow-list, and the gates in front of every page.

Order (settings.MIDDLEWARE): after authentication and django-otp, SessionLimits ends stale sessions,
AdminNetwork refuses management paths from outside the allow-list, PasswordPolicy sends users with an
initial or expired password to the change page, OTPRequired holds administrators at the second factor.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts import policy
from anze.core.middleware import client_ip

# Paths treated as administration: the Django admin and the account management pages and API.
DEFAULT_ADMIN_PATHS = ("/admin/", "/accounts/manage/", "/api/manage/")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def api_refusal(code: str, detail: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load instead of swapping the login page into a fragment."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _exempt(request: HttpRequest, names: tuple[str, ...]) -> bool:
    path = request.path_info
    if path.startswith((settings.STATIC_URL, "/i18n/")):
        return True
    return path in {reverse(name) for name in names}


class _Middleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response


SEEN_AT_STEP_SECONDS = 60


class SessionLimitsMiddleware(_Middleware):
    """Ends a session idle for SESSION_IDLE_MINUTES, or older than SESSION_ABSOLUTE_HOURS since sign-in."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return self.get_response(request)
        now = timezone.now().timestamp()
        login_at = session.get(policy.LOGIN_AT_KEY)
        seen_at = session.get(policy.SEEN_AT_KEY)
        if login_at is None or seen_at is None:  # a session started without the login page (force_login)
            login_at = seen_at = now
            session[policy.LOGIN_AT_KEY] = now
        reason = ""
        if policy.is_locked(user):  # locked while signed in (e.g. wrong OTPs in another session)
            reason = "account locked"
        elif now - seen_at > policy.security("SESSION_IDLE_MINUTES") * 60:
            reason = "idle timeout"
        elif now - login_at > policy.security("SESSION_ABSOLUTE_HOURS") * 3600:
            reason = "absolute session limit"
        if reason:
            from anze.accounts.services import sign_out

            sign_out(request, reason=reason)
            if is_api(request):
                return self.get_response(request)  # continues as anonymous; the API answers 401/403
            query = urlencode({"next": request.get_full_path(), "expired": "1"})
            return redirect_to(request, f"{reverse(settings.LOGIN_URL)}?{query}")
        if now - seen_at >= SEEN_AT_STEP_SECONDS or policy.SEEN_AT_KEY not in session:
            # Marking every request would write the session row on every page and answer (a write and a
            # commit each): the idle limit is counted in minutes, so a mark a minute old is close enough.
            session[policy.SEEN_AT_KEY] = now
        return self.get_response(request)


class AdminNetworkMiddleware(_Middleware):
    """Administration paths answer 403 to any address outside ADMIN_ALLOWED_NETWORKS (等保 L3-CES1-19)."""

    @cached_property
    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in policy.security("ADMIN_ALLOWED_NETWORKS")]

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(settings.ANZE_SECURITY.get("ADMIN_PATHS", DEFAULT_ADMIN_PATHS))

    def allowed(self, ip: str | None) -> bool:
        try:
            address = ipaddress.ip_address(ip or "")
        except ValueError:
            return False
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped  # type: ignore[union-attr]
        return any(address in network for network in self.networks)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.prefixes):
            ip = client_ip(request)
            if not self.allowed(ip):
                from anze.audit.services import record_standalone

                record_standalone(
                    "access.denied",
                    actor=getattr(request, "user", None),
                    obj=("path", request.path_info[:64], ""),
                    success=False,
                    reason="administration path from an address outside the allow-list",
                )
                if is_api(request):
                    return api_refusal("admin_network", _("此管理接口只能从管理网络访问。"))
                raise PermissionDenied("administration path from outside the allowed networks")
        return self.get_response(request)


class PasswordPolicyMiddleware(_Middleware):
    """Initial or expired passwords: every page leads to the change page; the API answers 403 (L3-CES1-01)."""

    EXEMPT = (
        "accounts:password_change",
        "accounts:logout",
        "accounts:otp_setup",
        "accounts:otp_verify",
        "api:auth-password",
        "api:auth-logout",
    )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and policy.password_change_required(user)
            # The second factor comes first; OTPRequiredMiddleware holds the user there.
            and not (policy.otp_required(user) and not user.is_verified())
            and not _exempt(request, self.EXEMPT)
        ):
            if is_api(request):
                return api_refusal("password_change_required", _("须先修改密码（初始密码或密码已过期）。"))
            return redirect_to(request, reverse("accounts:password_change"))
        return self.get_response(request)


class OTPRequiredMiddleware(_Middleware):
    """Administrators without a verified TOTP in this session reach only the OTP pages and logout (L3-CES1-04)."""

    EXEMPT = ("accounts:otp_setup", "accounts:otp_verify", "accounts:logout", "api:auth-logout")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and policy.otp_required(user)
            and not user.is_verified()
            and not _exempt(request, self.EXEMPT)
        ):
            if is_api(request):
                return api_refusal("otp_required", _("管理员须先通过动态口令验证。"))
            from anze.accounts.otp import confirmed_device

            target = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_setup"
            return redirect_to(request, reverse(target))
        return self.get_response(request)
