"""Sessions (等保 L3-CES1-02, ASVS 3.3): idle and absolute limits, logout that really ends the session."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anze.audit.models import AuditEvent
from conftest import STRONG_PASSWORD

PAGE = "accounts:profile"


def sign_in_at(client, user, moment):
    with time_machine.travel(moment, tick=False):
        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": STRONG_PASSWORD}
        )
        assert response.status_code == 302


def test_idle_for_31_minutes_redirects_to_login(alice, client):
    start = timezone.now()
    sign_in_at(client, alice, start)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "expired=1" in response["Location"]
    assert not Session.objects.exists()
    [event] = AuditEvent.objects.filter(action="auth.logout")
    assert event.reason == "idle timeout"


def test_activity_at_29_minutes_keeps_the_session_alive(alice, client):
    start = timezone.now()
    sign_in_at(client, alice, start)
    for minutes in (29, 58, 87):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse(PAGE)).status_code == 200


def test_requests_within_a_minute_do_not_rewrite_the_session_but_a_later_one_does(alice, client):
    start = timezone.now()
    sign_in_at(client, alice, start)
    row = Session.objects.get()
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert client.get(reverse(PAGE)).status_code == 200
    assert Session.objects.get().session_data == row.session_data  # nothing written
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        assert client.get(reverse(PAGE)).status_code == 200
    assert Session.objects.get().session_data != row.session_data  # the mark moved on
    # idle counted from the last mark: 90 s + 29 min later the session still lives, 90 s + 31 min it ends
    with time_machine.travel(start + dt.timedelta(seconds=90, minutes=29), tick=False):
        assert client.get(reverse(PAGE)).status_code == 200


def test_absolute_cap_of_12_hours(alice, client):
    start = timezone.now()
    sign_in_at(client, alice, start)
    minutes = 0
    while minutes < 12 * 60 - 20:
        minutes += 20
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse(PAGE)).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse(PAGE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.get(action="auth.logout").reason == "absolute session limit"


def test_idle_session_on_the_api_is_anonymous(alice, client):
    start = timezone.now()
    sign_in_at(client, alice, start)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert client.get(reverse("api:users-me")).status_code in (401, 403)


def test_logout_deletes_the_session_row_and_the_old_cookie_stops_working(alice, client):
    client.post(reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD})
    old_key = client.session.session_key
    assert Session.objects.filter(session_key=old_key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = old_key
    response = replay.get(reverse(PAGE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="auth.logout").count() == 1


def test_logout_by_get_is_refused(alice, signed_in):
    client = signed_in(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse(PAGE)).status_code == 200


def test_signed_in_pages_are_not_cached(alice, signed_in):
    response = signed_in(alice).get(reverse(PAGE))
    assert "no-store" in response["Cache-Control"]


def test_api_logout_deletes_the_token(alice, client):
    key = client.post(reverse("api:auth-token"), {"username": "alice", "password": STRONG_PASSWORD}).json()[
        "token"
    ]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get(reverse("api:users-me"), **auth).status_code == 200
    assert client.post(reverse("api:auth-logout"), **auth).status_code == 204
    assert client.get(reverse("api:users-me"), **auth).status_code == 401


def test_api_token_expires_after_the_absolute_cap(alice, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = client.post(
            reverse("api:auth-token"), {"username": "alice", "password": STRONG_PASSWORD}
        ).json()["token"]
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse("api:users-me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_token_of_a_locked_or_deactivated_user_is_refused(alice, client):
    key = client.post(reverse("api:auth-token"), {"username": "alice", "password": STRONG_PASSWORD}).json()[
        "token"
    ]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    alice.locked_until = timezone.now() + dt.timedelta(minutes=10)
    alice.save()
    response = client.get(reverse("api:users-me"), **auth)
    assert response.status_code == 403 and response.json()["code"] == "account_locked"
    alice.locked_until = None
    alice.is_active = False
    alice.save()
    response = client.get(reverse("api:users-me"), **auth)
    assert response.status_code == 403 and response.json()["code"] == "account_inactive"


def test_me_shows_roles_and_password_age(alice, client):
    key = client.post(reverse("api:auth-token"), {"username": "alice", "password": STRONG_PASSWORD}).json()[
        "token"
    ]
    data = client.get(reverse("api:users-me"), HTTP_AUTHORIZATION=f"Token {key}").json()
    assert data["username"] == "alice"
    assert [r["role"] for r in data["roles"]] == ["office"]
    assert data["password_change_required"] is False
    assert "password" not in data
