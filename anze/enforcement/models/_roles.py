"""Who may do what with enforcement records, shared by the models' scopes."""

from __future__ import annotations

from anze.accounts.roles import Role

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})

# Accidents are government records: the office and county offices keep them, supervising departments and
# inspectors register and follow them up, an enterprise sees its own.
ACCIDENT_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _EDIT,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _VIEW,
}
# Plans, directories and draws belong to the department's region; the office and county offices keep them,
# departments (unit) keep their own, inspectors and auditors read.
PLAN_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.INSPECTOR.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
CONFIG_ROLES = {Role.OFFICE.value: _ALL, Role.COUNTY.value: _VIEW, Role.AUDITOR.value: _VIEW}
