"""The navigation section and the home panel the emergency app registers (see hooks.register)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.navigation import NavItem, NavSection

_READERS = frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.LEADER, Role.INSPECTOR, Role.AUDITOR})
_ALL_HOLDERS = _READERS | {Role.ENTERPRISE}

NAV_SECTION = NavSection(
    _("应急能力"),
    (
        NavItem(_("应急总览"), "emergency:overview", "life-preserver", _READERS),
        NavItem(_("救援队伍"), "emergency:team_list", "people", _ALL_HOLDERS),
        NavItem(_("救援协议"), "emergency:agreement_list", "file-earmark-text", _ALL_HOLDERS),
        NavItem(_("物资储备库"), "emergency:depot_list", "boxes", _ALL_HOLDERS),
        NavItem(_("物资库存"), "emergency:batch_list", "box-seam", _ALL_HOLDERS),
        NavItem(_("突发事件"), "emergency:incident_list", "broadcast", _READERS),
        NavItem(_("政府预案与演练"), "emergency:drill_list", "calendar-event", _READERS),
    ),
)

PANEL_ROLES = (Role.OFFICE, Role.COUNTY, Role.UNIT, Role.LEADER, Role.AUDITOR)


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Emergency capacity in the user's scope: the overview's numbers, each a link (a fixed number of queries)."""
    from anze.emergency.stats import overview_cards

    user = request.user
    if not (user.is_superuser or user.has_role(*PANEL_ROLES)):
        return None
    cards = overview_cards(user)
    if not any(card["value"] for card in cards):
        return None
    return {"cards": cards}


def demo(*, stdout, now) -> None:
    from anze.emergency.demo import run

    run(stdout=stdout, now=now)


def register(registry) -> None:
    registry.add_nav_section(NAV_SECTION, order=65)
    registry.add_home_panel(
        registry.HomePanel(
            key="emergency", template="emergency/home_panel.html", context=home_panel, order=65
        )
    )
    registry.add_demo_step("emergency", demo, order=70, needs=("org", "enterprises"))
