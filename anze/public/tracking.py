"""Tracking codes (查询码): shown once to the reporter; only their SM3 digest is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: easy to read aloud and type on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 16


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in ALPHABET)


def tracking_hash(code: str) -> str:
    """SM3 of the normalized code, keyed by the site secret so a leaked table cannot be brute-forced offline."""
    pepper = hashlib.new("sm3", b"anze-tracking:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(pepper, normalize(code).encode(), lambda: hashlib.new("sm3")).hexdigest()


def client_key(address: str) -> str:
    """A one-way key for a client address (rate limits keep no address in clear)."""
    return hashlib.new("sm3", b"anze-rate:" + settings.SECRET_KEY.encode() + address.encode()).hexdigest()
