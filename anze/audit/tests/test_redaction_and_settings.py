"""No secret reaches the trail; nothing can make it keep less than six months."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from anze.audit.models import AuditEvent
from anze.audit.services import REDACTED, is_secret_key, record_standalone, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password1",
        "Password",
        "token",
        "api_token",
        "otp",
        "otp_token",
        "secret",
        "totp",
        "key",
        "api_key",
        "bin_key",
        "private_key",
        "tracking_code",
        "id_number",
    ],
)
def test_credential_keys_are_secret(key):
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["code", "name", "password_changed_at", "footprint", "monkey", "unit_code"])
def test_ordinary_keys_are_not_secret(key):
    assert not is_secret_key(key)


def test_secret_values_are_redacted_in_before_and_after_at_any_depth():
    secret_values = ["Hunter2-Secret!", "123456", "tok-abcdef", "JBSWY3DPEHPK3PXP"]
    event = record_standalone(
        "accounts.user.update",
        actor=None,
        before={"password": secret_values[0], "name": "a", "devices": [{"otp_token": secret_values[1]}]},
        after={"api_token": secret_values[2], "name": "b", "nested": {"key": secret_values[3]}},
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.before == {"password": REDACTED, "name": "a", "devices": [{"otp_token": REDACTED}]}
    assert stored.after == {"api_token": REDACTED, "name": "b", "nested": {"key": REDACTED}}
    text = repr(stored.before) + repr(stored.after)
    assert not any(value in text for value in secret_values)


def test_a_user_snapshot_never_holds_the_password_hash(alice):
    data = snapshot(alice)

    assert data["password"] == REDACTED
    assert alice.password not in repr(data)
    assert data["username"] == "alice"


def test_the_retention_floor_is_184_days():
    assert settings.ANZE_AUDIT_MIN_RETENTION_DAYS == 184
    assert settings.ANZE_AUDIT_RETENTION_DAYS >= 184


@pytest.mark.parametrize(("days", "accepted"), [("183", False), ("180", False), ("0", False), ("184", True)])
def test_settings_refuse_a_retention_below_six_months(days, accepted):
    env = {**os.environ, "ANZE_AUDIT_RETENTION_DAYS": days, "ANZE_TESTING": "1"}
    code = "import anze.settings as s; print(s.ANZE_AUDIT_RETENTION_DAYS)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)

    assert (result.returncode == 0) is accepted, result.stderr
    if not accepted:
        assert "ANZE_AUDIT_RETENTION_DAYS" in result.stderr
        assert "184" in result.stderr


def test_no_setting_turns_auditing_off():
    names = [name for name in dir(settings) if "AUDIT" in name]
    assert not [name for name in names if any(word in name for word in ("DISABLE", "ENABLED", "OFF", "SKIP"))]
