"""Fixtures for the audit tests: events placed in regions, administrators past their second factor."""

from __future__ import annotations

import pytest

from anze.audit.context import audit_context
from anze.audit.services import record_standalone
from anze.audit.tests.helpers import otp_verified
from conftest import make_user


@pytest.fixture
def events(org, alice):
    """One event in each county, one in the city, one with no region (a login)."""
    with audit_context("web", ip="192.0.2.10"):
        lanshan = record_standalone(
            "org.unit.update",
            actor=alice,
            obj=org["lanshan_emergency"],
            before={"phone": "1"},
            after={"phone": "2"},
        )
        luozhuang = record_standalone("org.unit.update", actor=alice, obj=org["luozhuang_emergency"])
        city = record_standalone("org.unit.update", actor=alice, obj=org["city_emergency"])
    with audit_context("web", ip="198.51.100.3"):
        login = record_standalone("auth.login_failed", actor="mallory", success=False)
    return {"lanshan": lanshan, "luozhuang": luozhuang, "city": city, "login": login}


@pytest.fixture
def admin_client(client, signed_in):
    """Sign in an administrator of the given role, with the second factor passed."""

    def _admin(role: str, username: str | None = None):
        user = make_user(username or role.replace("_", ""), (role, {}))
        signed_in(user)
        return otp_verified(client, user), user

    return _admin
