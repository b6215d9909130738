"""Errors of the public app, each with a stable code and a message for the page."""

from __future__ import annotations


class PublicError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None) -> None:
        self.message_zh = message_zh
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class TransitionError(PublicError):
    code = "invalid_transition"
    http_status = 409


class NotAllowedError(PublicError):
    code = "not_allowed"
    http_status = 403


class RateLimitedError(PublicError):
    code = "rate_limited"
    http_status = 429


NOT_FIRST = "not_first"
APPROVER_IS_PROPOSER = "approver_is_proposer"
NOT_VERIFIED = "not_verified"
NOT_MAJOR = "not_major"
