"""The job queue on several workers and through a Redis outage, with real processes (topology.py): a Redis
server of the test's own, gunicorn, and Huey consumers (`anze run_huey`) sharing a copy of the test
database.

- Two workers' schedulers racing for the same minute enqueue a scheduled job once.
- Redis stopped: pages are served, /healthz names the queue, enqueueing fails at once with an error (never
  half-done), the worker keeps running and takes new work when Redis returns, without a restart.
- A job queued before Redis restarts is still there afterwards (append-only file) and runs.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import threading
import time

import pytest

from anze.core.queue import ClaimingRedisHuey, claim_key
from anze.core.tests import topology
from conftest import STRONG_PASSWORD

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(topology.REDIS_SERVER is None, reason="redis-server is not installed"),
]

TICK_RUNS = "SELECT COALESCE(MAX(runs), 0) FROM duties_jobrun WHERE name = 'duties.tick'"


@pytest.fixture
def shared(transactional_db, alice, django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database


@pytest.fixture
def cluster(shared, tmp_path):
    with topology.Cluster(tmp_path, shared) as cluster:
        redis = cluster.redis()
        cluster.redis_url = f"redis://127.0.0.1:{redis.port}/0"
        cluster.redis_node = redis
        yield cluster


def _enqueue_tick(cluster) -> subprocess.CompletedProcess:
    """What an operator's `anze shell` or a page would do: put the duties tick on the queue."""
    return subprocess.run(  # noqa: S603
        [str(topology.BIN / "anze"), "shell", "-c", "from anze.duties.tasks import tick; tick()"],
        cwd=topology.REPO_DIR,
        env=cluster.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _restart_redis(cluster):
    old = cluster.redis_node
    cluster.redis_node = cluster.redis("redis-again", port=old.port, directory=old.log.parent / "redis-data")


def test_redis_stopped_pages_are_served_and_the_worker_takes_work_again_when_it_returns(cluster, shared):
    web = cluster.web()
    worker = cluster.worker(periodic=False)
    assert _enqueue_tick(cluster).returncode == 0
    topology.wait_for(lambda: shared.scalar(TICK_RUNS) == 1, timeout=60, what="the first tick")

    cluster.stop(cluster.redis_node)
    browser = topology.Browser(web.url)
    browser.get("/accounts/login/")
    signed_in = browser.post("/accounts/login/", {"username": "alice", "password": STRONG_PASSWORD})
    home = browser.get("/")
    health = topology.Browser(web.url).get("/healthz")
    refused = _enqueue_tick(cluster)
    time.sleep(3)  # the worker polls the unreachable queue meanwhile

    assert signed_in.status == 302 and home.status == 200
    assert health.status == 503 and health.json()["failing"] == ["queue"]
    assert refused.returncode != 0 and "ConnectionError" in refused.stderr
    assert worker.alive()
    assert shared.scalar(TICK_RUNS) == 1

    _restart_redis(cluster)
    assert _enqueue_tick(cluster).returncode == 0

    topology.wait_for(lambda: shared.scalar(TICK_RUNS) == 2, timeout=60, what="the tick after Redis returned")
    assert worker.alive()
    assert topology.Browser(web.url).get("/healthz").json()["checks"]["queue"]["ok"] is True


def test_a_job_queued_before_redis_restarts_runs_when_a_worker_starts(cluster, shared):
    assert _enqueue_tick(cluster).returncode == 0
    cluster.stop(cluster.redis_node)  # SIGTERM: Redis writes its append-only file and exits
    _restart_redis(cluster)

    cluster.worker(periodic=False)

    topology.wait_for(lambda: shared.scalar(TICK_RUNS) == 1, timeout=60, what="the queued tick")


def _executions(nodes, task: str) -> int:
    """The runs of `task` the workers logged (each task id once: the log has two handlers)."""
    pattern = rf"Executing anze\.\w+\.tasks\.{re.escape(task)}: ([0-9a-f-]+)"
    return len({run for node in nodes for run in re.findall(pattern, node.output())})


def _started(node) -> bool:
    return "consumer started" in node.output().lower()


def test_two_workers_racing_enqueue_each_scheduled_minute_once(cluster, shared):
    # Both schedulers check the periodic tasks as they start: start them well inside one minute.
    while dt.datetime.now().second > 30:
        time.sleep(1)
    workers = [cluster.worker("worker-a"), cluster.worker("worker-b")]
    topology.wait_for(lambda: all(_started(w) for w in workers), timeout=60, what="both workers")
    task = "send_deliveries"
    redis = topology.redis_client(cluster.redis_url)

    def claimed_minutes() -> list[str]:
        return sorted(key.decode() for key in redis.scan_iter(f"anze.periodic.{task}.*"))

    topology.wait_for(lambda: _executions(workers, task) >= 1, timeout=60, what="a scheduled send_deliveries")
    time.sleep(5)  # the second scheduler has checked the same minute meanwhile

    minutes = claimed_minutes()
    assert minutes, "no minute was claimed"
    assert _executions(workers, task) == len(minutes)
    assert all(w.alive() for w in workers)


def test_many_schedulers_racing_for_one_minute_claim_it_once(cluster):
    # Twenty Huey instances, each with its own connection pool, as twenty worker machines would be.
    hueys = [ClaimingRedisHuey("anze-race", url=cluster.redis_url) for _ in range(20)]
    minute = dt.datetime(2026, 12, 31, 9, 7)
    barrier = threading.Barrier(len(hueys))
    won: list[int] = []

    def race(index: int) -> None:
        barrier.wait()
        if hueys[index].claim("anze.core.tasks.hourly_jobs", minute):
            won.append(index)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(hueys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(won) == 1
    redis = topology.redis_client(cluster.redis_url)
    assert 0 < redis.ttl(claim_key("anze-race", "anze.core.tasks.hourly_jobs", minute)) <= 24 * 3600
    # The next hour's run is a different minute, claimed afresh.
    assert hueys[0].claim("anze.core.tasks.hourly_jobs", minute + dt.timedelta(hours=1))


def test_a_scheduler_that_cannot_reach_redis_skips_the_minute_without_raising(cluster):
    huey = ClaimingRedisHuey("anze-race", url=f"redis://127.0.0.1:{topology.free_port()}/0")

    assert huey.claim("anze.core.tasks.hourly_jobs", dt.datetime(2026, 12, 31, 9, 7)) is False
