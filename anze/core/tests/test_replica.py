"""A real streaming replica (initdb, pg_basebackup -R, on ports of the test's own): the progress board reads
from it, writes and what a browser reads right after writing go to the primary, and the reads fall back to the
primary when the replica lags past the bound or is stopped.

Which server answered is read from each server's own statement log (log_statement=all), not from Anze.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from anze.core.replica import STICKY_COOKIE
from anze.core.tests import topology
from conftest import STRONG_PASSWORD

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(
        topology.postgres_bin() is None, reason="the PostgreSQL server binaries are not installed"
    ),
]

BOARD = "/duties/dashboard/"
# The progress board counts occurrences; nothing else a signed-in GET of it does reads that table.
BOARD_TABLE = "duties_occurrence"
MAX_LAG = 1


def reads(server: topology.PostgresServer) -> int:
    return server.statements(BOARD_TABLE)


@pytest.fixture
def site(tmp_path):
    with topology.postgres_pair(tmp_path) as (primary, replica):
        with primary.connect() as admin:
            admin.execute("CREATE DATABASE anze")
        database = topology.SharedDatabase(
            url=primary.url("anze"), vendor="postgresql", settings=primary.settings("anze")
        )
        with topology.Cluster(
            tmp_path,
            database,
            ANZE_DATABASE_REPLICA_URL=replica.url("anze"),
            ANZE_DATABASE_REPLICA_MAX_LAG=str(MAX_LAG),
            ANZE_DATABASE_REPLICA_CHECK_SECONDS="0",
            ANZE_DATABASE_REPLICA_STICKY_SECONDS="600",
        ) as cluster:
            seed = cluster.env()
            del seed["ANZE_DATABASE_REPLICA_URL"]
            done = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "anze.core.tests.replica_seed"],
                cwd=topology.REPO_DIR, env=seed, capture_output=True, text=True, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr[-3000:]
            topology.wait_for(
                lambda: replica.scalar(
                    "SELECT COUNT(*) FROM accounts_user WHERE username = 'charlie'", "anze"
                ),
                timeout=60,
                what="charlie on the replica",
            )
            yield primary, replica, cluster


def signed_in(web: topology.Node) -> topology.Browser:
    browser = topology.Browser(web.url)
    browser.get("/accounts/login/")
    assert (
        browser.post("/accounts/login/", {"username": "charlie", "password": STRONG_PASSWORD}).status == 302
    )
    # Signing in wrote (the last sign-in time): this browser is kept on the primary for a while.
    assert STICKY_COOKIE in browser.cookies
    return browser


def board(browser: topology.Browser, primary, replica) -> tuple[int, int]:
    """Open the progress board; how many of its reads each server logged."""
    before = reads(primary), reads(replica)
    response = browser.get(BOARD)
    assert response.status == 200, response.body[:2000]
    return reads(primary) - before[0], reads(replica) - before[1]


def on_the_replica(browser: topology.Browser, primary, replica) -> tuple[int, int]:
    """Open the board until its reads reach the replica: the replica replays the previous request's own writes
    (its session) a moment after the primary commits them, and until then it is behind."""
    return topology.wait_for(
        lambda: (counts := board(browser, primary, replica))[1] > 0 and counts,
        timeout=30,
        what="reads on the replica",
    )


def test_the_board_reads_from_the_replica_a_browser_that_wrote_from_the_primary(site):
    primary, replica, cluster = site
    web = cluster.web(workers=1)
    browser = signed_in(web)

    just_signed_in = board(browser, primary, replica)
    browser.cookies.pop(STICKY_COOKIE)  # as when the sticky seconds have passed
    later = on_the_replica(browser, primary, replica)
    wrote = browser.post("/duties/calendar/feed/issue/", {})
    after_writing = board(browser, primary, replica)

    assert just_signed_in[0] > 0 and just_signed_in[1] == 0
    assert later[0] == 0 and later[1] > 0
    assert wrote.status in (200, 302) and STICKY_COOKIE in browser.cookies
    assert after_writing[0] > 0 and after_writing[1] == 0
    # The write itself went to the primary (a replica refuses writes anyway).
    assert primary.statements('INSERT INTO "duties_calendarfeed"') == 1


def test_reads_fall_back_to_the_primary_when_the_replica_lags_or_stops(site):
    primary, replica, cluster = site
    web = cluster.web(workers=1)
    browser = signed_in(web)
    browser.cookies.pop(STICKY_COOKIE)
    on_the_replica(browser, primary, replica)

    # The replica stops replaying while the primary writes: it falls behind by more than the bound.
    with replica.connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    with primary.connect("anze") as conn:
        conn.execute("UPDATE org_unit SET phone = '0539-1' WHERE short_name = '罗庄区应急局'")
    topology.wait_for(
        lambda: (
            replica.scalar("SELECT EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())")
            > MAX_LAG
        ),
        timeout=30,
        what="the replica to lag",
    )
    lagging = board(browser, primary, replica)

    with replica.connect() as conn:
        conn.execute("SELECT pg_wal_replay_resume()")
    topology.wait_for(
        lambda: (
            replica.scalar("SELECT phone FROM org_unit WHERE short_name = '罗庄区应急局'", "anze") == "0539-1"
        ),
        timeout=30,
        what="the replica to catch up",
    )
    caught_up = on_the_replica(browser, primary, replica)

    replica.stop()
    stopped = board(browser, primary, replica)

    assert lagging[0] > 0 and lagging[1] == 0
    assert caught_up[0] == 0 and caught_up[1] > 0
    assert stopped[0] > 0
