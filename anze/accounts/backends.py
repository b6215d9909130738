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
    """Why a sign-in was refused; the page and the API turn it into a message and a code.

    A wrong password, an unknown name, a locked account, a throttled address and (at sign-in) a missing or
    wrong OTP all answer as INVALID (`answered_as`), so the answer tells nobody which names exist, which are
    locked or whether an administrator's password was right.
    """

    INVALID = "invalid_credentials", _(
        "用户名或密码错误（管理员还须动态口令），或连续失败次数过多暂时不能登录，请稍后再试。"
    )
    OTP_INVALID = "invalid_otp", _("动态口令错误或已使用过。")
    LOCKED = "account_locked", _(
        "连续登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员；管理员可在登录页同时填写密码和动态口令登录。"
    )
    INACTIVE = "account_inactive", _("账号已停用，请联系安全管理员。")
    EXPIRED = "account_expired", _("账号已过有效期，请联系安全管理员。")


ANONYMOUS_ACTOR = "anonymous"
# What a sign-in attempt (page or token endpoint) answers, whatever the reason recorded in the audit trail.
SAME_ANSWER = frozenset({Refusal.INVALID, Refusal.LOCKED, Refusal.OTP_INVALID})


def answered_as(refusal: Refusal) -> Refusal:
    return Refusal.INVALID if refusal in SAME_ANSWER else refusal


def _note_refusal(request: Any, refusal: Refusal, user: Any = None) -> None:
    if request is not None:
        request.anze_login_refusal = refusal
        request.anze_locked_until = getattr(user, "locked_until", None)


def _user_ref(user: Any, username: str) -> Any:
    return user if user is not None else ("accounts.user", "", username[:150])


def refuse(request: Any, refusal: Refusal, *, user: Any = None, username: str = "", reason: str = "") -> None:
    """Record a refused attempt that does not count towards lockout (locked, inactive, expired, unknown)."""
    record_refusal = reason or {
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


def register_success(user: Any, *, pending_otp: bool, reason: str = "") -> None:
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
            reason="password verified, awaiting OTP" if pending_otp else reason,
        )


def verify_otp(user: Any, token: str) -> Any:
    """The user's confirmed TOTP device that accepts `token`, or None. A token is accepted once only."""
    from django_otp import match_token

    token = (token or "").replace(" ", "").strip()
    if not token.isdigit():
        return None
    return match_token(user, token)


class LockoutModelBackend(ModelBackend):
    """Username (case-insensitive) and password, with lockout, address throttle, validity and an optional TOTP.

    `otp=None` (the page without a code) verifies the password only and leaves the second factor to the OTP
    page; a string (the API, or the page with a code) must be a valid token for users who need a second factor.

    A locked account or a throttled address refuses everything, with one exception that stops anyone from
    locking the administrators out: an administrator who gives the right password and a valid TOTP code in
    the same attempt signs in (the code is throttled per device by django-otp and is tried only after the
    right password). Every known or unknown name costs one password hash, so timing tells nothing either.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        otp: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from anze.accounts import throttle

        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        address = throttle.address_of(request)
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            User().set_password(password)  # the same work as a real check, so timing tells nothing
            throttle.note_failure(address)
            refuse(request, Refusal.INVALID, username=username)
            return None
        password_ok = user.check_password(password)
        needs_otp = policy.otp_required(user)
        locked, throttled = policy.is_locked(user), throttle.is_throttled(address)
        if locked or throttled:
            device = verify_otp(user, otp) if (password_ok and needs_otp and otp) else None
            if device is None:
                throttle.note_failure(address)
                refuse(request, Refusal.LOCKED, user=user, reason="account locked" if locked else "address throttled")
                return None
            return self._admit(request, user, device, reason="both factors given while locked or throttled")
        if not password_ok:
            throttle.note_failure(address)
            register_failure(user, reason="password", request=request)
            return None
        if otp is not None and needs_otp:
            device = verify_otp(user, otp)
            if device is None:
                throttle.note_failure(address)
                register_failure(user, reason="otp", request=request)
                return None
            return self._admit(request, user, device)
        if not self._valid(request, user):
            return None
        register_success(user, pending_otp=needs_otp and otp is None)
        return user

    def _valid(self, request: Any, user: Any) -> bool:
        if not user.is_active:
            refuse(request, Refusal.INACTIVE, user=user)
            return False
        if policy.is_expired(user):
            refuse(request, Refusal.EXPIRED, user=user)
            return False
        return True

    def _admit(self, request: Any, user: Any, device: Any, reason: str = "") -> Any:
        """Both factors passed: the failure count and any lock end with the sign-in."""
        if not self._valid(request, user):
            return None
        user.otp_device = device
        register_success(user, pending_otp=False, reason=reason)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        """A session of an account that was deactivated or has expired ends at its next request."""
        return super().user_can_authenticate(user) and not policy.is_expired(user)
