"""Lockout that tells nothing and cannot be turned against the administrators (等保 L3-CES1-02, ASVS 2.2.1).

A locked name and an unknown one answer alike, on the page and the token API; failures are throttled by source
address as well as by account; a locked administrator still signs in with the right password and a valid TOTP
code together; and the token API answers an administrator's right password without OTP as it answers a wrong one.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from anze.accounts.models import AddressFailureCount
from anze.accounts.roles import Role
from anze.accounts.tests.helpers import fresh_totp_token, make_admin
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD

WRONG = "Not-The-Password-1!"
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture
def security(db):
    return make_admin("sec_wang", Role.SECURITY_ADMIN, display_name="安全管理员 王")


def login(client, username, password, address=OFFICE, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def token(client, username, password, address=OFFICE, **extra):
    return client.post(
        reverse("api:auth-token"), {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def page_answer(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def lock(client, username, address=ATTACKER):
    for _ in range(5):
        login(client, username, WRONG, address)


def test_a_locked_name_and_an_unknown_one_get_the_same_page_answer(alice, client):
    lock(client, "alice")
    locked = login(client, "alice", STRONG_PASSWORD)
    unknown = login(client, "nobody-here", STRONG_PASSWORD)
    lock(client, "nobody-here")
    unknown_after_five = login(client, "nobody-here", STRONG_PASSWORD)
    assert locked.status_code == unknown.status_code == unknown_after_five.status_code == 200
    assert page_answer(locked) == page_answer(unknown) == page_answer(unknown_after_five)
    assert "_auth_user_id" not in client.session


def test_a_locked_name_and_an_unknown_one_get_the_same_api_answer(alice, client):
    lock(client, "alice")
    locked, unknown = token(client, "alice", STRONG_PASSWORD), token(client, "nobody-here", STRONG_PASSWORD)
    assert (locked.status_code, locked.json()) == (unknown.status_code, unknown.json())
    assert locked.json()["code"] == "invalid_credentials" and "token" not in locked.json()


def test_one_address_trying_many_names_is_throttled_and_others_are_not(alice, client, settings):
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "LOCKOUT_ADDRESS_FAILURES": 4}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for name in ("zhang", "li", "zhao", "qian"):  # one failure each: no account reaches its own lock
            login(client, name, WRONG, ATTACKER)
        refused = login(client, "alice", STRONG_PASSWORD, ATTACKER)
        assert refused.status_code == 200 and "_auth_user_id" not in client.session
        assert page_answer(refused) == page_answer(login(client, "zhang", WRONG, OFFICE))
        assert token(client, "alice", STRONG_PASSWORD, ATTACKER).json()["code"] == "invalid_credentials"
        assert login(client, "alice", STRONG_PASSWORD, OFFICE).status_code == 302
    alice.refresh_from_db()
    assert alice.locked_until is None  # the address was throttled, not the account
    client.post(reverse("accounts:logout"))
    with time_machine.travel(start + dt.timedelta(minutes=36), tick=False):
        assert login(client, "alice", STRONG_PASSWORD, ATTACKER).status_code == 302
    refusal = AuditEvent.objects.filter(action="auth.login_failed", reason="address throttled").first()
    assert refusal is not None and refusal.ip == ATTACKER


def test_a_success_does_not_wash_out_an_address_count(alice, client, settings):
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "LOCKOUT_ADDRESS_FAILURES": 3}
    login(client, "zhang", WRONG, ATTACKER)
    login(client, "li", WRONG, ATTACKER)
    assert login(client, "alice", STRONG_PASSWORD, ATTACKER).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, "zhao", WRONG, ATTACKER)
    assert login(client, "alice", STRONG_PASSWORD, ATTACKER).status_code == 200
    assert sum(AddressFailureCount.objects.filter(address=ATTACKER).values_list("failures", flat=True)) >= 3


def test_a_locked_administrator_signs_in_with_password_and_otp_together(security, client):
    lock(client, security.username)
    security.refresh_from_db()
    assert security.locked_until is not None
    assert login(client, security.username, STRONG_PASSWORD).status_code == 200  # the password alone: refused
    device = TOTPDevice.objects.get(user=security)
    response = login(client, security.username, STRONG_PASSWORD, otp=fresh_totp_token(device))
    assert response.status_code == 302
    assert client.get(reverse("accounts:user_list")).status_code == 200  # a verified session
    security.refresh_from_db()
    assert security.locked_until is None and security.failed_login_count == 0


def test_a_locked_administrator_gets_a_token_with_password_and_otp(security, client):
    lock(client, security.username)
    device = TOTPDevice.objects.get(user=security)
    response = token(client, security.username, STRONG_PASSWORD, otp=fresh_totp_token(device))
    assert response.status_code == 200 and response.json()["token"]


def test_the_otp_does_not_open_a_lock_without_the_right_password(security, client):
    lock(client, security.username)
    device = TOTPDevice.objects.get(user=security)
    last_t = device.last_t
    response = login(client, security.username, WRONG, otp=fresh_totp_token(device))
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.last_t == last_t  # the code was not even tried
    security.refresh_from_db()
    assert security.locked_until is not None


def test_ordinary_users_gain_nothing_from_an_otp_field(alice, client):
    lock(client, "alice")
    assert login(client, "alice", STRONG_PASSWORD, otp="123456").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_token_api_answers_an_administrators_right_and_wrong_password_alike(security, client):
    right = token(client, security.username, STRONG_PASSWORD)
    wrong = token(client, security.username, WRONG)
    assert (right.status_code, right.json()) == (wrong.status_code, wrong.json())
    right_bad_otp = token(client, security.username, STRONG_PASSWORD, otp="000000")
    wrong_bad_otp = token(client, security.username, WRONG, otp="000000")
    assert (right_bad_otp.status_code, right_bad_otp.json()) == (
        wrong_bad_otp.status_code,
        wrong_bad_otp.json(),
    )
    assert right.json()["code"] == "invalid_credentials"


def test_every_attempt_still_writes_exactly_one_auth_event(security, client, settings):
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "LOCKOUT_ADDRESS_FAILURES": 2}
    device = TOTPDevice.objects.get(user=security)
    attempts = [
        lambda: login(client, "nobody", WRONG, ATTACKER),
        lambda: login(client, security.username, WRONG, ATTACKER),
        lambda: login(client, security.username, STRONG_PASSWORD, ATTACKER),  # throttled
        lambda: login(client, security.username, STRONG_PASSWORD, ATTACKER, otp=fresh_totp_token(device)),
    ]
    for attempt in attempts:
        before = AuditEvent.objects.filter(action__startswith="auth.").count()
        attempt()
        assert AuditEvent.objects.filter(action__startswith="auth.").count() == before + 1
    assert AuditEvent.objects.filter(action="auth.login", object_id=str(security.public_id)).exists()
