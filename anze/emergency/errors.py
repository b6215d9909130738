"""Errors of the emergency app, each with a stable code and a message for the page."""

from __future__ import annotations


class EmergencyError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None) -> None:
        self.message_zh = message_zh
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class TransitionError(EmergencyError):
    """The record is not in a state that allows the action."""

    code = "invalid_transition"
    http_status = 409


class NotAllowedError(EmergencyError):
    """The actor may not do this to this record."""

    code = "not_allowed"
    http_status = 403


class OutOfStockError(EmergencyError):
    """Less is available than asked for (another allocation may just have taken it)."""

    code = "out_of_stock"
    http_status = 409
