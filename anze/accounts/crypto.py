"""Known-answer self-tests for the SM algorithms (GB/T 39786): the platform refuses to run without them."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# GB/T 32905-2016 appendix A, example 1: SM3("abc").
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
# GB/T 32907-2016 appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_CIPHERTEXT = "681edf34d206965e86b3e94f536e4246"


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sm4_ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    """One SM4 block in ECB mode: used only for the known-answer test, never for data."""
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - test vector only
    return encryptor.update(block) + encryptor.finalize()


def self_test_failures() -> list[str]:
    """The algorithms whose known-answer test fails (empty when all is well)."""
    failures: list[str] = []
    try:
        if sm3_hex(b"abc") != SM3_ABC:
            failures.append("SM3: digest of 'abc' does not match GB/T 32905")
    except (ValueError, TypeError) as exc:
        failures.append(f"SM3: not available ({exc})")
    try:
        if sm4_ecb_encrypt_block(SM4_KEY, SM4_KEY).hex() != SM4_CIPHERTEXT:
            failures.append("SM4: ECB test vector does not match GB/T 32907")
    except Exception as exc:  # UnsupportedAlgorithm and friends: the library is missing SM4
        failures.append(f"SM4: not available ({exc})")
    try:
        if hashlib.pbkdf2_hmac("sm3", b"password", b"salt", 1).hex() == "":
            failures.append("PBKDF2-HMAC-SM3: empty result")
    except (ValueError, TypeError) as exc:
        failures.append(f"PBKDF2-HMAC-SM3: not available ({exc})")
    return failures
