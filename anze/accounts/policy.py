"""The account and session thresholds (settings.ANZE_SECURITY) and the questions asked of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from anze.accounts.roles import OTP_REQUIRED_ROLES

# Session keys: when the user signed in and when they were last seen (the session limits read them).
LOGIN_AT_KEY = "anze_login_at"
SEEN_AT_KEY = "anze_seen_at"

# Names nobody may take: the default accounts an assessor tries first (等保 L3-CES1-06).
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "test",
        "sa",
        "guest",
        "system",
        "sysadmin",
        "user",
        "demo",
        "anonymous",
    }
)
# The names the deploy check refuses outright.
DEFAULT_ACCOUNT_NAMES = ("admin", "root", "test", "sa")


def security(name: str) -> Any:
    return settings.ANZE_SECURITY[name]


def lockout_window() -> dt.timedelta:
    return dt.timedelta(minutes=security("LOCKOUT_MINUTES"))


def is_locked(user: Any, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(user.locked_until and user.locked_until > now)


def is_expired(user: Any, now: dt.datetime | None = None) -> bool:
    """The account's validity (valid_until) has passed."""
    now = now or timezone.now()
    return bool(user.valid_until and user.valid_until <= now)


def password_expires_at(user: Any) -> dt.datetime | None:
    if user.password_changed_at is None:
        return None
    return user.password_changed_at + dt.timedelta(days=security("PASSWORD_MAX_AGE_DAYS"))


def password_change_required(user: Any, now: dt.datetime | None = None) -> bool:
    """An initial (admin-set) password, a password never recorded as changed, or one older than the maximum."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.must_change_password or user.password_changed_at is None:
        return True
    now = now or timezone.now()
    expires = password_expires_at(user)
    return expires is not None and expires <= now


def otp_required(user: Any) -> bool:
    """Administrators (and any superuser) pass a TOTP second factor before anything else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(*OTP_REQUIRED_ROLES))


def is_reserved_username(username: str) -> bool:
    return username.strip().lower() in RESERVED_USERNAMES
