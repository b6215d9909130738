"""The left navigation, by area, showing each person only what their roles can open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core import registry


@dataclass(frozen=True)
class NavItem:
    """A link in the navigation, shown to holders of any of `roles` (empty: everyone signed in)."""

    label: str
    url_name: str
    icon: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class NavSection:
    """A group of links under one heading."""

    label: str
    items: tuple[NavItem, ...]


# Internal staff (and the system administrator, who looks after the data): the usual audience of a page.
INTERNAL = frozenset(
    {Role.OFFICE, Role.LEADER, Role.UNIT, Role.COUNTY, Role.INSPECTOR, Role.AUDITOR, Role.SYSTEM_ADMIN}
)

# core's own items; every other section is registered by its app (anze.core.registry.add_nav_section).
HOME = NavSection(_("工作台"), (NavItem(_("首页"), "core:home", "house"),))
# The API's documentation is for those who connect other systems: the office and the system administrator.
SYSTEM = NavSection(
    _("系统"), (NavItem(_("接口文档"), "api-docs", "braces", frozenset({Role.OFFICE, Role.SYSTEM_ADMIN})),)
)


def sections() -> list[NavSection]:
    """Every section in order, those with the same label merged into the first one's place."""
    merged: dict[str, list[NavItem]] = {}
    labels: dict[str, str] = {}
    for section in registry.nav_sections():
        key = str(section.label)
        labels.setdefault(key, section.label)
        merged.setdefault(key, []).extend(item for item in section.items if item not in merged.get(key, ()))
    return [NavSection(labels[key], tuple(items)) for key, items in merged.items()]


def navigation_for(request: HttpRequest) -> list[dict]:
    """Sections with the items this user may open, marking the current one."""
    user = request.user
    roles = set(user.roles) if hasattr(user, "roles") else set()
    current = request.resolver_match.view_name if request.resolver_match else ""
    result = []
    for section in sections():
        items = []
        for item in section.items:
            if item.roles and not (roles & set(item.roles)) and not user.is_superuser:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append(
                {"label": item.label, "url": url, "icon": item.icon, "active": item.url_name == current}
            )
        if items:
            result.append({"label": section.label, "items": items})
    return result
