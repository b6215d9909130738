"""Notices a person must act on: announced where the work happens, delivered by the app that registered a handler.

A lower app cannot import a higher one, so `duties` announces "this report was returned" and `supervision`
(which owns the inbox and the channels) registers, in its AppConfig.ready(), the handler that tells the
person who must act next (`registry.add_notice_handler`). A service announces inside its transaction; the
handlers run only after it commits (`transaction.on_commit`), so work that rolls back tells nobody, and a
failing handler never undoes the work (robust: the error is logged). No signals are involved.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from anze.core import registry

# The kinds announced so far, with the facts each carries.
REPORT_RETURNED = "report_returned"  # occurrence_id, review_id, reason, now
SIGN_OFF_WAITING = "sign_off_waiting"  # occurrence_id, review_id, now
# A monitoring alarm raised or pushed up a tier: told to the units and users named by the announcer.
MONITORING_ALARM = "monitoring_alarm"  # obj, title, body, urgent, now, unit_ids, user_ids
# A warning for the unit that must act (stock below a minimum, a batch or certificate about to expire …);
# `key` names the warned-about fact once, so announcing it again tells nobody twice.
ALERT = "alert"  # unit_id (or None), key, title, body, now, and optionally user_ids to tell as well


def announce(kind: str, **facts: Any) -> None:
    """Tell every registered notice handler about `kind` once the current transaction commits."""

    def deliver() -> None:
        for handler in registry.notice_handlers():
            handler.func(kind, facts)

    transaction.on_commit(deliver, robust=True)
