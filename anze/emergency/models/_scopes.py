"""Who may do what with the emergency app's records (restrict() reads these scopes)."""

from __future__ import annotations

from anze.accounts.roles import Role
from anze.core.restrict import Scope

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})
_NONE: frozenset[str] = frozenset()

# Teams, depots and their contents: the office and county offices keep them; the owning unit (a 消防救援支队,
# a 储备库's bureau) and an enterprise for its own team or stock update them; leaders, inspectors and the
# auditor read.
HOLDER_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.ENTERPRISE.value: _EDIT,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
# Incidents and the work they raise: run by the office and county offices; units read (and act on the
# parts they hold: their depot's allocations, their team's deployment).
INCIDENT_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: frozenset({"view", "change"}),
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}
# Configuration (catalogue, minimum levels, duty configuration): the office keeps it, others read.
CONFIG_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _VIEW,
    Role.UNIT.value: _VIEW,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}
# Government plans and drills: the office and county offices plan; the government body records its own.
DRILL_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: frozenset({"view", "change"}),
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
    Role.ENTERPRISE.value: _NONE,
}

TEAM_SCOPE = Scope(
    region="region__path", unit="owner_unit_id", enterprise="enterprise_id", roles=HOLDER_ROLES
)
TEAM_PART_SCOPE = Scope(
    region="team__region__path",
    unit="team__owner_unit_id",
    enterprise="team__enterprise_id",
    roles=HOLDER_ROLES,
)
DEPOT_SCOPE = Scope(
    region="region__path", unit="owner_unit_id", enterprise="enterprise_id", roles=HOLDER_ROLES
)
