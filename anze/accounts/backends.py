"""Authentication with lockout (等保 L3-CES1-02), account validity (L3-CES1-07) and an audit row per attempt.

Every call of authenticate() writes exactly one audit event: `auth.login` on success, `auth.locked` for the
failure that locks the account, `auth.login_failed` for any other refusal. No credential is ever written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts import policy
from anze.audit.services import record


class Refusal(models.TextChoices):
    """Why a sign-in was refused; the page and the API turn it into a message and a code."""

    INVALID = "invalid_credentials", _("用户名或密码错误。")
    OTP_INVALID = "invalid_otp", _("动态口令错误或已使用过。")
    LOCKED = "account_locked", _("连续登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员。")
    INACTIVE = "account_inactive", _("账号已停用，请联系安全管理员。")
    EXPIRED = "account_expired", _("账号已过有效期，请联系安全管理员。")


ANONYMOUS_ACTOR = "anonymous"


def _note_refusal(request: Any, refusal: Refusal, user: Any = None) -> None:
    if request is not None:
        request.anze_login_refusal = refusal
        request.anze_locked_until = getattr(user, "locked_until", None)


def _user_ref(user: Any, username: str) -> Any:
    return user if user is not None else ("accounts.user", "", username[:150])


def refuse(request: Any, refusal: Refusal, *, user: Any = None, username: str = "") -> None:
    """Record a refused attempt that does not count towards lockout (locked, inactive, expired, unknown)."""
    record_refusal = {
        Refusal.INVALID: "unknown user",
        Refusal.LOCKED: "account locked",
        Refusal.INACTIVE: "account inactive",
        Refusal.EXPIRED: "account expired",
        Refusal.OTP_INVALID: "invalid otp",
    }[refusal]
    with transaction.atomic():
        record(
            "auth.login_failed",
            actor=ANONYMOUS_ACTOR,
            obj=_user_ref(user, username),
            success=False,
            reason=record_refusal,
        )
    _note_refusal(request, refusal, user)


def register_failure(user: Any, *, reason: str, request: Any = None) -> bool:
    """Count a wrong password or OTP; lock at the threshold. True when the account is (now) locked."""
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        if policy.is_locked(row, now):
            record(
                "auth.login_failed", actor=ANONYMOUS_ACTOR, obj=row, success=False, reason="account locked"
            )
            locked = True
        else:
            # A lock that has run out starts a fresh count.
            count = 1 if row.locked_until else row.failed_login_count + 1
            locked = count >= policy.security("LOCKOUT_FAILURES")
            row.failed_login_count = count
            row.locked_until = now + policy.lockout_window() if locked else None
            User.objects.filter(pk=row.pk).update(failed_login_count=count, locked_until=row.locked_until)
            if locked:
                from anze.accounts.sessions import end_user_sessions

                ended = end_user_sessions(row)
                record(
                    "auth.locked",
                    actor=ANONYMOUS_ACTOR,
                    obj=row,
                    success=False,
                    reason=(
                        f"{count} consecutive failures ({reason}); locked until "
                        f"{row.locked_until.isoformat()}; {ended} session(s) ended"
                    ),
                )
            else:
                record(
                    "auth.login_failed",
                    actor=ANONYMOUS_ACTOR,
                    obj=row,
                    success=False,
                    reason=f"wrong {reason} ({count} consecutive)",
                )
    user.failed_login_count, user.locked_until = row.failed_login_count, row.locked_until
    _note_refusal(
        request,
        Refusal.LOCKED if locked else Refusal.OTP_INVALID if reason == "otp" else Refusal.INVALID,
        user,
    )
    return locked


def register_success(user: Any, *, pending_otp: bool) -> None:
    """Record the sign-in; the failure count resets only when every factor has been passed."""
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        changes: dict[str, Any] = {"last_login": now}
        if not pending_otp:
            changes.update(failed_login_count=0, locked_until=None)
        User.objects.filter(pk=user.pk).update(**changes)
        for field, value in changes.items():
            setattr(user, field, value)
        record(
            "auth.login",
            actor=user,
            obj=user,
            reason="password verified, awaiting OTP" if pending_otp else "",
        )


def verify_otp(user: Any, token: str) -> Any:
    """The user's confirmed TOTP device that accepts `token`, or None. A token is accepted once only."""
    from django_otp import match_token

    token = (token or "").replace(" ", "").strip()
    if not token.isdigit():
        return None
    return match_token(user, token)


class LockoutModelBackend(ModelBackend):
    """Username (case-insensitive) and password, with lockout, validity and an optional TOTP.

    `otp=None` (the page) verifies the password only and leaves the second factor to the OTP page;
    a string (the API) must be a valid token for users who need a second factor.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        otp: str | None = None,
        **kwargs: Any,
    ) -> Any:
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            User().set_password(password)  # the same work as a real check, so timing tells nothing
            refuse(request, Refusal.INVALID, username=username)
            return None
        if policy.is_locked(user):
            refuse(request, Refusal.LOCKED, user=user)
            return None
        if not user.check_password(password):
            register_failure(user, reason="password", request=request)
            return None
        if not user.is_active:
            refuse(request, Refusal.INACTIVE, user=user)
            return None
        if policy.is_expired(user):
            refuse(request, Refusal.EXPIRED, user=user)
            return None
        needs_otp = policy.otp_required(user)
        if otp is not None and needs_otp:
            device = verify_otp(user, otp)
            if device is None:
                register_failure(user, reason="otp", request=request)
                return None
            user.otp_device = device
        register_success(user, pending_otp=needs_otp and otp is None)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        """A session of an account that was deactivated or has expired ends at its next request."""
        return super().user_can_authenticate(user) and not policy.is_expired(user)
