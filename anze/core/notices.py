"""Notices a person must act on: announced where the work happens, delivered by the app that registered a handler.

A lower app cannot import a higher one, so `duties` announces "this report was returned" and `supervision`
(which owns the inbox and the channels) registers, in its AppConfig.ready(), the handler that tells the
person who must act next. A service announces inside its transaction; the handlers run only after it
commits (`transaction.on_commit`), so work that rolls back tells nobody, and a failing handler never undoes
the work (robust: the error is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

NoticeHandler = Callable[[str, dict[str, Any]], None]
_handlers: list[NoticeHandler] = []

# The kinds announced so far, with the facts each carries.
REPORT_RETURNED = "report_returned"  # occurrence_id, review_id, reason, now
SIGN_OFF_WAITING = "sign_off_waiting"  # occurrence_id, review_id, now


def add_notice_handler(handler: NoticeHandler) -> None:
    """Register `handler(kind, facts)`; registering the same handler twice keeps one."""
    if handler not in _handlers:
        _handlers.append(handler)


def announce(kind: str, **facts: Any) -> None:
    """Tell every registered handler about `kind` once the current transaction commits."""

    def deliver() -> None:
        for handler in list(_handlers):
            handler(kind, facts)

    transaction.on_commit(deliver, robust=True)
