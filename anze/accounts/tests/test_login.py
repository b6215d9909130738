"""Signing in (等保 L3-CES1-02/03/06/07): lockout, validity, CSRF, cookies, and one audit row per attempt."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from anze.accounts.models import User
from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD, make_user

WRONG = "Not-The-Password-1!"


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def token(client, username, password, **extra):
    return client.post(reverse("api:auth-token"), {"username": username, "password": password, **extra})


def events(*actions):
    return list(AuditEvent.objects.filter(action__in=actions).order_by("sequence"))


def test_login_page_renders_a_form(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body and "csrfmiddlewaretoken" in body


def test_right_password_signs_in_case_insensitively(alice, client):
    response = login(client, "ALICE", STRONG_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_login_by_get_query_string_does_nothing(alice, client):
    response = client.get(reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not events("auth.login", "auth.login_failed")


def test_wrong_password_shows_error_and_is_audited_once(alice, client):
    response = login(client, "alice", WRONG)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    [event] = events("auth.login", "auth.login_failed", "auth.locked")
    assert (
        event.action == "auth.login_failed" and not event.success and event.object_id == str(alice.public_id)
    )


def test_unknown_user_is_refused_like_a_wrong_password(client, db):
    response = login(client, "nobody", WRONG)
    assert "用户名或密码错误" in response.content.decode()
    [event] = events("auth.login_failed")
    assert event.object_repr == "nobody"


def test_five_failures_lock_even_the_right_password_until_the_window_ends(alice, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "alice", WRONG)
        response = login(client, "alice", STRONG_PASSWORD)
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()  # the same answer as for a wrong password
        assert "_auth_user_id" not in client.session
    alice.refresh_from_db()
    assert alice.locked_until == start + dt.timedelta(minutes=30)
    assert [e.action for e in events("auth.login_failed", "auth.locked", "auth.login")] == [
        *["auth.login_failed"] * 4,
        "auth.locked",
        "auth.login_failed",
    ]
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert login(client, "alice", STRONG_PASSWORD).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert login(client, "alice", STRONG_PASSWORD).status_code == 302
    alice.refresh_from_db()
    assert alice.failed_login_count == 0 and alice.locked_until is None


def test_a_success_resets_the_failure_count(alice, client):
    for _ in range(4):
        login(client, "alice", WRONG)
    assert login(client, "alice", STRONG_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, "alice", WRONG)
    alice.refresh_from_db()
    assert alice.failed_login_count == 4 and alice.locked_until is None


def test_failures_after_an_expired_lock_start_a_fresh_count(alice, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "alice", WRONG)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        login(client, "alice", WRONG)
        alice.refresh_from_db()
        assert alice.failed_login_count == 1 and alice.locked_until is None


def test_lockout_applies_to_the_api_token_endpoint(alice, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert token(client, "alice", WRONG).json()["code"] == "invalid_credentials"
        refused = token(client, "alice", STRONG_PASSWORD)
        assert refused.status_code == 400
        assert refused.json()["code"] == "invalid_credentials"
        assert "token" not in refused.json()
    alice.refresh_from_db()
    assert alice.locked_until is not None
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = token(client, "alice", STRONG_PASSWORD)
        assert response.status_code == 200 and response.json()["token"]


def test_page_and_api_failures_share_one_counter(alice, client):
    for _ in range(3):
        login(client, "alice", WRONG)
    for _ in range(2):
        token(client, "alice", WRONG)
    assert token(client, "alice", STRONG_PASSWORD).json()["code"] == "invalid_credentials"
    alice.refresh_from_db()
    assert alice.failed_login_count == 5 and alice.locked_until is not None


def test_expired_account_cannot_sign_in(alice, client):
    alice.valid_until = timezone.now() - dt.timedelta(minutes=1)
    alice.save()
    response = login(client, "alice", STRONG_PASSWORD)
    assert response.status_code == 200 and "有效期" in response.content.decode()
    assert token(client, "alice", STRONG_PASSWORD).json()["code"] == "account_expired"


def test_inactive_account_cannot_sign_in(alice, client):
    alice.is_active = False
    alice.save()
    assert login(client, "alice", STRONG_PASSWORD).status_code == 200
    assert token(client, "alice", STRONG_PASSWORD).json()["code"] == "account_inactive"


def test_session_of_an_account_that_expires_ends(alice, signed_in):
    client = signed_in(alice)
    User.objects.filter(pk=alice.pk).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_session_key_changes_at_login(alice, client):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    login(client, "alice", STRONG_PASSWORD)
    assert client.session.session_key != before


def test_every_attempt_writes_exactly_one_auth_event(alice, client):
    kinds = ("auth.login", "auth.login_failed", "auth.locked", "auth.logout")
    login(client, "alice", WRONG)
    assert len(events(*kinds)) == 1
    login(client, "alice", STRONG_PASSWORD)
    assert len(events(*kinds)) == 2
    client.post(reverse("accounts:logout"))
    assert len(events(*kinds)) == 3
    token(client, "alice", STRONG_PASSWORD)
    assert len(events(*kinds)) == 4
    assert [e.action for e in events(*kinds)] == [
        "auth.login_failed",
        "auth.login",
        "auth.logout",
        "auth.login",
    ]
    assert events("auth.login")[0].actor_id == alice.pk


def test_no_password_otp_or_token_text_in_any_audit_row(alice, client):
    login(client, "alice", WRONG)
    login(client, "alice", STRONG_PASSWORD)
    client.post(reverse("accounts:logout"))
    key = token(client, "alice", STRONG_PASSWORD).json()["token"]
    client.post(reverse("api:auth-logout"), HTTP_AUTHORIZATION=f"Token {key}")
    login(
        client, STRONG_PASSWORD, STRONG_PASSWORD + "x"
    )  # a password typed into the user name box is kept short
    rows = list(AuditEvent.objects.values())
    assert rows
    for row in rows:
        text = repr(row)
        assert WRONG not in text and key not in text
    for row in rows:
        if row["action"] != "auth.login_failed" or row["object_repr"] != STRONG_PASSWORD:
            assert STRONG_PASSWORD not in repr(row)


def test_authenticate_without_a_request_still_audits(alice):
    assert authenticate(username="alice", password=STRONG_PASSWORD) == alice
    assert len(events("auth.login")) == 1


def test_login_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_cookie_authenticated_api_post_without_csrf_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": STRONG_PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("api:auth-password"), {"old_password": STRONG_PASSWORD, "new_password": "X-y-z-12345"}
    )
    assert refused.status_code == 403
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)


def test_cookies_are_http_only_and_same_site(alice, client):
    response = login(client, "alice", STRONG_PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = Client().get(reverse("accounts:login"))
    assert page.cookies["csrftoken"]["samesite"] == "Lax"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_cookies_are_secure_behind_https(alice, client):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD}, secure=True
    )
    assert response.cookies["sessionid"]["secure"]
    assert Client().get(reverse("accounts:login"), secure=True).cookies["csrftoken"]["secure"]


def test_production_settings_secure_cookies_and_hsts(monkeypatch):
    """ANZE_HTTPS (the production default) turns on Secure cookies, HSTS and the HTTPS redirect."""
    import importlib

    import anze.settings as settings_module

    monkeypatch.setenv("ANZE_HTTPS", "1")
    try:
        fresh = importlib.reload(settings_module)
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE and fresh.SECURE_SSL_REDIRECT
        assert fresh.SECURE_HSTS_SECONDS > 0
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_next_parameter_cannot_leave_the_site(alice, client):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "alice", "password": STRONG_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


@pytest.mark.parametrize("name", ["admin", "root", "test", "sa", "Admin", "ROOT"])
def test_default_account_names_cannot_be_created(name, db):
    from anze.accounts import services
    from anze.accounts.errors import AccountError
    from anze.accounts.roles import Role

    security = make_user("security1", (Role.SECURITY_ADMIN, {}))
    with pytest.raises(AccountError) as exc:
        services.create_user(
            actor=security, username=name, display_name="x", initial_password=STRONG_PASSWORD
        )
    assert exc.value.code == "reserved_username"
