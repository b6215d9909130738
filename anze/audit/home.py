"""The audit panel on the home page, for the auditor and the audit administrator: the last seven days.

Events, failures and refused accesses since a week ago, each counted by the event list's own filter set so
the number is the length of the list its link opens; the chain check is one click away.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts.roles import Role
from anze.audit import access
from anze.audit.filters import AuditEventFilterSet

ROLES = (Role.AUDITOR, Role.AUDIT_ADMIN)


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.has_role(*ROLES) or not access.is_audit_reader(user):
        return None
    since = (timezone.localdate() - dt.timedelta(days=6)).isoformat()
    events = access.visible_events(user)
    base = reverse("audit:event_list")
    cards = []
    for label, params, tone in (
        (_("近7天审计事件"), {"since": since}, ""),
        (_("近7天失败操作"), {"since": since, "success": "false"}, "warning"),
        (_("近7天越权访问"), {"since": since, "action": "access.denied"}, "danger"),
        (_("近7天登录失败"), {"since": since, "action": "auth.login_failed"}, "warning"),
    ):
        filterset = AuditEventFilterSet(params, queryset=events, request=request)
        count = filterset.qs.count() if filterset.is_valid() else 0
        cards.append({"label": label, "value": count, "url": f"{base}?{urlencode(params)}", "tone": tone})
    return {"cards": cards, "verify_url": reverse("audit:verify")}
