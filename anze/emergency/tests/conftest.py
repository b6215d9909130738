"""Fixtures of the emergency tests: personas of the root conftest, plus a unit user of a depot's bureau."""

from __future__ import annotations

import pytest

from anze.accounts.roles import Role
from conftest import make_user


@pytest.fixture
def erin_depot(org):
    """A user of 罗庄区应急管理局 (the unit that manages the 罗庄 depot)."""
    return make_user(
        "erin_depot", (Role.UNIT, {"unit": org["luozhuang_emergency"]}), display_name="罗庄库管 Erin"
    )
