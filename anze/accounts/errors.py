"""Errors the account services raise, each with a stable code the pages and the API pass on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class AccountError(Exception):
    """A refused account operation; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class AccountPermissionError(AccountError, PermissionDenied):
    """The actor may not do this at all (403)."""


class AdminRoleConflictError(AccountError):
    """三权分立: one person would hold two of the system, security and audit administrator roles."""
