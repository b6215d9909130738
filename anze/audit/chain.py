"""The hash chain over audit events: SM3 of the previous hash and the event's canonical fields.

Pure functions, no ORM: the writer (services.record) and the checker (verify.verify_chain) use the
same canonical form, so an event hashes the same whether it was just built or read back from SQLite
or PostgreSQL (jsonb reorders keys and may turn 1e20 into 100000000000000000000).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "source",
    "action",
    "success",
    "ip",
    "object_type",
    "object_id",
    "object_repr",
    "scope_path",
    "before",
    "after",
    "reason",
    "request_id",
)


def sm3_hex(data: bytes) -> str:
    """SM3 digest (GB/T 32905) from OpenSSL through hashlib."""
    return hashlib.new("sm3", data).hexdigest()


def _normalized(value: Any) -> Any:
    """Numbers in one form across databases: an integral float is written as the integer it equals."""
    if isinstance(value, dict):
        return {str(k): _normalized(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalized(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical(fields: dict[str, Any]) -> bytes:
    """A stable byte form of the chained fields: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        _normalized(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one event: SM3 over the previous event's hash followed by this event's fields."""
    return sm3_hex(prev_hash.encode("ascii") + canonical(fields))
