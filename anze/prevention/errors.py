"""Errors of the prevention app, each with a stable code and a message for the page."""

from __future__ import annotations


class PreventionError(Exception):
    """A refused action; nothing was saved."""

    code = "invalid"
    http_status = 400

    def __init__(self, message_zh: str, code: str | None = None) -> None:
        self.message_zh = message_zh
        if code:
            self.code = code
        super().__init__(f"{self.code}: {message_zh}")


class TransitionError(PreventionError):
    """The hidden danger is not in a state that allows the action."""

    code = "invalid_transition"
    http_status = 409


class NotAllowedError(PreventionError):
    """The actor may not do this to this record (e.g. accepting one's own rectification)."""

    code = "not_allowed"
    http_status = 403


# Stable codes, also used by the API.
ACCEPTOR_IS_RECTIFIER = "acceptor_is_rectifier"
NOT_ACCEPTED = "not_accepted"
DEPARTMENT_REVIEW_REQUIRED = "department_review_required"
PLAN_INCOMPLETE = "plan_incomplete"
AFTER_PHOTO_MISSING = "after_photo_missing"
CONCURRENT_CHANGE = "concurrent_change"
NO_BAND_TABLE = "no_band_table"
