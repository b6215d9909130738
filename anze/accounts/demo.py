"""Demo accounts, one per role, for trying the Linyi demo (a step of `anze demo`).

Every account's password is DEMO_PASSWORD and need not be changed at first sign-in: these are for a
demonstration database only, never a real deployment. The three administrator roles still need a TOTP
device before they can open any page.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.accounts.roles import Role
from anze.audit.services import record, snapshot

DEMO_PASSWORD = "Anze@2026demo"

# (username, display name, role, area: ("region", code) | ("unit", full name) | None, person name)
DEMO_USERS: list[tuple[str, str, str, tuple[str, str] | None, str]] = [
    ("demo_office", "市安委办 演示", Role.OFFICE, ("region", "371300"), ""),
    ("demo_leader", "侯晓滨（演示）", Role.LEADER, ("region", "371300"), "侯晓滨"),
    ("demo_unit", "市应急局 演示", Role.UNIT, ("unit", "临沂市应急管理局"), ""),
    ("demo_county", "兰山区安委办 演示", Role.COUNTY, ("region", "371302"), ""),
    ("demo_enterprise", "企业安全管理员 演示", Role.ENTERPRISE, None, ""),
    ("demo_inspector", "执法人员 演示", Role.INSPECTOR, ("region", "371300"), ""),
    ("demo_auditor", "纪检审计 演示", Role.AUDITOR, None, ""),
    ("demo_sysadmin", "系统管理员 演示", Role.SYSTEM_ADMIN, None, ""),
    ("demo_secadmin", "安全管理员 演示", Role.SECURITY_ADMIN, None, ""),
    ("demo_auditadmin", "审计管理员 演示", Role.AUDIT_ADMIN, None, ""),
]


@transaction.atomic
def load_users(actor: Any = None) -> list[tuple[str, str, str]]:
    """Create the missing demo accounts; return (username, password, role label) for each demo login."""
    from anze.accounts.models import RoleAssignment, User
    from anze.org.models import Person, Region, Unit

    logins = []
    for username, display_name, role, area, person_name in DEMO_USERS:
        logins.append((username, DEMO_PASSWORD, Role(role).label))
        if User.objects.filter(username__iexact=username).exists():
            continue
        person = Person.objects.filter(name=person_name).first() if person_name else None
        user = User(
            username=username,
            display_name=display_name,
            person=person,
            must_change_password=False,
            password_changed_at=timezone.now(),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        scope: dict[str, Any] = {}
        if area and area[0] == "region":
            scope["region"] = Region.objects.get(code=area[1])
        elif area and area[0] == "unit":
            scope["unit"] = Unit.objects.get(name=area[1])
        RoleAssignment.objects.create(user=user, role=role, **scope)
        after = snapshot(user, fields=["username", "display_name", "is_active", "must_change_password"])
        after["role"] = {"role": role, **{k: str(v) for k, v in scope.items()}}
        record("accounts.user.create", actor=actor, obj=user, after=after, reason="demo account")
    return logins


def demo_step(*, stdout: Any, now: Any) -> None:
    """`anze demo`: the demo accounts, and their sign-in names and passwords."""
    from django.core.management.color import color_style

    logins = load_users(actor=None)
    stdout.write(color_style().SUCCESS("演示账号（仅用于演示库）："))
    for login in logins:
        stdout.write("  " + "  ".join(str(part) for part in login))
