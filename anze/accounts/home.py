"""The accounts panel on the home page, for the security and system administrators.

Accounts in force, locked, expired and disabled, each counted by the user list's own filter set (so the
number is the length of the list its link opens).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.accounts.filtersets import UserFilterSet
from anze.accounts.models import User
from anze.accounts.roles import Role

ROLES = (Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN)


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.has_role(*ROLES):
        return None
    users = User.objects.restrict(user, "view")
    base = reverse("accounts:user_list")
    cards = []
    for label, params, tone in (
        (_("正常账号"), {"state": "active"}, "success"),
        (_("已锁定账号"), {"state": "locked"}, "danger"),
        (_("已过期账号"), {"state": "expired"}, "warning"),
        (_("已停用账号"), {"state": "inactive"}, ""),
    ):
        filterset = UserFilterSet(params, queryset=users)
        count = filterset.qs.count() if filterset.is_valid() else 0
        cards.append({"label": label, "value": count, "url": f"{base}?{urlencode(params)}", "tone": tone})
    return {"cards": cards}
