"""Errors of the supervision app, each with a stable code."""

from __future__ import annotations


class SupervisionError(Exception):
    """A 督办 action refused; `code` is stable for the API, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
