"""Every change to the organization: one function per verb, atomic, audited, guarded.

Each function takes a keyword-only `actor` (a User, or None / a label for the system and commands),
checks that the actor may do it through the same `restrict()` scope the pages use, checks the
domain's guards, and writes exactly one audit event in the same transaction. A refused or failed
call raises (`PermissionDenied` or `ValidationError` with a stable code) and changes nothing.
"""

from anze.org.names import expand_group, find_group, resolve_unit_name, suggest_units
from anze.org.services.committees import (
    add_committee_members,
    create_committee,
    deactivate_committee,
    remove_committee_leader,
    remove_committee_members,
    set_committee_leader,
    update_committee,
)
from anze.org.services.groups import (
    add_group_members,
    create_unit_group,
    deactivate_unit_group,
    remove_group_members,
    update_unit_group,
)
from anze.org.services.people import (
    appoint,
    create_person,
    create_post,
    deactivate_person,
    deactivate_post,
    update_person,
    update_post,
    vacate_post,
)
from anze.org.services.units import (
    create_region,
    create_unit,
    deactivate_region,
    deactivate_unit,
    update_region,
    update_unit,
)

__all__ = [
    "add_committee_members",
    "add_group_members",
    "appoint",
    "create_committee",
    "create_person",
    "create_post",
    "create_region",
    "create_unit",
    "create_unit_group",
    "deactivate_committee",
    "deactivate_person",
    "deactivate_post",
    "deactivate_region",
    "deactivate_unit",
    "deactivate_unit_group",
    "expand_group",
    "find_group",
    "remove_committee_leader",
    "remove_committee_members",
    "remove_group_members",
    "resolve_unit_name",
    "set_committee_leader",
    "suggest_units",
    "update_committee",
    "update_person",
    "update_post",
    "update_region",
    "update_unit",
    "update_unit_group",
    "vacate_post",
]
