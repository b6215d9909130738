"""Password rules (等保 L3-CES1-01): complexity, history, periodic and initial change, the SM3 hasher."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anze.accounts import services
from anze.accounts.hashers import FastSM3PasswordHasher, SM3PBKDF2PasswordHasher
from anze.accounts.models import PasswordHistory, User
from anze.accounts.validators import CharacterClassValidator, character_classes
from conftest import STRONG_PASSWORD, make_user

PAGE = "accounts:profile"
NEW_PASSWORD = "Fresh-Start-2027#"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),  # 7 characters
        ("alllowercase1", "password_too_few_classes"),  # 2 classes
        ("ALLUPPER!!!!", "password_too_few_classes"),  # 2 classes
        ("12345678", "password_entirely_numeric"),
        ("Password1", "password_too_common"),
        ("", "password_too_short"),
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in {e.code for e in exc.value.error_list}


@pytest.mark.parametrize(
    "password", ["Anze-Test-2026!", "Qing.Shan9Lu", "duty-LIST-check", "安全生产责任Ab12"]
)
def test_good_passwords_pass(db, password):
    validate_password(password)


def test_character_classes_count_full_width_symbols():
    assert character_classes("Aa1!") == {"upper", "lower", "digit", "symbol"}
    assert character_classes("abc，def") == {"lower", "symbol"}
    CharacterClassValidator(3).validate("abcDEF123")
    with pytest.raises(ValidationError):
        CharacterClassValidator(4).validate("abcDEF123")


def test_similar_to_username_is_refused(db):
    user = User(username="zhangwei2026", display_name="张伟")
    with pytest.raises(ValidationError):
        validate_password("Zhangwei2026", user)


def test_recent_passwords_cannot_be_reused(alice):
    history = [STRONG_PASSWORD, "Second-Pass-01!", "Third-Pass-02!", "Fourth-Pass-03!"]
    for old, new in zip(history, history[1:], strict=False):
        services.change_password(actor=alice, user=alice, old=old, new=new)
    for used in history:
        with pytest.raises(ValidationError) as exc:
            services.change_password(actor=alice, user=alice, old=history[-1], new=used)
        assert "password_reused" in str(exc.value.error_dict["new_password"][0].code)
    assert alice.password_history.count() == 3


def test_change_password_records_history_and_time(alice):
    old_hash = alice.password
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        services.change_password(actor=alice, user=alice, old=STRONG_PASSWORD, new=NEW_PASSWORD)
        alice.refresh_from_db()
        assert alice.password_changed_at == timezone.now()
    assert alice.check_password(NEW_PASSWORD)
    assert not alice.must_change_password
    assert PasswordHistory.objects.get(user=alice).password == old_hash


def test_wrong_old_password_changes_nothing(alice):
    before = alice.password
    with pytest.raises(ValidationError):
        services.change_password(actor=alice, user=alice, old="Wrong-Pass-1!", new=NEW_PASSWORD)
    alice.refresh_from_db()
    assert alice.password == before


def test_password_older_than_90_days_leads_every_page_to_change(alice, signed_in):
    client = signed_in(alice)
    with time_machine.travel(alice.password_changed_at + dt.timedelta(days=91)):
        client.force_login(alice)  # the idle limit is not what this test is about
        response = client.get(reverse(PAGE))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
        response = client.get(reverse("accounts:profile"))
        assert response["Location"] == reverse("accounts:password_change")
        page = client.get(reverse("accounts:password_change"))
        assert page.status_code == 200
        assert "90" in page.content.decode()
        response = client.get(reverse("api:users-me"))
        assert response.status_code == 403
        assert response.json()["code"] == "password_change_required"


def test_password_at_89_days_is_still_fine(alice, signed_in):
    client = signed_in(alice)
    with time_machine.travel(alice.password_changed_at + dt.timedelta(days=89)):
        client.force_login(alice)
        assert client.get(reverse(PAGE)).status_code == 200


def test_initial_password_forces_change_on_pages_then_frees_them(alice, client):
    alice.must_change_password = True
    alice.save()
    client.post(reverse("accounts:login"), {"username": "alice", "password": STRONG_PASSWORD})
    assert client.get(reverse(PAGE))["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse(PAGE)).status_code == 200


def test_initial_password_forces_change_on_the_api(alice, client):
    alice.must_change_password = True
    alice.save()
    response = client.post(reverse("api:auth-token"), {"username": "alice", "password": STRONG_PASSWORD})
    assert response.status_code == 200
    assert response.json()["password_change_required"] is True
    auth = {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}
    refused = client.get(reverse("api:users-me"), **auth)
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    changed = client.post(
        reverse("api:auth-password"), {"old_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}, **auth
    )
    assert changed.status_code == 204
    # the old token ended with the password; a new one works
    assert client.get(reverse("api:users-me"), **auth).status_code == 401
    token = client.post(reverse("api:auth-token"), {"username": "alice", "password": NEW_PASSWORD}).json()[
        "token"
    ]
    assert client.get(reverse("api:users-me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_password_change_page_shows_field_errors(alice, signed_in):
    client = signed_in(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG_PASSWORD, "new_password": "short", "new_password_confirm": "short"},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)


def test_password_change_rotates_session_key_and_keeps_user_signed_in(alice, signed_in):
    client = signed_in(alice)
    before = client.session.session_key
    client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert client.session.session_key != before
    assert client.get(reverse(PAGE)).status_code == 200


def test_sm3_hasher_round_trip():
    hasher = SM3PBKDF2PasswordHasher()
    assert hasher.iterations >= 600_000
    encoded = hasher.encode("Anze-Test-2026!", hasher.salt(), iterations=1000)
    assert encoded.startswith("pbkdf2_sm3$1000$")
    assert hasher.verify("Anze-Test-2026!", encoded)
    assert not hasher.verify("anze-test-2026!", encoded)
    assert hasher.must_update(encoded)  # fewer rounds than the default: re-hashed at next sign-in


def test_sm3_hasher_through_django(settings):
    settings.PASSWORD_HASHERS = ["anze.accounts.hashers.SM3PBKDF2PasswordHasher"]
    encoded = make_password("Anze-Test-2026!")
    assert identify_hasher(encoded).algorithm == "pbkdf2_sm3"
    assert check_password("Anze-Test-2026!", encoded)
    assert not check_password("wrong", encoded)


def test_fast_test_hasher_has_its_own_name():
    assert FastSM3PasswordHasher.algorithm != SM3PBKDF2PasswordHasher.algorithm


def test_users_have_usable_nonempty_passwords(org):
    user = make_user("erin")
    assert user.password and user.has_usable_password()
    assert user.password.startswith(("pbkdf2_sm3", "pbkdf2_sm3_fast"))
