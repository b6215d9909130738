"""Helpers for signing administrators in with a second factor, for tests in any app.

from anze.accounts.tests.helpers import make_admin, sign_in_admin
security = make_admin("sec", Role.SECURITY_ADMIN)
client = sign_in_admin(client, security)
"""

from __future__ import annotations

import time
from typing import Any

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

STRONG_PASSWORD = "Anze-Test-2026!"


def totp_token(device: TOTPDevice, *, at: float | None = None) -> str:
    """The device's token for the time step at `at` (default now), as an authenticator app would show it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def fresh_totp_token(device: TOTPDevice) -> str:
    """A token the device will still accept: the current step, or the next one if the current was used."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t < totp.t():
        return f"{totp.token():0{device.digits}d}"
    if device.last_t == totp.t() and device.tolerance >= 1:
        return totp_token(device, at=time.time() + device.step)
    raise AssertionError("the device has used up the tokens its tolerance allows; advance the clock")


def add_totp_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def make_admin(username: str, role: str, **fields: Any) -> Any:
    """A user holding one administrator role, a current password and a confirmed TOTP device."""
    from conftest import make_user

    user = make_user(username, (role, {}), **fields)
    add_totp_device(user)
    return user


def sign_in_admin(client: Any, user: Any, password: str = STRONG_PASSWORD) -> Any:
    """Sign in through the login form and the OTP page, as a person would; returns the client."""
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302, f"login failed for {user.username}: {response.status_code}"
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(reverse("accounts:otp_verify"), {"token": fresh_totp_token(device)})
    assert response.status_code == 302, f"OTP failed for {user.username}: {response.status_code}"
    return client
