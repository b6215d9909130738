"""Errors of the duties app, each with a stable code and a message for the page."""

from __future__ import annotations


class DutyError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None) -> None:
        self.message_zh = message_zh
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class StateError(DutyError):
    """The occurrence or duty is not in a state that allows the action (e.g. already closed)."""

    code = "invalid_state"
    http_status = 409


class ConcurrentChangeError(DutyError):
    """Someone else acted on the record first; the caller must reload and decide again."""

    code = "concurrent_change"
    http_status = 409


class NotAllowedError(DutyError):
    """The actor may not do this to this record."""

    code = "not_allowed"
    http_status = 403
