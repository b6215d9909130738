"""Review fixes: tokens end on role changes, 三权分立 in both directions, role history, locks at the OTP step."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from anze.accounts import services
from anze.accounts.errors import AdminRoleConflictError
from anze.accounts.models import RoleAssignment, User
from anze.accounts.roles import ADMIN_ROLES, Role
from anze.accounts.tests.helpers import make_admin, totp_token
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(org):
    return make_admin("sec_li", Role.SECURITY_ADMIN)


def api_token(client, user) -> str:
    response = client.post(
        reverse("api:auth-token"), {"username": user.username, "password": STRONG_PASSWORD}
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


# -- #4 a token issued before a role change does not survive it ---------------------------------------


@pytest.mark.parametrize("change", ["assign", "revoke"])
def test_role_changes_end_the_users_api_tokens(change, security, alice, client, org):
    key = api_token(client, alice)
    if change == "assign":
        services.assign_role(actor=security, user=alice, role=Role.LEADER, region=org["linyi"])
    else:
        services.revoke_role(actor=security, assignment=alice.role_assignments.get())

    assert not Token.objects.filter(user=alice).exists()
    response = client.get(reverse("api:users-me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)
    event = AuditEvent.objects.get(action=f"accounts.role.{change}")
    assert "1 API token(s) revoked" in event.reason


def test_a_token_does_not_skip_the_second_factor_after_an_admin_grant(security, client, org):
    person = make_user("zhou", (Role.AUDITOR, {}))
    key = api_token(client, person)
    services.revoke_role(actor=security, assignment=person.role_assignments.get())
    services.assign_role(actor=security, user=person, role=Role.SYSTEM_ADMIN)

    response = client.get(reverse("api:users-me"), HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code in (401, 403)


# -- #7 an administrator role is held alone -------------------------------------------------------------


@pytest.mark.parametrize("admin_role", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("other", [(Role.AUDITOR, None), (Role.OFFICE, "linyi"), (Role.UNIT, "lanshan_gov")])
def test_admin_roles_never_sit_next_to_any_other_role(admin_role, other, security, org):
    other_role, area_key = other
    area = {} if area_key is None else {"unit" if other_role == Role.UNIT else "region": org[area_key]}
    admin = make_user("adm", (admin_role, {}))
    business = make_user("biz", (other_role, area))

    with pytest.raises(AdminRoleConflictError) as to_admin:
        services.assign_role(actor=security, user=admin, role=other_role, **area)
    with pytest.raises(AdminRoleConflictError) as to_business:
        services.assign_role(actor=security, user=business, role=admin_role)

    assert to_admin.value.code == to_business.value.code == "admin_role_conflict"
    assert list(admin.role_assignments.values_list("role", flat=True)) == [admin_role]
    assert list(business.role_assignments.values_list("role", flat=True)) == [other_role]
    assert not AuditEvent.objects.filter(action="accounts.role.assign").exists()


# -- #13 a re-grant keeps the revoked grant as history ----------------------------------------------------


def test_regranting_a_revoked_role_keeps_the_old_row(security, bob, org):
    first = bob.role_assignments.get()
    services.revoke_role(actor=security, assignment=first)
    ended = RoleAssignment.objects.get(pk=first.pk).valid_until

    second = services.assign_role(actor=security, user=bob, role=Role.COUNTY, region=org["lanshan"])

    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.valid_until == ended is not None
    assert second.valid_until is None
    assert RoleAssignment.objects.filter(user=bob).count() == 2
    bob.forget_assignments()
    assert bob.roles == [Role.COUNTY]


def test_role_events_are_filed_under_the_grants_area_for_county_readers(security, charlie, org, bob):
    services.assign_role(actor=security, user=charlie, role=Role.COUNTY, region=org["lanshan"])

    event = AuditEvent.objects.get(action="accounts.role.assign")

    assert event.scope_path == org["lanshan"].path
    assert AuditEvent.objects.restrict(bob, "view").filter(pk=event.pk).exists()


def test_the_database_allows_one_open_grant_but_any_number_ended(org, charlie):
    from django.db import IntegrityError, transaction

    kwargs = {"role": Role.LEADER, "region": org["linyi"]}
    RoleAssignment.objects.create(user=charlie, valid_until=timezone.now(), **kwargs)
    RoleAssignment.objects.create(user=charlie, valid_until=timezone.now(), **kwargs)
    RoleAssignment.objects.create(user=charlie, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=charlie, **kwargs)


# -- #6 a locked account does not pass the OTP step -------------------------------------------------------


def test_a_locked_account_cannot_pass_the_otp_step_and_stays_locked(security, client):
    client.post(reverse("accounts:login"), {"username": security.username, "password": STRONG_PASSWORD})
    locked_until = timezone.now() + timezone.timedelta(minutes=30)
    User.objects.filter(pk=security.pk).update(locked_until=locked_until, failed_login_count=5)
    device = TOTPDevice.objects.get(user=security)

    client.post(reverse("accounts:otp_verify"), {"token": totp_token(device)})

    security.refresh_from_db()
    assert security.locked_until == locked_until
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="auth.otp_verified").exists()
    assert client.get(reverse("accounts:user_list")).status_code == 302


def test_the_otp_service_refuses_a_locked_account(security, rf, client):
    client.post(reverse("accounts:login"), {"username": security.username, "password": STRONG_PASSWORD})
    request = rf.post("/")
    request.user = security
    request.session = client.session
    User.objects.filter(pk=security.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    device = TOTPDevice.objects.get(user=security)

    assert services.verify_session_otp(request, totp_token(device)) is False
    assert User.objects.get(pk=security.pk).locked_until is not None


def test_lockout_ends_every_session_of_the_user(client, django_user_model, alice, signed_in):
    from django.test import Client

    other = Client()
    signed_in(alice)  # the first session, on `client`
    assert (
        other.post(reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD}).status_code
        == 302
    )
    assert Session.objects.count() == 2
    third = Client()
    for _ in range(5):
        third.post(reverse("accounts:login"), {"username": "alice", "password": "wrong-Password-1"})

    assert User.objects.get(pk=alice.pk).locked_until is not None
    assert Session.objects.count() == 0
    assert client.get(reverse("core:home")).status_code == 302
    assert other.get(reverse("core:home")).status_code == 302


def test_a_lock_set_elsewhere_ends_a_live_session_at_its_next_request(alice, signed_in):
    client = signed_in(alice)
    User.objects.filter(pk=alice.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=5))

    response = client.get(reverse("core:home"))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert AuditEvent.objects.filter(action="auth.logout", reason="account locked").exists()
