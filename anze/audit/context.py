"""Where an audited change comes from: a web request, an API call, a job or a command."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AuditContext:
    """The origin of the events written while it is active."""

    source: str = "system"  # web | api | job | command | system
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


_DEFAULT = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "anze_audit_context", default=None
)


def current() -> AuditContext:
    """The context of the running request, job or command; outside all of them, the system."""
    return _current.get() or _DEFAULT


@contextmanager
def audit_context(
    source: str, *, request_id: str = "", ip: str | None = None, user_agent: str = ""
) -> Iterator[AuditContext]:
    """Run a block with events attributed to `source` (a job or a command gets its own id)."""
    ctx = AuditContext(
        source=source, request_id=request_id or uuid.uuid4().hex, ip=ip, user_agent=user_agent[:200]
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_source(source: str) -> None:
    """Re-label the current context (an API view inside a web request)."""
    _current.set(replace(current(), source=source))
