"""What assessment adds to the lower apps' pages and commands, registered in AssessmentConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.navigation import NavItem, NavSection

_READERS = frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT, Role.LEADER, Role.AUDITOR})

NAV_SECTION = NavSection(
    _("考核与一票否决"),
    (
        NavItem(_("年度考核"), "assessment:index", "award", _READERS),
        NavItem(_("本单位自评"), "assessment:my_self_assessments", "clipboard-check", frozenset({Role.UNIT})),
        NavItem(_("申诉"), "assessment:appeal_list", "chat-square-text", _READERS),
        NavItem(
            _("评先树优"),
            "assessment:award_list",
            "trophy",
            frozenset({Role.OFFICE, Role.AUDITOR, Role.LEADER}),
        ),
    ),
)


def demo(*, stdout, now: dt.datetime) -> None:
    from anze.assessment.demo import run

    run(stdout=stdout, now=now)
