"""The left navigation, by area, showing each person only what their roles can open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role


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


_INTERNAL = frozenset(
    {Role.OFFICE, Role.LEADER, Role.UNIT, Role.COUNTY, Role.INSPECTOR, Role.AUDITOR, Role.SYSTEM_ADMIN}
)

SECTIONS: list[NavSection] = [
    NavSection(_("工作台"), (NavItem(_("首页"), "core:home", "house"),)),
    NavSection(
        _("组织机构"),
        (
            NavItem(_("行政区划"), "org:region_list", "map", _INTERNAL),
            NavItem(_("单位"), "org:unit_list", "building", _INTERNAL),
            NavItem(_("单位集合"), "org:unitgroup_list", "collection", _INTERNAL),
            NavItem(_("人员与职务"), "org:person_list", "people", _INTERNAL),
            NavItem(_("委员会"), "org:committee_list", "diagram-3", _INTERNAL),
        ),
    ),
    NavSection(
        _("责任方案"),
        (
            NavItem(_("方案列表"), "plans:plan_list", "journal-bookmark", _INTERNAL),
            NavItem(_("责任矩阵"), "plans:matrix", "grid-3x3", _INTERNAL),
            NavItem(_("导入方案"), "plans:import_upload", "upload", frozenset({Role.OFFICE})),
        ),
    ),
    NavSection(
        _("职责与进度"),
        (
            NavItem(_("我的职责"), "duties:my_duties", "list-check", _INTERNAL),
            NavItem(_("日历"), "duties:calendar", "calendar3", _INTERNAL),
            NavItem(_("进度看板"), "duties:dashboard", "bar-chart", _INTERNAL),
            NavItem(_("逾期清单"), "duties:overdue", "exclamation-triangle", _INTERNAL),
            NavItem(_("职责确认"), "duties:duty_list", "check2-square", frozenset({Role.OFFICE})),
        ),
    ),
    NavSection(
        _("督办"),
        (
            NavItem(_("督办案件"), "supervision:case_list", "flag", _INTERNAL),
            NavItem(_("催办提醒"), "supervision:reminder_list", "bell", _INTERNAL),
            NavItem(_("通报"), "supervision:circular_list", "megaphone", _INTERNAL),
            NavItem(_("延期申请"), "supervision:extension_list", "hourglass-split", _INTERNAL),
            NavItem(_("收件箱"), "supervision:inbox", "inbox", _INTERNAL),
            # The channels' settings hold webhook tokens: the office changes them, county offices and auditors read.
            NavItem(
                _("督办设置"),
                "supervision:settings",
                "gear",
                frozenset({Role.OFFICE, Role.COUNTY, Role.AUDITOR}),
            ),
        ),
    ),
    NavSection(
        _("企业"),
        (
            NavItem(_("企业名录"), "enterprises:enterprise_list", "buildings", _INTERNAL | {Role.ENTERPRISE}),
            NavItem(_("合规看板"), "enterprises:dashboard", "clipboard-data", _INTERNAL),
            NavItem(_("监管空白"), "enterprises:gaps", "exclamation-diamond", _INTERNAL),
            NavItem(_("导入"), "enterprises:import", "upload", frozenset({Role.OFFICE, Role.COUNTY})),
        ),
    ),
    NavSection(
        _("双重预防"),
        (
            NavItem(_("风险点"), "prevention:risk_point_list", "bullseye", _INTERNAL | {Role.ENTERPRISE}),
            NavItem(_("隐患台账"), "prevention:hidden_danger_list", "cone-striped", _INTERNAL | {Role.ENTERPRISE}),
            NavItem(_("隐患统计"), "prevention:hidden_danger_stats", "bar-chart-line", _INTERNAL | {Role.ENTERPRISE}),
        ),
    ),
    NavSection(
        _("有奖举报"),
        (
            NavItem(_("举报受理"), "tips:tip_list", "megaphone", frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT})),
            NavItem(_("奖励"), "tips:reward_list", "cash-coin", frozenset({Role.OFFICE, Role.COUNTY, Role.AUDITOR})),
        ),
    ),
    NavSection(
        _("系统"),
        (
            NavItem(_("用户与角色"), "accounts:user_list", "person-gear", frozenset({Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN})),
            NavItem(
                _("审计日志"),
                "audit:event_list",
                "journal-text",
                frozenset({Role.AUDIT_ADMIN, Role.AUDITOR, Role.OFFICE, Role.COUNTY}),
            ),
            NavItem(_("接口文档"), "api-docs", "braces"),
        ),
    ),
]


def navigation_for(request: HttpRequest) -> list[dict]:
    """Sections with the items this user may open, marking the current one."""
    user = request.user
    roles = set(user.roles) if hasattr(user, "roles") else set()
    current = request.resolver_match.view_name if request.resolver_match else ""
    result = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if item.roles and not (roles & set(item.roles)) and not user.is_superuser:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": item.url_name == current})
        if items:
            result.append({"label": section.label, "items": items})
    return result
