"""What enforcement adds to the pages and schedules of the lower apps, registered in EnforcementConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.navigation import NavItem, NavSection

_READERS = frozenset(
    {Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.LEADER, Role.AUDITOR, Role.ENTERPRISE}
)

NAV_SECTION = NavSection(
    _("执法与事故"),
    (
        NavItem(_("生产安全事故"), "enforcement:accident_list", "exclamation-octagon", _READERS),
        NavItem(_("今日检查"), "enforcement:inspection_today", "phone", frozenset({Role.INSPECTOR})),
        NavItem(
            _("执法检查"),
            "enforcement:inspection_list",
            "clipboard-check",
            frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.AUDITOR, Role.ENTERPRISE}),
        ),
        NavItem(
            _("行政处罚"),
            "enforcement:penalty_list",
            "hammer",
            frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.AUDITOR, Role.ENTERPRISE}),
        ),
        NavItem(
            _("失信名单"),
            "enforcement:listing_list",
            "person-x",
            frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.AUDITOR, Role.LEADER}),
        ),
        NavItem(
            _("监督检查计划"),
            "enforcement:plan_list",
            "shuffle",
            frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.LEADER, Role.AUDITOR}),
        ),
    ),
)


def home_panel(request) -> dict[str, Any] | None:
    """Open accident deadlines in the user's scope: overdue first."""
    from anze.enforcement.models import AccidentStep

    steps = AccidentStep.objects.restrict(request.user, "view").filter(done_at__isnull=True)
    if not steps.exists():
        return None
    now = timezone.now()
    return {
        "open_steps": steps.count(),
        "overdue_steps": steps.filter(due_at__lt=now).count(),
        "url": reverse("enforcement:accident_list") + "?state=overdue",
    }


def listed_badges(user, enterprise_ids: list[int]) -> dict[int, list[Any]]:
    """联合惩戒 beside every enterprise on the list now. The list is public (the public page shows it), so
    anyone who sees the enterprise sees the flag; it links to the listing for those who may open it, else to
    the public list. Two queries whatever the number of enterprises."""
    from anze.core.registry import Badge
    from anze.enforcement.choices import JOINT_PUNISHMENTS, ListingStatus, PartyKind
    from anze.enforcement.models import Listing

    rows = list(
        Listing.objects.filter(
            enterprise_id__in=enterprise_ids, status=ListingStatus.LISTED, subject_kind=PartyKind.UNIT
        )
        .order_by("-expires_on", "id")
        .values_list("pk", "public_id", "enterprise_id", "expires_on")
    )
    if not rows:
        return {}
    visible = set(
        Listing.objects.restrict(user, "view")
        .filter(pk__in=[r[0] for r in rows])
        .values_list("pk", flat=True)
    )
    measures = "；".join(str(m) for m in JOINT_PUNISHMENTS)
    flags: dict[int, list[Any]] = {}
    for pk, public_id, enterprise_id, expires_on in rows:
        if enterprise_id in flags:
            continue  # one flag per enterprise, dated by the listing that ends last
        url = (
            reverse("enforcement:listing_detail", kwargs={"public_id": public_id})
            if pk in visible
            else reverse("enforcement_public:listing_list")
        )
        title = _("列入严重失信主体名单，至 %(day)s：%(measures)s") % {
            "day": f"{expires_on:%Y-%m-%d}",
            "measures": measures,
        }
        flags[enterprise_id] = [Badge(label=str(_("联合惩戒")), colour="danger", title=str(title), url=url)]
    return flags


def deadlines_job(now: dt.datetime) -> int:
    from anze.enforcement.services import (
        expire_listings,
        mark_overdue_findings,
        mark_overdue_steps,
        propose_listings,
    )

    return (
        mark_overdue_steps(now=now)
        + mark_overdue_findings(now=now)
        + expire_listings(now=now)
        + propose_listings(actor="job:enforcement.deadlines")
    )


def demo(*, stdout, now: dt.datetime) -> None:
    from anze.enforcement.demo import run

    run(stdout=stdout, now=now)
