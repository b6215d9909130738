"""Choices of the plans app, each with a label and a badge colour."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    """The part a leader or unit plays in a clause (分工角色)."""

    LEAD_LEADER = "lead_leader", _("牵头领导")
    CO_LEADER = "co_leader", _("分工负责领导")
    LEAD_UNIT = "lead_unit", _("牵头单位")
    RESPONSIBLE_UNIT = "responsible_unit", _("责任单位")
    SUPPORTING_UNIT = "supporting_unit", _("配合单位")

    @property
    def is_leader(self) -> bool:
        return self in LEADER_ROLES

    @property
    def mark(self) -> str:
        """The one-character mark of a unit role in the responsibility matrix (牵头/责任/配合)."""
        return str(_MARKS.get(self, ""))

    @property
    def rank(self) -> int:
        """Lower is stronger: a unit that leads a task is shown as 牵头 even when also responsible."""
        return _RANKS[self]


LEADER_ROLES = (AssignmentRole.LEAD_LEADER, AssignmentRole.CO_LEADER)
UNIT_ROLES = (AssignmentRole.LEAD_UNIT, AssignmentRole.RESPONSIBLE_UNIT, AssignmentRole.SUPPORTING_UNIT)
# The keys of each role's list in the parser's interchange dict.
ROLE_KEYS = {
    AssignmentRole.LEAD_LEADER: "lead_leaders",
    AssignmentRole.CO_LEADER: "co_leaders",
    AssignmentRole.LEAD_UNIT: "lead_units",
    AssignmentRole.RESPONSIBLE_UNIT: "responsible_units",
    AssignmentRole.SUPPORTING_UNIT: "supporting_units",
}
_MARKS = {
    AssignmentRole.LEAD_UNIT: _("牵头"),
    AssignmentRole.RESPONSIBLE_UNIT: _("责任"),
    AssignmentRole.SUPPORTING_UNIT: _("配合"),
}
_RANKS = {
    AssignmentRole.LEAD_LEADER: 0,
    AssignmentRole.CO_LEADER: 1,
    AssignmentRole.LEAD_UNIT: 0,
    AssignmentRole.RESPONSIBLE_UNIT: 1,
    AssignmentRole.SUPPORTING_UNIT: 2,
}


class AssignmentStatus(models.TextChoices):
    """Whether a name in the plan was matched to a person, a unit or a unit group (对应状态)."""

    RESOLVED = "resolved", _("已对应")
    UNRESOLVED = "unresolved", _("未对应")
    GROUP = "group", _("单位集合")


class ImportStatus(models.TextChoices):
    """A pending upload waits for the office to confirm or cancel it (导入状态)."""

    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已导入")
    CANCELLED = "cancelled", _("已取消")

    def can_confirm(self) -> bool:
        return self == ImportStatus.PENDING

    def can_cancel(self) -> bool:
        return self == ImportStatus.PENDING


class ClauseChange(models.TextChoices):
    """How a clause differs from the previous version (条款变化)."""

    ADDED = "added", _("新增")
    REMOVED = "removed", _("删除")
    CHANGED = "changed", _("修改")


_BADGES: dict[str, str] = {
    AssignmentRole.LEAD_LEADER: "danger",
    AssignmentRole.CO_LEADER: "warning",
    AssignmentRole.LEAD_UNIT: "primary",
    AssignmentRole.RESPONSIBLE_UNIT: "info",
    AssignmentRole.SUPPORTING_UNIT: "secondary",
    AssignmentStatus.RESOLVED: "success",
    AssignmentStatus.UNRESOLVED: "danger",
    AssignmentStatus.GROUP: "info",
    ImportStatus.PENDING: "warning",
    ImportStatus.CONFIRMED: "success",
    ImportStatus.CANCELLED: "secondary",
    ClauseChange.ADDED: "success",
    ClauseChange.REMOVED: "danger",
    ClauseChange.CHANGED: "warning",
}


def badge(value: str) -> str:
    """The badge colour of a choice value."""
    return _BADGES.get(value, "secondary")
