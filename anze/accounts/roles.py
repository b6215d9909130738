"""Roles (角色) and the actions each grants over its area. One table, read by restrict()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role a user holds over an area (a region and everything under it, or one unit)."""

    OFFICE = "office", _("安委会办公室")
    LEADER = "leader", _("牵头领导")
    UNIT = "unit", _("责任单位")
    COUNTY = "county", _("县区安委办")
    ENTERPRISE = "enterprise", _("企业")
    INSPECTOR = "inspector", _("执法人员")
    AUDITOR = "auditor", _("纪检审计")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三权分立: the three administrator roles are held by three different people.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that must pass a second factor (TOTP) before any page.
OTP_REQUIRED_ROLES = ADMIN_ROLES
# Roles that work inside government and may view records every official may read (plans, reference
# data). The administrators are not among them: they run the system, not its records (三权分立).
INTERNAL_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.UNIT, Role.COUNTY, Role.INSPECTOR, Role.AUDITOR})
# Roles whose assignment has no area and covers everything their actions allow. Any other role without
# an area grants nothing.
GLOBAL_ROLES = frozenset({Role.AUDITOR, *ADMIN_ROLES})
# Roles that need an area; the others cover everything their actions allow.
REGION_ROLES = frozenset({Role.OFFICE, Role.COUNTY, Role.LEADER, Role.INSPECTOR})
UNIT_ROLES = frozenset({Role.UNIT})

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})

# Business data. The administrators run the system, not its records: the system admin keeps the
# organization's reference data, the security admin only roles and accounts, the audit admin only the
# audit trail (each declared on those models), so none of them sees business records by default.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: _ALL,
    Role.COUNTY: _EDIT,
    Role.UNIT: frozenset({"view", "change"}),
    Role.LEADER: _VIEW,
    Role.INSPECTOR: _VIEW,
    Role.AUDITOR: _VIEW,
    Role.ENTERPRISE: frozenset({"view", "change"}),
    Role.SYSTEM_ADMIN: frozenset(),
    Role.SECURITY_ADMIN: frozenset(),
    Role.AUDIT_ADMIN: frozenset(),
}


def actions_for(role: str, overrides: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The actions `role` grants, with a model's overrides applied."""
    if overrides and role in overrides:
        return overrides[role]
    return ROLE_ACTIONS.get(role, frozenset())


def is_internal_role(role: str) -> bool:
    return role in INTERNAL_ROLES
