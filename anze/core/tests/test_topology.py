"""Several processes on one database (topology.py): two web nodes share the sessions, and a Huey worker
killed in the middle of the duties tick leaves nothing half-made or doubled; the next run finishes the work.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from anze.core.tests import topology
from conftest import STRONG_PASSWORD

pytestmark = [pytest.mark.topology]

OCCURRENCES = "SELECT COUNT(*) FROM duties_occurrence"
DISTINCT_OCCURRENCES = (
    "SELECT COUNT(*) FROM (SELECT DISTINCT duty_id, unit_id, period_start FROM duties_occurrence) d"
)
STARTED = "SELECT COUNT(*) FROM duties_jobrun WHERE name = 'duties.tick' AND last_started_at IS NOT NULL"
FINISHED = "SELECT COUNT(*) FROM duties_jobrun WHERE name = 'duties.tick' AND last_finished_at IS NOT NULL"


@pytest.fixture
def shared(transactional_db, charlie, django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database


def test_a_person_signed_in_on_one_web_node_is_signed_in_on_the_other(shared, tmp_path):
    with topology.Cluster(tmp_path, shared) as cluster:
        first, second = cluster.web("web-a", workers=1), cluster.web("web-b", workers=1)
        browser = topology.Browser(first.url)
        browser.get("/accounts/login/")
        assert (
            browser.post("/accounts/login/", {"username": "charlie", "password": STRONG_PASSWORD}).status
            == 302
        )

        on_the_other = topology.Browser(second.url, cookies=dict(browser.cookies)).get("/")
        stranger = topology.Browser(second.url).get("/")

    assert on_the_other.status == 200 and "罗庄应急 Charlie" in on_the_other.body
    assert stranger.status == 302  # to the sign-in page


# -- a worker killed mid-job --------------------------------------------------------------------------------

UNITS = 150
DUTIES = 30


@pytest.fixture
def province_duties(transactional_db, org):
    """30 monthly duties on a group of 150 units: the tick writes about a hundred thousand occurrences, long
    enough to be killed in the middle."""
    from anze.duties.choices import DutyKind, DutyStatus, SubjectKind
    from anze.duties.models import Duty, DutyRule
    from anze.duties.tests.factories import make_clause
    from anze.org.choices import UnitGroupRule, UnitKind
    from anze.org.models import Unit, UnitGroup, UnitGroupMembership

    units = Unit.objects.bulk_create(
        [
            Unit(
                name=f"罗庄区第{i}单位",
                short_name=f"单位{i}",
                kind=UnitKind.GOVERNMENT_DEPARTMENT,
                region=org["luozhuang"],
            )
            for i in range(UNITS)
        ]
    )
    group = UnitGroup.objects.create(
        name="负有安全监管职责的部门", rule=UnitGroupRule.EXPLICIT, region=org["linyi"]
    )
    UnitGroupMembership.objects.bulk_create([UnitGroupMembership(group=group, unit=unit) for unit in units])
    clause = make_clause(org["linyi"], [])
    start = dt.date(timezone.localdate().year, 1, 1)
    for i in range(DUTIES):
        duty = Duty.objects.create(
            clause=clause,
            region=org["linyi"],
            title=f"每月开展安全检查（{i + 1}）",
            kind=DutyKind.RECURRING,
            status=DutyStatus.CONFIRMED,
            subject_kind=SubjectKind.GROUP,
            subject_group=group,
            start_on=start,
            confirmed_at=timezone.now(),
        )
        DutyRule.objects.create(duty=duty, effective_from=start, rrule="FREQ=MONTHLY")


@pytest.fixture
def shared_duties(province_duties, django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database


@pytest.mark.skipif(topology.REDIS_SERVER is None, reason="redis-server is not installed")
def test_a_worker_killed_in_the_middle_of_the_tick_leaves_nothing_doubled_and_the_next_run_finishes(
    shared_duties, tmp_path
):
    from anze.duties.models import Occurrence
    from anze.duties.scheduling import run_tick

    now = timezone.now().replace(microsecond=0)
    shared = shared_duties
    with topology.Cluster(tmp_path, shared) as cluster:
        redis = cluster.redis()
        cluster.redis_url = f"redis://127.0.0.1:{redis.port}/0"
        worker = cluster.worker("worker-a", periodic=False)
        _enqueue_tick(cluster, now)

        topology.wait_for(
            lambda: shared.scalar(STARTED) == 1, timeout=120, what="the tick to start", interval=0.02
        )
        cluster.kill(worker)  # the run has begun and is writing the occurrences
        written_when_killed = shared.scalar(OCCURRENCES)
        assert not _finished(shared), "the tick finished before it could be killed: make the fixture larger"

        cluster.worker("worker-b", periodic=False)
        _enqueue_tick(cluster, now)
        topology.wait_for(lambda: _finished(shared), timeout=300, what="the tick on the second worker")

    # The oracle: the same tick, uninterrupted, on the test's own database (what the copy started from).
    run_tick(now=now)
    expected = Occurrence.objects.count()
    # The kill lands while the run is under way: its committed batches may already hold every occurrence
    # (the run had not yet recorded that it finished), never more than an uninterrupted run writes.
    assert written_when_killed <= expected
    assert shared.scalar(OCCURRENCES) == expected
    assert shared.scalar(DISTINCT_OCCURRENCES) == expected


def _finished(shared) -> bool:
    return shared.scalar(FINISHED) == 1


def _enqueue_tick(cluster, now) -> None:
    done = subprocess.run(  # noqa: S603
        [
            str(topology.BIN / "anze"),
            "shell",
            "-c",
            f"from anze.duties.tasks import tick; tick({now.isoformat()!r})",
        ],
        cwd=topology.REPO_DIR,
        env=cluster.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
