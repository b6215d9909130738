"""Two factors for administrators (等保 L3-CES1-04, ASVS 2.8): TOTP, once only, before any page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from anze.accounts.roles import Role
from anze.accounts.tests.helpers import add_totp_device, make_admin, sign_in_admin, totp_token
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD, make_user

ADMIN_PAGES = ["accounts:user_list", "accounts:profile", "accounts:password_change", "core:home"]


@pytest.fixture
def security(db):
    return make_admin("sec_li", Role.SECURITY_ADMIN, display_name="安全管理员 李")


def login(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": STRONG_PASSWORD})


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_admin_with_password_only_reaches_no_page(role, client, db):
    admin = make_admin(f"admin_{role}", role)
    response = login(client, admin)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))
    for name in ADMIN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("accounts:otp_verify"), name
    response = client.get(reverse("api:users-me"))
    assert response.status_code == 403 and response.json()["code"] == "otp_required"


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_django_admin_sends_a_staff_admin_without_otp_to_the_otp_page(flag, client, db):
    admin = make_admin(
        "staff_sys", Role.SYSTEM_ADMIN, is_staff=True, **({flag: True} if flag != "is_staff" else {})
    )
    login(client, admin)

    response = client.get(reverse("admin:index"))

    # Django's own admin would send a non-staff user to /admin/login/; the second factor comes first.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_verify")


def test_admin_with_a_valid_otp_gets_in(security, client):
    sign_in_admin(client, security)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor=security).count() == 1


def test_otp_verification_rotates_the_session_key(security, client):
    login(client, security)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=security)
    client.post(reverse("accounts:otp_verify"), {"token": totp_token(device)})
    assert client.session.session_key != before


def test_a_reused_otp_is_rejected(security, client):
    device = TOTPDevice.objects.get(user=security)
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        code = totp_token(device)
        login(client, security)
        assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
        client.post(reverse("accounts:logout"))
        login(client, security)
        response = client.post(reverse("accounts:otp_verify"), {"token": code})
        assert response.status_code == 200
        assert "已使用过" in response.content.decode()
        assert client.get(reverse("accounts:user_list")).status_code == 302


def test_a_reused_otp_is_rejected_by_the_api(security, client):
    device = TOTPDevice.objects.get(user=security)
    with time_machine.travel(timezone.now(), tick=False):
        code = totp_token(device)
        url = reverse("api:auth-token")
        ok = client.post(url, {"username": security.username, "password": STRONG_PASSWORD, "otp": code})
        assert ok.status_code == 200
        again = client.post(url, {"username": security.username, "password": STRONG_PASSWORD, "otp": code})
        assert again.status_code == 400 and again.json()["code"] == "invalid_credentials"
        assert "token" not in again.json()


def test_api_token_for_an_admin_needs_the_otp(security, client):
    url = reverse("api:auth-token")
    response = client.post(url, {"username": security.username, "password": STRONG_PASSWORD})
    assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_wrong_otps_count_towards_lockout(security, client):
    login(client, security)
    for _ in range(5):
        response = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    security.refresh_from_db()
    assert security.locked_until is not None
    assert "_auth_user_id" not in client.session


def test_api_wrong_otps_count_towards_lockout(security, client):
    url = reverse("api:auth-token")
    for _ in range(5):
        client.post(url, {"username": security.username, "password": STRONG_PASSWORD, "otp": "000000"})
    security.refresh_from_db()
    assert security.locked_until is not None
    response = client.post(url, {"username": security.username, "password": STRONG_PASSWORD})
    assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_enrolment_shows_a_server_drawn_qr_code_and_the_secret(client, db):
    admin = make_user("sys_wang", (Role.SYSTEM_ADMIN, {}))
    response = login(client, admin)
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(reverse("accounts:otp_setup"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "<script" not in body.split("<main")[1].split("</main>")[0]
    secret = re.search(r"user-select-all\">([A-Z2-7 ]+)<", body).group(1)
    assert len(secret.replace(" ", "")) == 32
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # reloading shows the same secret
    assert secret in client.get(reverse("accounts:otp_setup")).content.decode()
    response = client.post(reverse("accounts:otp_setup"), {"token": totp_token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_enrolled").count() == 1


def test_wrong_enrolment_code_is_refused(client, db):
    admin = make_user("sys_wang", (Role.SYSTEM_ADMIN, {}))
    login(client, admin)
    client.get(reverse("accounts:otp_setup"))
    response = client.post(reverse("accounts:otp_setup"), {"token": "123456"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_enrolled_admin_cannot_enrol_a_new_device_before_verifying(security, client):
    login(client, security)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))
    assert TOTPDevice.objects.filter(user=security).count() == 1


def test_verified_admin_can_replace_the_device(security, client):
    sign_in_admin(client, security)
    client.get(reverse("accounts:otp_setup"))
    new = TOTPDevice.objects.get(user=security, confirmed=False)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
        assert client.post(reverse("accounts:otp_setup"), {"token": totp_token(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=security).values_list("pk", flat=True)) == [new.pk]


def test_ordinary_users_need_no_second_factor(alice, signed_in):
    assert signed_in(alice).get(reverse("accounts:profile")).status_code == 200


def test_no_otp_text_in_audit_rows(security, client):
    device = TOTPDevice.objects.get(user=security)
    code = totp_token(device)
    login(client, security)
    client.post(reverse("accounts:otp_verify"), {"token": "654321"})
    client.post(reverse("accounts:otp_verify"), {"token": code})
    for row in AuditEvent.objects.values():
        assert code not in repr(row) and "654321" not in repr(row) and device.key not in repr(row)


def test_add_totp_device_helper_is_confirmed(alice):
    assert add_totp_device(alice).confirmed


def test_shared_admin_fixtures_sign_in_with_otp(security_admin, audit_admin, signed_in_admin):
    client = signed_in_admin(security_admin)
    assert client.get(reverse("accounts:user_list")).status_code == 200
