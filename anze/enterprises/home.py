"""The enterprises panel on the home page.

An office, county office or inspector sees the enterprises of its area that do not comply (or were never
evaluated), linked to the directory with the same `compliance` filter. An enterprise user sees its own
compliance card: its result, the rules it does not meet with the reason, and the link to the full card.
A fixed number of queries, whatever the number of enterprises.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from anze.accounts.roles import Role
from anze.enterprises.choices import ComplianceStatus, badge
from anze.enterprises.models import ComplianceResult, Enterprise

AREA_ROLES = (Role.OFFICE, Role.COUNTY, Role.INSPECTOR)
TOP = 6


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if user.has_role(Role.ENTERPRISE) and not user.is_superuser:
        return own_card(user)
    if user.is_superuser or user.has_role(*AREA_ROLES):
        return overview(user)
    return None


def overview(user: Any) -> dict[str, Any]:
    figures = Enterprise.objects.restrict(user, "view").aggregate(
        non_compliant=Count("pk", filter=Q(summary__compliance=ComplianceStatus.NON_COMPLIANT)),
        not_evaluated=Count("pk", filter=Q(summary__isnull=True)),
    )
    directory = reverse("enterprises:enterprise_list")
    cards = [
        {
            "label": _("不合规企业"),
            "value": figures["non_compliant"],
            "url": f"{directory}?compliance={ComplianceStatus.NON_COMPLIANT}",
            "tone": "danger",
        },
        {
            "label": _("未评估企业"),
            "value": figures["not_evaluated"],
            "url": f"{directory}?compliance={ComplianceStatus.NOT_EVALUATED}",
        },
    ]
    return {"kind": "overview", "cards": cards}


def own_card(user: Any) -> dict[str, Any]:
    enterprises = list(
        Enterprise.objects.restrict(user, "view")
        .filter(memberships__user=user)
        .select_related("summary", "industry")
        .order_by("name")[:3]
    )
    unmet = (
        ComplianceResult.objects.filter(enterprise__in=enterprises, is_met=False)
        .select_related("rule")
        .order_by("enterprise_id", "rule__order")
    )
    by_enterprise: dict[int, list[Any]] = {}
    for result in unmet:
        rows = by_enterprise.setdefault(result.enterprise_id, [])
        if len(rows) < TOP:
            rows.append(result)
    cards = [
        {
            "enterprise": enterprise,
            "compliance": enterprise.get_compliance_display(),
            "badge": badge(enterprise.compliance),
            "unmet": by_enterprise.get(enterprise.pk, []),
        }
        for enterprise in enterprises
    ]
    return {"kind": "own", "enterprises": cards}
