"""System checks: the SM algorithms work, and production has no superuser or default account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.db.models.functions import Lower

from anze.accounts.crypto import self_test_failures
from anze.accounts.policy import DEFAULT_ACCOUNT_NAMES


@register(Tags.security)
def check_sm_algorithms(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """商用密码 self-test (GB/T 39786): SM3 and SM4 known answers must match before anything runs."""
    return [
        Error(
            f"SM algorithm self-test failed: {failure}",
            hint="Use an OpenSSL 1.1.1+ build with SM3 and SM4.",
            id="anze.E003",
        )
        for failure in self_test_failures()
    ]


@register(Tags.security)
def check_no_active_superuser(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """三权分立: is_superuser bypasses every check, so production has none active."""
    if settings.DEBUG:
        return []
    from anze.accounts.models import User

    try:
        names = list(
            User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)[:5]
        )
    except DatabaseError:  # before the first migrate
        return []
    if not names:
        return []
    return [
        Error(
            f"Active superuser account(s) with DEBUG off: {', '.join(names)}.",
            hint="Superusers bypass role checks and the separation of duties. Deactivate them and use the "
            "system, security and audit administrator roles (see docs/security.md).",
            id="anze.E001",
        )
    ]


@register(Tags.security)
def check_no_default_accounts(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    """等保 L3-CES1-06: no account named admin, root, test or sa."""
    from anze.accounts.models import User

    try:
        names = list(
            User.objects.annotate(lowered=Lower("username"))
            .filter(lowered__in=DEFAULT_ACCOUNT_NAMES)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not names:
        return []
    message = f"Default account name(s) present: {', '.join(names)}."
    hint = "Rename or delete them; default account names are the first an attacker tries."
    if settings.DEBUG:
        return [Warning(message, hint=hint, id="anze.W002")]
    return [Error(message, hint=hint, id="anze.E002")]
