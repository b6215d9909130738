"""What monitoring adds to the pages of the lower apps (navigation, home panel), registered in ready()."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.navigation import NavItem, NavSection

_READERS = frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR, Role.ENTERPRISE})
_OFFICES = frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.INSPECTOR})

NAV_SECTION = NavSection(
    _("在线监测"),
    (
        NavItem(_("报警队列"), "monitoring:alarm_list", "alarm", _READERS),
        NavItem(_("监测点"), "monitoring:point_list", "broadcast", _READERS),
        NavItem(_("重大危险源"), "monitoring:hazard_list", "radioactive", _READERS),
        NavItem(_("数据在线率"), "monitoring:online_rate", "reception-4", _READERS),
        NavItem(_("风险预警"), "monitoring:risk_warning", "exclamation-diamond", _OFFICES),
        NavItem(_("车辆动态"), "monitoring:vehicle_list", "truck-front", _READERS),
        NavItem(_("车辆报警"), "monitoring:vehicle_alarm_list", "sign-stop", _READERS),
    ),
)


def home_panel(request) -> dict[str, Any] | None:
    """Alarms in the user's scope waiting for someone: three counts in one query, each a link."""
    from django.db.models import Count, Q

    from anze.monitoring.choices import AlarmStatus
    from anze.monitoring.models import Alarm

    counts = Alarm.objects.restrict(request.user, "view").aggregate(
        raised=Count("pk", filter=Q(status=AlarmStatus.RAISED)),
        acknowledged=Count("pk", filter=Q(status=AlarmStatus.ACKNOWLEDGED)),
        active=Count("pk", filter=Q(is_active=True)),
    )
    if not any(counts.values()):
        return None
    base = reverse("monitoring:alarm_list")
    return {
        **counts,
        "raised_url": f"{base}?status=raised",
        "acknowledged_url": f"{base}?status=acknowledged",
        "active_url": f"{base}?queue=active",
    }
