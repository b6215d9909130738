"""Errors of the monitoring app: a stable `code` for the API and a message that says what to fix."""

from __future__ import annotations


class MonitoringError(Exception):
    """A refused action; nothing was saved."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
