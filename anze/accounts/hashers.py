"""Password hashing with PBKDF2 over HMAC-SM3 (GB/T 32905), the 商用密码 counterpart of Django's default."""

from __future__ import annotations

import base64
import hashlib

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.encoding import force_bytes, force_str


class SM3PBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-HMAC-SM3; stored as `pbkdf2_sm3$<iterations>$<salt>$<base64 hash>`.

    Decoding, verification, must_update and harden_runtime come from Django's PBKDF2 hasher; only the
    pseudo-random function differs.
    """

    algorithm = "pbkdf2_sm3"
    # SM3 runs at about half the speed of SHA-256 in OpenSSL: 600,000 rounds take roughly 0.8 s.
    iterations = 600_000
    digest = None  # not used: encode() calls PBKDF2-HMAC-SM3 directly

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)
        iterations = iterations or self.iterations
        salt = force_str(salt)
        derived = hashlib.pbkdf2_hmac("sm3", force_bytes(password), force_bytes(salt), iterations)
        encoded_hash = base64.b64encode(derived).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${encoded_hash}"


class FastSM3PasswordHasher(SM3PBKDF2PasswordHasher):
    """The same algorithm with very few rounds, for the test suite only (settings add it when TESTING)."""

    algorithm = "pbkdf2_sm3_fast"
    iterations = 2
