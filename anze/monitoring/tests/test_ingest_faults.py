"""Faults during MQTT ingest, with real processes: no reading the broker acknowledged is lost, none is stored
twice, and no alarm is raised twice.

A Mosquitto of the test's own (its own port and persistence directory, so it can be stopped and started
again; the machine's broker is not touched), `anze monitoring consume` as its own process on a copy of the
test database (anze/core/tests/topology.py), and gateway messages published with QoS 1 and waited for.
What is broken: the broker restarted, the database refusing and cutting connections (SQLite: its write lock
held by another process), the consumer killed with SIGKILL in the middle of its work. A consumer that stops
on a database failure is started again, as its supervisor would.

The oracle is the published data itself: every (point, time) once, and one alarm per excursion.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid

import paho.mqtt.client as paho
import pytest

from anze.core.tests import topology
from anze.monitoring.adapters import canonical
from anze.monitoring.tests.factories import make_point

pytestmark = [pytest.mark.topology]

POINTS = 12
ROUNDS = 60
PREFIX = "anze-faults"
START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)


@pytest.fixture
def plant(transactional_db, lanshan_enterprise, django_db_blocker, tmp_path):
    """An enterprise with POINTS level points (高高 90, debounce 1), committed and copied for the processes."""
    if not topology.MOSQUITTO:
        pytest.skip("mosquitto is not installed")
    points = [make_point(lanshan_enterprise, in_service_from=START - dt.timedelta(days=1)) for _ in range(POINTS)]
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database, lanshan_enterprise, points


def messages(enterprise, points) -> list[bytes]:
    """ROUNDS messages one minute apart, each with every point; point k goes into 高高 at round 2k+5 for two
    rounds (one alarm each, raised and recovered) — the oracle of the alarms."""
    out = []
    for r in range(ROUNDS):
        at = START + dt.timedelta(minutes=r)
        readings = [(p.code, at, 95.0 if r in (2 * k + 5, 2 * k + 6) else 50.0 + r % 5 * 0.25)
                    for k, p in enumerate(points)]  # fmt: skip
        out.append(canonical.encode(enterprise.credit_code, "GW-01", readings, sent_at=at))
    return out


def publish(port: int, enterprise, payloads: list[bytes]) -> None:
    """Publish with QoS 1, each waited for: the broker has acknowledged every one of them on return."""
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"gw-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        for payload in payloads:
            info = client.publish(f"{PREFIX}/{enterprise.credit_code}/GW-01/readings", payload, qos=1)
            info.wait_for_publish(10)
            assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


class Consumer:
    """`anze monitoring consume` under a fixed client id, started again (as a supervisor would) when it stops."""

    def __init__(self, cluster: topology.Cluster, port: int) -> None:
        self.cluster, self.port, self.starts = cluster, port, 0
        self.node: topology.Node | None = None

    def start(self) -> topology.Node:
        self.starts += 1
        self.node = self.cluster.anze(f"consumer{self.starts}", "monitoring", "consume", "--client-id",
                                      "anze-faults", "--batch", "5")  # fmt: skip
        topology.wait_for(lambda: "订阅" in self.node.output() or not self.node.alive(), timeout=60,
                          what="the consumer to subscribe")  # fmt: skip
        return self.node

    def keep_running(self) -> None:
        if self.node is None or not self.node.alive():
            self.start()


def stored(shared) -> int:
    return shared.scalar("SELECT COUNT(*) FROM monitoring_reading")


def wait_all_stored(shared, consumer: Consumer, expected: int, timeout: float = 180) -> None:
    def done() -> bool:
        try:
            consumer.keep_running()
            return stored(shared) >= expected
        except Exception:  # noqa: BLE001 - the database may still be coming back
            return False

    topology.wait_for(done, timeout=timeout, what=f"{expected} readings stored", interval=0.5)


def assert_exactly_once(shared, points) -> None:
    total = POINTS * ROUNDS
    assert stored(shared) == total
    assert shared.scalar("SELECT COUNT(*) FROM (SELECT DISTINCT point_id, at FROM monitoring_reading) d") == total
    # one 高高 alarm per point, raised once and recovered; none raised twice
    assert shared.scalar("SELECT COUNT(*) FROM monitoring_alarm") == POINTS
    assert shared.scalar("SELECT COUNT(DISTINCT point_id) FROM monitoring_alarm WHERE kind = 'limit'") == POINTS
    assert shared.scalar("SELECT COUNT(*) FROM monitoring_alarm WHERE is_active") == 0
    # every point's state has taken the last round
    assert shared.scalar("SELECT COUNT(*) FROM monitoring_monitoringpoint "
                         "WHERE last_at = (SELECT MAX(at) FROM monitoring_reading)") == POINTS  # fmt: skip


def _cluster(tmp_path, shared, port: int) -> topology.Cluster:
    return topology.Cluster(tmp_path, shared, ANZE_MQTT_URL=f"mqtt://127.0.0.1:{port}", ANZE_MQTT_PREFIX=PREFIX,
                            ANZE_SQLITE_BUSY_TIMEOUT="1")  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_broker_restarted_during_ingest_loses_nothing_and_repeats_nothing(plant, tmp_path):
    shared, enterprise, points = plant
    port = _free_port()
    payloads = messages(enterprise, points)
    with _cluster(tmp_path, shared, port) as cluster:
        broker = cluster.mosquitto(port=port)
        consumer = Consumer(cluster, port)
        consumer.start()
        publish(port, enterprise, payloads[: ROUNDS // 2])
        topology.wait_for(lambda: stored(shared) > 0, timeout=60, what="ingest to begin")

        # the broker goes down mid-ingest and comes back on the same port with its saved sessions
        cluster.stop(broker)
        cluster.mosquitto(port=port, directory=tmp_path / "mosquitto-data")
        publish(port, enterprise, payloads[ROUNDS // 2 :])

        wait_all_stored(shared, consumer, POINTS * ROUNDS)
    assert_exactly_once(shared, points)


def test_a_database_that_refuses_and_cuts_connections_during_ingest_loses_nothing(plant, tmp_path):
    shared, enterprise, points = plant
    port = _free_port()
    payloads = messages(enterprise, points)
    outage = topology.postgres_refusing if shared.vendor == "postgresql" else topology.sqlite_write_locked
    with _cluster(tmp_path, shared, port) as cluster:
        cluster.mosquitto(port=port)
        consumer = Consumer(cluster, port)
        consumer.start()
        publish(port, enterprise, payloads[: ROUNDS // 3])
        topology.wait_for(lambda: stored(shared) > 0, timeout=60, what="ingest to begin")

        with outage(shared):
            publish(port, enterprise, payloads[ROUNDS // 3 : 2 * ROUNDS // 3])
            topology.wait_for(lambda: not consumer.node.alive(), timeout=60,
                              what="the consumer to stop on the database failure")  # fmt: skip
        publish(port, enterprise, payloads[2 * ROUNDS // 3 :])

        wait_all_stored(shared, consumer, POINTS * ROUNDS)
    assert consumer.starts >= 2
    assert_exactly_once(shared, points)


def test_a_consumer_killed_mid_batch_loses_nothing_and_raises_nothing_twice(plant, tmp_path):
    shared, enterprise, points = plant
    port = _free_port()
    payloads = messages(enterprise, points)
    with _cluster(tmp_path, shared, port) as cluster:
        cluster.mosquitto(port=port)
        consumer = Consumer(cluster, port)
        consumer.start()
        publish(port, enterprise, payloads)
        topology.wait_for(lambda: stored(shared) > 0, timeout=60, what="ingest to begin")

        cluster.kill(consumer.node)  # SIGKILL: a batch in its transaction is never committed nor acknowledged
        killed_at = stored(shared)

        wait_all_stored(shared, consumer, POINTS * ROUNDS)
    assert consumer.starts == 2 and killed_at <= POINTS * ROUNDS
    assert_exactly_once(shared, points)
