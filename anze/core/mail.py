"""The mail backend used when no SMTP host is configured: it refuses to send, saying why."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class MailNotConfiguredError(RuntimeError):
    """Mail was sent while ANZE_EMAIL_HOST is not set."""


class UnconfiguredEmailBackend(BaseEmailBackend):
    """Fails every send with a clear error, so a delivery log records it instead of losing the mail."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        # Django 6.1 deprecates BaseEmailBackend.fail_silently; keep our own attribute.
        super().__init__(**kwargs)
        self.fail_silently = fail_silently

    def send_messages(self, email_messages: Any) -> int:
        if not email_messages:
            return 0
        if self.fail_silently:
            return 0
        raise MailNotConfiguredError(
            "Mail is not configured: set ANZE_EMAIL_HOST (and ANZE_EMAIL_PORT, ANZE_EMAIL_USER, …) to send email."
        )
