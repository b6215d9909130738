"""The job queue on Redis for several workers: each scheduled run is enqueued once, whichever worker sees it.

Every Huey consumer runs a scheduler that, once a minute, enqueues the periodic tasks due that minute. With
two or more worker machines each would enqueue them, and the hourly jobs would run once per worker. Here a
scheduler first claims the task's minute in Redis (`SET key NX EX`): only the claim's winner enqueues, the
others skip that minute. A claim expires after a day, so nothing accumulates. Workers' clocks must agree to
the minute (NTP), which every server keeps anyway.

Redis unreachable: the claim fails like the enqueue would, the minute is skipped and logged, and the next
run of each job does what the skipped one would have done (every job works from the current time and
what is due by then, so a later run catches up).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from huey import RedisHuey

logger = logging.getLogger("anze.queue")

CLAIM_SECONDS = 24 * 3600


def claim_key(name: str, task_name: str, timestamp: dt.datetime) -> str:
    """The key one scheduled minute of one periodic task is claimed under."""
    return f"{name}.periodic.{task_name}.{timestamp:%Y%m%d%H%M}"


class ClaimingRedisHuey(RedisHuey):
    """RedisHuey whose periodic tasks are enqueued by one scheduler per minute across all workers."""

    def read_periodic(self, timestamp: dt.datetime | None = None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()
        return [task for task in super().read_periodic(timestamp) if self.claim(task.name, timestamp)]

    def claim(self, task_name: str, timestamp: dt.datetime) -> bool:
        """Whether this scheduler won the task's minute (False when another did, or Redis is unreachable)."""
        key = claim_key(self.name, task_name, timestamp)
        owner = f"{socket.gethostname()}:{os.getpid()}"
        try:
            conn = getattr(self.storage, "conn", None)
            if conn is None:  # immediate mode keeps the queue in memory in this one process
                return bool(self.storage.put_if_empty(key, owner.encode()))
            return bool(conn.set(key, owner, nx=True, ex=CLAIM_SECONDS))
        except Exception as exc:  # noqa: BLE001 - the queue being down is logged, the minute skipped
            logger.warning(
                "periodic task %s not enqueued for %s: %s: %s", task_name, key, type(exc).__name__, exc
            )
            return False
