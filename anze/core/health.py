"""健康检查 — what `/healthz` reports to a load balancer and to monitoring.

Each check answers a small dict with `ok` and a few plain facts: no host names, passwords, URLs or error
texts, so the endpoint can stay outside the login. Apps above `core` add their own checks through
`registry.add_health_check` (the duties app adds the last successful scheduled run).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection

from anze.core import registry

logger = logging.getLogger("anze.health")

QUEUE_TIMEOUT_SECONDS = 2


def check_database() -> dict[str, Any]:
    """The default database answers a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_queue() -> dict[str, Any]:
    """The job queue's storage is reachable: Redis answers a ping, or Huey's SQLite file can be read."""
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=QUEUE_TIMEOUT_SECONDS,
            socket_timeout=QUEUE_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
        return {"ok": True, "backend": "redis"}
    from huey.contrib.djhuey import HUEY

    storage = HUEY.storage
    # Reading the queue's length opens its storage (the SQLite file; memory when jobs run immediately).
    pending = storage.queue_size()
    return {"ok": True, "backend": type(storage).__name__.removesuffix("Storage").lower(), "pending": pending}


# The audit app adds the chain head ("audit_chain"), the duties app the last scheduled run ("schedule").
CORE_CHECKS = (("database", check_database), ("queue", check_queue))


def run_checks() -> dict[str, Any]:
    """Every check, each isolated: one that raises is reported as failed (its reason logged, not shown)."""
    checks: dict[str, dict[str, Any]] = {}
    database_ok = True
    for key, func in (*CORE_CHECKS, *((check.key, check.func) for check in registry.health_checks())):
        if not database_ok and key != "queue":
            # Everything but the queue reads the database; don't wait on it once per check.
            checks[key] = {"ok": False, "reason": "database"}
            continue
        try:
            result = dict(func())
        except Exception as exc:  # noqa: BLE001 - a failing part is an answer, not an error
            logger.warning("health check %s failed: %s: %s", key, type(exc).__name__, exc)
            result = {"ok": False, "reason": type(exc).__name__}
        result["ok"] = bool(result.get("ok"))
        checks[key] = result
        if key == "database":
            database_ok = result["ok"]
    failing = [key for key, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
