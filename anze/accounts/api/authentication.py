"""API token authentication that honours the account rules: validity, lockout, password age, token lifetime."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from anze.accounts import policy


def token_expires_at(token: Any) -> dt.datetime:
    """A token lives as long as the absolute session cap; then the client signs in again."""
    return token.created + dt.timedelta(hours=policy.security("SESSION_ABSOLUTE_HOURS"))


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; refused (403 with a code) for inactive, locked, expired accounts and
    for a password that must be changed, except on views that set `allow_password_change_required`."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if policy.password_change_required(user) and not getattr(
            view, "allow_password_change_required", False
        ):
            raise exceptions.PermissionDenied(
                _("须先修改密码（初始密码或密码已过期）。"), code="password_change_required"
            )
        return user, token

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        try:
            token = model.objects.select_related("user").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("令牌无效。"), code="invalid_token") from None
        user = token.user
        now = timezone.now()
        if token_expires_at(token) <= now:
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新登录。"), code="token_expired")
        if not user.is_active:
            raise exceptions.PermissionDenied(_("账号已停用。"), code="account_inactive")
        if policy.is_expired(user, now):
            raise exceptions.PermissionDenied(_("账号已过有效期。"), code="account_expired")
        if policy.is_locked(user, now):
            raise exceptions.PermissionDenied(_("账号已锁定。"), code="account_locked")
        # The token was issued only after the second factor, so the user counts as verified (django-otp API).
        user.otp_device = None
        user.is_verified = lambda: True
        return user, token
