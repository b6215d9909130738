"""Shared fixtures: a small organization and the personas used by access tests.

alice works in the city safety committee office (whole city), bob in 兰山区's county office (his county
only), charlie in 罗庄区应急管理局 (his unit only), dave is the city auditor (reads, changes nothing).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from anze.accounts.roles import Role

# The suite runs two workers on two shared cores: a property's example may wait for the CPU, which says
# nothing about the code. Properties are judged on what they find, never on how long an example took.
settings.register_profile("anze", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Under `make mutate` every surviving mutant re-runs the properties that cover it: fewer examples, drawn the
# same way in every run, keep a run to minutes and make a caught mutant caught again on the next run.
settings.register_profile(
    "mutate", parent=settings.get_profile("anze"), max_examples=30, derandomize=True, database=None
)
settings.load_profile("mutate" if "MUTANT_UNDER_TEST" in os.environ else "anze")

STRONG_PASSWORD = "Anze-Test-2026!"


@pytest.fixture
def org(db):
    """A province, Linyi, two counties and a few units in each."""
    from anze.org.choices import RegionLevel, UnitKind
    from anze.org.models import Region, Unit

    shandong = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    linyi = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=shandong)
    lanshan = Region.objects.create(code="371302", name="兰山区", level=RegionLevel.COUNTY, parent=linyi)
    luozhuang = Region.objects.create(code="371311", name="罗庄区", level=RegionLevel.COUNTY, parent=linyi)
    units = {
        "city_emergency": Unit.objects.create(
            name="临沂市应急管理局", short_name="市应急局", kind=UnitKind.GOVERNMENT_DEPARTMENT, region=linyi
        ),
        "city_transport": Unit.objects.create(
            name="临沂市交通运输局",
            short_name="市交通运输局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=linyi,
        ),
        "lanshan_gov": Unit.objects.create(
            name="临沂市兰山区人民政府",
            short_name="兰山区政府",
            kind=UnitKind.COUNTY_GOVERNMENT,
            region=lanshan,
        ),
        "lanshan_emergency": Unit.objects.create(
            name="临沂市兰山区应急管理局",
            short_name="兰山区应急局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=lanshan,
        ),
        "luozhuang_gov": Unit.objects.create(
            name="临沂市罗庄区人民政府",
            short_name="罗庄区政府",
            kind=UnitKind.COUNTY_GOVERNMENT,
            region=luozhuang,
        ),
        "luozhuang_emergency": Unit.objects.create(
            name="临沂市罗庄区应急管理局",
            short_name="罗庄区应急局",
            kind=UnitKind.GOVERNMENT_DEPARTMENT,
            region=luozhuang,
        ),
    }
    return {"shandong": shandong, "linyi": linyi, "lanshan": lanshan, "luozhuang": luozhuang, **units}


def make_user(username: str, *roles: tuple[str, dict], **fields):
    """A user with a strong, current password and the given (role, area) assignments."""
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, User

    user = User.objects.create_user(username=username, password=STRONG_PASSWORD, **fields)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password_changed_at", "must_change_password"])
    for role, area in roles:
        RoleAssignment.objects.create(user=user, role=role, **area)
    return user


@pytest.fixture
def alice(org):
    return make_user("alice", (Role.OFFICE, {"region": org["linyi"]}), display_name="安委办 Alice")


@pytest.fixture
def bob(org):
    return make_user("bob", (Role.COUNTY, {"region": org["lanshan"]}), display_name="兰山区 Bob")


@pytest.fixture
def charlie(org):
    return make_user(
        "charlie", (Role.UNIT, {"unit": org["luozhuang_emergency"]}), display_name="罗庄应急 Charlie"
    )


@pytest.fixture
def dave(org):
    return make_user("dave", (Role.AUDITOR, {}), display_name="纪检 Dave")


@pytest.fixture
def signed_in(client):
    """Sign a persona in through the real login form and return the client."""

    def _sign_in(user, password: str = STRONG_PASSWORD):
        from django.urls import reverse

        response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
        assert response.status_code == 302, f"login failed for {user.username}: {response.status_code}"
        return client

    return _sign_in


# -- administrators (三权分立) with a TOTP device; added by the accounts app ------------------------------


@pytest.fixture
def security_admin(org):
    """安全管理员 with a confirmed TOTP device."""
    from anze.accounts.tests.helpers import make_admin

    return make_admin("sec_admin", Role.SECURITY_ADMIN, display_name="安全管理员")


@pytest.fixture
def system_admin(org):
    """系统管理员 with a confirmed TOTP device."""
    from anze.accounts.tests.helpers import make_admin

    return make_admin("sys_admin", Role.SYSTEM_ADMIN, display_name="系统管理员")


@pytest.fixture
def audit_admin(org):
    """审计管理员 with a confirmed TOTP device."""
    from anze.accounts.tests.helpers import make_admin

    return make_admin("aud_admin", Role.AUDIT_ADMIN, display_name="审计管理员")


@pytest.fixture
def signed_in_admin(client):
    """Sign an administrator in through the login form and the OTP page; returns the client."""

    def _sign_in(user, password: str = STRONG_PASSWORD):
        from anze.accounts.tests.helpers import sign_in_admin

        return sign_in_admin(client, user, password)

    return _sign_in


CHROMIUM = os.environ.get("ANZE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser(live_server):
    """Debian's headless Chromium through Playwright (never a downloaded browser).

    It depends on live_server so that it closes first: a page still loading while the live server's
    database is flushed would race the flush.
    """
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()
