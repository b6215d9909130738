"""Separation of duties (三权分立, 等保 L3-CES1-08, §8.1.5) and the account management pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.accounts import services
from anze.accounts.errors import AccountError, AccountPermissionError, AdminRoleConflictError
from anze.accounts.models import RoleAssignment, User
from anze.accounts.roles import ADMIN_ROLES, Role
from anze.accounts.tests.helpers import make_admin, sign_in_admin
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD, make_user


@pytest.fixture
def security(org):
    return make_admin("sec_li", Role.SECURITY_ADMIN, display_name="安全管理员 李")


@pytest.fixture
def sysadmin(org):
    return make_admin("sys_wang", Role.SYSTEM_ADMIN, display_name="系统管理员 王")


@pytest.fixture
def auditadmin(org):
    return make_admin("aud_zhao", Role.AUDIT_ADMIN, display_name="审计管理员 赵")


@pytest.mark.parametrize("held", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("second", sorted(ADMIN_ROLES))
def test_a_second_admin_role_is_refused(held, second, security, org):
    if held == second:
        return
    person = make_user("zhou", (held, {}))
    with pytest.raises(AdminRoleConflictError) as exc:
        services.assign_role(actor=security, user=person, role=second)
    assert exc.value.code == "admin_role_conflict"
    assert sorted(person.role_assignments.values_list("role", flat=True)) == [held]
    assert not AuditEvent.objects.filter(action="accounts.role.assign").exists()


def test_a_revoked_admin_role_no_longer_blocks_another(security, org):
    person = make_user("zhou", (Role.SYSTEM_ADMIN, {}))
    services.revoke_role(actor=security, assignment=person.role_assignments.get())
    services.assign_role(actor=security, user=person, role=Role.AUDIT_ADMIN)
    person.forget_assignments()
    assert person.roles == [Role.AUDIT_ADMIN]


@pytest.mark.parametrize("actor_role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.OFFICE, Role.AUDITOR])
def test_only_the_security_admin_changes_roles(actor_role, org, charlie):
    area = {"region": org["linyi"]} if actor_role == Role.OFFICE else {}
    actor = make_user("actor", (actor_role, area))
    with pytest.raises(AccountPermissionError) as exc:
        services.assign_role(actor=actor, user=charlie, role=Role.LEADER, region=org["linyi"])
    assert exc.value.code == "not_security_admin"
    with pytest.raises(AccountPermissionError):
        services.revoke_role(actor=actor, assignment=charlie.role_assignments.get())
    assert charlie.role_assignments.get().valid_until is None


def test_security_admin_cannot_change_own_roles(security):
    with pytest.raises(AccountPermissionError) as exc:
        services.assign_role(actor=security, user=security, role=Role.OFFICE)
    assert exc.value.code == "self_change"


def test_assign_and_revoke_are_audited_once_each(security, charlie, org):
    assignment = services.assign_role(actor=security, user=charlie, role=Role.LEADER, region=org["luozhuang"])
    services.revoke_role(actor=security, assignment=assignment)
    assert list(
        AuditEvent.objects.filter(action__startswith="accounts.role").values_list("action", flat=True)
    ) == ["accounts.role.revoke", "accounts.role.assign"]
    with pytest.raises(AccountError) as exc:
        services.revoke_role(actor=security, assignment=assignment)
    assert exc.value.code == "role_not_active"


def test_region_role_needs_a_region(security, charlie):
    with pytest.raises(AccountError) as exc:
        services.assign_role(actor=security, user=charlie, role=Role.COUNTY)
    assert exc.value.code == "invalid_area"


def test_the_same_role_twice_is_refused(security, charlie, org):
    with pytest.raises(AccountError) as exc:
        services.assign_role(actor=security, user=charlie, role=Role.UNIT, unit=org["luozhuang_emergency"])
    assert exc.value.code == "role_already_assigned"


def test_create_user_sets_an_initial_password(security):
    user = services.create_user(
        actor=security, username="Sun", display_name="孙", initial_password="Chu-Shi-Mi-Ma-9"
    )
    assert user.must_change_password and user.check_password("Chu-Shi-Mi-Ma-9")
    with pytest.raises(AccountError) as exc:
        services.create_user(
            actor=security, username="sun", display_name="x", initial_password=STRONG_PASSWORD
        )
    assert exc.value.code == "username_taken"


def test_create_user_refuses_a_weak_initial_password(security):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_user(actor=security, username="sun", display_name="孙", initial_password="12345678")
    assert not User.objects.filter(username="sun").exists()


def test_reset_password_makes_it_initial_again_and_unlocks(security, charlie):
    charlie.locked_until = timezone.now() + dt.timedelta(minutes=20)
    charlie.save()
    services.reset_password(actor=security, user=charlie, new_password="Reset-Pass-2026!")
    charlie.refresh_from_db()
    assert charlie.must_change_password and charlie.locked_until is None
    assert charlie.check_password("Reset-Pass-2026!")


# -- pages -------------------------------------------------------------------------------------------


def test_security_admin_lists_searches_and_opens_users(
    security, alice, bob, client, django_assert_max_num_queries
):
    sign_in_admin(client, security)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("accounts:user_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "alice" in body and "bob" in body and "安委会办公室" in body
    body = client.get(reverse("accounts:user_list"), {"q": "兰山"}).content.decode()
    assert "bob" in body and "alice" not in body
    detail = client.get(reverse("accounts:user_detail", args=[alice.public_id]))
    assert detail.status_code == 200 and "授予角色" in detail.content.decode()


def test_user_list_query_count_does_not_grow_with_users(security, org, client, django_assert_max_num_queries):
    for i in range(15):
        make_user(f"user{i}", (Role.UNIT, {"unit": org["lanshan_emergency"]}))
    sign_in_admin(client, security)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:user_list")).status_code == 200


def test_security_admin_manages_a_user_through_the_pages(security, charlie, org, client):
    sign_in_admin(client, security)
    response = client.post(
        reverse("accounts:role_assign", args=[charlie.public_id]),
        {"role": Role.LEADER, "region": org["luozhuang"].pk},
    )
    assert response.status_code == 302
    charlie.forget_assignments()
    assert Role.LEADER in charlie.roles
    charlie.locked_until = timezone.now() + dt.timedelta(minutes=10)
    charlie.save()
    client.post(reverse("accounts:user_unlock", args=[charlie.public_id]))
    client.post(
        reverse("accounts:user_reset_password", args=[charlie.public_id]),
        {"new_password": "Reset-Pass-2026!"},
    )
    client.post(reverse("accounts:user_deactivate", args=[charlie.public_id]))
    charlie.refresh_from_db()
    assert charlie.locked_until is None and charlie.must_change_password and not charlie.is_active
    leader = charlie.role_assignments.get(role=Role.LEADER)
    client.post(reverse("accounts:role_revoke", args=[charlie.public_id, leader.public_id]))
    leader.refresh_from_db()
    assert leader.valid_until is not None


def test_second_admin_role_through_the_page_shows_the_reason(security, sysadmin, client):
    sign_in_admin(client, security)
    response = client.post(
        reverse("accounts:role_assign", args=[sysadmin.public_id]), {"role": Role.AUDIT_ADMIN}, follow=True
    )
    assert "三权分立" in response.content.decode()
    assert not sysadmin.role_assignments.filter(role=Role.AUDIT_ADMIN).exists()


def test_security_admin_creates_a_user_through_the_page(security, client):
    sign_in_admin(client, security)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "qian", "display_name": "钱", "initial_password": "Chu-Shi-Mi-Ma-9"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="qian").must_change_password


def test_create_page_shows_errors_next_to_fields(security, client):
    sign_in_admin(client, security)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "root", "display_name": "x", "initial_password": "short"},
    )
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") >= 1
    assert not User.objects.filter(username="root").exists()


def test_system_admin_reads_users_but_cannot_change_them(sysadmin, charlie, client):
    sign_in_admin(client, sysadmin)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    response = client.post(reverse("accounts:role_assign", args=[charlie.public_id]), {"role": Role.AUDITOR})
    assert response.status_code in (403, 404)
    assert client.post(reverse("accounts:user_deactivate", args=[charlie.public_id])).status_code in (
        403,
        404,
    )
    charlie.refresh_from_db()
    assert charlie.is_active and charlie.roles == [Role.UNIT]


def test_audit_admin_cannot_manage_accounts_or_post_business_changes(auditadmin, charlie, client):
    sign_in_admin(client, auditadmin)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    for name in ("accounts:user_unlock", "accounts:user_deactivate", "accounts:user_reset_otp"):
        assert client.post(reverse(name, args=[charlie.public_id])).status_code in (403, 404)
    assert client.post(reverse("accounts:user_create"), {"username": "x"}).status_code == 403
    charlie.refresh_from_db()
    assert charlie.is_active
    assert AuditEvent.objects.filter(action="access.denied", actor=auditadmin).count() >= 4


def test_business_users_cannot_open_account_management(alice, signed_in):
    client = signed_in(alice)
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_profile_shows_own_roles(charlie, signed_in):
    body = signed_in(charlie).get(reverse("accounts:profile")).content.decode()
    assert "责任单位" in body and str(charlie.role_assignments.get().unit) in body


def test_revoke_of_an_assignment_of_another_user_is_not_found(security, alice, charlie, client):
    sign_in_admin(client, security)
    other = alice.role_assignments.get()
    response = client.post(reverse("accounts:role_revoke", args=[charlie.public_id, other.public_id]))
    assert response.status_code == 404
    assert RoleAssignment.objects.get(pk=other.pk).valid_until is None


@pytest.mark.parametrize("area", ["none", "region", "unit"])
def test_the_database_refuses_a_duplicate_grant(area, org, charlie):
    from django.db import IntegrityError, transaction

    kwargs = {
        "none": {"role": Role.AUDITOR},
        "region": {"role": Role.LEADER, "region": org["linyi"]},
        "unit": {"role": Role.UNIT, "unit": org["lanshan_gov"]},
    }[area]
    RoleAssignment.objects.create(user=charlie, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=charlie, **kwargs)
