"""Writing audit events. Every state-changing service calls record() inside its own transaction.

There is deliberately no function here that changes or removes an event, and no switch that turns
recording off: the trail is append-only and kept forever (see docs/adr/0003-audit-trail.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import re
import uuid
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from anze.audit.chain import GENESIS
from anze.audit.context import current
from anze.audit.models import AuditChainHead, AuditEvent

SYSTEM_LABEL = "system"
REDACTED = "[redacted]"
# Never written into an event, whatever a caller passes in before/after: a key whose last word names a
# credential ("password", "new_password1", "api_token", "otp"), a credential-like key ("api_key"), or one
# of the names below. "password_changed_at" or a region "code" are facts about an account, not secrets.
_SECRET_WORDS = {"password", "passwd", "pwd", "token", "secret", "otp", "totp", "hotp", "pin", "captcha"}
_KEY_OWNERS = {"api", "private", "secret", "bin", "access", "signing", "encryption", "session"}
_SECRET_NAMES = {"key", "tracking_code", "verification_code", "reset_code", "id_number", "id_card"}


class AuditOutsideTransactionError(RuntimeError):
    """record() was called outside a transaction, so the event could outlive a rolled-back change."""


def is_secret_key(key: str) -> bool:
    """Whether a before/after key names a credential whose value must never reach the trail."""
    lowered = key.lower()
    if lowered in _SECRET_NAMES:
        return True
    words = [w for w in re.split(r"[^a-z0-9]+", lowered) if w]
    if not words:
        return False
    last = words[-1].rstrip("0123456789")
    if last in _SECRET_WORDS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in _KEY_OWNERS


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): (REDACTED if is_secret_key(str(k)) else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    if isinstance(value, float) and value != value:  # NaN has no JSON form
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit-worthy state of a model instance (for before/after), credentials redacted."""
    data = model_to_dict(obj, fields=fields)
    return _jsonable(data)


def _actor_label(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, SYSTEM_LABEL
    if isinstance(actor, str):
        return None, actor[:150] or SYSTEM_LABEL
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, "anonymous"


def _object_ref(obj: Any) -> tuple[str, str, str, str]:
    if obj is None:
        return "", "", "", ""
    if isinstance(obj, models.Model):
        meta = obj._meta
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
        return f"{meta.app_label}.{meta.model_name}", object_id, str(obj), scope_path_of(obj)
    if isinstance(obj, tuple):  # (type, id, repr)
        kind, object_id, text = obj
        return str(kind), str(object_id), str(text), ""
    return type(obj).__name__, "", str(obj), ""


def scope_path_of(obj: models.Model) -> str:
    """The region path a record sits under, so an audit reader in a county sees its own events."""
    scope = getattr(type(obj), "scope", None)
    lookup = getattr(scope, "region", None)
    if not lookup:
        return ""
    value: Any = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def _clean_ip(ip: str | None) -> str | None:
    """The address in the one textual form both databases give back; anything unparsable is dropped."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def _lock_head() -> AuditChainHead:
    """Lock the single head row (created on first use, or rebuilt from the newest event if it went missing)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    AuditChainHead.objects.get_or_create(
        pk=1, defaults={"sequence": last["sequence"], "hash": last["hash"]} if last else {"hash": GENESIS}
    )
    return AuditChainHead.objects.select_for_update().get(pk=1)


def record(
    action: str,
    *,
    actor: Any,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    success: bool = True,
    reason: str = "",
    scope_path: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change it records.

    `actor` is a user, None (the system) or a label such as a job's name; `obj` a model instance or a
    (type, id, text) tuple. The source, IP and request or job id come from the active audit context.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(
            f"audit event {action!r} recorded outside a transaction; wrap the change in transaction.atomic()"
        )
    ctx = current()
    actor_id, actor_label = _actor_label(actor)
    object_type, object_id, object_repr, path = _object_ref(obj)
    # Appends are serialized on the head row, so sequence and prev_hash never fork (PostgreSQL row lock;
    # SQLite opens write transactions IMMEDIATE, which serializes writers the same way).
    head = _lock_head()
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        source=ctx.source[:16],
        action=action[:80],
        success=bool(success),
        ip=_clean_ip(ctx.ip),
        object_type=object_type[:80],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        scope_path=(scope_path if scope_path is not None else path)[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=str(reason),
        request_id=ctx.request_id[:64],
        prev_hash=head.hash,
    )
    event.hash = event.computed_hash()
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(sequence=event.sequence, hash=event.hash)
    return event


def record_standalone(action: str, **kwargs: Any) -> AuditEvent:
    """Record an event in its own transaction (logins, failures, denied requests)."""
    with transaction.atomic():
        return record(action, **kwargs)


def record_denied(user: Any, model: type[models.Model], lookup: dict[str, Any], action: str) -> None:
    """A request for an object outside the user's scope: answered 404, kept as an event."""
    meta = model._meta
    object_id = str(next(iter(lookup.values()), ""))
    # Placed under the object's region, so the county office sees attempts on its own records.
    target = model._default_manager.filter(**lookup).first()
    record_standalone(
        "access.denied",
        actor=user,
        obj=(f"{meta.app_label}.{meta.model_name}", object_id, ""),
        success=False,
        reason=f"{action} outside scope",
        scope_path=scope_path_of(target) if target is not None else "",
    )


def record_denied_request(user: Any, path: str, reason: str) -> None:
    """An API request refused (not signed in, no right): kept as an event."""
    record_standalone("access.denied", actor=user, obj=("api", path, ""), success=False, reason=reason)


def on_object_denied(
    sender: type[models.Model], *, user: Any, lookup: dict[str, Any], action: str, **kwargs: Any
) -> None:
    """Receiver of core's `object_denied`."""
    record_denied(user, sender, lookup, action)


def on_request_denied(sender: Any, *, user: Any, path: str, reason: str, **kwargs: Any) -> None:
    """Receiver of core's `request_denied`."""
    record_denied_request(user, path, reason)
