"""Errors of the assessment app, each with a stable code and a message for the page."""

from __future__ import annotations


class AssessmentError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None, *, field: str | None = None) -> None:
        self.message_zh = message_zh
        # The input the message is about, so a page shows it next to that field.
        self.field = field
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class TransitionError(AssessmentError):
    """The record is not in a state that allows the action."""

    code = "invalid_transition"
    http_status = 409


class IneligibleError(AssessmentError):
    """评先树优 refused: the unit or person was vetoed that year."""

    code = "vetoed"
    http_status = 409


class NotAllowedError(AssessmentError):
    """The actor's role or area does not cover the action on this record."""

    code = "not_allowed"
    http_status = 403
