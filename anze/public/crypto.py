"""SM4-GCM for the reporter's real-name block (personal data at rest, SECURITY.md §6–7).

The key is ANZE_PII_KEY (32 hex digits). The stored value is version byte ‖ 12-byte nonce ‖ ciphertext ‖
16-byte tag; the tip's public id is bound as associated data so a block cannot be moved to another tip.

Rotation: set the new key as ANZE_PII_KEY and the old one in ANZE_PII_OLD_KEYS; blocks under an old key stay
readable, and `anze pii rekey` re-encrypts them under the current key (`rekey_identity`). Then drop the
old key.
"""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(RuntimeError):
    """The block cannot be decrypted with the configured key (wrong key, or tampered data)."""


def _parse(value: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be 32 hex digits (128 bits)") from exc
    if len(key) != 16:
        raise ImproperlyConfigured(f"{name} must be 32 hex digits (128 bits)")
    return key


def _key() -> bytes:
    value = getattr(settings, "ANZE_PII_KEY", "") or ""
    if not value:
        raise ImproperlyConfigured(
            "ANZE_PII_KEY is not set. It encrypts public reporters' identity (SM4-GCM); set it to 32 hex "
            "digits (e.g. `python -c 'import secrets; print(secrets.token_hex(16))'`) and keep it safe: "
            "without it the real-name blocks cannot be read."
        )
    return _parse(value, "ANZE_PII_KEY")


def check_key() -> None:
    """Raise ImproperlyConfigured now, before any work, when the current key is missing or malformed."""
    _key()


def _old_keys() -> list[bytes]:
    return [_parse(value, "ANZE_PII_OLD_KEYS") for value in getattr(settings, "ANZE_PII_OLD_KEYS", []) or []]


def encrypt_identity(identity: dict[str, str], *, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    plaintext = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return VERSION + nonce + ciphertext + encryptor.tag


def _decrypt(key: bytes, blob: bytes, associated: bytes) -> dict[str, str] | None:
    """The block's content under `key`, or None when `key` is not the one it was sealed with."""
    if not blob.startswith(VERSION) or len(blob) < 1 + NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("unknown identity block format")
    nonce = blob[1 : 1 + NONCE_BYTES]
    ciphertext, tag = blob[1 + NONCE_BYTES : -TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated)
    try:
        return json.loads(decryptor.update(ciphertext) + decryptor.finalize())
    except InvalidTag:
        return None


def decrypt_identity(blob: bytes, *, associated: bytes) -> dict[str, str]:
    """The real-name block, under the current key or, during a rotation, one of the old keys."""
    blob = bytes(blob)
    for key in (_key(), *_old_keys()):
        identity = _decrypt(key, blob, associated)
        if identity is not None:
            return identity
    raise DecryptionError("identity block failed authentication")


def rekey_identity(blob: bytes, *, associated: bytes) -> bytes | None:
    """The block sealed anew under the current key, or None when it already is (DecryptionError if no
    configured key opens it)."""
    blob = bytes(blob)
    if _decrypt(_key(), blob, associated) is not None:
        return None
    for key in _old_keys():
        identity = _decrypt(key, blob, associated)
        if identity is not None:
            return encrypt_identity(identity, associated=associated)
    raise DecryptionError("identity block failed authentication under every configured key")


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_id_number(number: str) -> str:
    return number[:1] + "*" * max(len(number) - 2, 0) + number[-1:] if len(number) > 2 else "**"
