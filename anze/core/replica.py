"""Reading dashboards and exports from a PostgreSQL streaming replica (`ANZE_DATABASE_REPLICA_URL`).

Only what opts in reads from the replica: a view decorated with `@reads_from_replica` (the home dashboards,
the progress board, the exports) or code inside `with replica_reads():`. Everything else, and every write,
goes to the primary. Inside an opted-in block a read still goes to the primary when

- the replica is not configured, unreachable, not a standby, or lags more than
  `ANZE_DATABASE_REPLICA_MAX_LAG` seconds behind the primary (checked at most every
  `ANZE_DATABASE_REPLICA_CHECK_SECONDS`, so a request does not pay for the check; decided once per request,
  so one page never mixes rows of both);
- this request has written (any ORM write goes through `db_for_write`), or the primary's transaction is open;
- this browser wrote less than `ANZE_DATABASE_REPLICA_STICKY_SECONDS` ago (a cookie set by
  `PrimaryAfterWriteMiddleware`): a person who just submitted sees what they submitted, on any web node.

Lag: the replica's replay position is compared with the primary's current WAL position; when it is behind,
the lag is the time since the last transaction the replica replayed (`pg_last_xact_replay_timestamp()`).
A primary that is idle has nothing to replay, so an idle replica is never counted as lagging.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("anze.replica")

REPLICA = "replica"
STICKY_COOKIE = "anze_primary"
# Rows every request reads and writes for the person asking: never from a copy that may be behind.
PRIMARY_ONLY_APPS = frozenset({"sessions"})

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _RequestState:
    routed: bool = False  # inside an opted-in block
    pinned: bool = False  # reads go to the primary for the rest of the request
    wrote: bool = False  # this request wrote through the ORM
    # Decided at the request's first routed read, so one page never mixes the replica's and the primary's rows.
    use_replica: bool | None = None


_state: ContextVar[_RequestState | None] = ContextVar("anze_replica_state", default=None)


def _current() -> _RequestState:
    state = _state.get()
    if state is None:
        state = _RequestState()
        _state.set(state)
    return state


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may go to the replica (when it is usable and nothing pins the primary)."""
    state = _current()
    was = state.routed
    state.routed = True
    try:
        yield
    finally:
        state.routed = was


def reads_from_replica(view: F) -> F:
    """A view whose reads may come from the replica: a dashboard or an export, never a form that writes."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def pin_to_primary() -> None:
    """The rest of this request reads from the primary."""
    _current().pinned = True


# -- is the replica usable? ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaStatus:
    """What the last check found; `usable` decides where routed reads go."""

    usable: bool
    reason: str  # ok | unconfigured | unreachable | not_standby | lagging
    lag_seconds: float | None = None
    behind_bytes: int | None = None
    checked_at: float = 0.0


_lock = threading.Lock()
_last: ReplicaStatus | None = None


def forget() -> None:
    """Drop the cached status: the next routed read checks the replica again."""
    global _last
    with _lock:
        _last = None


def status() -> ReplicaStatus:
    """The replica's status, checked again when the cached one is older than the check interval."""
    global _last
    if not configured():
        return ReplicaStatus(usable=False, reason="unconfigured")
    now = time.monotonic()
    with _lock:
        cached = _last
    if cached is not None and now - cached.checked_at < settings.ANZE_DATABASE_REPLICA_CHECK_SECONDS:
        return cached
    fresh = _check(now)
    if cached is None or cached.usable != fresh.usable:
        log = logger.info if fresh.usable else logger.warning
        log("replica %s: %s (lag %s s, %s bytes behind)", "in use" if fresh.usable else "not used",
            fresh.reason, fresh.lag_seconds, fresh.behind_bytes)  # fmt: skip
    with _lock:
        _last = fresh
    return fresh


def _check(now: float) -> ReplicaStatus:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replay_lsn, since_replay = cursor.fetchone()
    except DatabaseError:
        # A replica that went away leaves a broken connection; the next check opens a new one.
        connections[REPLICA].close()
        return ReplicaStatus(usable=False, reason="unreachable", checked_at=now)
    if not in_recovery or replay_lsn is None:
        return ReplicaStatus(usable=False, reason="not_standby", checked_at=now)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replay_lsn])
        behind = int(cursor.fetchone()[0])
    lag = 0.0 if behind <= 0 else float(since_replay if since_replay is not None else float("inf"))
    usable = lag <= settings.ANZE_DATABASE_REPLICA_MAX_LAG
    return ReplicaStatus(
        usable=usable,
        reason="ok" if usable else "lagging",
        lag_seconds=lag,
        behind_bytes=behind,
        checked_at=now,
    )


# -- the router ------------------------------------------------------------------------------------------


class ReplicaRouter:
    """Routes the reads of opted-in blocks to the replica when that is safe; everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        state = _state.get()
        if state is None or not state.routed or state.pinned or not configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # read-after-write inside a transaction
        if state.use_replica is None:
            state.use_replica = status().usable
        return REPLICA if state.use_replica else None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        if model._meta.app_label not in PRIMARY_ONLY_APPS:
            state = _current()
            state.wrote = state.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the same database

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return db == DEFAULT_DB_ALIAS


class PrimaryAfterWriteMiddleware:
    """Keeps a browser that wrote on the primary for a few seconds, and starts each request unpinned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _RequestState(pinned=STICKY_COOKIE in request.COOKIES)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and configured():
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.ANZE_DATABASE_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
